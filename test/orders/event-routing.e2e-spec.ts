import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MIGRATIONS } from '#lib/database';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { expireOffersNow, orderDriver } from '../support/orders.js';

interface RoutingRow {
  seq: number;
  type: string;
  elder: string;
  provider: string | null;
  former: string | null;
  worker: string | null;
  region: string;
}

describe('order events carry who is entitled to them (routing snapshot at write time)', () => {
  let t: TestApp;
  let d: ReturnType<typeof orderDriver>;
  beforeAll(async () => {
    t = await startTestApp();
    d = orderDriver(t);
  });
  afterAll(async () => t.close());

  const routing = async (orderId: string): Promise<RoutingRow[]> =>
    t.ds.query(
      `SELECT seq, type, elder_id AS elder, provider_id AS provider, former_provider_id AS former, worker_id AS worker,
              region_path AS region
         FROM order_event WHERE order_id = $1 ORDER BY seq`,
      [orderId],
    );
  const step = async (...args: Parameters<typeof d.act>) => {
    const res = await d.act(...args);
    expect({ action: args[2], status: res.status, body: res.status === 200 ? null : res.body }).toMatchObject({
      status: 200,
    });
  };

  it('offer → reject → offer → accept → depart → check-in → check-out: each row names the holders after it', async () => {
    const created = await d.create('familyA');
    expect(created.status).toBe(201);
    const id: string = created.body.id;
    const pa = t.city.provider.a;
    const wa = t.city.worker.a;
    await step('stationA', id, 'offer', { providerId: pa });
    await step('providerAdminA', id, 'reject', { reason: '人手不足' });
    await step('stationA', id, 'offer', { providerId: pa });
    await step('providerAdminA', id, 'accept', { workerId: wa });
    await step('workerA', id, 'depart', {});
    await step('workerA', id, 'check-in', { lat: 39.6846, lng: 106.8206 });
    await step('workerA', id, 'check-out', { lat: 39.6846, lng: 106.8206, photoHashes: ['a'.repeat(64)] });

    const rows = await routing(id);
    const [order]: { region_path: string }[] = await t.ds.query(`SELECT region_path FROM service_order WHERE id = $1`, [
      id,
    ]);
    const elder = t.city.elder.a;
    expect(rows.map(({ region: _r, ...r }) => r)).toEqual([
      { seq: 1, type: 'CREATED', elder, provider: null, former: null, worker: null },
      { seq: 2, type: 'OFFER', elder, provider: pa, former: null, worker: null },
      // the provider that declined is kept, so it can be told the order left it
      { seq: 3, type: 'REJECT', elder, provider: null, former: pa, worker: null },
      { seq: 4, type: 'OFFER', elder, provider: pa, former: null, worker: null },
      { seq: 5, type: 'ACCEPT', elder, provider: pa, former: null, worker: wa },
      { seq: 6, type: 'DEPART', elder, provider: pa, former: null, worker: wa },
      { seq: 7, type: 'CHECK_IN', elder, provider: pa, former: null, worker: wa },
      { seq: 8, type: 'CHECK_OUT', elder, provider: pa, former: null, worker: wa },
    ]);
    for (const r of rows) expect(r.region).toBe(order.region_path);
  });

  it('an expired offer (system sweep) keeps the provider it was taken from; a cancel after acceptance keeps the holders', async () => {
    const id = await d.orderAt('OFFERED');
    // the deadline is a durable job: make it due now and let the scheduler fire it
    await expireOffersNow(t, id);
    const expired = (await routing(id)).at(-1)!;
    expect(expired).toMatchObject({ type: 'EXPIRE', provider: null, former: t.city.provider.a, worker: null });

    const accepted = await d.orderAt('ACCEPTED');
    await step('familyA', accepted, 'cancel', { reason: '不需要了' });
    expect((await routing(accepted)).at(-1)).toMatchObject({
      type: 'CANCEL',
      elder: t.city.elder.a,
      provider: t.city.provider.a,
      former: null,
      worker: t.city.worker.a,
    });
  });

  it('a refused transition writes no event (the routing insert is part of the transition)', async () => {
    const id = await d.orderAt('OFFERED');
    const before = await t.count('order_event');
    const res = await d.act('providerAdminB', id, 'reject', { reason: '不是我们的' });
    expect(res.status).toBe(404);
    expect(await t.count('order_event')).toBe(before);
  });

  it('the migration backfills routing of rows written before it, with the append-only trigger back on, and reverts', async () => {
    const id = await d.orderAt('ACCEPTED');
    const rejected = await d.orderAt('OFFERED');
    await step('providerAdminA', rejected, 'reject', { reason: '人手不足' });
    const written = [...(await routing(id)), ...(await routing(rejected))];
    const Migration = MIGRATIONS.find((m) => m.name === 'OrderEventCursorAndRouting1795500000000')!;
    const migration = new Migration();
    const qr = t.ds.createQueryRunner();
    try {
      await qr.startTransaction();
      await migration.down(qr);
      const cols: { column_name: string }[] = await qr.query(
        `SELECT column_name FROM information_schema.columns WHERE table_name = 'order_event'`,
      );
      expect(cols.map((c) => c.column_name)).not.toContain('xid');
      await migration.up(qr);
      await qr.commitTransaction();
    } finally {
      if (qr.isTransactionActive) await qr.rollbackTransaction();
      await qr.release();
    }
    expect([...(await routing(id)), ...(await routing(rejected))]).toEqual(written);
    // still append-only after the backfill
    await expect(t.ds.query(`UPDATE order_event SET worker_id = NULL WHERE order_id = $1`, [id])).rejects.toThrow(
      /append-only/,
    );
    // and new events still get their transaction id and routing
    await step('workerA', id, 'depart', {});
    const [last]: { xid: string | null; worker: string | null }[] = await t.ds.query(
      `SELECT xid, worker_id AS worker FROM order_event WHERE order_id = $1 ORDER BY seq DESC LIMIT 1`,
      [id],
    );
    expect(last.xid).toMatch(/^\d+$/);
    expect(last.worker).toBe(t.city.worker.a);
  });
});
