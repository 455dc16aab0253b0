import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { returning, TransactionHost } from '#lib/database';
import { afterFailure, describeFailure, parseWakeUp, RecentSamples } from './retry-policy.js';
import {
  CLAIM_SQL,
  DB_NOW_SQL,
  FAIL_SQL,
  JOBS_CHANNEL,
  LISTENER_APPLICATION_NAME,
  NEXT_DUE_SQL,
  WAKE_SQL,
} from './scheduler.sql.js';
import { SCHEDULER_OPTIONS, type DueJob, type JobHandler, type SchedulerOptions } from './scheduler.types.js';

interface ClaimedRow {
  id: string;
  kind: string;
  key: string;
  due_at: Date;
  due_epoch: string;
  payload: Record<string, unknown>;
  attempts: number;
  late_ms: number;
}

type ClaimOutcome = 'none' | 'done' | 'failed' | 'error';

/** setTimeout's longest delay; a later job is re-armed by the safety re-check long before. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * The per-process runner of libs/scheduler (used through JobScheduler).
 *
 * Wakes up exactly when work is due instead of polling: one timer armed at the earliest pending due
 * time of the kinds handled here (asked of the database, so the two clocks never matter), moved
 * earlier when a notice on `eldercare_jobs` (one LISTEN connection outside the pool, reconnected
 * with back-off) announces an earlier job, and a safety re-check every `schedulerSafetyPollMs`.
 * When work is due it runs up to `schedulerConcurrency` claim loops, each taking one job per
 * transaction (DELETE … FOR UPDATE SKIP LOCKED) and running its handler in that same transaction,
 * until nothing is due; then it re-arms.
 */
@Injectable()
export class JobRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private static readonly RECONNECT_MS = [100, 500, 1_000, 2_000, 5_000];
  private static readonly ERROR_PAUSE_MS = 1_000;
  private static readonly SHUTDOWN_WAIT_MS = 10_000;

  private readonly logger = new Logger('JobScheduler');
  private readonly handlers = new Map<string, JobHandler>();
  private readonly lateness = new RecentSamples(10_000);

  /** Bootstrapped, enabled, not stopping. */
  private running = false;
  private stopping = false;
  private client: pg.Client | undefined;
  private connecting = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reconnectAttempts = 0;
  private safetyTimer: NodeJS.Timeout | undefined;
  /** The one wake-up timer and the due time (epoch ms, database clock) it is armed for. */
  private timer: NodeJS.Timeout | undefined;
  private armedDueMs: number | null = null;
  /** Database clock − application clock (ms), refreshed on every check. */
  private clockOffsetMs = 0;
  private checking = false;
  private checkAgain = false;
  private readonly loops = new Set<Promise<void>>();
  private loopFailed = false;

  constructor(
    @Inject(SCHEDULER_OPTIONS) private readonly options: SchedulerOptions,
    private readonly txHost: TransactionHost,
    private readonly dataSource: DataSource,
  ) {}

  register(kind: string, handler: JobHandler): void {
    if (this.handlers.has(kind)) throw new Error(`scheduler: a handler for "${kind}" is already registered`);
    this.handlers.set(kind, handler);
    if (this.running) {
      this.listen();
      void this.check();
    }
  }

  latencySamples(): readonly number[] {
    return this.lateness.snapshot();
  }

  /** Whether this instance runs jobs (enabled, bootstrapped, not stopping) of at least one kind. */
  get active(): boolean {
    return this.running && this.handlers.size > 0;
  }

  /** Work has just become due (committed by this process): claim it now, without a notice. */
  nudge(): void {
    if (this.active) this.startLoops();
  }

  /** The window within which a newly scheduled job needs a wake-up notice (later ones: the safety re-check arms it). */
  get noticeWindowMs(): number {
    return this.options.schedulerSafetyPollMs;
  }

  // --- lifecycle -------------------------------------------------------------------------------

  onApplicationBootstrap(): void {
    if (!this.options.schedulerEnabled) {
      this.logger.log('job runner disabled on this instance (SCHEDULER_ENABLED=false): jobs are scheduled, not run');
      return;
    }
    this.running = true;
    this.safetyTimer = setInterval(() => void this.check(), this.options.schedulerSafetyPollMs);
    this.safetyTimer.unref();
    this.listen();
    void this.check();
  }

  /** Stops arming, lets the handlers in flight finish (at most 10 s), closes the listener. */
  async onModuleDestroy(): Promise<void> {
    this.running = false;
    this.stopping = true;
    clearInterval(this.safetyTimer);
    this.disarm();
    clearTimeout(this.reconnectTimer);
    if (this.loops.size) {
      let timeout: NodeJS.Timeout | undefined;
      const waited = await Promise.race([
        Promise.allSettled([...this.loops]).then(() => true),
        new Promise<false>((resolve) => (timeout = setTimeout(() => resolve(false), JobRunner.SHUTDOWN_WAIT_MS))),
      ]);
      clearTimeout(timeout);
      if (!waited) this.logger.warn(`shutdown: ${this.loops.size} job handler(s) still running after 10 s`);
    }
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  // --- waking up -------------------------------------------------------------------------------

  /** Asks the database for the next due job and arms the timer for it, or starts claiming when it is due. */
  private async check(): Promise<void> {
    if (!this.running || this.handlers.size === 0) return;
    if (this.checking) {
      this.checkAgain = true;
      return;
    }
    this.checking = true;
    try {
      do {
        this.checkAgain = false;
        const sentAt = Date.now();
        const [next] = (await this.outsideTransaction(NEXT_DUE_SQL, [this.kinds()])) as {
          due_ms: number;
          delay_ms: number;
        }[];
        if (!this.running) return;
        if (!next) {
          this.disarm();
          await this.refreshClockOffset(sentAt);
        } else {
          this.clockOffsetMs = next.due_ms - next.delay_ms - (sentAt + Date.now()) / 2;
          if (next.delay_ms <= 0) {
            this.disarm();
            this.startLoops();
          } else this.arm(next.due_ms, next.delay_ms);
        }
      } while (this.checkAgain && this.running);
    } catch (err) {
      this.logger.warn(`job check failed (${describeFailure(err).logLine}); retrying in 1 s`);
      this.armRetry();
    } finally {
      this.checking = false;
    }
  }

  private async refreshClockOffset(sentAt: number): Promise<void> {
    const [row] = (await this.outsideTransaction(DB_NOW_SQL, [])) as { now_ms: number }[];
    this.clockOffsetMs = row.now_ms - (sentAt + Date.now()) / 2;
  }

  /** A notice: a job of some kind is due at `dueMs` (database clock). */
  private wakeUp(dueMs: number): void {
    if (!this.running || this.handlers.size === 0) return;
    const delay = dueMs - (Date.now() + this.clockOffsetMs);
    if (delay <= 0) this.startLoops();
    else if (this.armedDueMs === null || dueMs < this.armedDueMs) this.arm(dueMs, delay);
  }

  private arm(dueMs: number, delayMs: number): void {
    this.disarm();
    this.armedDueMs = dueMs;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.armedDueMs = null;
        this.startLoops();
      },
      Math.min(Math.max(0, Math.ceil(delayMs)), MAX_TIMER_MS),
    );
    this.timer.unref();
  }

  private armRetry(): void {
    if (!this.running) return;
    this.disarm();
    this.armedDueMs = Date.now() + this.clockOffsetMs + JobRunner.ERROR_PAUSE_MS;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.armedDueMs = null;
      void this.check();
    }, JobRunner.ERROR_PAUSE_MS);
    this.timer.unref();
  }

  private disarm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.armedDueMs = null;
  }

  // --- claiming --------------------------------------------------------------------------------

  /** Tops the claim loops up to the configured concurrency. */
  private startLoops(): void {
    while (this.running && this.loops.size < this.options.schedulerConcurrency) {
      const loop: Promise<void> = this.claimLoop().finally(() => {
        this.loops.delete(loop);
        if (this.loops.size > 0 || !this.running) return;
        // the last loop found nothing due: arm for the next job (after a pause when the database failed)
        if (this.loopFailed) {
          this.loopFailed = false;
          this.armRetry();
        } else void this.check();
      });
      this.loops.add(loop);
    }
  }

  private async claimLoop(): Promise<void> {
    while (this.running) {
      const outcome = await this.claimOne();
      if (outcome === 'none') return;
      if (outcome === 'error') {
        this.loopFailed = true;
        return;
      }
    }
  }

  /** Claims one due job and runs its handler in the same transaction; records a failure in a new one. */
  private async claimOne(): Promise<ClaimOutcome> {
    let claimed: ClaimedRow | undefined;
    try {
      await this.txHost.withoutTransaction(() =>
        this.txHost.withTransaction(async () => {
          [claimed] = await returning<ClaimedRow>(this.txHost.tx, CLAIM_SQL, [this.kinds()]);
          if (!claimed) return;
          const handler = this.handlers.get(claimed.kind);
          if (!handler) throw new Error(`no handler for "${claimed.kind}" on this instance`); // unregistered: cannot happen
          await handler(toDueJob(claimed));
        }),
      );
    } catch (err) {
      if (!claimed) {
        if (this.running) this.logger.warn(`job claim failed (${describeFailure(err).logLine})`);
        return 'error';
      }
      return (await this.recordFailure(claimed, err)) ? 'failed' : 'error';
    }
    if (!claimed) return 'none';
    this.lateness.add(claimed.late_ms);
    return 'done';
  }

  /** The handler threw and its transaction rolled back (restoring the row): count the attempt, or give up. */
  private async recordFailure(job: ClaimedRow, err: unknown): Promise<boolean> {
    const failure = describeFailure(err);
    const next = afterFailure(job.attempts, this.options.schedulerMaxAttempts);
    const retryInMs = next.state === 'PENDING' ? next.retryInMs : 0;
    try {
      await this.txHost.withoutTransaction(() =>
        this.txHost.withTransaction(async () => {
          const [row] = await returning<{ due_ms: string }>(this.txHost.tx, FAIL_SQL, [
            job.id,
            job.due_epoch,
            job.attempts,
            next.state,
            retryInMs,
            failure.lastError,
          ]);
          if (row && next.state === 'PENDING') await this.txHost.tx.query(WAKE_SQL, [row.due_ms]);
        }),
      );
    } catch (updateErr) {
      this.logger.warn(
        `job ${job.kind}#${job.id}: attempt ${next.attempts} failed (${failure.logLine}) and could not be recorded (${describeFailure(updateErr).logLine})`,
      );
      return false;
    }
    if (next.state === 'FAILED')
      this.logger.warn(
        `job ${job.kind}#${job.id} FAILED after ${next.attempts} attempt(s) (${failure.logLine}); kept with its last error`,
      );
    else
      this.logger.log(
        `job ${job.kind}#${job.id}: attempt ${next.attempts} failed (${failure.logLine}); retry in ${retryInMs / 1000} s`,
      );
    return true;
  }

  // --- listening -------------------------------------------------------------------------------

  /** Opens the LISTEN connection once this instance has bootstrapped and handles a kind. */
  private listen(): void {
    if (!this.running || this.handlers.size === 0 || this.client || this.reconnectTimer || this.connecting) return;
    void this.connect();
  }

  private async connect(): Promise<void> {
    if (!this.running) return;
    this.connecting = true;
    const options = this.dataSource.options as { url?: string };
    const client = new pg.Client({ connectionString: options.url, application_name: LISTENER_APPLICATION_NAME });
    client.on('notification', (msg) => {
      const dueMs = parseWakeUp(msg.payload);
      if (dueMs !== null) this.wakeUp(dueMs);
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${JOBS_CHANNEL}`);
    } catch (err) {
      this.connecting = false;
      await client.end().catch(() => undefined);
      this.lost(client, err as Error);
      return;
    }
    this.connecting = false;
    if (!this.running) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.reconnectAttempts = 0;
    // notices sent before this connection listened (first start, or while reconnecting) are lost: ask
    // the database now that every later one will arrive
    void this.check();
  }

  private lost(client: pg.Client, err?: Error): void {
    if (!this.running || this.reconnectTimer) return;
    if (this.client && this.client !== client) return; // an older connection's late event
    this.client = undefined;
    const retry = JobRunner.RECONNECT_MS;
    const delay = retry[Math.min(this.reconnectAttempts, retry.length - 1)];
    this.reconnectAttempts += 1;
    this.logger.warn(
      `job listener lost${err ? ` (${describeFailure(err).logLine})` : ''}: reconnecting in ${delay} ms`,
    );
    client.removeAllListeners('end');
    client.end().catch(() => undefined);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.connect();
    }, delay);
    this.reconnectTimer.unref();
  }

  // --- helpers ---------------------------------------------------------------------------------

  private kinds(): string[] {
    return [...this.handlers.keys()];
  }

  /** A read on the pool, never inside whatever transaction the caller's async context carries. */
  private outsideTransaction(sql: string, params: unknown[]): Promise<unknown[]> {
    return this.txHost.withoutTransaction(() => this.txHost.tx.query(sql, params) as Promise<unknown[]>);
  }
}

function toDueJob(row: ClaimedRow): DueJob {
  return {
    id: row.id,
    kind: row.kind,
    key: row.key,
    dueAt: row.due_at,
    payload: row.payload ?? {},
    attempts: row.attempts,
  };
}
