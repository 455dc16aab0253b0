/**
 * Shared pieces of the benchmarks: a throwaway embedded PostgreSQL, the migrated schema with the
 * fixture city of the tests, the built API as a child process, tokens, autocannon runs, percentiles.
 * Every server listens on 127.0.0.1 only and every load run is bounded in time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { chmodSync, createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { JwtService } from '@nestjs/jwt';
import autocannon from 'autocannon';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions, freePort, startEmbeddedPostgres } from '#lib/database';
import { TokenService } from '#lib/identity';
import type { Role } from '#lib/kernel';
import { ENTITIES } from '../../apps/api/src/entities.js';
import { seedMiniCity, TEST_KEYS, type MiniCity } from '../../test/support/fixtures.js';

/** Repository root (this file runs from dist/bench/support/). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const RESULTS_DIR = path.join(ROOT, 'bench', 'results');

export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

const cleanups: (() => Promise<void>)[] = [];

/** Registers `fn` to run at exit (once) and returns a function that runs it now instead. */
function onCleanup(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  const once = () => (done ??= fn());
  cleanups.push(once);
  return once;
}

/** Stops every server and database the harness started (latest first); safe to call twice. */
export async function cleanupAll(): Promise<void> {
  for (const fn of cleanups.reverse()) await fn().catch(() => undefined);
  cleanups.length = 0;
}

/** Runs a benchmark's main, always cleans up, and exits with 0 or 1. */
export function runBench(main: () => Promise<void>): void {
  void main()
    .then(
      () => 0,
      (err: unknown) => {
        console.error(`bench failed: ${(err as Error).stack ?? String(err)}`);
        return 1;
      },
    )
    .then(async (code) => {
      await cleanupAll();
      process.exit(code);
    });
}

export function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

export interface BenchDatabase {
  url: string;
  ds: DataSource;
  city: MiniCity;
  stop(): Promise<void>;
}

/**
 * A fresh embedded cluster in a new directory under the OS temp dir (or BENCH_DATABASE_URL, which must
 * point to an empty database), migrated and seeded with the mini city of the e2e tests.
 */
export async function startDatabase(): Promise<BenchDatabase> {
  let url = process.env.BENCH_DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  let dir: string | undefined;
  if (!url) {
    dir = mkdtempSync(path.join(os.tmpdir(), 'eldercare-bench-'));
    chmodSync(dir, 0o755); // as root the cluster runs as "postgres", which must enter it
    const db = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pgdata'), database: 'eldercare_bench' });
    url = db.url;
    stopEmbedded = db.stop;
    log(`embedded PostgreSQL in ${dir}`);
  }
  const ds = new DataSource(buildDataSourceOptions({ url, entities: ENTITIES, poolSize: 4 }));
  const stop = onCleanup(async () => {
    if (ds.isInitialized) await ds.destroy().catch(() => undefined);
    if (stopEmbedded) await stopEmbedded().catch(() => undefined);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  const city = await seedMiniCity(ds);
  return { url, ds, city, stop };
}

export interface ApiProcess {
  baseUrl: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts the built API (dist/) as a child process on a free loopback port and waits for /health.
 * `entry` defaults to the real main; its stdout (pino logs) goes to a file, not to a pipe we must drain.
 */
export async function startApi(options: {
  databaseUrl: string;
  env?: Record<string, string>;
  entry?: string;
  logFile: string;
}): Promise<ApiProcess> {
  const port = await freePort();
  const entry = options.entry ?? path.join(ROOT, 'dist/apps/api/src/main.js');
  mkdirSync(path.dirname(options.logFile), { recursive: true });
  const out = createWriteStream(options.logFile);
  // e.g. BENCH_API_NODE_ARGS="--cpu-prof --cpu-prof-dir=bench/results" profiles the API process only
  const nodeArgs = (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, entry], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: options.databaseUrl,
      DEMO_SEED: 'false',
      LOG_LEVEL: 'info',
      ...TEST_KEYS,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // 'close' (not 'exit'): the log pipes are drained by then, so ending the file stream is safe
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  const stop = onCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    out.end();
  });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`API exited with ${child.exitCode}; see ${options.logFile}`);
    try {
      const res = await fetch(`${baseUrl}/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`API did not become healthy within 60 s; see ${options.logFile}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { baseUrl, child, stop };
}

/** An access token for a fixture user, signed like the API signs them (no sign-in round trip). */
export async function tokenFor(ds: DataSource, user: { id: string; role: Role }): Promise<string> {
  const [row] = (await ds.query(`SELECT token_version FROM app_user WHERE id = $1`, [user.id])) as {
    token_version: number;
  }[];
  const tokens = new TokenService(new JwtService(), {
    jwtSecret: TEST_KEYS.JWT_SECRET,
    accessTokenTtlSeconds: 3600,
    refreshTokenTtlSeconds: 3600,
    maxFailedLogins: 5,
    lockoutMinutes: 15,
    authRateLimitPerMinute: 20,
  });
  return tokens.issueAccessToken({ sub: user.id, role: user.role, tv: row.token_version });
}

export interface LoadResult {
  connections: number;
  durationSeconds: number;
  ok: number;
  failed: number;
  /** status code → count, to see what failed */
  statusCodes: Record<string, number>;
  okPerSecond: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  errors: number;
  timeouts: number;
}

/** One bounded autocannon run against a loopback URL. */
export async function load(options: {
  url: string;
  connections: number;
  durationSeconds: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** called for every request: return per-request headers/body (e.g. a unique Idempotency-Key) */
  perRequest?: () => { headers?: Record<string, string>; body?: string };
  okStatus?: number[];
}): Promise<LoadResult> {
  const target = new URL(options.url);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname))
    throw new Error(`benchmarks only load loopback servers, not ${target.hostname}`);
  const okStatus = options.okStatus ?? [200, 201];
  const statusCodes: Record<string, number> = {};
  let ok = 0;
  const perRequest = options.perRequest;
  const result = await autocannon({
    url: target.origin,
    connections: options.connections,
    duration: options.durationSeconds,
    timeout: 10,
    requests: [
      {
        method: options.method ?? 'GET',
        path: target.pathname + target.search,
        headers: options.headers,
        body: options.body,
        ...(perRequest
          ? {
              setupRequest: (req: autocannon.Request) => {
                const extra = perRequest();
                return { ...req, headers: { ...req.headers, ...extra.headers }, body: extra.body ?? req.body };
              },
            }
          : {}),
        onResponse: (status: number) => {
          statusCodes[status] = (statusCodes[status] ?? 0) + 1;
          if (okStatus.includes(status)) ok += 1;
        },
      },
    ],
  });
  const total = Object.values(statusCodes).reduce((a, b) => a + b, 0);
  return {
    connections: options.connections,
    durationSeconds: result.duration,
    ok,
    failed: total - ok,
    statusCodes,
    okPerSecond: ok / result.duration,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

/** Nearest-rank percentile of a list of numbers (ms). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ${os.platform()} ${os.release()}`;
}

export function fmt(n: number, digits = 1): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '–';
}

export interface LoopResult {
  requests: number;
  ok: number;
  statusCodes: Record<string, number>;
  perSecond: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/**
 * A closed-loop GET client with microsecond timing (autocannon's histogram has 1 ms resolution, too
 * coarse for a 2 ms budget): `connections` keep-alive sockets, each sending its next request when the
 * previous answer is complete, for `durationSeconds`.
 */
export async function closedLoop(options: {
  url: string;
  connections: number;
  durationSeconds: number;
  headersFor: (n: number) => Record<string, string>;
  okStatus?: number;
}): Promise<LoopResult> {
  const target = new URL(options.url);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname))
    throw new Error(`benchmarks only load loopback servers, not ${target.hostname}`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  let n = 0;
  const end = performance.now() + options.durationSeconds * 1000;
  const once = (headers: Record<string, string>) =>
    new Promise<number>((resolve, reject) => {
      const req = http.get(target, { agent, headers }, (res) => {
        res.on('data', () => undefined);
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      });
      req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
      req.on('error', reject);
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.connections }, async () => {
      while (performance.now() < end) {
        const headers = options.headersFor(n++);
        const t0 = performance.now();
        const status = await once(headers).catch(() => 0);
        latencies.push(performance.now() - t0);
        statusCodes[status] = (statusCodes[status] ?? 0) + 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  const ok = statusCodes[options.okStatus ?? 200] ?? 0;
  return {
    requests: latencies.length,
    ok,
    statusCodes,
    perSecond: latencies.length / seconds,
    mean: latencies.reduce((a, b) => a + b, 0) / Math.max(latencies.length, 1),
    p50: percentile(latencies, 50),
    p90: percentile(latencies, 90),
    p99: percentile(latencies, 99),
    max: latencies.reduce((a, b) => (b > a ? b : a), 0),
  };
}
