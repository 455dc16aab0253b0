/**
 * Added latency of authentication and authorization per request (issue "Identity and access").
 *
 *   npm run bench:auth [-- --path /catalog --connections 1,16 --duration 10 --rounds 3 --users 5000]
 *
 * Two processes of the same build on the same database, loaded one at a time, alternately:
 *   - "auth":     the real API; requests carry a bearer token (JWT verify + actor lookup + role check);
 *   - "baseline": the same API whose global AccessGuard is replaced (from bench/support/api-server.ts,
 *                 nothing added to the app) by a stub that attaches the same actor without looking at
 *                 the request. Same route, same handler, same SQL, same response.
 * Two token mixes for the "auth" side:
 *   - hot:  one user, so the ActorResolver's 2-second cache answers almost every request;
 *   - cold: `--users` distinct users round-robin, so (at these rates) every request misses the cache
 *           and pays the indexed app_user lookup: the worst case.
 * Prints p50/p99 of each and the added p99 (auth − baseline), median over rounds.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { TEST_KEYS } from '../test/support/fixtures.js';
import {
  arg,
  closedLoop,
  fmt,
  log,
  machine,
  RESULTS_DIR,
  runBench,
  ROOT,
  startApi,
  startDatabase,
  tokenFor,
  type LoopResult,
} from './support/harness.js';
import type { Role } from '#lib/kernel';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const route = arg('path', '/catalog');
  const levels = arg('connections', '1,16').split(',').map(Number);
  const duration = Number(arg('duration', '10'));
  const rounds = Number(arg('rounds', '3'));
  const users = Number(arg('users', '5000'));
  if (!route.startsWith('/') || levels.some((c) => !(c > 0)) || !(duration > 0 && duration <= 60) || !(rounds >= 1))
    throw new Error('bad arguments');
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  mkdirSync(RESULTS_DIR, { recursive: true });

  const db = await startDatabase();
  const user = db.city.users.stationA;
  const actor = { userId: user.id, role: user.role, regionPath: db.city.path.a1 };
  // Clones of station user A (same role and scope, own id and phone hash) for the cold-cache mix.
  const clones = (await db.ds.query(
    `INSERT INTO app_user (id, display_name, phone_enc, phone_hash, role, region_code, region_path)
     SELECT gen_random_uuid(), 'bench-' || g, u.phone_enc, sha256(convert_to(u.id::text || '-' || g, 'UTF8')),
            u.role, u.region_code, u.region_path
       FROM app_user u, generate_series(1, $2::int) g WHERE u.id = $1
     RETURNING id, role`,
    [user.id, users],
  )) as { id: string; role: Role }[];
  const hotToken = await tokenFor(db.ds, user);
  const coldTokens = await Promise.all(clones.map((c) => tokenFor(db.ds, c)));
  log(`${clones.length} extra users for the cold-cache mix`);

  const env = { LOG_LEVEL: arg('log-level', 'info'), ...TEST_KEYS };
  const auth = await startApi({
    databaseUrl: db.url,
    env,
    logFile: path.join(RESULTS_DIR, `auth-${stamp}.auth.log`),
  });
  const base = await startApi({
    databaseUrl: db.url,
    env: { ...env, BENCH_FIXED_ACTOR: JSON.stringify(actor) },
    entry: path.join(ROOT, 'dist/bench/support/api-server.js'),
    logFile: path.join(RESULTS_DIR, `auth-${stamp}.baseline.log`),
  });

  type Variant = 'baseline' | 'hot' | 'cold';
  const results: Record<string, Record<Variant, LoopResult[]>> = {};
  try {
    // The two servers must give the same answer, and the real one must refuse a request without a token.
    const a = await fetch(`${auth.baseUrl}${route}`, { headers: { authorization: `Bearer ${hotToken}` } });
    const b = await fetch(`${base.baseUrl}${route}`);
    const [aBody, bBody] = [await a.text(), await b.text()];
    if (a.status !== 200 || b.status !== 200 || aBody !== bBody)
      throw new Error(`GET ${route}: auth ${a.status}, baseline ${b.status}, same body: ${aBody === bBody}`);
    const anon = await fetch(`${auth.baseUrl}${route}`);
    if (anon.status !== 401) throw new Error(`GET ${route} without a token answered ${anon.status}, expected 401`);
    log(`GET ${route}: both answer 200 with the same ${aBody.length} bytes; without a token 401`);

    const run = (variant: Variant, connections: number, seconds: number) =>
      closedLoop({
        url: `${(variant === 'baseline' ? base : auth).baseUrl}${route}`,
        connections,
        durationSeconds: seconds,
        headersFor:
          variant === 'baseline'
            ? () => ({})
            : variant === 'hot'
              ? () => ({ authorization: `Bearer ${hotToken}` })
              : (n) => ({ authorization: `Bearer ${coldTokens[n % coldTokens.length]}` }),
      });
    log('warm-up');
    for (const v of ['baseline', 'hot', 'cold'] as const) await run(v, 4, 2);

    for (const c of levels) {
      results[c] = { baseline: [], hot: [], cold: [] };
      for (let r = 0; r < rounds; r++) {
        // rotate the order each round so drift on a noisy machine does not favour one variant
        const order: Variant[] = (['baseline', 'hot', 'cold'] as Variant[]).map((_, i, all) => all[(i + r) % 3]);
        for (const v of order) {
          const res = await run(v, c, duration);
          if (res.ok !== res.requests) throw new Error(`${v}: non-200 answers ${JSON.stringify(res.statusCodes)}`);
          results[c][v].push(res);
          log(
            `c=${c} round ${r + 1} ${v}: ${fmt(res.perSecond, 0)} req/s p50 ${fmt(res.p50, 2)} p99 ${fmt(res.p99, 2)} ms`,
          );
        }
      }
    }
  } finally {
    await auth.stop();
    await base.stop();
    await db.stop();
  }

  const m = (xs: LoopResult[], k: 'p50' | 'p99' | 'perSecond') => median(xs.map((x) => x[k]));
  const lines = [
    `Auth overhead on GET ${route} — ${new Date().toISOString()} — ${machine()}`,
    `${rounds} rounds × ${duration} s per variant and level, medians over rounds; cold = ${users} users round-robin`,
    '',
    '| connections | baseline req/s | baseline p50 ms | baseline p99 ms | hot p50 ms | hot p99 ms | cold p50 ms | cold p99 ms | added p99 hot ms | added p99 cold ms |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...Object.entries(results).map(([c, r]) => {
      const bp99 = m(r.baseline, 'p99');
      return `| ${c} | ${fmt(m(r.baseline, 'perSecond'), 0)} | ${fmt(m(r.baseline, 'p50'), 2)} | ${fmt(bp99, 2)} | ${fmt(m(r.hot, 'p50'), 2)} | ${fmt(m(r.hot, 'p99'), 2)} | ${fmt(m(r.cold, 'p50'), 2)} | ${fmt(m(r.cold, 'p99'), 2)} | ${fmt(m(r.hot, 'p99') - bp99, 2)} | ${fmt(m(r.cold, 'p99') - bp99, 2)} |`;
    }),
  ].join('\n');
  console.log(`\n${lines}\n`);
  const file = path.join(RESULTS_DIR, `auth-${stamp}.json`);
  writeFileSync(file, JSON.stringify({ machine: machine(), route, duration, rounds, users, results }, null, 2));
  log(`results in ${file}`);
}

runBench(main);
