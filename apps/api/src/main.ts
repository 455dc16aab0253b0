import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { assertSupportedServer, buildDataSourceOptions, runMigrationsLocked } from '#lib/database';
import { PiiCipher } from '#lib/kernel';
import { loadConfig } from './config/config.js';
import { connectDatabase } from './database.js';
import { ENTITIES } from './entities.js';
import { createApp } from './bootstrap.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const db = await connectDatabase(config);
  if (db.embedded) console.log(`embedded PostgreSQL ready (data in ${config.dataDir})`);

  // Migrations run before the app listens; replicas starting together take turns (advisory lock).
  const ds = new DataSource(buildDataSourceOptions({ url: db.url, entities: ENTITIES }));
  await ds.initialize();
  await assertSupportedServer(ds);
  const applied = await runMigrationsLocked(ds);
  if (applied.length) console.log(`applied ${applied.length} migration(s)`);
  const demo = config.demoSeed
    ? await seedDemoIfEmpty(ds, new PiiCipher(config.piiEncryptionKey, config.piiHashKey), config.port)
    : undefined;
  await ds.destroy();

  const app = await createApp({ config, databaseUrl: db.url });
  app.enableShutdownHooks();
  process.once('SIGTERM', () => void app.close().then(() => db.stop()));
  process.once('SIGINT', () => void app.close().then(() => db.stop()));
  await app.listen(config.port, config.host);
  const base = `http://localhost:${config.port}`;
  console.log(`\n  智慧养老平台 API listening on ${base}\n  OpenAPI: ${base}/api/docs   health: ${base}/health`);
  if (demo) console.log(demo);
}

/** Loads the demo data set into an empty database (first start) and returns what to print. */
async function seedDemoIfEmpty(ds: DataSource, cipher: PiiCipher, port: number): Promise<string | undefined> {
  const { seedDemo } = await import('../../../scripts/seed/demo.js');
  return seedDemo(ds, cipher, `http://localhost:${port}`);
}

main().catch((err: unknown) => {
  console.error(`\nstart failed: ${(err as Error).message}`);
  process.exit(1);
});
