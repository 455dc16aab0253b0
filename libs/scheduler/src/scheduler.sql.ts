/** The scheduler's statements, in one place (table: libs/database/src/migrations/1795700000000-ScheduledJob.ts). */

/** The channel every runner LISTENs on; the payload is the due time of the earliest job just scheduled (epoch ms). */
export const JOBS_CHANNEL = 'eldercare_jobs';

/** The listening connection's application_name (visible in pg_stat_activity). */
export const LISTENER_APPLICATION_NAME = 'eldercare-jobs';

/**
 * Upserts a batch ($1 kinds, $2 keys, $3 due times, $4 payloads) and, in the same statement, sends the
 * wake-up notice with the earliest due time (delivered when the transaction commits) — only when that
 * is within $5 ms (the safety re-check's period): a later job is found and armed by the next re-check
 * of every runner, and a NOTIFY serialises the commits of every notifying transaction in the database
 * (measured: 15,000 → 3,000 small commits/s), so it is kept to the jobs that need it. Moving a job
 * makes it a fresh pending job again (attempts and error cleared), also when it had FAILED.
 */
export const SCHEDULE_SQL = `
WITH upserted AS (
  INSERT INTO scheduled_job (kind, key, due_at, payload)
  SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::timestamptz[], $4::jsonb[])
  ON CONFLICT (kind, key) DO UPDATE
    SET due_at = EXCLUDED.due_at, payload = EXCLUDED.payload, state = 'PENDING', attempts = 0, last_error = NULL
  RETURNING due_at
)
SELECT pg_notify('${JOBS_CHANNEL}', floor(extract(epoch FROM m) * 1000)::bigint::text)
  FROM (SELECT min(due_at) AS m FROM upserted) first
 WHERE m < clock_timestamp() + make_interval(secs => $5::float8 / 1000)`;

export const CANCEL_SQL = `DELETE FROM scheduled_job WHERE kind = $1 AND key = $2`;

/**
 * The earliest pending job of the kinds handled here ($1) that nobody is handling right now (a claimed
 * row is locked; KEY SHARE conflicts with the claim's DELETE, so SKIP LOCKED passes over it): its due
 * time in epoch ms and how far ahead of the database's clock it is (negative: overdue), so the
 * application's clock never matters.
 */
export const NEXT_DUE_SQL = `
SELECT (extract(epoch FROM due_at) * 1000)::float8 AS due_ms,
       (extract(epoch FROM due_at - clock_timestamp()) * 1000)::float8 AS delay_ms
  FROM scheduled_job
 WHERE state = 'PENDING' AND kind = ANY($1::varchar[])
 ORDER BY due_at
 LIMIT 1
   FOR KEY SHARE SKIP LOCKED`;

/** The database's clock, to relate notices' due times to the application's timers. */
export const DB_NOW_SQL = `SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS now_ms`;

/**
 * Takes the earliest due job of the kinds handled here ($1) that no other runner holds, deleting it in
 * the caller's transaction: if the transaction rolls back the row is back, if it commits the job is
 * consumed — together with whatever the handler wrote in that transaction.
 */
export const CLAIM_SQL = `
DELETE FROM scheduled_job
 WHERE id = (SELECT id FROM scheduled_job
              WHERE state = 'PENDING' AND due_at <= clock_timestamp() AND kind = ANY($1::varchar[])
              ORDER BY due_at
              LIMIT 1
                FOR UPDATE SKIP LOCKED)
RETURNING id, kind, key, due_at, payload, attempts, extract(epoch FROM due_at)::text AS due_epoch,
          (extract(epoch FROM clock_timestamp() - due_at) * 1000)::float8 AS late_ms`;

/**
 * Records a failed attempt on the row the rollback restored ($1 id), unless it changed meanwhile (moved
 * or cancelled; $2 the claimed due time as exact epoch seconds, $3 the claimed attempts): $4 'PENDING'
 * with a retry after $5 ms, or 'FAILED'; $6 the error.
 */
export const FAIL_SQL = `
UPDATE scheduled_job
   SET attempts = attempts + 1,
       state = $4::varchar,
       due_at = CASE WHEN $4::varchar = 'PENDING' THEN clock_timestamp() + make_interval(secs => $5::float8 / 1000) ELSE due_at END,
       last_error = left($6::text, 500)
 WHERE id = $1 AND state = 'PENDING' AND extract(epoch FROM due_at) = $2::numeric AND attempts = $3::int
RETURNING floor(extract(epoch FROM due_at) * 1000)::bigint::text AS due_ms`;

/** Wakes the runners (on commit, or at once outside a transaction) for a job due at $1 (epoch ms as text). */
export const WAKE_SQL = `SELECT pg_notify('${JOBS_CHANNEL}', $1)`;

export const STATS_SQL = `
SELECT kind,
       count(*) FILTER (WHERE state = 'PENDING')::int AS pending,
       count(*) FILTER (WHERE state = 'FAILED')::int AS failed,
       min(due_at) FILTER (WHERE state = 'PENDING') AS next_due_at
  FROM scheduled_job
 GROUP BY kind`;
