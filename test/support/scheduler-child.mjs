// A separate API process for test/platform/scheduler.e2e-spec.ts, to be killed with SIGKILL in the
// middle of a job: it builds the real app (compiled code in dist/, like global-setup.mjs), registers a
// handler for `test.kill` that writes a row and then hangs, prints `READY`, and `HANDLING <key>` for
// each job it has taken. Environment: DATABASE_URL and the keys, from the test.
import 'reflect-metadata';
import { Writable } from 'node:stream';

const dist = (p) => new URL(`../../dist/${p}`, import.meta.url).href;
const { createApp } = await import(dist('apps/api/src/bootstrap.js'));
const { loadConfig } = await import(dist('apps/api/src/config/config.js'));
const { JobScheduler } = await import(dist('libs/scheduler/src/index.js'));
const { TransactionHost } = await import(dist('libs/database/src/index.js'));

const config = loadConfig({ ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', DEMO_SEED: 'false' });
const quiet = new Writable({ write: (_chunk, _enc, cb) => cb() });
const app = await createApp({ config, databaseUrl: config.databaseUrl, logDestination: quiet });
await app.init();
const txHost = app.get(TransactionHost);
app.get(JobScheduler).handle('test.kill', async (job) => {
  await txHost.tx.query(`INSERT INTO sched_probe (kind, key, instance, attempts) VALUES ($1, $2, 'child', $3)`, [
    job.kind,
    job.key,
    job.attempts,
  ]);
  process.stdout.write(`HANDLING ${job.key}\n`);
  await new Promise(() => {}); // holds the job's transaction open until the process is killed
});
process.stdout.write('READY\n');
