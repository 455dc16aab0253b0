import pg from 'pg';
import { DomainError } from '#lib/kernel';

/** How long a use case waits for a pooled connection before it is refused (DB_POOL_ACQUIRE_TIMEOUT_MS). */
export const DEFAULT_POOL_ACQUIRE_TIMEOUT_MS = 5_000;

/**
 * No pooled connection became free (or could be opened) within the acquire timeout. The API
 * answers 503 DATABASE_BUSY with Retry-After instead of letting the request wait forever.
 */
export class DatabaseBusyError extends DomainError {
  constructor(
    readonly timeoutMs: number,
    /** Pool figures at the moment of the timeout (for the log line; no request data). */
    readonly pool: { size: number; inUse: number; waiting: number },
    options?: { cause?: unknown },
  ) {
    const retryAfterSeconds = Math.max(1, Math.ceil(timeoutMs / 1000));
    super('DATABASE_BUSY', 'UNAVAILABLE', 'the database is busy: no connection became free in time, retry shortly', {
      retryAfterSeconds,
    });
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

/**
 * pg-pool 3 reports its connectionTimeoutMillis with plain Errors that carry no code, so they are
 * told apart by their exact messages: waiting in the queue for a busy pool, or opening a new
 * connection. Only errors coming out of `Pool.connect()` are looked at (see BusyAwarePool), so a
 * query error with similar words is never mistaken for one. A unit test runs the real pg-pool to
 * catch a change of wording.
 */
const ACQUIRE_TIMEOUT_MESSAGES = new Set([
  'timeout exceeded when trying to connect',
  'Connection terminated due to connection timeout',
]);

export function isAcquireTimeout(err: unknown): boolean {
  return err instanceof Error && !(err instanceof DomainError) && ACQUIRE_TIMEOUT_MESSAGES.has(err.message);
}

type ConnectCallback = (
  err: Error | undefined,
  client: pg.PoolClient | undefined,
  done: (release?: unknown) => void,
) => void;

/** pg's Pool whose acquire timeouts surface as DatabaseBusyError (TypeORM and pool.query go through connect). */
export class BusyAwarePool extends pg.Pool {
  override connect(): Promise<pg.PoolClient>;
  override connect(callback: ConnectCallback): void;
  override connect(callback?: ConnectCallback): Promise<pg.PoolClient> | void {
    if (!callback)
      return super.connect().catch((err: unknown) => {
        throw this.translate(err);
      });
    super.connect((err, client, done) => callback(err && this.translate(err), client, done));
  }

  private translate<E>(err: E): E | DatabaseBusyError {
    if (!isAcquireTimeout(err)) return err;
    return new DatabaseBusyError(
      this.options.connectionTimeoutMillis ?? 0,
      { size: this.options.max ?? 10, inUse: this.totalCount - this.idleCount, waiting: this.waitingCount },
      { cause: err },
    );
  }
}

/** The `pg` driver for TypeORM's `driver` option: pg itself, with BusyAwarePool as its Pool. */
export const busyAwarePg: typeof pg = Object.assign(Object.create(pg) as typeof pg, { Pool: BusyAwarePool });
