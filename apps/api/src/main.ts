import 'reflect-metadata';
import cluster from 'node:cluster';
import { DataSource } from 'typeorm';
import { assertSupportedServer, buildDataSourceOptions, runMigrationsLocked } from '#lib/database';
import { dispatchConfig } from '#lib/dispatch';
import { PiiCipher } from '#lib/kernel';
import { loadConfig, type AppConfig } from './config/config.js';
import { connectDatabase } from './database.js';
import { ENTITIES } from './entities.js';
import { createApp } from './bootstrap.js';

/** Set by the primary for its workers: the database they all share. */
const WORKER_DB_URL = 'ELDERCARE_WORKER_DATABASE_URL';

/**
 * The primary process owns the database (embedded or DATABASE_URL), runs migrations and the demo
 * seed, then serves HTTP itself (API_WORKERS=1) or forks API_WORKERS workers that share the port.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  if (cluster.isWorker) return serve(config, process.env[WORKER_DB_URL]!, () => Promise.resolve());

  const db = await connectDatabase(config);
  if (db.embedded) console.log(`embedded PostgreSQL ready (data in ${db.location})`);
  // Migrations run before anything listens; replicas starting together take turns (advisory lock).
  const ds = new DataSource(buildDataSourceOptions({ url: db.url, entities: ENTITIES }));
  await ds.initialize();
  await assertSupportedServer(ds);
  const applied = await runMigrationsLocked(ds);
  if (applied.length) console.log(`applied ${applied.length} migration(s)`);
  const cipher = new PiiCipher(config.piiEncryptionKey, config.piiHashKey);
  const demo = config.demoSeed ? await seedDemoIfEmpty(ds, cipher, config.port) : undefined;
  // how to watch dispatch on the demo data, at every start while the demo accounts are there
  const walkthrough = config.demoSeed ? await demoWalkthrough(ds, cipher, config) : undefined;
  await ds.destroy();

  const base = `http://localhost:${config.port}`;
  const banner = `\n  智慧养老平台 API listening on ${base}${config.workers > 1 ? ` (${config.workers} workers)` : ''}\n  OpenAPI: ${base}/api/docs   health: ${base}/health`;
  if (config.workers === 1) {
    await serve(config, db.url, db.stop);
  } else {
    await forkWorkers(config.workers, db.url, db.stop);
  }
  console.log(banner);
  if (demo) console.log(demo);
  if (walkthrough) console.log(walkthrough);
}

async function serve(config: AppConfig, databaseUrl: string, stopDatabase: () => Promise<void>): Promise<void> {
  const app = await createApp({ config, databaseUrl });
  const shutdown = () =>
    void app
      .close()
      .then(stopDatabase)
      .finally(() => process.exit(0));
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  await app.listen(config.port, config.host);
}

/** Starts the workers, replaces one that dies, and stops them (then the database) on a signal. */
async function forkWorkers(count: number, databaseUrl: string, stopDatabase: () => Promise<void>): Promise<void> {
  let stopping = false;
  const fork = () => cluster.fork({ [WORKER_DB_URL]: databaseUrl });
  cluster.on('exit', (worker, code) => {
    if (stopping) return;
    console.error(`worker ${worker.process.pid} exited (${code}); starting another`);
    fork();
  });
  const listening = Array.from({ length: count }, () => new Promise((resolve) => fork().once('listening', resolve)));
  const shutdown = () => {
    stopping = true;
    const workers = Object.values(cluster.workers ?? {});
    void Promise.all(workers.map((w) => new Promise((resolve) => w!.once('exit', resolve).process.kill('SIGTERM'))))
      .then(stopDatabase)
      .finally(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  await Promise.all(listening);
}

/** Loads the demo data set into an empty database (first start) and returns what to print. */
async function seedDemoIfEmpty(ds: DataSource, cipher: PiiCipher, port: number): Promise<string | undefined> {
  const { seedDemo } = await import('../../../scripts/seed/demo.js');
  return seedDemo(ds, cipher, `http://localhost:${port}`);
}

/** The dispatch walk-through of the demo data (scripts/seed/demo.ts), with this deployment's escalation delays. */
async function demoWalkthrough(ds: DataSource, cipher: PiiCipher, config: AppConfig): Promise<string | undefined> {
  const { demoWalkthrough: text } = await import('../../../scripts/seed/demo.js');
  const { escalation } = dispatchConfig(config.dispatchConfig);
  return text(ds, cipher, `http://localhost:${config.port}`, escalation.NORMAL);
}

/** One sentence for the console: what went wrong and what to do (no stack trace). */
function startFailure(err: unknown): string {
  const e = err as NodeJS.ErrnoException & { port?: number };
  if (e?.code === 'EADDRINUSE')
    return `port ${e.port ?? ''} is already in use: stop the program using it, or set PORT to another port`;
  return err instanceof Error ? err.message : String(err);
}

main().catch((err: unknown) => {
  console.error(`\nstart failed: ${startFailure(err)}`);
  process.exit(1);
});
