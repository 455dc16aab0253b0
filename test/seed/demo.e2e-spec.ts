import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import request from 'supertest';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '#lib/database';
import { nextState, type OrderAction, type OrderState } from '#lib/orders';
import { Role } from '#lib/kernel';
import { createApp } from '../../apps/api/src/bootstrap.js';
import { loadConfig } from '../../apps/api/src/config/config.js';
import { ENTITIES } from '../../apps/api/src/entities.js';
import { demoWalkthrough, seedDemo } from '../../scripts/seed/demo.js';
import { DEMO_PASSWORD } from '../../scripts/seed/generate.js';
import { TEST_KEYS, testCipher } from '../support/fixtures.js';
import { recordAnswers } from '../support/test-app.js';

/** First start on an empty database: the demo seed loads, and its printed accounts really work. */
describe('demo seed on an empty database', () => {
  let ds: DataSource;
  let app: NestExpressApplication;
  let text: string | undefined;
  let url: string;
  let contract: ReturnType<typeof recordAnswers> | undefined;

  beforeAll(async () => {
    const adminUrl = process.env.ELDERCARE_TEST_ADMIN_URL;
    const template = process.env.ELDERCARE_TEST_TEMPLATE_DB;
    if (!adminUrl || !template) throw new Error('e2e tests need the global setup (run them with npm test)');
    // a fresh migrated database without the fixture city
    const name = `eldercare_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
    await admin.end();
    const u = new URL(adminUrl);
    u.pathname = `/${name}`;
    url = u.toString();
    ds = new DataSource(buildDataSourceOptions({ url, entities: ENTITIES }));
    await ds.initialize();
    text = await seedDemo(ds, testCipher(), 'http://localhost:3000');
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: url,
      DEMO_SEED: 'false',
      LOG_LEVEL: 'warn',
      AUTH_RATE_LIMIT_PER_MINUTE: '1000', // every listed account signs in, some several times
      ...TEST_KEYS,
    });
    app = await createApp({ config, databaseUrl: url });
    contract = recordAnswers(app); // every answer checked against the OpenAPI document
    await app.listen(0, '127.0.0.1');
  }, 120_000);

  afterAll(async () => {
    try {
      await contract?.check();
    } finally {
      await app?.close();
      await ds?.destroy();
    }
  });

  const count = async (sql: string, params: unknown[] = []): Promise<number> =>
    ((await ds.query(sql, params)) as { n: number }[])[0].n;

  it('loads the Wuhai region tree and a small city, and does nothing on a database that has data', async () => {
    expect(text).toContain('13800000001');
    expect(text).toContain(DEMO_PASSWORD);
    const levels = (await ds.query(`SELECT level, count(*)::int AS n FROM region GROUP BY level ORDER BY level`)) as {
      level: string;
      n: number;
    }[];
    expect(Object.fromEntries(levels.map((r) => [r.level, r.n]))).toEqual({
      CITY: 1,
      DISTRICT: 3,
      STREET: 20,
      COMMUNITY: 70,
      VILLAGE: 13,
    });
    expect(await count(`SELECT count(*)::int AS n FROM facility`)).toBe(106);
    expect(await count(`SELECT count(*)::int AS n FROM elder`)).toBe(2_000);
    expect(await count(`SELECT count(*)::int AS n FROM provider`)).toBe(10);
    expect(await count(`SELECT count(*)::int AS n FROM worker`)).toBe(200);
    expect(await count(`SELECT count(*)::int AS n FROM service_order`)).toBeGreaterThan(2_000);
    const roles = (await ds.query(`SELECT DISTINCT role FROM app_user`)) as { role: string }[];
    expect(roles.map((r) => r.role).sort()).toEqual(
      Object.values(Role)
        .filter((r) => r !== Role.SOS_DEVICE)
        .sort(),
    );
    // personal data is encrypted with the app's key and findable by blind index only
    const idNumbers = (await ds.query(`SELECT id_number_enc FROM elder LIMIT 50`)) as { id_number_enc: Buffer }[];
    for (const r of idNumbers) expect(testCipher().decrypt(r.id_number_enc)).toMatch(/^150\d{15}$|^150\d{14}X$/);
    expect(await seedDemo(ds, testCipher())).toBeUndefined();
    expect(await count(`SELECT count(*)::int AS n FROM elder`)).toBe(2_000);
  });

  it("writes every order's event log so that it replays the state machine to the order's state and version", async () => {
    const orders = (await ds.query(
      `SELECT o.id, o.state, o.version, json_agg(json_build_object('seq', e.seq, 'type', e.type, 'from', e.from_state, 'to', e.to_state) ORDER BY e.seq) AS events
         FROM service_order o JOIN order_event e ON e.order_id = o.id GROUP BY o.id`,
    )) as {
      id: string;
      state: string;
      version: number;
      events: { seq: number; type: string; from: string | null; to: string }[];
    }[];
    expect(orders.length).toBe(await count(`SELECT count(*)::int AS n FROM service_order`));
    const problems: string[] = [];
    for (const o of orders) {
      if (o.events.length !== o.version || o.events[o.version - 1].to !== o.state)
        problems.push(`${o.id}: log ends elsewhere`);
      if (o.events[0].type !== 'CREATED') problems.push(`${o.id}: no CREATED`);
      for (const e of o.events.slice(1)) {
        const t = nextState(e.from as OrderState, e.type as OrderAction);
        if (!t.ok || t.next !== e.to) problems.push(`${o.id}: ${e.type} ${e.from}→${e.to}`);
      }
    }
    expect(problems.slice(0, 5)).toEqual([]);
  });

  it("snapshots each event's routing: the last event names the order's elder, provider and worker; REJECT/EXPIRE the provider removed", async () => {
    const [drift] = (await ds.query(
      `SELECT count(*)::int AS n FROM service_order o
         JOIN order_event e ON e.order_id = o.id AND e.seq = o.version
        WHERE e.elder_id IS DISTINCT FROM o.elder_id OR e.provider_id IS DISTINCT FROM o.provider_id
           OR e.worker_id IS DISTINCT FROM o.worker_id OR e.xid IS NULL`,
    )) as { n: number }[];
    expect(drift.n).toBe(0);
    const [removal] = (await ds.query(
      `SELECT count(*) FILTER (WHERE type IN ('REJECT', 'EXPIRE'))::int AS removals,
              count(*) FILTER (WHERE type IN ('REJECT', 'EXPIRE') AND (former_provider_id IS NULL OR provider_id IS NOT NULL
                OR former_provider_id::text <> payload->>'providerId'))::int AS wrong,
              count(*) FILTER (WHERE type NOT IN ('REJECT', 'EXPIRE') AND former_provider_id IS NOT NULL)::int AS stray
         FROM order_event`,
    )) as { removals: number; wrong: number; stray: number }[];
    expect(removal.removals).toBeGreaterThan(0);
    expect(removal).toMatchObject({ wrong: 0, stray: 0 });
  });

  it('lets every listed account sign in with the printed password, with its role', async () => {
    const listed = [...text!.matchAll(/^ {2}(138\d{8}) {2}([A-Z_]+)/gm)].map((m) => ({ phone: m[1], role: m[2] }));
    expect(listed).toHaveLength(14);
    for (const a of listed) {
      const res = await request(app.getHttpServer())
        .post('/auth/login')
        .send({ phone: a.phone, password: DEMO_PASSWORD });
      expect({ phone: a.phone, status: res.status }).toEqual({ phone: a.phone, status: 200 });
      const me = await request(app.getHttpServer())
        .get('/auth/me')
        .set('Authorization', `Bearer ${res.body.accessToken}`)
        .expect(200);
      expect(me.body.role).toBe(a.role);
    }
    const wrong = await request(app.getHttpServer())
      .post('/auth/login')
      .send({ phone: listed[0].phone, password: 'not-the-demo-password' });
    expect(wrong.status).toBe(401);
  });

  it("lets the demo worker carry the elder's accepted order on, and the printed SOS key raise an emergency", async () => {
    const login = async (phone: string) =>
      (await request(app.getHttpServer()).post('/auth/login').send({ phone, password: DEMO_PASSWORD }).expect(200)).body
        .accessToken as string;
    const worker = await login('13800000010');
    const [order] = (await ds.query(
      `SELECT o.id, o.version FROM service_order o JOIN app_user u ON u.worker_id = o.worker_id
        WHERE u.phone_hash = $1 AND o.state = 'ACCEPTED' ORDER BY o.created_at DESC LIMIT 1`,
      [testCipher().blindIndex('13800000010')],
    )) as { id: string; version: number }[];
    expect(order).toBeDefined();
    const departed = await request(app.getHttpServer())
      .post(`/orders/${order.id}/depart`)
      .set('Authorization', `Bearer ${worker}`)
      .send({ version: order.version });
    expect(departed.status).toBe(200);
    expect(departed.body.state).toBe('EN_ROUTE');

    const key = /X-Device-Key\):\n\s+(\S+)/.exec(text!)![1];
    const sos = await request(app.getHttpServer()).post('/sos').set('X-Device-Key', key).send({});
    expect(sos.status).toBe(201);
    expect(sos.body.state).toBe('PENDING_DISPATCH');
    const [raised] = (await ds.query(`SELECT channel, service_type, priority FROM service_order WHERE id = $1`, [
      sos.body.id,
    ])) as object[];
    expect(raised).toEqual({ channel: 'SOS', service_type: 'EMERGENCY', priority: 2 });
    const forged = await request(app.getHttpServer())
      .post('/sos')
      .set('X-Device-Key', `${key.split('.')[0]}.wrong-secret-0123456789`)
      .send({});
    expect(forged.status).toBe(401);
  });

  it('dispatches by itself as the walk-through says: offered at once to 13800000009, declined to 13800000014, then an alert at the station', async () => {
    const http = () => request(app.getHttpServer());
    const login = async (phone: string) =>
      (await http().post('/auth/login').send({ phone, password: DEMO_PASSWORD }).expect(200)).body
        .accessToken as string;
    const walkthrough = (await demoWalkthrough(ds, testCipher(), 'http://localhost:3000', {
      stationMinutes: 10,
      hubMinutes: 15,
    }))!;
    const body = /-d '(\{"elderId":[^']+\})'/.exec(walkthrough)![1];
    const { elderId, itemId } = JSON.parse(body) as { elderId: string; itemId: string };
    const [providers] = (await ds.query(
      `SELECT array_agg(u.provider_id ORDER BY u.phone_hash = $1 DESC) AS ids FROM app_user u
        WHERE u.phone_hash = ANY($2::bytea[])`,
      [testCipher().blindIndex('13800000009'), ['13800000009', '13800000014'].map((p) => testCipher().blindIndex(p))],
    )) as { ids: string[] }[];
    const [first, second] = providers.ids;

    // the waiting showcase order was offered by the engine as soon as the app ran
    const [showcase] = (await ds.query(
      `SELECT id FROM service_order WHERE elder_id = $1 AND note = '演示工单：待派单'`,
      [elderId],
    )) as { id: string }[];
    await untilOffered(showcase.id, first);

    const created = await http()
      .post('/orders')
      .set('Authorization', `Bearer ${await login('13800000013')}`)
      .send({ elderId, itemId });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await untilOffered(id, first);
    const record = await http()
      .get(`/orders/${id}/dispatch`)
      .set('Authorization', `Bearer ${await login('13800000004')}`)
      .expect(200);
    expect(record.body.offers[0].explanation.candidates.map((c: { providerId: string }) => c.providerId)).toEqual([
      first,
      second,
    ]);

    await http()
      .post(`/orders/${id}/reject`)
      .set('Authorization', `Bearer ${await login('13800000009')}`)
      .send({ reason: '人手不足' })
      .expect(200);
    await untilOffered(id, second);
    await http()
      .post(`/orders/${id}/reject`)
      .set('Authorization', `Bearer ${await login('13800000014')}`)
      .send({ reason: '人手不足' })
      .expect(200);
    const station = await login('13800000008');
    let alerts: { orderId: string; reason: string; level: string }[] = [];
    for (const started = Date.now(); Date.now() - started < 3_000; await sleep(20)) {
      const res = await http().get('/dispatch/alerts').set('Authorization', `Bearer ${station}`).expect(200);
      alerts = (res.body.items as typeof alerts).filter((a) => a.orderId === id);
      if (alerts.length) break;
    }
    expect(alerts).toEqual([expect.objectContaining({ reason: 'NO_CANDIDATE', level: 'STATION' })]);
  });

  /** Polls the database (at most 3 s) until the order is OFFERED to exactly `providerId`. */
  async function untilOffered(orderId: string, providerId: string): Promise<void> {
    let row: { state: string; offered_to: string[] } | undefined;
    for (const started = Date.now(); Date.now() - started < 3_000; await sleep(15)) {
      [row] = (await ds.query(`SELECT state, offered_to FROM service_order WHERE id = $1`, [
        orderId,
      ])) as (typeof row)[];
      if (row?.state === 'OFFERED') break;
    }
    expect(row).toEqual({ state: 'OFFERED', offered_to: [providerId] });
  }
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
