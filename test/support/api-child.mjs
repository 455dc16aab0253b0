// The real API as a separate process, for tests that kill it (SIGKILL) in the middle of its work:
// the compiled app (dist/, built by `npm test`'s pretest), its jobs running (the dispatch engine,
// offer deadlines), listening on a free port. Prints `READY <port>` once it serves. Environment:
// DATABASE_URL and the keys, from the test; everything else as the test app.
import 'reflect-metadata';
import { Writable } from 'node:stream';

const dist = (p) => new URL(`../../dist/${p}`, import.meta.url).href;
const { createApp } = await import(dist('apps/api/src/bootstrap.js'));
const { loadConfig } = await import(dist('apps/api/src/config/config.js'));

const config = loadConfig({ ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', DEMO_SEED: 'false' });
const quiet = new Writable({ write: (_chunk, _enc, cb) => cb() });
const app = await createApp({ config, databaseUrl: config.databaseUrl, logDestination: quiet });
await app.listen(0, '127.0.0.1');
process.stdout.write(`READY ${app.getHttpServer().address().port}\n`);
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
