/** A job whose due time has come, as its handler receives it. */
export interface DueJob<P = Record<string, unknown>> {
  id: string;
  kind: string;
  key: string;
  dueAt: Date;
  payload: P;
  /** Failed attempts before this one (0 on the first run). */
  attempts: number;
}

/** Runs inside the transaction that consumes the job: a throw rolls both back and the job is retried. */
export type JobHandler<P = Record<string, unknown>> = (job: DueJob<P>) => Promise<void>;

/** The scheduler's settings (AppConfig has them under these names: SchedulerModule.forRoot(config)). */
export interface SchedulerOptions {
  /** Run jobs on this instance (SCHEDULER_ENABLED); an instance without a runner still schedules. */
  schedulerEnabled: boolean;
  /** Claim loops per instance (SCHEDULER_CONCURRENCY): jobs handled at the same time. */
  schedulerConcurrency: number;
  /** Safety re-check of the next due time (SCHEDULER_SAFETY_POLL_MS), should a notice be lost. */
  schedulerSafetyPollMs: number;
  /** Attempts before a job stays FAILED (SCHEDULER_MAX_ATTEMPTS). */
  schedulerMaxAttempts: number;
}

export const DEFAULT_SCHEDULER_OPTIONS: SchedulerOptions = {
  schedulerEnabled: true,
  schedulerConcurrency: 4,
  schedulerSafetyPollMs: 5_000,
  schedulerMaxAttempts: 8,
};

export const SCHEDULER_OPTIONS = Symbol('SCHEDULER_OPTIONS');
