import { Injectable } from '@nestjs/common';
import { TransactionHost } from '#lib/database';
import { JobRunner } from './job-runner.js';
import { normaliseBatch, type JobToSchedule } from './retry-policy.js';
import { CANCEL_SQL, SCHEDULE_SQL, STATS_SQL, WAKE_SQL } from './scheduler.sql.js';
import type { JobHandler } from './scheduler.types.js';

/**
 * Durable, exact, exactly-once timers in PostgreSQL (table `scheduled_job`; see libs/scheduler/README.md).
 *
 * A job is identified by (kind, key) — e.g. ('offer.expire', offerId) — and at most one is pending per
 * pair. Scheduling, moving and cancelling go through the ambient transaction (TransactionHost.tx), so
 * the job exists exactly when the business change that needs it commits. A job fires within about a
 * second of its due time (usually a few ms) on one instance that handles its kind, and its handler
 * runs in the transaction that deletes the job row.
 */
@Injectable()
export class JobScheduler {
  constructor(
    private readonly txHost: TransactionHost,
    private readonly runner: JobRunner,
  ) {}

  /**
   * Schedules (or moves: upsert on (kind, key)) the one pending job of (kind, key) at `dueAt`, in the
   * ambient transaction: it exists only if that transaction commits. Moving resets its attempts (also
   * of a FAILED job, which becomes pending again). Wakes the runners when the transaction commits.
   */
  async schedule(kind: string, key: string, dueAt: Date, payload?: Record<string, unknown>): Promise<void> {
    await this.scheduleMany([{ kind, key, dueAt, payload }]);
  }

  /** Many at once, in one statement (a (kind, key) given twice: the last one counts). */
  async scheduleMany(jobs: JobToSchedule[]): Promise<void> {
    const batch = normaliseBatch(jobs);
    if (!batch.length) return;
    await this.txHost.tx.query(SCHEDULE_SQL, [
      batch.map((j) => j.kind),
      batch.map((j) => j.key),
      batch.map((j) => j.dueAt.toISOString()),
      batch.map((j) => JSON.stringify(j.payload ?? {})),
      this.runner.noticeWindowMs,
    ]);
  }

  /**
   * For a job that was written due now by a statement of its own (outside this API, e.g. in order
   * creation's single INSERT) and has committed: this instance claims it at once when it runs jobs,
   * otherwise a notice (autocommit: it costs no commit serialisation) wakes the instances that do.
   */
  async wake(): Promise<void> {
    if (this.runner.active) return this.runner.nudge();
    await this.txHost.withoutTransaction(() => this.txHost.tx.query(WAKE_SQL, ['0']));
  }

  /** Removes the pending (or failed) job of (kind, key) in the ambient transaction; no-op when there is none. */
  async cancel(kind: string, key: string): Promise<void> {
    await this.txHost.tx.query(CANCEL_SQL, [kind, key]);
  }

  /**
   * Registers the handler of a kind (in onModuleInit of the module that owns the kind); this instance
   * then claims jobs of that kind. The handler runs inside txHost.withTransaction together with the
   * DELETE of the job row: its effects and the job's consumption commit or roll back together. A throw
   * rolls back and the job is retried after 1 s, 5 s, 30 s, 2 min, then every 10 min; once
   * SCHEDULER_MAX_ATTEMPTS attempts have failed it stays as FAILED with its last error (warn log).
   */
  handle<P>(kind: string, handler: JobHandler<P>): void {
    this.runner.register(kind, handler as unknown as JobHandler);
  }

  /** For tests and operations: pending jobs (in all, per kind), failed jobs, the next due time. */
  async stats(): Promise<{ pending: number; failed: number; nextDueAt: Date | null; byKind: Record<string, number> }> {
    const rows = (await this.txHost.tx.query(STATS_SQL)) as {
      kind: string;
      pending: number;
      failed: number;
      next_due_at: Date | null;
    }[];
    const out = { pending: 0, failed: 0, nextDueAt: null as Date | null, byKind: {} as Record<string, number> };
    for (const r of rows) {
      out.pending += r.pending;
      out.failed += r.failed;
      if (r.pending) out.byKind[r.kind] = r.pending;
      if (r.next_due_at && (!out.nextDueAt || r.next_due_at < out.nextDueAt)) out.nextDueAt = r.next_due_at;
    }
    return out;
  }

  /** Lateness (ms: database clock at claim − due time) of the last 10 000 jobs handled on this instance, oldest first. */
  latencySamples(): readonly number[] {
    return this.runner.latencySamples();
  }
}
