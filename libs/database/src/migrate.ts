import type { DataSource, Migration } from 'typeorm';

/** Arbitrary constant: the advisory lock every process takes before migrating. */
const MIGRATION_LOCK_KEY = 7_300_425_119;

/**
 * Runs pending migrations while holding a PostgreSQL advisory lock, so several API replicas
 * starting at once on an empty database migrate one after the other (TypeORM alone does not
 * serialise them across processes). The others wait, then find nothing left to do.
 */
export async function runMigrationsLocked(ds: DataSource): Promise<Migration[]> {
  const lock = ds.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    return await ds.runMigrations({ transaction: 'each' });
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lock.release();
  }
}
