/**
 * Order creation: the API (POST /orders over HTTP) against raw SQL with `pg` writing the same rows,
 * side by side in one run, at rising concurrency.
 *
 *   npm run bench:orders [-- --connections 8,32,64,128 --duration 15 --pool 20]
 *
 * For each concurrency level:
 *   1. autocannon POSTs /orders for `duration` seconds with `c` connections, each request with a unique
 *      Idempotency-Key, as a station-staff user for an elder of their community;
 *   2. `c` concurrent workers insert the same number of orders with raw SQL over a pg.Pool of the API's
 *      pool size: one transaction per order = INSERT service_order + INSERT order_event, rows shaped
 *      exactly like the API's (copied from an order the API created, with new ids and keys).
 * Prints a markdown table (orders/s, p50/p99, API/raw ratio) and writes bench/results/orders-<time>.json.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import {
  arg,
  fmt,
  load,
  log,
  machine,
  percentile,
  RESULTS_DIR,
  runBench,
  startApi,
  startDatabase,
  tokenFor,
  type LoadResult,
} from './support/harness.js';

interface RawResult {
  connections: number;
  orders: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
}

type Row = Record<string, unknown>;

/** INSERT of one row with every column of `template`, values replaced by `override`. */
function insertStatement(table: string, template: Row, skip: string[] = []): { sql: string; columns: string[] } {
  const columns = Object.keys(template).filter((c) => !skip.includes(c));
  const sql = `INSERT INTO ${table} (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`;
  return { sql, columns };
}

/** Raw-SQL writer: `orders` orders, `connections` concurrent workers, over a pool of `poolSize`. */
async function rawSql(
  databaseUrl: string,
  template: { order: Row; event: Row },
  orders: number,
  connections: number,
  poolSize: number,
): Promise<RawResult> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  const orderInsert = insertStatement('service_order', template.order);
  // (xid: each row gets its own writing transaction's id by default, never the template's)
  const eventInsert = insertStatement('order_event', template.event, ['id', 'xid']);
  let next = 0;
  const latencies: number[] = [];
  const runId = randomUUID().slice(0, 6);
  const started = performance.now();
  const worker = async () => {
    for (;;) {
      const n = next++;
      if (n >= orders) return;
      const id = randomUUID();
      const now = new Date();
      const order: Row = {
        ...template.order,
        id,
        order_no: `RB${runId}${n.toString(36).padStart(8, '0')}`.slice(0, 24),
        idempotency_key: `raw-${runId}-${n}`,
        created_at: now,
        updated_at: now,
      };
      const event: Row = { ...template.event, order_id: id, at: now };
      const t0 = performance.now();
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(
          orderInsert.sql,
          orderInsert.columns.map((c) => order[c]),
        );
        await client.query(
          eventInsert.sql,
          eventInsert.columns.map((c) => event[c]),
        );
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  const seconds = (performance.now() - started) / 1000;
  await pool.end();
  return {
    connections,
    orders,
    seconds,
    perSecond: orders / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

async function main(): Promise<void> {
  const levels = arg('connections', '8,32,64,128')
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
  const duration = Number(arg('duration', '15'));
  const poolSize = Number(arg('pool', process.env.DB_POOL_SIZE ?? '20'));
  if (!levels.length || !(duration > 0 && duration <= 120))
    throw new Error('bad --connections or --duration (1–120 s)');
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  mkdirSync(RESULTS_DIR, { recursive: true });

  const db = await startDatabase();
  const api = await startApi({
    databaseUrl: db.url,
    env: { DB_POOL_SIZE: String(poolSize), LOG_LEVEL: arg('log-level', 'info') },
    logFile: path.join(RESULTS_DIR, `orders-${stamp}.api.log`),
  });
  const rows: { api: LoadResult; raw: RawResult }[] = [];
  try {
    const actor = db.city.users.stationA;
    const token = await tokenFor(db.ds, actor);
    const [item] = (await db.ds.query(
      `SELECT id FROM service_item WHERE active AND service_type <> 'EMERGENCY' AND required_qualification IS NULL ORDER BY code LIMIT 1`,
    )) as { id: string }[];
    if (!item) throw new Error('the seeded catalogue has no plain item');
    const body = JSON.stringify({ elderId: db.city.elder.a, itemId: item.id, channel: 'HOTLINE', quantity: 1 });
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

    // Contract check and template row: one order through the API.
    const probe = await fetch(`${api.baseUrl}/orders`, {
      method: 'POST',
      headers: { ...headers, 'idempotency-key': `bench-probe-${stamp}` },
      body,
    });
    const created = (await probe.json()) as { id?: string };
    if (probe.status !== 201 || !created.id)
      throw new Error(`POST /orders answered ${probe.status}: ${JSON.stringify(created).slice(0, 300)}`);
    const [order] = (await db.ds.query(`SELECT * FROM service_order WHERE id = $1`, [created.id])) as Row[];
    const [event] = (await db.ds.query(`SELECT * FROM order_event WHERE order_id = $1 ORDER BY seq LIMIT 1`, [
      created.id,
    ])) as Row[];
    if (!order || !event) throw new Error('the API created an order without its creation event');
    log(`POST /orders works (order ${created.id}); warming up`);
    let key = 0;
    const perRequest = () => ({ headers: { 'idempotency-key': `bench-${stamp}-${key++}` } });
    await load({
      url: `${api.baseUrl}/orders`,
      method: 'POST',
      connections: 8,
      durationSeconds: 3,
      headers,
      body,
      perRequest,
    });

    for (const c of levels) {
      log(`API: ${c} connections for ${duration} s`);
      const apiResult = await load({
        url: `${api.baseUrl}/orders`,
        method: 'POST',
        connections: c,
        durationSeconds: duration,
        headers,
        body,
        perRequest,
        okStatus: [201],
      });
      if (apiResult.failed) log(`  non-201 answers: ${JSON.stringify(apiResult.statusCodes)}`);
      const n = Math.max(apiResult.ok, 1);
      log(`raw SQL: ${n} orders, ${c} workers, pool ${poolSize}`);
      const raw = await rawSql(db.url, { order, event }, n, c, poolSize);
      rows.push({ api: apiResult, raw });
    }
  } finally {
    await api.stop();
    await db.stop();
  }

  const table = [
    `Order creation, API vs raw SQL — ${new Date().toISOString()} — ${machine()}`,
    `${duration} s per level, DB pool ${poolSize}, API log level ${arg('log-level', 'info')} (to a file)`,
    '',
    '| connections | API orders/s | API p50 ms | API p99 ms | API non-201 | raw SQL orders/s | raw p50 ms | raw p99 ms | ratio API/raw |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      ({ api, raw }) =>
        `| ${api.connections} | ${fmt(api.okPerSecond, 0)} | ${fmt(api.p50)} | ${fmt(api.p99)} | ${api.failed} | ${fmt(raw.perSecond, 0)} | ${fmt(raw.p50)} | ${fmt(raw.p99)} | ${fmt(api.okPerSecond / raw.perSecond, 2)} |`,
    ),
  ].join('\n');
  console.log(`\n${table}\n`);
  const file = path.join(RESULTS_DIR, `orders-${stamp}.json`);
  writeFileSync(file, JSON.stringify({ machine: machine(), duration, poolSize, rows }, null, 2));
  log(`results in ${file}`);
}

runBench(main);
