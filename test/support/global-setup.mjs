// One PostgreSQL per test run: TEST_DATABASE_URL when given (PostgreSQL 15+), otherwise an embedded
// cluster under the OS temp dir. Migrations run once into a template database; every e2e file clones
// it (CREATE DATABASE … TEMPLATE), so files are isolated and can run in parallel.
// globalSetup runs outside Jest's module mapper, so it uses the compiled code (`npm test` builds first).
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { DataSource } from 'typeorm';

const dist = (p) => new URL(`../../dist/${p}`, import.meta.url).href;
export const TEMPLATE_DB = 'eldercare_test_template';

export default async function globalSetup() {
  const { buildDataSourceOptions, startEmbeddedPostgres, EmbeddedPostgresError } = await import(
    dist('libs/database/src/index.js')
  );
  const { ENTITIES } = await import(dist('apps/api/src/entities.js'));
  let adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'eldercare-test-'));
    chmodSync(dataDir, 0o755);
    let db;
    try {
      db = await startEmbeddedPostgres({
        dataDir: path.join(dataDir, 'pgdata'),
        database: 'postgres',
        settings: { dataDir: 'TMPDIR', example: '/tmp', url: 'TEST_DATABASE_URL' },
      });
    } catch (err) {
      rmSync(dataDir, { recursive: true, force: true });
      // The one sentence `npm start` prints, not a stack trace (Jest prints error.stack).
      if (err instanceof EmbeddedPostgresError) err.stack = `test database: ${err.message}`;
      throw err;
    }
    adminUrl = db.url;
    globalThis.__ELDERCARE_PG__ = { ...db, dataDir };
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${TEMPLATE_DB}`;
  const ds = new DataSource(buildDataSourceOptions({ url: url.toString(), entities: ENTITIES }));
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();
  // Workers start after globalSetup and inherit these.
  process.env.ELDERCARE_TEST_ADMIN_URL = adminUrl;
  process.env.ELDERCARE_TEST_TEMPLATE_DB = TEMPLATE_DB;
}
