import { rmSync } from 'node:fs';
import pg from 'pg';

export default async function globalTeardown() {
  const embedded = globalThis.__ELDERCARE_PG__;
  if (embedded) {
    await embedded.stop();
    rmSync(embedded.dataDir, { recursive: true, force: true });
    return;
  }
  // External server: drop the per-file databases this run created.
  if (!process.env.ELDERCARE_TEST_ADMIN_URL) return;
  const admin = new pg.Client({ connectionString: process.env.ELDERCARE_TEST_ADMIN_URL });
  await admin.connect();
  const { rows } = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE 'eldercare_test_%'`);
  for (const r of rows) await admin.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
  await admin.end();
}
