/**
 * What happens to a job whose handler failed: pure decisions of the scheduler, unit-tested
 * (retry-policy.spec.ts) without a database.
 */

/** Waits before the 1st, 2nd, … retry; later retries keep the last one. */
export const RETRY_DELAYS_MS: readonly number[] = [1_000, 5_000, 30_000, 120_000, 600_000];

/** How long to wait before retrying a job that has now failed `failures` times (1 = first failure). */
export function retryDelayMs(failures: number): number {
  if (!Number.isInteger(failures) || failures < 1) throw new RangeError(`failures must be a positive integer`);
  return RETRY_DELAYS_MS[Math.min(failures, RETRY_DELAYS_MS.length) - 1];
}

export type AfterFailure =
  { state: 'PENDING'; attempts: number; retryInMs: number } | { state: 'FAILED'; attempts: number };

/**
 * The job's next state after a failed attempt: `attempts` failures so far (before this one); it gives
 * up (FAILED) once `maxAttempts` attempts have failed, so the handler runs at most `maxAttempts` times.
 */
export function afterFailure(attempts: number, maxAttempts: number): AfterFailure {
  const failures = attempts + 1;
  if (failures >= maxAttempts) return { state: 'FAILED', attempts: failures };
  return { state: 'PENDING', attempts: failures, retryInMs: retryDelayMs(failures) };
}

/**
 * What may be stored and logged about an error: its message (first 500 characters) for `last_error`,
 * and a short description for the log line with no message at all (messages can quote data).
 */
export function describeFailure(err: unknown): { lastError: string; logLine: string } {
  const e = err as { name?: unknown; code?: unknown; message?: unknown } | null | undefined;
  const name = typeof e?.name === 'string' ? e.name : typeof err;
  const code = typeof e?.code === 'string' && /^[A-Z0-9_]{1,40}$/.test(e.code) ? e.code : undefined;
  const message = err instanceof Error ? err.message : String(err);
  return {
    lastError: `${name}${code ? ` ${code}` : ''}: ${message}`.slice(0, 500),
    logLine: code ? `${name} ${code}` : name,
  };
}

/** The payload of a wake-up notice on the jobs channel: the due time in epoch milliseconds, or null. */
export function parseWakeUp(payload: string | undefined): number | null {
  if (!payload || !/^\d{1,16}$/.test(payload)) return null;
  return Number(payload);
}

export interface JobToSchedule {
  kind: string;
  key: string;
  dueAt: Date;
  payload?: Record<string, unknown>;
}

export const MAX_KIND_LENGTH = 40;
export const MAX_KEY_LENGTH = 120;

/**
 * Checks a batch and keeps the last entry of each (kind, key) — one statement cannot upsert the same
 * row twice. Throws on a programming error (empty kind, too long, invalid date), naming it.
 */
export function normaliseBatch(jobs: readonly JobToSchedule[]): JobToSchedule[] {
  const byId = new Map<string, JobToSchedule>();
  for (const job of jobs) {
    if (typeof job.kind !== 'string' || job.kind.length < 1 || job.kind.length > MAX_KIND_LENGTH)
      throw new RangeError(`scheduler: kind must be 1 to ${MAX_KIND_LENGTH} characters`);
    if (typeof job.key !== 'string' || job.key.length < 1 || job.key.length > MAX_KEY_LENGTH)
      throw new RangeError(`scheduler: key of a "${job.kind}" job must be 1 to ${MAX_KEY_LENGTH} characters`);
    if (!(job.dueAt instanceof Date) || Number.isNaN(job.dueAt.getTime()))
      throw new RangeError(`scheduler: dueAt of a "${job.kind}" job must be a valid Date`);
    const id = `${job.kind}\u0000${job.key}`;
    byId.delete(id); // the last one wins, in its own position
    byId.set(id, job);
  }
  return [...byId.values()];
}

/** A fixed-size record of the most recent values (oldest dropped first). */
export class RecentSamples {
  private readonly values: number[] = [];
  private next = 0;

  constructor(readonly capacity: number) {}

  add(value: number): void {
    if (this.values.length < this.capacity) this.values.push(value);
    else this.values[this.next] = value;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Oldest first. */
  snapshot(): number[] {
    if (this.values.length < this.capacity) return [...this.values];
    return [...this.values.slice(this.next), ...this.values.slice(0, this.next)];
  }
}
