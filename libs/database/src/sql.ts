import type { DataSource, EntityManager } from 'typeorm';

/**
 * Runs an UPDATE/DELETE … RETURNING and gives back the returned rows. (TypeORM's `query()`
 * answers UPDATE and DELETE with `[rows, rowCount]`, INSERT and SELECT with `rows`.)
 */
export async function returning<T>(db: DataSource | EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  const result = (await db.query(sql, params)) as unknown;
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number')
    return result[0] as T[];
  return result as T[];
}
