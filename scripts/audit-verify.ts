/**
 * Verifies the hash chain of the audit log and names the first broken row.
 *   npm run audit:verify            (node dist/scripts/audit-verify.js [--json])
 * Exit code 0 when the chain is intact, 1 when it is broken (or the check could not run).
 * Uses DATABASE_URL, or the embedded cluster (EMBEDDED_PG_DATA_DIR) like the API.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '#lib/database';
import { verifyChain } from '#lib/audit-trail';
import { ENTITIES } from '../apps/api/src/entities.js';
import { loadConfig } from '../apps/api/src/config/config.js';
import { connectDatabase } from '../apps/api/src/database.js';

async function main(): Promise<number> {
  const json = process.argv.includes('--json');
  const config = loadConfig();
  const db = await connectDatabase(config);
  const ds = new DataSource(buildDataSourceOptions({ url: db.url, entities: ENTITIES }));
  await ds.initialize();
  try {
    const result = await verifyChain(ds);
    if (json) console.log(JSON.stringify(result));
    else if (result.ok) console.log(`audit log intact: ${result.rows} row(s) verified`);
    else
      console.error(
        `audit log BROKEN at row ${result.firstBroken!.seq} (${result.firstBroken!.reason}): ${result.firstBroken!.message}` +
          ` — ${result.rows} row(s) read`,
      );
    return result.ok ? 0 : 1;
  } finally {
    await ds.destroy();
    await db.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`audit verification failed: ${(err as Error).message}`);
    process.exit(1);
  },
);
