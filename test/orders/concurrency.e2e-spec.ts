import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { orderDriver } from '../support/orders.js';

describe('racing actors', () => {
  let t: TestApp;
  let d: ReturnType<typeof orderDriver>;
  beforeAll(async () => {
    t = await startTestApp();
    d = orderDriver(t);
  });
  afterAll(async () => t.close());

  it('20 concurrent conflicting transitions: exactly one wins, the rest get 409, the log matches the state', async () => {
    const id = await d.orderAt('OFFERED');
    // the provider accepts (with two workers), rejects, the family and staff cancel — all at once
    const attempts = Array.from({ length: 20 }, (_, i) => {
      switch (i % 5) {
        case 0:
          return d.act('providerAdminA', id, 'accept', { workerId: t.city.worker.a });
        case 1:
          return d.act('providerAdminA', id, 'reject', { reason: '人手不足' });
        case 2:
          return d.act('familyA', id, 'cancel', { reason: '不需要了' });
        case 3:
          return d.act('stationA', id, 'cancel', { reason: '老人住院' });
        default:
          return d.act('providerAdminA', id, 'accept', { workerId: t.city.worker.a2 });
      }
    });
    const results = await Promise.all(attempts);
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    for (const r of results.filter((x) => x.status === 409))
      expect(['VERSION_CONFLICT', 'ILLEGAL_TRANSITION']).toContain(r.body.code);

    const winner = results.find((r) => r.status === 200)!.body;
    const [row]: { state: string; version: number }[] = await t.ds.query(
      `SELECT state, version FROM service_order WHERE id = $1`,
      [id],
    );
    const events: { seq: number; to_state: string }[] = await t.ds.query(
      `SELECT seq, to_state FROM order_event WHERE order_id = $1 ORDER BY seq`,
      [id],
    );
    expect(events).toHaveLength(3); // CREATED, OFFER, and the single winner
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(row.state).toBe(winner.state);
    expect(events.at(-1)!.to_state).toBe(row.state);
    expect(row.version).toBe(events.length);
  });

  it('10 parallel creates with one Idempotency-Key make one order', async () => {
    const key = 'same-key-0001';
    const results = await Promise.all(Array.from({ length: 10 }, () => d.create('familyA', { note: '同一请求' }, key)));
    const ids = new Set(results.map((r) => r.body.id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 200)).toHaveLength(9);
    const rows: { n: number }[] = await t.ds.query(
      `SELECT count(*)::int AS n FROM service_order WHERE idempotency_key = $1`,
      [key],
    );
    expect(rows[0].n).toBe(1);
    const events: { n: number }[] = await t.ds.query(`SELECT count(*)::int AS n FROM order_event WHERE order_id = $1`, [
      [...ids][0],
    ]);
    expect(events[0].n).toBe(1);
  });

  it('the same key with a different body gets 409 and creates nothing', async () => {
    const key = 'same-key-0002';
    expect((await d.create('familyA', { note: '第一次' }, key)).status).toBe(201);
    const other = await d.create('familyA', { note: '另一个请求' }, key);
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const rows: { n: number }[] = await t.ds.query(
      `SELECT count(*)::int AS n FROM service_order WHERE idempotency_key = $1`,
      [key],
    );
    expect(rows[0].n).toBe(1);
  });

  it('keys are per requester: another user may use the same key', async () => {
    const key = 'same-key-0003';
    const a = await d.create('familyA', {}, key);
    const b = await d.create('stationA', {}, key);
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(a.body.id).not.toBe(b.body.id);
  });

  it('the order event log refuses UPDATE and DELETE', async () => {
    await expect(t.ds.query(`UPDATE order_event SET type = 'X'`)).rejects.toThrow(/append-only/);
    await expect(t.ds.query(`DELETE FROM order_event`)).rejects.toThrow(/append-only/);
  });
});
