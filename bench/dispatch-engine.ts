/**
 * The dispatch engine on the full seed city (issue "Dispatch engine", targets of items 1, 4 and 7).
 *
 *   npm run seed -- --elders 100000          # into a throw-away database, then with the same environment:
 *   npm run bench:dispatch -- [--parts decision,sos,deadlines] [--decisions 300] [--sos 100]
 *                             [--offers 10000] [--due-from 30] [--due-to 60]
 *
 * Uses DATABASE_URL (or the embedded cluster of EMBEDDED_PG_DATA_DIR, like the seed) and the seed's
 * keys (loadConfig: the same environment as `npm run seed`, so the elders' data can be decrypted).
 * The database is changed (orders, offers, alerts are added); use a throw-away one.
 *
 * - **decision**: one automatic dispatch decision for a PENDING order of the largest district, in
 *   process: `DispatchEngine.dispatchNow(id)` — one transaction that locks the order, loads the
 *   inputs (community, mode, previous provider, the providers with their load, history and contracts,
 *   the contracted providers' workers with their commitments), decides, writes the offer (row, event,
 *   deadline job) and commits. The timer covers exactly that call. Orders are created through
 *   OrdersService beforehand (their needs-dispatch job removed, this process runs no jobs) and
 *   cancelled afterwards, outside the timer, so the city's load stays as seeded. Target p99 ≤ 20 ms.
 * - **sos**: `POST /sos` with a device key against the built API (a separate process, jobs on) → the
 *   commit of the first offer. The instrument: a trigger the bench adds for the run (and drops) on
 *   `order_event` sends `pg_notify('bench_offer', order_id)` for each OFFER event; PostgreSQL delivers
 *   it when the dispatch transaction commits, to a LISTEN connection of this process, whose arrival
 *   ends the timer. Sequential, one device per elder. Target p99 ≤ 100 ms.
 * - **deadlines**: `--offers` OPEN offers (orders OFFERED to a provider of their district) whose
 *   deadline jobs fall due spread evenly from `--due-from` to `--due-to` seconds after setup, handled
 *   by the app in this process (jobs on, 4 claim loops): each expiry moves the order back to dispatch
 *   and the engine looks for the next provider, as in production. Lateness = the database clock at
 *   claim − due (`JobScheduler.latencySamples()`, every job kind) and `decided_at − expires_at` of the
 *   expired offers (the expiry's transaction time). Target p99 ≤ 1 s. `--auto false` runs the app with
 *   DISPATCH_AUTO=false (the re-dispatch after each expiry only sees the district is manual), to
 *   separate the deadlines' own cost from the decisions they trigger.
 */
import 'reflect-metadata';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions, runMigrationsLocked } from '#lib/database';
import { DispatchEngine, ProviderStatsRefresher } from '#lib/dispatch';
import { Role, type Actor } from '#lib/kernel';
import { OrdersService } from '#lib/orders';
import { JobScheduler } from '#lib/scheduler';
import { createApp } from '../apps/api/src/bootstrap.js';
import { loadConfig, type AppConfig } from '../apps/api/src/config/config.js';
import { connectDatabase } from '../apps/api/src/database.js';
import { ENTITIES } from '../apps/api/src/entities.js';
import { arg, fmt, log, machine, percentile, RESULTS_DIR, runBench, startApi } from './support/harness.js';

/** Items that are dispatched at once (no scheduled window), with and without a qualification. */
const IMMEDIATE_ITEMS = ['CLEAN_HOUR', 'MEDICINE_PICKUP', 'HOME_NURSING', 'MEDICAL_ESCORT', 'SHOPPING_ERRAND'];

interface District {
  code: string;
  path: string;
  name: string;
  elders: number;
  providers: number;
}

function summary(label: string, ms: number[]): string {
  return `${label}: n=${ms.length} p50 ${fmt(percentile(ms, 50))} ms, p90 ${fmt(percentile(ms, 90))} ms, p99 ${fmt(
    percentile(ms, 99),
  )} ms, max ${fmt(Math.max(...ms))} ms`;
}

async function largestDistrict(ds: DataSource): Promise<District> {
  const [d] = (await ds.query(
    `SELECT d.code, d.path, d.name,
            (SELECT count(*)::int FROM elder e WHERE e.region_path LIKE d.path || '%' AND e.status = 'ACTIVE') AS elders,
            (SELECT count(*)::int FROM provider p WHERE p.district_code = d.code) AS providers
       FROM region d WHERE d.level = 'DISTRICT' ORDER BY elders DESC LIMIT 1`,
  )) as District[];
  if (!d || d.elders < 1_000) throw new Error('seed the full city first: npm run seed -- --elders 100000');
  return d;
}

/** Active elders of the region, a deterministic sample. */
async function sampleElders(ds: DataSource, path: string, n: number, salt: string): Promise<string[]> {
  const rows = (await ds.query(
    `SELECT id FROM elder WHERE region_path LIKE $1 || '%' AND status = 'ACTIVE' ORDER BY md5(id::text || $2) LIMIT $3`,
    [path, salt, n],
  )) as { id: string }[];
  return rows.map((r) => r.id);
}

async function dispatcherOf(ds: DataSource, district: District): Promise<Actor> {
  const [u] = (await ds.query(
    `SELECT id FROM app_user WHERE role = 'DISTRICT_DISPATCHER' AND region_code = $1 LIMIT 1`,
    [district.code],
  )) as { id: string }[];
  return { userId: u.id, role: Role.DISTRICT_DISPATCHER, regionPath: district.path };
}

// --- one decision --------------------------------------------------------------------------------

async function benchDecision(config: AppConfig, url: string, district: District, n: number): Promise<string[]> {
  const app = await createApp({
    config: { ...config, schedulerEnabled: false, logLevel: 'warn', databaseUrl: url },
    databaseUrl: url,
  });
  await app.init();
  const out: string[] = [];
  try {
    const ds = app.get(DataSource);
    const engine = app.get(DispatchEngine);
    // the ranking's history figures, as the app's refresh job keeps them (this process runs no jobs)
    await app.get(ProviderStatsRefresher).refresh();
    const orders = app.get(OrdersService);
    const actor = await dispatcherOf(ds, district);
    const items = (await ds.query(`SELECT id, code FROM service_item WHERE code = ANY($1)`, [IMMEDIATE_ITEMS])) as {
      id: string;
      code: string;
    }[];
    const warmup = 20;
    const elders = await sampleElders(ds, district.path, n + warmup, `decision-${Date.now()}`);
    const all: number[] = [];
    const offered: number[] = [];
    let noCandidate = 0;
    for (let i = 0; i < elders.length; i++) {
      const item = items[i % items.length];
      const dto = { elderId: elders[i], itemId: item.id, channel: 'HOTLINE' } as Parameters<OrdersService['create']>[1];
      const { order } = await orders.create(actor, dto);
      await ds.query(`DELETE FROM scheduled_job WHERE kind = 'order.needs-dispatch' AND key = $1`, [order.id]);
      const t0 = performance.now();
      await engine.dispatchNow(order.id);
      const ms = performance.now() - t0;
      const [row] = (await ds.query(`SELECT state, version FROM service_order WHERE id = $1`, [order.id])) as {
        state: string;
        version: number;
      }[];
      if (i >= warmup) {
        all.push(ms);
        if (row.state === 'OFFERED') offered.push(ms);
        else noCandidate += 1;
      }
      // back to the seeded load: cancel it (withdraws the offer), outside the timer
      await orders.cancel(actor, order.id, { reason: 'bench' });
    }
    out.push(
      `decision (dispatchNow, ${district.name} ${district.code}: ${district.elders} active elders, ${district.providers} providers)`,
      `  ${summary('all', all)}`,
      `  ${summary('offered', offered)}; ${noCandidate} without a candidate (alert + retry instead)`,
    );
  } finally {
    await app.close();
  }
  return out;
}

// --- SOS to first offer ------------------------------------------------------------------------------

async function benchSos(config: AppConfig, url: string, ds: DataSource, district: District, n: number) {
  // elders of communities that some provider under capacity is contracted for (for EMERGENCY): an SOS
  // that finds nobody (circle, shifts) is counted apart, not timed
  const elders = (
    (await ds.query(
      `WITH ok AS (
         SELECT DISTINCT unnest(c.community_codes) AS code FROM provider_contract c JOIN provider p ON p.id = c.provider_id
          WHERE 'EMERGENCY' = ANY(c.service_types) AND c.valid_to >= current_date
            AND (SELECT count(*) FROM service_order s WHERE s.provider_id = p.id
                  AND s.state IN ('ACCEPTED','EN_ROUTE','IN_SERVICE')) + 5 < p.capacity)
       SELECT e.id FROM elder e JOIN ok ON ok.code = e.community_code
        WHERE e.region_path LIKE $1 || '%' AND e.status = 'ACTIVE' ORDER BY md5(e.id::text || $2) LIMIT $3`,
      [district.path, `sos-${Date.now()}`, n + 5],
    )) as { id: string }[]
  ).map((r) => r.id);
  const keys: string[] = [];
  for (const elderId of elders) {
    const id = randomUUID();
    const secret = randomBytes(24).toString('base64url');
    await ds.query(`INSERT INTO sos_device (id, elder_id, serial_number, key_hash) VALUES ($1, $2, $3, $4)`, [
      id,
      elderId,
      `BENCH-${id.slice(0, 8)}`,
      createHash('sha256').update(secret).digest(),
    ]);
    keys.push(`${id}.${secret}`);
  }
  const api = await startApi({
    databaseUrl: url,
    logFile: `${RESULTS_DIR}/dispatch-engine-sos-${Date.now()}.log`,
    env: {
      PII_ENCRYPTION_KEY: config.piiEncryptionKey,
      PII_HASH_KEY: config.piiHashKey,
      JWT_SECRET: config.jwtSecret,
      LOG_LEVEL: 'warn',
    },
  });
  await ds.query(`CREATE OR REPLACE FUNCTION bench_offer_notify() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN PERFORM pg_notify('bench_offer', NEW.order_id::text); RETURN NULL; END $$`);
  await ds.query(`CREATE OR REPLACE TRIGGER bench_offer_notify AFTER INSERT ON order_event
    FOR EACH ROW WHEN (NEW.type = 'OFFER') EXECUTE FUNCTION bench_offer_notify()`);
  const listener = new pg.Client({ connectionString: url });
  await listener.connect();
  await listener.query('LISTEN bench_offer');
  /** Arrival time of the first OFFER commit notice per order. */
  const offeredAt = new Map<string, number>();
  let waiting: ((orderId: string) => void) | undefined;
  listener.on('notification', (msg) => {
    const orderId = msg.payload ?? '';
    if (!offeredAt.has(orderId)) offeredAt.set(orderId, performance.now());
    waiting?.(orderId);
  });
  const ms: number[] = [];
  const fanOut: number[] = [];
  let noCandidate = 0;
  try {
    for (let i = 0; i < keys.length; i++) {
      const t0 = performance.now();
      const res = await fetch(`${api.baseUrl}/sos`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Device-Key': keys[i] },
        body: '{}',
      });
      if (res.status !== 201) throw new Error(`POST /sos answered ${res.status}: ${await res.text()}`);
      const { id } = (await res.json()) as { id: string };
      const t1 =
        offeredAt.get(id) ??
        (await new Promise<number>((resolve) => {
          const timer = setTimeout(() => resolve(NaN), 2_000);
          waiting = (orderId) => {
            if (orderId !== id) return;
            clearTimeout(timer);
            resolve(offeredAt.get(id)!);
          };
        }));
      const [row] = (await ds.query(`SELECT state, offered_to FROM service_order WHERE id = $1`, [id])) as {
        state: string;
        offered_to: string[];
      }[];
      if (Number.isNaN(t1)) {
        const [alert] = (await ds.query(
          `SELECT 1 FROM dispatch_alert WHERE order_id = $1 AND reason = 'NO_CANDIDATE'`,
          [id],
        )) as unknown[];
        if (!alert) throw new Error(`SOS order ${id} is ${row.state}: neither offered nor alerted within 2 s`);
        noCandidate += 1;
      } else if (i >= 5) {
        ms.push(t1 - t0);
        fanOut.push(row.offered_to.length);
      }
      // withdraw it again (rows only; the bench database is a throw-away), so load stays as seeded
      await ds.query(
        `WITH w AS (UPDATE order_offer SET state = 'WITHDRAWN', decided_at = now() WHERE order_id = $1 AND state = 'OPEN'
                    RETURNING id::text AS key),
              o AS (UPDATE service_order SET state = 'CANCELLED', offered_to = '{}', provider_id = NULL,
                    offer_expires_at = NULL, close_reason = 'bench' WHERE id = $1 RETURNING id)
         DELETE FROM scheduled_job WHERE key = $1::text OR key IN (SELECT key FROM w)`,
        [id],
      );
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    waiting = undefined;
    await listener.end();
    await api.stop();
    await ds.query(`DROP TRIGGER IF EXISTS bench_offer_notify ON order_event`);
    await ds.query(`DROP FUNCTION IF EXISTS bench_offer_notify()`);
  }
  return [
    `SOS → first offer committed (HTTP, ${district.name}, sequential)`,
    `  ${summary('sos', ms)}; offered to ${fmt(percentile(fanOut, 50), 0)} providers at once (median); ` +
      `${noCandidate} found no candidate (not timed)`,
  ];
}

// --- deadlines -------------------------------------------------------------------------------------

async function benchDeadlines(
  config: AppConfig,
  url: string,
  ds: DataSource,
  n: number,
  fromS: number,
  toS: number,
  auto: boolean,
) {
  // n OFFERED orders for active elders all over the city, each offered to a provider of its district
  const [{ template }] = (await ds.query(
    `SELECT id AS template FROM service_order WHERE state = 'CANCELLED' AND provider_id IS NULL AND channel = 'HOTLINE'
       AND scheduled_start IS NULL LIMIT 1`,
  )) as { template: string }[];
  const [item] = (await ds.query(`SELECT * FROM service_item WHERE code = 'CLEAN_HOUR'`)) as {
    id: string;
    service_type: string;
    name_zh: string;
    unit: string;
    price_cents: number;
    min_duration_minutes: number;
  }[];
  const columns = (
    (await ds.query(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'service_order' ORDER BY ordinal_position`,
    )) as { column_name: string }[]
  ).map((r) => r.column_name);
  const set: Record<string, string> = {
    id: 'x.id',
    order_no: `'BENCH-' || substr(md5(x.id::text), 1, 12)`,
    elder_id: 'e.id',
    community_code: 'e.community_code',
    region_path: 'e.region_path',
    home_lat: 'e.home_lat',
    home_lng: 'e.home_lng',
    item_id: '$3',
    service_type: '$4',
    item_name_zh: '$5',
    unit: '$6',
    unit_price_cents: '$7',
    total_cents: '$7',
    quantity: '1',
    min_duration_minutes: '$8',
    required_qualification: 'NULL',
    state: `'OFFERED'`,
    version: '2',
    provider_id: 'x.provider_id',
    offered_to: 'ARRAY[x.provider_id]',
    offer_expires_at: 'x.expires_at',
    close_reason: 'NULL',
    created_at: 'now()',
    updated_at: 'now()',
  };
  const select = columns.map((c) => (c in set ? set[c] : `t.${c}`)).join(', ');
  const setupStart = Date.now();
  const elders = (await ds.query(
    `SELECT e.id, p.id AS provider_id FROM elder e
       JOIN region c ON c.code = e.community_code JOIN region s ON s.code = c.parent_code
       CROSS JOIN LATERAL (SELECT id FROM provider WHERE district_code = s.parent_code ORDER BY md5(e.id::text || id::text) LIMIT 1) p
      WHERE e.status = 'ACTIVE' ORDER BY md5(e.id::text) LIMIT $1`,
    [n],
  )) as { id: string; provider_id: string }[];
  const ids = elders.map(() => randomUUID());
  const offerIds = elders.map(() => randomUUID());
  const base = Date.now();
  const dueAt = elders.map((_, i) => new Date(base + (fromS + ((toS - fromS) * i) / n) * 1000));
  await ds.transaction(async (m) => {
    await m.query(
      `INSERT INTO service_order (${columns.join(', ')})
       SELECT ${select}
         FROM unnest($1::uuid[], $2::uuid[], $9::uuid[], $10::timestamptz[]) AS x(id, elder_id, provider_id, expires_at)
         JOIN elder e ON e.id = x.elder_id CROSS JOIN service_order t WHERE t.id = $11`,
      [
        ids,
        elders.map((e) => e.id),
        item.id,
        item.service_type,
        item.name_zh,
        item.unit,
        item.price_cents,
        item.min_duration_minutes,
        elders.map((e) => e.provider_id),
        dueAt,
        template,
      ],
    );
    await m.query(
      `INSERT INTO order_offer (id, order_id, provider_id, round, state, expires_at, manual, offered_by, offered_by_role)
       SELECT u.id, u.order_id, u.provider_id, 1, 'OPEN', u.expires_at, false, '00000000-0000-0000-0000-0000000000d1', 'DISPATCH_ENGINE'
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::timestamptz[]) AS u(id, order_id, provider_id, expires_at)`,
      [offerIds, ids, elders.map((e) => e.provider_id), dueAt],
    );
    await m.query(
      `INSERT INTO scheduled_job (kind, key, due_at)
       SELECT 'order.offer-expiry', u.key, u.due FROM unnest($1::varchar[], $2::timestamptz[]) AS u(key, due)`,
      [offerIds, dueAt],
    );
  });
  log(`deadlines: ${n} open offers written in ${Date.now() - setupStart} ms; due from +${fromS} s to +${toS} s`);
  const app = await createApp({
    config: { ...config, schedulerEnabled: true, dispatchAuto: auto, logLevel: 'warn', databaseUrl: url },
    databaseUrl: url,
  });
  await app.init(); // the job runner starts with the application (onApplicationBootstrap)
  const jobs = app.get(JobScheduler);
  try {
    const last = dueAt[dueAt.length - 1].getTime();
    for (;;) {
      await new Promise((r) => setTimeout(r, 1_000));
      const [{ open }] = (await ds.query(
        `SELECT count(*)::int AS open FROM order_offer WHERE id = ANY($1) AND state = 'OPEN'`,
        [offerIds],
      )) as { open: number }[];
      if (open === 0) break;
      if (Date.now() > last + 300_000) throw new Error(`${open} offers still open 5 min after the last deadline`);
    }
    const claim = [...jobs.latencySamples()];
    const decided = (
      (await ds.query(
        `SELECT (extract(epoch FROM decided_at - expires_at) * 1000)::float8 AS late FROM order_offer
          WHERE id = ANY($1) AND state = 'EXPIRED'`,
        [offerIds],
      )) as { late: number }[]
    ).map((r) => r.late);
    const [after] = (await ds.query(
      `SELECT count(*) FILTER (WHERE state = 'OFFERED')::int AS offered, count(*) FILTER (WHERE state = 'PENDING_DISPATCH')::int AS pending
         FROM service_order WHERE id = ANY($1)`,
      [ids],
    )) as { offered: number; pending: number }[];
    return [
      `deadlines: ${n} open offers due over ${toS - fromS} s (${fmt(n / (toS - fromS), 0)} per second), handled in this ` +
        `process; ${auto ? 'each expired order is dispatched again (DISPATCH_AUTO=true)' : 'DISPATCH_AUTO=false: expired orders wait for a person'}`,
      `  ${summary('claim lateness, every job kind (latencySamples)', claim)}`,
      `  ${summary('expired offers: decided_at − expires_at', decided)}`,
      `  afterwards: ${after.offered} re-offered to the next provider, ${after.pending} waiting (no candidate)`,
    ];
  } finally {
    await app.close();
    // leave nothing that keeps working after the run (retries every 5 min, escalations): cancel the
    // bench's orders and drop their jobs, rows only (the bench database is a throw-away)
    await ds.query(
      `WITH o AS (UPDATE service_order SET state = 'CANCELLED', offered_to = '{}', provider_id = NULL,
                  offer_expires_at = NULL, close_reason = 'bench' WHERE id = ANY($1) RETURNING id),
            f AS (UPDATE order_offer SET state = 'WITHDRAWN', decided_at = now()
                   WHERE order_id = ANY($1) AND state = 'OPEN' RETURNING id),
            a AS (UPDATE dispatch_alert SET resolved_at = now(), resolution = 'bench'
                   WHERE order_id = ANY($1) AND resolved_at IS NULL RETURNING id)
       DELETE FROM scheduled_job WHERE key = ANY($1::text[]) OR key IN (SELECT id::text FROM f)
          OR key IN (SELECT id::text FROM a) OR (kind = 'dispatch.alert-escalation' AND key IN (
               SELECT id::text FROM dispatch_alert WHERE order_id = ANY($1)))`,
      [ids],
    );
  }
}

runBench(async () => {
  const config = loadConfig();
  const db = await connectDatabase(config);
  const url = db.url;
  const parts = arg('parts', 'decision,sos,deadlines').split(',');
  const ds = new DataSource(buildDataSourceOptions({ url, entities: ENTITIES, poolSize: 4 }));
  await ds.initialize();
  const applied = await runMigrationsLocked(ds);
  if (applied.length) log(`applied ${applied.length} migration(s)`);
  const lines = [`# dispatch engine bench — ${new Date().toISOString()} — ${machine()}`];
  try {
    const district = await largestDistrict(ds);
    const [counts] = (await ds.query(
      `SELECT (SELECT count(*) FROM service_order)::int AS orders, (SELECT count(*) FROM order_offer)::int AS offers,
              (SELECT count(*) FROM worker)::int AS workers`,
    )) as { orders: number; offers: number; workers: number }[];
    lines.push(`city: ${counts.orders} orders, ${counts.offers} offers, ${counts.workers} workers`);
    if (parts.includes('decision'))
      lines.push(...(await benchDecision(config, url, district, Number(arg('decisions', '300')))));
    if (parts.includes('sos')) lines.push(...(await benchSos(config, url, ds, district, Number(arg('sos', '100')))));
    if (parts.includes('deadlines'))
      lines.push(
        ...(await benchDeadlines(
          config,
          url,
          ds,
          Number(arg('offers', '10000')),
          Number(arg('due-from', '30')),
          Number(arg('due-to', '60')),
          arg('auto', 'true') !== 'false',
        )),
      );
  } finally {
    await ds.destroy();
    await db.stop();
    console.log(lines.join('\n'));
  }
});
