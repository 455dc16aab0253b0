import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitFor } from '../support/orders.js';
import { dispatchWorld, eventsOf, offersOf, untilState, type DispatchWorld } from '../support/dispatch.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Emergencies (助急, issue 8 item 7): an SOS call is offered to the best K providers at once; the
 * first acceptance wins atomically and the others see their offer withdrawn; the district, the
 * station and the elder's phones are alerted at once; the on-site deadline is watched.
 */
describe('emergency dispatch', () => {
  let t: TestApp;
  let w: DispatchWorld;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await startTestApp();
    w = await dispatchWorld(t);
  });
  afterAll(async () => t?.close());

  async function sos(): Promise<string> {
    const res = await t
      .http()
      .post('/sos')
      .set('X-Device-Key', t.city.deviceKeyA)
      .send({ lat: 39.6846, lng: 106.8206 });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }
  const adminOf = (p: string) => ({ [w.a]: w.admins.a, [w.c]: w.admins.c, [w.h]: w.admins.h })[p]!;
  const workerOf = (p: string) => ({ [w.a]: t.city.worker.a, [w.c]: w.workers.c, [w.h]: w.workers.h })[p]!;

  it('offers an SOS call to the best three providers at once; of three accepting in the same instant exactly one wins', async () => {
    const texted = async () =>
      (
        (await t.ds.query(`SELECT count(*)::int AS n FROM outbound_message WHERE template = 'EMERGENCY_RAISED'`)) as {
          n: number;
        }[]
      )[0].n;
    const before = await texted();
    const id = await sos();
    const offered = await untilState(t, id, 'OFFERED', 3_000);
    expect([...offered.offered_to].sort()).toEqual([w.a, w.c, w.h].sort());
    expect(offered.provider_id).toBeNull();
    // every provider offered sees the order; one not offered does not
    for (const p of offered.offered_to)
      await t
        .http()
        .get(`/orders/${id}`)
        .set(auth(adminOf(p)))
        .expect(200);
    await t.http().get(`/orders/${id}`).set(auth(w.admins.uncontracted)).expect(404);

    const answers = await Promise.all(
      offered.offered_to.map((p) =>
        t
          .http()
          .post(`/orders/${id}/accept`)
          .set(auth(adminOf(p)))
          .send({ workerId: workerOf(p) })
          .then((r) => ({ p, status: r.status, code: r.body.code as string | undefined })),
      ),
    );
    const winners = answers.filter((a) => a.status === 200);
    expect(winners).toHaveLength(1);
    for (const loser of answers.filter((a) => a.status !== 200))
      expect([loser.status, loser.code]).toEqual([409, 'OFFER_WITHDRAWN']);
    const winner = winners[0].p;
    const row = await untilState(t, id, 'ACCEPTED');
    expect(row).toMatchObject({ provider_id: winner, offered_to: [] });
    const offers = await offersOf(t, id);
    expect(offers.filter((o) => o.state === 'ACCEPTED').map((o) => o.provider_id)).toEqual([winner]);
    expect(offers.filter((o) => o.state === 'WITHDRAWN')).toHaveLength(2);
    // each withdrawal is an event that names the provider it concerns (for real-time delivery)
    const withdrawals = (await eventsOf(t, id)).filter((e) => e.type === 'WITHDRAW_OFFER');
    expect(withdrawals.map((e) => e.former_provider_id).sort()).toEqual(
      offered.offered_to.filter((p) => p !== winner).sort(),
    );
    for (const e of withdrawals)
      expect(e).toMatchObject({ actor_role: 'DISPATCH_ENGINE', payload: { acceptedBy: winner } });
    // the losers no longer see the order
    for (const p of offered.offered_to.filter((x) => x !== winner))
      await t
        .http()
        .get(`/orders/${id}`)
        .set(auth(adminOf(p)))
        .expect(404);

    // at creation: a district-level emergency alert (seen by the station and hub too), and the phones texted
    const alerts = await t
      .http()
      .get(`/dispatch/alerts?orderId=${id}&open=false`)
      .set(auth(await t.tokenFor(t.city.users.stationA)));
    expect(alerts.body.items).toEqual([
      expect.objectContaining({ reason: 'EMERGENCY', level: 'DISTRICT', emergency: true }),
    ]);
    for (const who of ['hubA', 'dispatcherA'] as const) {
      const list = await t
        .http()
        .get(`/dispatch/alerts?orderId=${id}&open=false`)
        .set(auth(await t.tokenFor(t.city.users[who])));
      expect(list.body.total).toBe(1);
    }
    // the elder's phone and each emergency contact (fixture: the elder and one contact)
    expect((await texted()) - before).toBeGreaterThanOrEqual(2);
  });

  it('keeps the other offers open when one of the K declines, and goes on to the next three when all do', async () => {
    const id = await sos();
    const offered = await untilState(t, id, 'OFFERED');
    const [first, ...rest] = offered.offered_to;
    await t
      .http()
      .post(`/orders/${id}/reject`)
      .set(auth(adminOf(first)))
      .send({ reason: '无人可派' })
      .expect(200);
    const after = await untilState(t, id, 'OFFERED');
    expect([...after.offered_to].sort()).toEqual([...rest].sort());
    const types = (await eventsOf(t, id)).map((e) => e.type);
    expect(types.slice(-1)).toEqual(['PARTIAL_REJECT']);
    for (const p of rest)
      await t
        .http()
        .post(`/orders/${id}/reject`)
        .set(auth(adminOf(p)))
        .send({ reason: '无人可派' })
        .expect(200);
    // nobody contracted is left within the circle: the order waits, the station is alerted too
    await untilState(t, id, 'PENDING_DISPATCH');
    await waitFor(async () => {
      const rows = (await t.ds.query(`SELECT reason FROM dispatch_alert WHERE order_id = $1`, [id])) as {
        reason: string;
      }[];
      return rows.some((r) => r.reason === 'NO_CANDIDATE');
    });
  });

  it('raises a district alert when nobody is on site within the on-site SLA', async () => {
    const id = await sos();
    const offered = await untilState(t, id, 'OFFERED');
    const p = offered.offered_to[0];
    await t
      .http()
      .post(`/orders/${id}/accept`)
      .set(auth(adminOf(p)))
      .send({ workerId: workerOf(p) })
      .expect(200);
    // the on-site deadline is a durable job: let it fall due now
    const moved = (await t.ds.query(
      `UPDATE scheduled_job SET due_at = now() WHERE kind = 'dispatch.onsite-sla' AND key = $1 RETURNING key`,
      [id],
    )) as [unknown[], number];
    expect(moved[1]).toBe(1);
    await t.ds.query(`SELECT pg_notify('eldercare_jobs', '0')`);
    await waitFor(async () => {
      const rows = (await t.ds.query(
        `SELECT level FROM dispatch_alert WHERE order_id = $1 AND reason = 'ONSITE_SLA_BREACHED'`,
        [id],
      )) as { level: string }[];
      return rows.length === 1 && rows[0].level === 'DISTRICT';
    });
  });
});
