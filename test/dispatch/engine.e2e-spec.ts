import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ProviderStatsRefresher } from '#lib/dispatch';
import { orderDriver, expireOffersNow, waitFor } from '../support/orders.js';
import { dispatchWorld, eventsOf, offersOf, untilState, type DispatchWorld } from '../support/dispatch.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * The dispatch engine over HTTP on a real database (issue 8): automatic offers, the explanation,
 * rejection and expiry moving to the next candidate, nobody left → a station alert, manual dispatch
 * within each level's rule, reassignment, the district's manual switch and the worker suggestion.
 */
describe('dispatch engine', () => {
  let t: TestApp;
  let d: ReturnType<typeof orderDriver>;
  let w: DispatchWorld;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const as = (who: Parameters<ReturnType<typeof orderDriver>['as']>[0]) => d.as(who);

  beforeAll(async () => {
    t = await startTestApp();
    d = orderDriver(t);
    w = await dispatchWorld(t);
  });
  afterAll(async () => t?.close());

  const adminOf = (providerId: string) =>
    ({ [w.a]: w.admins.a, [w.c]: w.admins.c, [w.h]: w.admins.h })[providerId] ?? fail(`no admin for ${providerId}`);
  const workerOf = (providerId: string) =>
    ({ [w.a]: w.workers.a, [w.c]: w.workers.c, [w.h]: w.workers.h })[providerId] ?? fail(`no worker for ${providerId}`);
  const fail = (message: string): never => {
    throw new Error(message);
  };

  async function created(): Promise<{ id: string; at: number }> {
    const res = await d.create('familyA');
    expect(res.status).toBe(201);
    return { id: res.body.id as string, at: Date.now() };
  }

  it('offers a new order by itself, within a second, to the best contracted provider, and explains why', async () => {
    const { id, at } = await created();
    const offered = await untilState(t, id, 'OFFERED', 3_000);
    expect(Date.now() - at).toBeLessThan(1_000);
    expect(offered.offered_to).toEqual([w.a]);
    const [offer] = await offersOf(t, id);
    expect(offer).toMatchObject({ provider_id: w.a, state: 'OPEN', round: 1 });
    const events = await eventsOf(t, id);
    expect(events.map((e) => [e.type, e.actor_role])).toEqual([
      ['CREATED', 'FAMILY'],
      ['OFFER', 'DISPATCH_ENGINE'],
    ]);
    expect(events[1].payload).toMatchObject({ providerIds: [w.a], manual: false, round: 1 });

    const record = await t
      .http()
      .get(`/orders/${id}/dispatch`)
      .set(await as('dispatcherA'))
      .expect(200);
    expect(record.body.mode).toBe('AUTO');
    const explanation = record.body.offers[0].explanation;
    // every candidate ranked, with each factor
    expect(explanation.candidates.map((c: { providerId: string }) => c.providerId)).toEqual([w.a, w.h, w.c]);
    expect(Object.keys(explanation.candidates[0].factors).sort()).toEqual(
      ['acceptance', 'continuity', 'fairness', 'load', 'price', 'rating', 'travel'].sort(),
    );
    for (const c of explanation.candidates)
      expect(c.score).toBeCloseTo(
        Object.values(c.factors as Record<string, { contribution: number }>).reduce((s, f) => s + f.contribution, 0),
        4,
      );
    // and everyone filtered out, with the reason
    const reasons = Object.fromEntries(
      explanation.filteredOut.map((f: { providerId: string; reasons: { code: string }[] }) => [
        f.providerId,
        f.reasons.map((r) => r.code),
      ]),
    );
    expect(reasons[w.far]).toEqual(['OUTSIDE_SERVICE_CIRCLE']);
    expect(reasons[w.suspended]).toEqual(['PROVIDER_NOT_ACTIVE']);
    expect(reasons[w.uncontracted]).toEqual(['NO_CONTRACT']);
    expect(reasons[w.street]).toEqual(['NO_CONTRACT']);
    // the provider of another district is not even considered
    expect(JSON.stringify(record.body)).not.toContain(t.city.provider.b);
  });

  it('shows a provider only its own line of the explanation, and other providers nothing', async () => {
    const { id } = await created();
    const holder = (await untilState(t, id, 'OFFERED')).offered_to[0];
    const mine = await t
      .http()
      .get(`/orders/${id}/dispatch`)
      .set(auth(adminOf(holder)))
      .expect(200);
    expect(mine.body.offers).toHaveLength(1);
    const text = JSON.stringify(mine.body);
    for (const other of [w.a, w.c, w.h, w.far, w.suspended].filter((p) => p !== holder))
      expect(text).not.toContain(other);
    expect(mine.body.offers[0].explanation.line.providerId).toBe(holder);
    expect(mine.body.alerts).toEqual([]);
    const stranger = [w.a, w.c, w.h].find((p) => p !== holder)!;
    await t
      .http()
      .get(`/orders/${id}/dispatch`)
      .set(auth(adminOf(stranger)))
      .expect(404);
    await t
      .http()
      .get(`/orders/${id}/dispatch`)
      .set(await as('stationB'))
      .expect(404);
  });

  it('on rejection offers the next candidate, never one that declined; nobody left → a station alert', async () => {
    const { id } = await created();
    const holders: string[] = [];
    for (let round = 1; round <= 3; round += 1) {
      const row = await untilState(t, id, (r) => r.state === 'OFFERED' && !holders.includes(r.offered_to[0]));
      // each round offers the best of those who have not declined yet (the record's first candidate)
      const record = await t
        .http()
        .get(`/orders/${id}/dispatch`)
        .set(await as('dispatcherA'));
      expect(record.body.offers.at(-1).explanation.candidates[0].providerId).toBe(row.offered_to[0]);
      holders.push(row.offered_to[0]);
      await t
        .http()
        .post(`/orders/${id}/reject`)
        .set(auth(adminOf(row.offered_to[0])))
        .send({ reason: '人手不足' })
        .expect(200);
    }
    expect([...holders].sort()).toEqual([w.a, w.c, w.h].sort());
    // the acceptance history the ranking weighs (recomputed every few minutes) counts the declines
    await t.app.get(ProviderStatsRefresher).refresh();
    const stats = (await t.ds.query(
      `SELECT provider_id, offers_rejected FROM provider_dispatch_stats WHERE provider_id = ANY($1::uuid[])`,
      [holders],
    )) as { provider_id: string; offers_rejected: number }[];
    expect(stats).toHaveLength(3);
    for (const s of stats) expect(s.offers_rejected).toBeGreaterThanOrEqual(1);
    // nobody is left: the order waits and the community station is alerted
    await untilState(t, id, 'PENDING_DISPATCH');
    const offers = await offersOf(t, id);
    expect(offers.map((o) => [o.provider_id, o.state, o.round])).toEqual(holders.map((p, i) => [p, 'REJECTED', i + 1]));
    let alerts: {
      reason: string;
      level: string;
      explanation: { filteredOut: { providerId: string; reasons: { code: string }[] }[] };
    }[] = [];
    await waitFor(async () => {
      alerts = (
        await t
          .http()
          .get(`/dispatch/alerts?orderId=${id}`)
          .set(await as('stationA'))
      ).body.items;
      return alerts.length > 0;
    });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ reason: 'NO_CANDIDATE', level: 'STATION' });
    const declined = alerts[0].explanation.filteredOut
      .filter((f) => f.reasons.some((r) => r.code === 'ALREADY_OFFERED'))
      .map((f) => f.providerId);
    expect(declined.sort()).toEqual([w.a, w.c, w.h].sort());
    // the alert is in the hub's and the district's lists too, never in another district's
    for (const who of ['hubA', 'dispatcherA'] as const) {
      const list = await t
        .http()
        .get(`/dispatch/alerts?orderId=${id}`)
        .set(await as(who));
      expect(list.body.total).toBe(1);
    }
    const other = await t
      .http()
      .get(`/dispatch/alerts?orderId=${id}`)
      .set(await as('dispatcherB'));
    expect(other.body.total).toBe(0);
  });

  it('on expiry offers the next candidate (the deadline is a durable job)', async () => {
    const { id } = await created();
    const first = (await untilState(t, id, 'OFFERED')).offered_to[0];
    await expireOffersNow(t, id);
    const next = await untilState(t, id, (r) => r.state === 'OFFERED' && r.offered_to[0] !== first);
    expect([w.a, w.c, w.h]).toContain(next.offered_to[0]);
    const events = await eventsOf(t, id);
    expect(events.map((e) => e.type)).toEqual(['CREATED', 'OFFER', 'EXPIRE', 'OFFER']);
    expect(events[2]).toMatchObject({ actor_role: 'DISPATCH_ENGINE', former_provider_id: first });
    expect((await offersOf(t, id)).map((o) => o.state)).toEqual(['EXPIRED', 'OPEN']);
  });

  it('proposes the accepting provider’s best worker, and nobody else’s', async () => {
    const { id } = await created();
    await untilState(t, id, 'OFFERED');
    const s = await t.http().get(`/orders/${id}/worker-suggestion`).set(auth(w.admins.a)).expect(200);
    expect([t.city.worker.a, t.city.worker.a2]).toContain(s.body.suggestedWorkerId);
    expect(s.body.ranked.length).toBeGreaterThan(0);
    await t.http().get(`/orders/${id}/worker-suggestion`).set(auth(w.admins.c)).expect(404);
    const accepted = await d.act('providerAdminA', id, 'accept', { workerId: s.body.suggestedWorkerId });
    expect(accepted.body).toMatchObject({ state: 'ACCEPTED', workerId: s.body.suggestedWorkerId });
  });

  describe('by hand', () => {
    /** An order every contracted provider declined: it waits for a person (with a station alert). */
    /** An order every contracted provider declined: it waits for a person (with a station alert). */
    async function waiting(): Promise<string> {
      const { id } = await created();
      for (let declined = 0; declined < 3; declined += 1) {
        const row = await untilState(t, id, 'OFFERED');
        await t
          .http()
          .post(`/orders/${id}/reject`)
          .set(auth(adminOf(row.offered_to[0])))
          .send({ reason: '手工派单测试' })
          .expect(200);
      }
      await untilState(t, id, 'PENDING_DISPATCH');
      await waitFor(
        async () => (await t.ds.query(`SELECT 1 FROM dispatch_alert WHERE order_id = $1`, [id])).length > 0,
      );
      return id;
    }

    it('station staff pick a contracted provider; an uncontracted one is refused and nothing changes', async () => {
      const id = await waiting();
      const before = (await offersOf(t, id)).length;
      const refused = await d.act('stationA', id, 'offer', { providerId: w.uncontracted });
      expect([refused.status, refused.body.code]).toEqual([409, 'PROVIDER_NOT_CONTRACTED']);
      const street = await d.act('stationA', id, 'offer', { providerId: w.street });
      expect([street.status, street.body.code]).toEqual([409, 'PROVIDER_NOT_CONTRACTED']);
      const override = await d.act('stationA', id, 'offer', {
        providerId: w.uncontracted,
        override: true,
        reason: '试试',
      });
      expect([override.status, override.body.code]).toEqual([403, 'NOT_ALLOWED']);
      const suspended = await d.act('stationA', id, 'offer', { providerId: w.suspended });
      expect([suspended.status, suspended.body.code]).toEqual([409, 'PROVIDER_NOT_AVAILABLE']);
      const unknown = await d.act('stationA', id, 'offer', { providerId: '00000000-0000-4000-8000-000000000999' });
      expect(unknown.status).toBe(404);
      expect((await offersOf(t, id)).length).toBe(before);
      expect((await untilState(t, id, 'PENDING_DISPATCH')).version).toBeGreaterThan(1);
      // a provider that declined before may be picked again by a person (they may have phoned)
      const ok = await d.act('stationA', id, 'offer', { providerId: w.a });
      expect(ok.body).toMatchObject({ state: 'OFFERED', offeredTo: [w.a] });
      // the open alert is resolved by the assignment
      const alerts = await t.ds.query(`SELECT resolved_at, resolution FROM dispatch_alert WHERE order_id = $1`, [id]);
      expect(alerts.every((a: { resolved_at: Date | null }) => a.resolved_at !== null)).toBe(true);
    });

    it('hub staff may pick a provider contracted elsewhere in their street', async () => {
      const id = await waiting();
      const res = await d.act('hubA', id, 'offer', { providerId: w.street });
      expect(res.body).toMatchObject({ state: 'OFFERED', offeredTo: [w.street] });
    });

    it('a district dispatcher overrides with a reason, recorded in the audit trail', async () => {
      const id = await waiting();
      const noReason = await d.act('dispatcherA', id, 'offer', { providerId: w.uncontracted, override: true });
      expect(noReason.status).toBe(400);
      const outside = await d.act('dispatcherA', id, 'offer', {
        providerId: t.city.provider.b,
        override: true,
        reason: '跨区支援',
      });
      expect([outside.status, outside.body.code]).toEqual([409, 'PROVIDER_OUTSIDE_DISTRICT']);
      const auditBefore = await t.count('audit_log');
      const res = await d.act('dispatcherA', id, 'offer', {
        providerId: w.uncontracted,
        override: true,
        reason: '签约机构均无人',
      });
      expect(res.body).toMatchObject({ state: 'OFFERED', offeredTo: [w.uncontracted] });
      const [audit] = await t.ds.query(
        `SELECT action, actor_user_id, details FROM audit_log WHERE object_id = $1 AND action = 'DISPATCH_OVERRIDE'`,
        [id],
      );
      expect(audit).toMatchObject({ actor_user_id: t.city.users.dispatcherA.id });
      expect(await t.count('audit_log')).toBe(auditBefore + 1);
      const [offer] = await t.ds.query(
        `SELECT manual, reason, explanation->'chosenBy' AS chosen FROM order_offer WHERE order_id = $1 AND provider_id = $2`,
        [id, w.uncontracted],
      );
      expect(offer).toMatchObject({ manual: true, reason: '签约机构均无人', chosen: { basis: 'OVERRIDE' } });
    });

    it('reassigns an accepted order with a reason (audited); the former provider loses it', async () => {
      const { id } = await created();
      const holder = (await untilState(t, id, 'OFFERED')).offered_to[0];
      const to = holder === w.c ? w.h : w.c;
      await t
        .http()
        .post(`/orders/${id}/accept`)
        .set(auth(adminOf(holder)))
        .send({ workerId: workerOf(holder) })
        .expect(200);
      const noReason = await d.act('stationA', id, 'reassign', { providerId: to });
      expect(noReason.status).toBe(400);
      const res = await d.act('stationA', id, 'reassign', { providerId: to, reason: '原机构无法按时上门' });
      expect(res.body).toMatchObject({ state: 'OFFERED', offeredTo: [to], workerId: null });
      const last = (await eventsOf(t, id)).at(-1)!;
      expect(last).toMatchObject({ type: 'REASSIGN', former_provider_id: holder });
      expect(last.payload).toMatchObject({ fromProviderId: holder, reason: '原机构无法按时上门' });
      const [audit] = await t.ds.query(
        `SELECT count(*)::int AS n FROM audit_log WHERE object_id = $1 AND action = 'DISPATCH_REASSIGNED'`,
        [id],
      );
      expect(audit.n).toBe(1);
      await t
        .http()
        .get(`/orders/${id}`)
        .set(auth(adminOf(holder)))
        .expect(404);
    });

    it('a district in manual mode leaves new orders to people; switching back hands them to the engine', async () => {
      const district = t.city.district.a;
      await t
        .http()
        .put(`/dispatch/settings/${district}`)
        .set(await as('stationA'))
        .send({ mode: 'MANUAL' })
        .expect(403);
      await t
        .http()
        .put(`/dispatch/settings/${district}`)
        .set(await as('dispatcherB'))
        .send({ mode: 'MANUAL' })
        .expect(404);
      const set = await t
        .http()
        .put(`/dispatch/settings/${district}`)
        .set(await as('dispatcherA'))
        .send({ mode: 'MANUAL' })
        .expect(200);
      expect(set.body).toEqual({ districtCode: district, mode: 'MANUAL' });
      try {
        const { id } = await created();
        await new Promise((r) => setTimeout(r, 1_200));
        expect((await untilState(t, id, 'PENDING_DISPATCH')).offered_to).toEqual([]);
        const shown = await t
          .http()
          .get(`/dispatch/settings/${district}`)
          .set(await as('hubA'))
          .expect(200);
        expect(shown.body.mode).toBe('MANUAL');
        await t
          .http()
          .put(`/dispatch/settings/${district}`)
          .set(await as('dispatcherA'))
          .send({ mode: 'AUTO' })
          .expect(200);
        await untilState(t, id, 'OFFERED');
      } finally {
        await t.ds.query(`DELETE FROM dispatch_setting`);
      }
    });
  });
});
