import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JobScheduler } from '#lib/scheduler';
import { startChildApi } from '../support/child-api.js';
import { orderDriver, waitFor } from '../support/orders.js';
import { dispatchWorld } from '../support/dispatch.js';
import { startSecondInstance, startTestApp, type SecondInstance, type TestApp } from '../support/test-app.js';

/** Per order: how many events of each type, and its offers' states. */
async function tally(
  t: TestApp,
  ids: string[],
): Promise<Map<string, { events: Record<string, number>; offers: string[] }>> {
  const rows = (await t.ds.query(
    `SELECT o.id, (SELECT json_object_agg(type, n) FROM (SELECT type, count(*)::int AS n FROM order_event e
                     WHERE e.order_id = o.id GROUP BY type) x) AS events,
            (SELECT coalesce(json_agg(f.state ORDER BY f.created_at), '[]') FROM order_offer f WHERE f.order_id = o.id) AS offers
       FROM service_order o WHERE o.id = ANY($1::uuid[])`,
    [ids],
  )) as { id: string; events: Record<string, number>; offers: string[] }[];
  return new Map(rows.map((r) => [r.id, { events: r.events, offers: r.offers }]));
}

/** Makes every OPEN offer of these orders due `inMs` from now (rows, order deadlines and their jobs). */
async function offersDueIn(t: TestApp, ids: string[], inMs: number): Promise<number> {
  const [rows] = (await t.ds.query(
    `WITH o AS (UPDATE order_offer SET expires_at = now() + make_interval(secs => $2 / 1000.0)
                 WHERE order_id = ANY($1::uuid[]) AND state = 'OPEN' RETURNING id)
     UPDATE scheduled_job SET due_at = now() + make_interval(secs => $2 / 1000.0)
      WHERE kind = 'order.offer-expiry' AND key IN (SELECT id::text FROM o) RETURNING key`,
    [ids, inMs],
  )) as [unknown[], number];
  await t.ds.query(
    `UPDATE service_order SET offer_expires_at = now() + make_interval(secs => $2 / 1000.0) WHERE id = ANY($1::uuid[])`,
    [ids, inMs],
  );
  await t.ds.query(`SELECT pg_notify('eldercare_jobs', '0')`);
  return rows.length;
}

describe('dispatch deadlines are durable and fire exactly once', () => {
  describe('across a hard kill of the API process', () => {
    let t: TestApp;
    beforeAll(async () => {
      // this app serves HTTP but runs no jobs: the child processes do
      t = await startTestApp({ SCHEDULER_ENABLED: 'false' });
      await dispatchWorld(t);
    });
    afterAll(async () => t?.close());

    it('offers pending when the process is killed: every deadline still fires once and the orders move on', async () => {
      const d = orderDriver(t);
      const ids: string[] = [];
      for (let i = 0; i < 20; i += 1) ids.push((await d.create('familyA')).body.id as string);

      const first = startChildApi('api-child.mjs', t.databaseUrl);
      try {
        await first.ready;
        // the child's engine offers every order…
        await waitFor(async () => [...(await tally(t, ids)).values()].every((o) => o.events.OFFER === 1), 15_000);
        // …and is killed with their deadlines 1.5 s ahead
        expect(await offersDueIn(t, ids, 1_500)).toBe(20);
      } finally {
        first.child.kill('SIGKILL');
      }
      expect(await first.exited).toBe('SIGKILL');
      await new Promise((r) => setTimeout(r, 2_000)); // the deadlines pass while nothing runs

      const second = startChildApi('api-child.mjs', t.databaseUrl);
      try {
        await second.ready;
        await waitFor(async () => [...(await tally(t, ids)).values()].every((o) => o.events.OFFER === 2), 15_000);
        await new Promise((r) => setTimeout(r, 500));
        for (const [id, o] of await tally(t, ids)) {
          expect({ id, expire: o.events.EXPIRE, offer: o.events.OFFER, offers: o.offers }).toEqual({
            id,
            expire: 1,
            offer: 2,
            offers: ['EXPIRED', 'OPEN'],
          });
        }
      } finally {
        second.child.kill('SIGTERM');
        await second.exited;
      }
    }, 90_000);
  });

  describe('with two API instances on one database', () => {
    let t: TestApp;
    let second: SecondInstance;
    beforeAll(async () => {
      t = await startTestApp();
      await dispatchWorld(t);
      await t.ds.query(`UPDATE provider SET capacity = 1000`);
      second = await startSecondInstance(t);
    });
    afterAll(async () => {
      await second?.close();
      await t?.close();
    });

    it('handles each deadline exactly once (counted in the events), both instances taking part', async () => {
      const d = orderDriver(t);
      const ids: string[] = [];
      for (let i = 0; i < 40; i += 1) ids.push((await d.create('familyA')).body.id as string);
      await waitFor(async () => [...(await tally(t, ids)).values()].every((o) => o.events.OFFER === 1), 15_000);
      const before = [
        t.app.get(JobScheduler).latencySamples().length,
        second.app.get(JobScheduler).latencySamples().length,
      ];
      expect(await offersDueIn(t, ids, 0)).toBe(40);
      await waitFor(async () => [...(await tally(t, ids)).values()].every((o) => o.events.OFFER === 2), 15_000);
      await new Promise((r) => setTimeout(r, 500));
      for (const [id, o] of await tally(t, ids))
        expect({ id, expire: o.events.EXPIRE, offer: o.events.OFFER }).toEqual({ id, expire: 1, offer: 2 });
      const after = [
        t.app.get(JobScheduler).latencySamples().length,
        second.app.get(JobScheduler).latencySamples().length,
      ];
      expect(after[0]).toBeGreaterThan(before[0]);
      expect(after[1]).toBeGreaterThan(before[1]);
    });

    it('a burst of 200 orders within a few seconds: all offered, none twice, and the server stays healthy', async () => {
      const d = orderDriver(t);
      const ids: string[] = [];
      const started = Date.now();
      const queue = Array.from({ length: 200 }, (_, i) => i);
      await Promise.all(
        Array.from({ length: 20 }, async () => {
          for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
            const res = await d.create(i % 2 ? 'familyA' : 'stationA');
            expect(res.status).toBe(201);
            ids.push(res.body.id as string);
          }
        }),
      );
      expect(Date.now() - started).toBeLessThan(10_000);
      const health = await second.http().get('/health');
      expect(health.status).toBe(200);
      await waitFor(async () => [...(await tally(t, ids)).values()].every((o) => o.events.OFFER === 1), 30_000);
      await new Promise((r) => setTimeout(r, 500));
      for (const [id, o] of await tally(t, ids))
        expect({ id, offer: o.events.OFFER, offers: o.offers.length }).toEqual({ id, offer: 1, offers: 1 });
      await t.http().get('/health').expect(200);
    }, 60_000);
  });
});
