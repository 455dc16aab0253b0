import type { DataSource } from 'typeorm';

/** The oldest PostgreSQL the schema and queries are written for (DROP DATABASE … FORCE, collations, SKIP LOCKED). */
export const MIN_SERVER_VERSION_NUM = 150000;

/** Refuses to start on a PostgreSQL older than 15, with a message that says what was found. */
export async function assertSupportedServer(ds: DataSource): Promise<void> {
  const [row] = (await ds.query(`SELECT current_setting('server_version_num')::int AS num, version() AS text`)) as {
    num: number;
    text: string;
  }[];
  if (row.num < MIN_SERVER_VERSION_NUM)
    throw new Error(`PostgreSQL 15 or later is required; DATABASE_URL points at ${row.text.split(',')[0]}`);
}
