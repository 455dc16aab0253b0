/**
 * Batch assignment through the API (issue "Dispatch engine", item 8): `POST /dispatch/batches` for a
 * street with 500 scheduled orders over 2,000 workers, end to end — loading the day from PostgreSQL,
 * solving in the solver's worker thread, storing the draft — while a second client keeps calling
 * `GET /health`, to show the API's event loop stays free during the solve. Then one commit (500 offers
 * in one transaction).
 *
 *   npm run bench:dispatch-batch-api [-- --seed 3 --providers 100 --workers 2000 --orders 500 --rounds 3]
 *
 * The day is the synthetic district day of the pure benchmark (bench/dispatch-batch.ts), written as
 * rows into the fixture city (street A, 12 communities, tomorrow), on a fresh embedded PostgreSQL,
 * against the built API (dist/) as a separate process. Round 1 includes starting the solver thread.
 * Target: ≤ 2 s for the plan.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { syntheticBatchDay } from '#lib/dispatch';
import {
  arg,
  fmt,
  log,
  machine,
  percentile,
  RESULTS_DIR,
  runBench,
  startApi,
  startDatabase,
  tokenFor,
} from './support/harness.js';

const DAY_MS = 86_400_000;
const OFFSET_MS = 8 * 3_600_000;
const ITEM_OF: Record<string, string> = {
  MEAL: 'MEAL_DELIVERY',
  BATH: 'BATH_HOME',
  MEDICAL: 'HOME_NURSING',
  CLEAN: 'CLEAN_HOUR',
};

/** `GET /health` in a closed loop on one keep-alive socket until `stop()`; latencies in ms. */
function healthProbe(baseUrl: string): { stop(): Promise<number[]> } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const latencies: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const t0 = performance.now();
      await new Promise<void>((resolve) =>
        http
          .get(`${baseUrl}/health`, { agent }, (res) => {
            res.on('data', () => undefined);
            res.on('end', () => resolve());
          })
          .on('error', () => resolve()),
      );
      latencies.push(performance.now() - t0);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      agent.destroy();
      return latencies;
    },
  };
}

async function main(): Promise<void> {
  const seed = Number(arg('seed', '3'));
  const providers = Number(arg('providers', '100'));
  const workers = Number(arg('workers', '2000'));
  const orders = Number(arg('orders', '500'));
  const rounds = Number(arg('rounds', '3'));
  const db = await startDatabase();
  const { ds, city } = db;
  const day = syntheticBatchDay(seed, orders, workers, providers, 12);

  // tomorrow (local), and how far the synthetic day's instants move to land on it
  const tomorrow = new Date(Date.now() + OFFSET_MS + DAY_MS).toISOString().slice(0, 10);
  const synthMidnight = Math.floor((day.orders[0].windowStart.getTime() + OFFSET_MS) / DAY_MS) * DAY_MS - OFFSET_MS;
  const shift = Date.parse(`${tomorrow}T00:00:00+08:00`) - synthMidnight;

  await ds.query(`INSERT INTO dispatch_setting (district_code, mode, updated_by) VALUES ($1, 'MANUAL', $2)`, [
    city.district.a,
    city.users.admin.id,
  ]);
  const communities = [...new Set(day.providers.flatMap((p) => p.contracts.flatMap((c) => c.communityCodes)))];
  await ds.query(
    `INSERT INTO region (code, level, name, parent_code, path, lat, lng)
     SELECT c, 'COMMUNITY', 'bench ' || c, $2, $3 || c || '/', 39.66, 106.83 FROM unnest($1::varchar[]) c
     ON CONFLICT (code) DO NOTHING`,
    [communities, city.street.a, city.path.streetA],
  );
  const providerId = new Map(day.providers.map((p) => [p.providerId, randomUUID()]));
  await ds.query(
    `INSERT INTO provider (id, name, credit_code, district_code, base_lat, base_lng, opening_hours, capacity)
     SELECT u.id, 'bench provider ' || u.n, '91150302BENCH' || lpad(u.n::text, 5, '0'), $1, u.lat, u.lng, u.hours, u.capacity
       FROM unnest($2::uuid[], $3::int[], $4::float8[], $5::float8[], $6::jsonb[], $7::int[])
         AS u(id, n, lat, lng, hours, capacity)`,
    [
      city.district.a,
      day.providers.map((p) => providerId.get(p.providerId)),
      day.providers.map((_, i) => i),
      day.providers.map((p) => p.base.lat),
      day.providers.map((p) => p.base.lng),
      day.providers.map((p) => JSON.stringify(p.openingHours)),
      day.providers.map((p) => p.capacity),
    ],
  );
  await ds.query(
    `INSERT INTO provider_contract (id, provider_id, service_types, community_codes, valid_from, valid_to)
     SELECT gen_random_uuid(), u.id, string_to_array(u.types, ','), string_to_array(u.communities, ','), '2020-01-01', '2099-12-31'
       FROM unnest($1::uuid[], $2::text[], $3::text[]) AS u(id, types, communities)`,
    [
      day.providers.map((p) => providerId.get(p.providerId)),
      day.providers.map((p) => p.contracts[0].serviceTypes.join(',')),
      day.providers.map((p) => p.contracts[0].communityCodes.join(',')),
    ],
  );
  await ds.query(
    `INSERT INTO worker (id, provider_id, name, qualifications, shifts)
     SELECT gen_random_uuid(), u.provider_id, 'bench worker', string_to_array(u.quals, ','), u.shifts
       FROM unnest($1::uuid[], $2::text[], $3::jsonb[]) AS u(provider_id, quals, shifts)`,
    [
      day.workers.map((w) => providerId.get(w.providerId)),
      day.workers.map((w) => w.qualifications.join(',')),
      day.workers.map((w) => JSON.stringify(w.shifts)),
    ],
  );
  // the orders: copies of one elder's order with the synthetic homes, windows, types and durations
  await ds.query(
    `INSERT INTO service_order (id, order_no, channel, elder_id, item_id, service_type, community_code, region_path,
       requested_by, scheduled_start, scheduled_end, state, address_enc, home_lat, home_lng, item_name_zh, unit,
       unit_price_cents, quantity, total_cents, min_duration_minutes, required_qualification)
     SELECT gen_random_uuid(), 'BENCH' || lpad(u.n::text, 6, '0'), 'WALK_IN', e.id, i.id, u.service_type, u.community,
            $3 || u.community || '/', $2, u.s, u.e, 'PENDING_DISPATCH', e.address_enc, u.lat, u.lng, i.name_zh, 'VISIT',
            i.price_cents, 1, i.price_cents, u.minutes, u.qual
       FROM unnest($4::int[], $5::text[], $6::text[], $7::text[], $8::timestamptz[], $9::timestamptz[], $10::float8[],
                   $11::float8[], $12::int[], $13::text[]) AS u(n, service_type, item, community, s, e, lat, lng, minutes, qual)
       JOIN service_item i ON i.code = u.item
       JOIN elder e ON e.id = $1`,
    [
      city.elder.a,
      city.users.admin.id,
      city.path.streetA,
      day.orders.map((_, i) => i),
      day.orders.map((o) => o.serviceType),
      day.orders.map((o) => ITEM_OF[o.serviceType]),
      day.orders.map((o) => o.communityCode),
      day.orders.map((o) => new Date(o.windowStart.getTime() + shift)),
      day.orders.map((o) => new Date(o.windowEnd.getTime() + shift)),
      day.orders.map((o) => o.home.lat),
      day.orders.map((o) => o.home.lng),
      day.orders.map((o) => o.durationMinutes),
      day.orders.map((o) => o.requiredQualification),
    ],
  );
  log(`${orders} orders, ${workers} workers, ${providers} providers written for ${tomorrow} (street ${city.street.a})`);

  const api = await startApi({
    databaseUrl: db.url,
    env: { LOG_LEVEL: 'warn' },
    logFile: path.join(RESULTS_DIR, `dispatch-batch-api-${Date.now()}.log`),
  });
  const token = await tokenFor(ds, city.users.dispatcherA);
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  console.log(`# dispatch batch API bench — ${new Date().toISOString()} — ${machine()}`);
  let lastId = '';
  for (let round = 1; round <= rounds; round++) {
    const probe = healthProbe(api.baseUrl);
    await new Promise((r) => setTimeout(r, 200)); // the probe's baseline
    const t0 = performance.now();
    const res = await fetch(`${api.baseUrl}/dispatch/batches`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ regionCode: city.street.a, date: tomorrow }),
    });
    const ms = performance.now() - t0;
    const health = await probe.stop();
    const b = (await res.json()) as {
      id: string;
      counts: Record<string, number>;
      plan: { totalTravelMinutes: number; unassignedCount: number; status: string };
      greedy: { totalTravelMinutes: number; unassignedCount: number };
      solver: { solveMs: number; wallMs: number; model: Record<string, number> };
    };
    if (res.status !== 201) throw new Error(`plan: ${res.status} ${JSON.stringify(b)}`);
    lastId = b.id;
    console.log(
      JSON.stringify({
        round,
        status: res.status,
        httpMs: Math.round(ms),
        solveMs: b.solver.solveMs,
        solverWallMs: b.solver.wallMs,
        counts: b.counts,
        optimised: { travelMin: b.plan.totalTravelMinutes, unassigned: b.plan.unassignedCount, status: b.plan.status },
        greedy: { travelMin: b.greedy.totalTravelMinutes, unassigned: b.greedy.unassignedCount },
        model: b.solver.model,
        healthDuringPlan: {
          calls: health.length,
          p50Ms: Number(fmt(percentile(health, 50), 2)),
          maxMs: Number(fmt(Math.max(...health), 1)),
        },
      }),
    );
  }
  const t0 = performance.now();
  const done = await fetch(`${api.baseUrl}/dispatch/batches/${lastId}/commit`, { method: 'POST', headers });
  const committed = (await done.json()) as { result?: { offered: unknown[]; skipped: unknown[] } };
  console.log(
    JSON.stringify({
      commit: done.status,
      commitMs: Math.round(performance.now() - t0),
      offered: committed.result?.offered.length,
      skipped: committed.result?.skipped.length,
    }),
  );
}

runBench(main);
