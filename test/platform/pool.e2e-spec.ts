import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, randomUUID } from 'node:crypto';
import type { QueryRunner } from 'typeorm';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { orderDriver } from '../support/orders.js';

type UserKey = keyof TestApp['city']['users'];

/** Columns an order is put in before the burst (everything else is copied from a real order). */
type Prepared = Record<string, unknown> & { state: string; version: number };

interface Kind {
  name: string;
  /** the order's state before the transition */
  before: (t: TestApp, id: string) => Prepared;
  who: UserKey;
  action: string;
  body: (t: TestApp) => Record<string, unknown>;
  after: string;
}

const CODE = '246810';
const codeHash = (orderId: string) => `\\x${createHash('sha256').update(`${orderId}:${CODE}`).digest('hex')}`;
const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();
const HOME = { lat: 39.6846, lng: 106.8206 };

const offered = (t: TestApp): Prepared => ({
  state: 'OFFERED',
  version: 2,
  provider_id: t.city.provider.a,
  offered_to: [t.city.provider.a],
  offer_expires_at: inMinutes(30),
});
const accepted = (t: TestApp): Prepared => ({
  state: 'ACCEPTED',
  version: 3,
  provider_id: t.city.provider.a,
  worker_id: t.city.worker.a,
});
const inService = (t: TestApp): Prepared => ({
  ...accepted(t),
  state: 'IN_SERVICE',
  version: 5,
  check_in_at: inMinutes(-60),
  check_in_lat: HOME.lat,
  check_in_lng: HOME.lng,
  check_in_distance_m: 0,
});
const completed = (t: TestApp, id: string): Prepared => ({
  ...inService(t),
  state: 'COMPLETED',
  version: 6,
  check_out_at: inMinutes(-1),
  check_out_lat: HOME.lat,
  check_out_lng: HOME.lng,
  check_out_distance_m: 0,
  photo_hashes: ['a'.repeat(64)],
  confirm_code_hash: codeHash(id),
  confirm_code_expires_at: inMinutes(60),
});
const confirmed = (t: TestApp, id: string): Prepared => ({
  ...completed(t, id),
  state: 'CONFIRMED',
  version: 7,
  confirm_code_hash: null,
  confirmed_by: t.city.users.familyA.id,
  confirmed_at: inMinutes(-1),
});

/** Every kind of transition a use case runs, each on its own order. */
const KINDS: Kind[] = [
  {
    name: 'offer',
    before: () => ({ state: 'PENDING_DISPATCH', version: 1 }),
    who: 'stationA',
    action: 'offer',
    body: (t) => ({ providerId: t.city.provider.a }),
    after: 'OFFERED',
  },
  {
    name: 'accept',
    before: offered,
    who: 'providerAdminA',
    action: 'accept',
    body: (t) => ({ workerId: t.city.worker.a }),
    after: 'ACCEPTED',
  },
  {
    name: 'reject',
    before: offered,
    who: 'providerAdminA',
    action: 'reject',
    body: () => ({ reason: '人手不足' }),
    after: 'PENDING_DISPATCH',
  },
  { name: 'depart', before: accepted, who: 'workerA', action: 'depart', body: () => ({}), after: 'EN_ROUTE' },
  {
    name: 'check-in',
    before: (t) => ({ ...accepted(t), state: 'EN_ROUTE', version: 4 }),
    who: 'workerA',
    action: 'check-in',
    body: () => HOME,
    after: 'IN_SERVICE',
  },
  {
    name: 'check-out',
    before: inService,
    who: 'workerA',
    action: 'check-out',
    body: () => ({ ...HOME, photoHashes: ['b'.repeat(64)] }),
    after: 'COMPLETED',
  },
  {
    name: 'cancel (family, accepted)',
    before: accepted,
    who: 'familyA',
    action: 'cancel',
    body: () => ({ reason: '家人已陪同' }),
    after: 'CANCELLED',
  },
  {
    name: 'cancel (station, pending)',
    before: () => ({ state: 'PENDING_DISPATCH', version: 1 }),
    who: 'stationA',
    action: 'cancel',
    body: () => ({ reason: '老人住院' }),
    after: 'CANCELLED',
  },
  {
    name: 'exception',
    before: inService,
    who: 'workerA',
    action: 'exception',
    body: () => ({ reason: '老人身体不适，服务中止' }),
    after: 'EXCEPTION',
  },
  {
    name: 'confirm',
    before: completed,
    who: 'familyA',
    action: 'confirm',
    body: () => ({ code: CODE, rating: 5 }),
    after: 'CONFIRMED',
  },
  {
    name: 'rate',
    before: confirmed,
    who: 'familyA',
    action: 'rate',
    body: () => ({ rating: 4 }),
    after: 'CONFIRMED',
  },
  {
    name: 'complaint',
    before: completed,
    who: 'familyA',
    action: 'complaint',
    body: () => ({ reason: '服务时间不足' }),
    after: 'DISPUTED',
  },
  {
    name: 'resolve',
    before: (t, id) => ({ ...completed(t, id), state: 'DISPUTED', version: 7, close_reason: '服务时间不足' }),
    who: 'dispatcherA',
    action: 'resolve',
    body: () => ({ reason: '已回访，补足时长' }),
    after: 'RESOLVED',
  },
];

/**
 * Order ids for the burst. Request logs carry the path, and every e2e file fails when its logs hold
 * something shaped like a phone number: a random UUID with 11 digits in a row would trip that check.
 */
function orderId(): string {
  for (;;) {
    const id = randomUUID();
    if (!/\d{11}/.test(id)) return id;
  }
}

/** Copies a real order once per entry, with the entry's columns (one INSERT … SELECT for all of them). */
async function cloneOrders(t: TestApp, templateId: string, rows: (Prepared & { id: string })[]): Promise<void> {
  await t.ds.query(
    `INSERT INTO service_order
     SELECT (jsonb_populate_record(o, x || jsonb_build_object('order_no', 'POOL-' || lpad(n::text, 6, '0'),
                                                             'idempotency_key', NULL, 'request_hash', NULL))).*
       FROM service_order o, jsonb_array_elements($2::jsonb) WITH ORDINALITY AS a(x, n)
      WHERE o.id = $1`,
    [templateId, JSON.stringify(rows)],
  );
  // an offered order holds its open offer as a row
  await t.ds.query(
    `INSERT INTO order_offer (id, order_id, provider_id, round, expires_at, manual, offered_by, offered_by_role)
     SELECT gen_random_uuid(), id, provider_id, 1, offer_expires_at, true, $2, 'STATION_STAFF'
       FROM service_order WHERE id = ANY($1::uuid[]) AND state = 'OFFERED'`,
    [rows.map((r) => r.id), t.city.users.stationA.id],
  );
}

describe('one pool connection per use case (DB_POOL_SIZE=2)', () => {
  let t: TestApp;
  let d: ReturnType<typeof orderDriver>;
  beforeAll(async () => {
    // A generous acquire timeout: this test is about nobody waiting for a connection forever, not
    // about how fast 200 requests drain through two connections on a shared machine.
    t = await startTestApp({ DB_POOL_SIZE: '2', DB_POOL_ACQUIRE_TIMEOUT_MS: '30000' });
    d = orderDriver(t);
  });
  afterAll(async () => t?.close());

  it('200 concurrent transitions of 13 kinds on 200 orders all answer 200, and the server stays healthy', async () => {
    const template = await d.create('familyA', { note: '模板' });
    expect(template.status).toBe(201);
    const plan = Array.from({ length: 200 }, (_, i) => {
      const kind = KINDS[i % KINDS.length];
      const id = orderId();
      return { id, kind, prepared: kind.before(t, id) };
    });
    await cloneOrders(
      t,
      template.body.id,
      plan.map((p) => ({ ...p.prepared, id: p.id })),
    );
    for (const who of new Set(KINDS.map((k) => k.who))) await d.token(who);

    const started = Date.now();
    const deadline = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 45_000).unref());
    let answered = 0;
    const answers = plan.map((p) =>
      d.act(p.kind.who, p.id, p.kind.action, p.kind.body(t)).then((res) => {
        answered += 1;
        return res;
      }),
    );
    const settled = await Promise.race([Promise.all(answers), deadline]);
    const elapsedMs = Date.now() - started;
    if (settled === 'timeout')
      throw new Error(`only ${answered} of 200 transitions answered within 45 s: the server hangs`);
    console.log(`200 concurrent transitions over 2 pool connections answered in ${elapsedMs} ms`);

    const wrong = settled
      .map((res, i) => ({ kind: plan[i].kind.name, status: res.status, code: res.body?.code }))
      .filter((r) => r.status !== 200);
    expect(wrong).toEqual([]);
    settled.forEach((res, i) => expect(res.body.state).toBe(plan[i].kind.after));

    // each order moved exactly once, and its event row says so
    const rows: { id: string; state: string; version: number; events: number }[] = await t.ds.query(
      `SELECT o.id, o.state, o.version, (SELECT count(*)::int FROM order_event e WHERE e.order_id = o.id) AS events
         FROM service_order o WHERE o.id = ANY($1::uuid[])`,
      [plan.map((p) => p.id)],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const p of plan) {
      expect(byId.get(p.id)).toEqual({ id: p.id, state: p.kind.after, version: p.prepared.version + 1, events: 1 });
    }

    // afterwards: healthy, and a normal request works
    expect((await t.http().get('/health')).status).toBe(200);
    const again = await d.get('familyA', template.body.id);
    expect(again.status).toBe(200);
    expect(again.body.state).toBe('PENDING_DISPATCH');
  }, 90_000);
});

describe('pool acquire timeout (DB_POOL_SIZE=2, DB_POOL_ACQUIRE_TIMEOUT_MS=1000)', () => {
  let t: TestApp;
  let d: ReturnType<typeof orderDriver>;
  const held: QueryRunner[] = [];
  beforeAll(async () => {
    t = await startTestApp({ DB_POOL_SIZE: '2', DB_POOL_ACQUIRE_TIMEOUT_MS: '1000' });
    d = orderDriver(t);
  });
  afterAll(async () => {
    await Promise.all(held.map((r) => r.release()));
    await t?.close();
  });

  it('answers 503 DATABASE_BUSY with Retry-After within the timeout when no connection frees up, logs one line, then recovers', async () => {
    const order = await d.orderAt('OFFERED');
    const token = await d.token('providerAdminA');
    await d.token('familyA');
    // both pool connections are taken (e.g. two slow reports), and stay taken
    for (let i = 0; i < 2; i++) {
      const runner = t.ds.createQueryRunner();
      await runner.connect();
      held.push(runner);
    }
    const before = t.logs.lines.length;
    const started = Date.now();
    const busy = await t
      .http()
      .post(`/orders/${order}/accept`)
      .set('Authorization', `Bearer ${token}`)
      .send({ workerId: t.city.worker.a });
    const waited = Date.now() - started;
    expect(busy.status).toBe(503);
    expect(busy.body).toMatchObject({ statusCode: 503, code: 'DATABASE_BUSY' });
    expect(busy.body.message).toMatch(/busy/);
    expect(Number(busy.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(waited).toBeGreaterThanOrEqual(900);
    expect(waited).toBeLessThan(5_000);

    // exactly one warn/error line about it, naming the code and no request data
    const lines = t.logs.lines.slice(before).filter((l) => l.includes('DATABASE_BUSY'));
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]) as { level: number; msg: string };
    expect(line.level).toBeGreaterThanOrEqual(40);
    expect(line.msg).not.toContain(t.city.worker.a);

    // the connections come back: the same request now succeeds, /health is 200
    await Promise.all(held.splice(0).map((r) => r.release()));
    expect((await t.http().get('/health')).status).toBe(200);
    const ok = await t
      .http()
      .post(`/orders/${order}/accept`)
      .set('Authorization', `Bearer ${token}`)
      .send({ workerId: t.city.worker.a });
    expect(ok.status).toBe(200);
    expect(ok.body.state).toBe('ACCEPTED');
  });
});
