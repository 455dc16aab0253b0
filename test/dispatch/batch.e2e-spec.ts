/**
 * Batch assignment of a day's scheduled orders (issue 8, item 8): POST /dispatch/batches, GET …/:id,
 * POST …/:id/commit on the mini city (test/support/fixtures.ts), plus:
 *  - district A switched to MANUAL dispatch (dispatch_setting), so the engine never offers the test
 *    orders by itself (they are also scheduled for tomorrow, beyond its lead time);
 *  - worker A on shift 06:00–22:00 every day (worker A2 keeps no shifts: never available);
 *  - provider C in district A, based 0.0095° west of provider A, contracted for community A1 only,
 *    with one CAREGIVER worker on the same shifts;
 *  - elders E1 (0.0025° west of provider A's base) and E2 (0.005° east), both in community A1.
 *
 * Expected travel (urban 18 km/h × 1.4; 1° of longitude at 39.686° ≈ 85.55 km): A → E1 0.214 km
 * = 1.0 min, A → E2 0.428 km = 2.0 min, C → E1 0.599 km = 2.8 min, C → E2 1.241 km = 5.8 min;
 * A → elder A2's village home ≈ 5.06 km rural = 11.3 min.
 * Tomorrow's orders: o1 (E1, 1 h cleaning, 08:45–10:00), o2 (E2, 1 h cleaning, 09:00–10:00), o3 (elder A,
 * home nursing: needs a NURSE, nobody in district A is one), o4 (elder A2, meal delivery 11:00–12:00:
 * FOOD_HANDLER, only worker A). Greedy takes o1 first (earlier window) and gives it worker A (1.0 min),
 * so o2 goes to C (5.8 min): 1.0 + 5.8 + 11.3 = 18.1. The optimum swaps them: o1 → C (2.8), o2 → A
 * (2.0): 16.1. o3 stays unassigned in both (NO_ELIGIBLE_WORKER).
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { STANDARD_SERVICE_TYPES } from '#lib/catalog';
import {
  BatchSolverThread,
  dispatchConfig,
  StraightLineTravelTime,
  syntheticBatchDay,
  validateBatchPlan,
} from '#lib/dispatch';
import { testCipher } from '../support/fixtures.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const DAY_MS = 86_400_000;
/** The local (UTC+8) date `days` from today. */
const localDay = (days: number) => new Date(Date.now() + 8 * 3_600_000 + days * DAY_MS).toISOString().slice(0, 10);
const at = (date: string, hhmm: string) => new Date(`${date}T${hhmm}:00+08:00`).toISOString();
const ALL_WEEK = (range: string) =>
  JSON.stringify(Object.fromEntries(['1', '2', '3', '4', '5', '6', '7'].map((d) => [d, [range]])));

interface Assignment {
  orderId: string;
  orderNo: string;
  providerId: string;
  workerId: string;
  start: string;
  end: string;
  travelMinutes: number;
}
interface Plan {
  assignments: Assignment[];
  unassigned: { orderId: string; orderNo: string; reason: string }[];
  totalTravelMinutes: number;
  objective: number;
  assignedCount: number;
  unassignedCount: number;
  status?: string;
}

describe('batch assignment of a day’s scheduled orders', () => {
  let t: TestApp;
  let tokens: Record<string, string>;
  const tomorrow = localDay(1);
  let providerC: string;
  let workerC: string;
  let e1: string;
  let e2: string;
  const o: Record<string, string> = {};
  let batchId: string;

  const as = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const plan = (who: string, body: Record<string, unknown>) =>
    t.http().post('/dispatch/batches').set(as(who)).send(body);
  const commit = (who: string, id: string) => t.http().post(`/dispatch/batches/${id}/commit`).set(as(who)).send();
  const counts = async () => ({
    batches: await t.count('dispatch_batch'),
    offers: await t.count('order_offer'),
    events: await t.count('order_event'),
  });
  const stateOf = async (id: string) =>
    ((await t.ds.query(`SELECT state FROM service_order WHERE id = $1`, [id])) as { state: string }[])[0].state;

  async function elder(name: string, idNumber: string, lng: number): Promise<string> {
    const id = randomUUID();
    const cipher = testCipher();
    await t.ds.query(
      `INSERT INTO elder (id, name, gender, birth_date, id_number_enc, id_number_hash, address_enc, community_code,
         region_path, home_lat, home_lng, living_situation)
       VALUES ($1, $2, 'M', '1946-03-01', $3, $4, $5, $6, $7, 39.686, $8, 'ALONE')`,
      [
        id,
        name,
        cipher.encrypt(idNumber),
        cipher.blindIndex(idNumber),
        cipher.encrypt('乌海市测试地址1号'),
        t.city.community.a1,
        t.city.path.a1,
        lng,
      ],
    );
    return id;
  }

  async function order(who: string, elderId: string, item: string, date: string, from: string, to: string) {
    const res = await t
      .http()
      .post('/orders')
      .set(as(who))
      .send({
        elderId,
        itemId: t.city.items[item],
        channel: 'WALK_IN',
        scheduledStart: at(date, from),
        scheduledEnd: at(date, to),
      });
    if (res.status !== 201) throw new Error(`order setup: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  }

  beforeAll(async () => {
    t = await startTestApp();
    tokens = await t.tokensForAll();
    const { ds, city } = t;
    await ds.query(`INSERT INTO dispatch_setting (district_code, mode, updated_by) VALUES ($1, 'MANUAL', $2)`, [
      city.district.a,
      city.users.admin.id,
    ]);
    await ds.query(`UPDATE worker SET shifts = $2 WHERE id = $1`, [city.worker.a, ALL_WEEK('06:00-22:00')]);
    providerC = randomUUID();
    await ds.query(
      `INSERT INTO provider (id, name, credit_code, district_code, base_lat, base_lng, opening_hours, capacity)
       VALUES ($1, '海勃湾区测试居家服务站', '91150302MA0000003C', $2, 39.686, 106.8115, $3, 5)`,
      [providerC, city.district.a, ALL_WEEK('06:00-22:00')],
    );
    await ds.query(
      `INSERT INTO provider_contract (id, provider_id, service_types, community_codes, valid_from, valid_to)
       VALUES ($1, $2, $3, $4, '2020-01-01', '2099-12-31')`,
      [randomUUID(), providerC, STANDARD_SERVICE_TYPES.map((s) => s.code), [city.community.a1]],
    );
    workerC = randomUUID();
    await ds.query(
      `INSERT INTO worker (id, provider_id, name, qualifications, shifts) VALUES ($1, $2, '测试护理员', '{CAREGIVER}', $3)`,
      [workerC, providerC, ALL_WEEK('06:00-22:00')],
    );
    e1 = await elder('测试甲', '150302194603011234', 106.8185);
    e2 = await elder('测试乙', '150302194603015678', 106.826);

    o.o1 = await order('hubA', e1, 'CLEAN_HOUR', tomorrow, '08:45', '10:00');
    o.o2 = await order('hubA', e2, 'CLEAN_HOUR', tomorrow, '09:00', '10:00');
    o.o3 = await order('hubA', city.elder.a, 'HOME_NURSING', tomorrow, '10:00', '12:00');
    o.o4 = await order('hubA', city.elder.a2, 'MEAL_DELIVERY', tomorrow, '11:00', '12:00');
    // not in street A's batch for tomorrow: street B, the day after, and an order without a schedule
    o.streetB = await order('stationB', city.elder.b, 'CLEAN_HOUR', tomorrow, '09:00', '11:00');
    o.later = await order('hubA', e1, 'CLEAN_HOUR', localDay(2), '09:00', '11:00');
    const asap = await t
      .http()
      .post('/orders')
      .set(as('hubA'))
      .send({ elderId: e2, itemId: city.items.LAUNDRY, channel: 'WALK_IN' });
    expect(asap.status).toBe(201);
    o.asap = asap.body.id;
  }, 120_000);
  afterAll(async () => t?.close());

  it('refuses bad input with a clear 4xx and changes nothing', async () => {
    const before = await counts();
    const cases: [string, Record<string, unknown>, number, string, RegExp][] = [
      // hub A plans only its own street: street B and the district above are outside its region
      [
        'hubA',
        { regionCode: t.city.street.b, date: tomorrow },
        404,
        'REGION_NOT_FOUND',
        /no region 150303001 in your scope/,
      ],
      ['hubA', { regionCode: t.city.district.a, date: tomorrow }, 404, 'REGION_NOT_FOUND', /outside your region/],
      ['dispatcherA', { regionCode: '150302999', date: tomorrow }, 404, 'REGION_NOT_FOUND', /unknown/],
      ['dispatcherB', { regionCode: t.city.street.a, date: tomorrow }, 404, 'REGION_NOT_FOUND', /150302001/],
      [
        'dispatcherA',
        { regionCode: t.city.community.a1, date: tomorrow },
        400,
        'REGION_NOT_PLANNABLE',
        /is a COMMUNITY; a batch plans a STREET or a DISTRICT/,
      ],
      ['admin', { regionCode: t.city.city, date: tomorrow }, 400, 'REGION_NOT_PLANNABLE', /is a CITY/],
      [
        'dispatcherA',
        { regionCode: t.city.street.a, date: localDay(-1) },
        400,
        'VALIDATION_FAILED',
        /^date: .* is in the past/,
      ],
      [
        'dispatcherA',
        { regionCode: t.city.street.a, date: localDay(15) },
        400,
        'VALIDATION_FAILED',
        /^date: .* more than 14 days ahead/,
      ],
      [
        'dispatcherA',
        { regionCode: t.city.street.a, date: '2026-02-30' },
        400,
        'VALIDATION_FAILED',
        /date must be a calendar date/,
      ],
      ['dispatcherA', { date: tomorrow }, 400, 'VALIDATION_FAILED', /regionCode/],
      ['stationA', { regionCode: t.city.street.a, date: tomorrow }, 403, 'ROLE_NOT_ALLOWED', /STATION_STAFF may not/],
    ];
    const problems: string[] = [];
    for (const [who, body, status, code, message] of cases) {
      const res = await plan(who, body);
      if (res.status !== status || res.body.code !== code || !message.test(res.body.message))
        problems.push(`${who} ${JSON.stringify(body)} → ${res.status} ${res.body.code} ${res.body.message}`);
      if (code === 'VALIDATION_FAILED' && body.date && body.regionCode)
        expect(res.body.details.fields.map((f: { field: string }) => f.field)).toEqual(['date']);
    }
    expect(problems).toEqual([]);
    expect(await counts()).toEqual(before);
  });

  it('plans street A for tomorrow: the optimum swaps greedy’s choice, both leave the nursing order', async () => {
    const solver = t.app.get(BatchSolverThread);
    const solvedBefore = solver.solved;
    const res = await plan('hubA', { regionCode: t.city.street.a, date: tomorrow });
    expect(res.status).toBe(201);
    const b = res.body as {
      id: string;
      state: string;
      regionCode: string;
      regionLevel: string;
      date: string;
      counts: Record<string, number>;
      plan: Plan;
      greedy: Plan;
      comparison: Record<string, number>;
      solver: { status: string; threadId: number | null; solveMs: number; model: Record<string, number> };
    };
    batchId = b.id;
    expect(b).toMatchObject({ state: 'DRAFT', regionCode: t.city.street.a, regionLevel: 'STREET', date: tomorrow });
    // only street A's four orders of tomorrow; providers A and C (contracted for A1/A2), their 3 workers
    expect(b.counts).toEqual({ orders: 4, providers: 2, workers: 3, assigned: 3, unassigned: 1 });
    const pick = (p: Plan) => Object.fromEntries(p.assignments.map((a) => [a.orderId, [a.providerId, a.workerId]]));
    expect(pick(b.plan)).toEqual({
      [o.o1]: [providerC, workerC],
      [o.o2]: [t.city.provider.a, t.city.worker.a],
      [o.o4]: [t.city.provider.a, t.city.worker.a],
    });
    expect(pick(b.greedy)).toEqual({
      [o.o1]: [t.city.provider.a, t.city.worker.a],
      [o.o2]: [providerC, workerC],
      [o.o4]: [t.city.provider.a, t.city.worker.a],
    });
    const o2 = b.plan.assignments.find((a) => a.orderId === o.o2)!;
    expect(o2).toMatchObject({ start: at(tomorrow, '09:00'), end: at(tomorrow, '10:00') });
    expect(o2.orderNo).toMatch(/\S/);
    expect(b.plan.totalTravelMinutes).toBeCloseTo(16.1, 0);
    expect(b.greedy.totalTravelMinutes).toBeCloseTo(18.1, 0);
    expect(b.plan.totalTravelMinutes).toBeLessThan(b.greedy.totalTravelMinutes);
    expect(b.comparison.travelMinutesSaved).toBeCloseTo(2, 0);
    for (const p of [b.plan, b.greedy]) {
      expect(p.unassigned).toEqual([{ orderId: o.o3, orderNo: expect.any(String), reason: 'NO_ELIGIBLE_WORKER' }]);
      expect([p.assignedCount, p.unassignedCount]).toEqual([3, 1]);
    }
    expect(b.plan.status).toBe('OPTIMAL');
    // solved in the worker thread (not the API's main thread 0), and HiGHS had something to do
    expect(b.solver.threadId).toBeGreaterThan(0);
    expect(solver.solved).toBe(solvedBefore + 1);
    expect(b.solver.model.solvedComponents).toBeGreaterThanOrEqual(1);
    // planning offers nothing
    expect(await t.count('order_offer')).toBe(0);
    expect(await Promise.all([o.o1, o.o2, o.o3, o.o4].map(stateOf))).toEqual(Array(4).fill('PENDING_DISPATCH'));
    const [row] = await t.ds.query(
      `SELECT state, region_path, to_char(service_date, 'YYYY-MM-DD') AS date, created_by FROM dispatch_batch WHERE id = $1`,
      [batchId],
    );
    expect(row).toEqual({
      state: 'DRAFT',
      region_path: t.city.path.streetA,
      date: tomorrow,
      created_by: t.city.users.hubA.id,
    });
  });

  it('shows the stored batch to its region’s planners only', async () => {
    const mine = await t.http().get(`/dispatch/batches/${batchId}`).set(as('dispatcherA'));
    expect([mine.status, mine.body.id, mine.body.state, mine.body.plan.assignments.length]).toEqual([
      200,
      batchId,
      'DRAFT',
      3,
    ]);
    for (const [who, id] of [
      ['dispatcherB', batchId],
      ['dispatcherA', randomUUID()],
      ['dispatcherA', 'not-a-uuid'],
    ]) {
      const res = await t.http().get(`/dispatch/batches/${id}`).set(as(who));
      expect([res.status, res.body.code]).toEqual([404, 'BATCH_NOT_FOUND']);
    }
    const before = await counts();
    const foreign = await commit('dispatcherB', batchId);
    expect([foreign.status, foreign.body.code]).toEqual([404, 'BATCH_NOT_FOUND']);
    expect(await counts()).toEqual(before);
  });

  it('commit makes one OPEN offer per assignment in one go, skips what is no longer pending; a second commit is 409', async () => {
    // the meal order is cancelled after planning: skipped, not a failure
    const cancelled = await t.http().post(`/orders/${o.o4}/cancel`).set(as('hubA')).send({ reason: '家属取消' });
    expect(cancelled.status).toBe(200);
    const before = Date.now();
    const res = await commit('dispatcherA', batchId);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: 'COMMITTED', committedBy: t.city.users.dispatcherA.id });
    const result = res.body.result as {
      offered: { orderId: string; providerId: string; workerId: string; plannedStart: string; expiresAt: string }[];
      skipped: unknown[];
    };
    expect(result.offered.map((x) => [x.orderId, x.providerId, x.workerId])).toEqual(
      [
        [o.o1, providerC, workerC],
        [o.o2, t.city.provider.a, t.city.worker.a],
      ].sort((a, b) => a[0].localeCompare(b[0])),
    );
    expect(result.skipped).toEqual([
      { orderId: o.o4, orderNo: expect.any(String), state: 'CANCELLED', reason: 'NO_LONGER_PENDING' },
    ]);
    const offers = await t.ds.query(
      `SELECT order_id, provider_id, state, manual, reason, planned_worker_id, planned_start, expires_at,
              explanation->>'source' AS source, explanation->>'batchId' AS batch
         FROM order_offer ORDER BY order_id`,
    );
    expect(offers).toHaveLength(2);
    for (const offer of offers) {
      const planned = res.body.plan.assignments.find((a: Assignment) => a.orderId === offer.order_id);
      expect(offer).toMatchObject({
        provider_id: planned.providerId,
        state: 'OPEN',
        manual: true,
        reason: `batch plan ${batchId}`,
        planned_worker_id: planned.workerId,
        source: 'BATCH',
        batch: batchId,
      });
      expect(offer.planned_start.toISOString()).toBe(planned.start);
      // the deadline: commit time + the item's acceptance SLA (1 h cleaning: 120 min)
      const sla = offer.expires_at.getTime() - before;
      expect(sla).toBeGreaterThanOrEqual(120 * 60_000 - 1_000);
      expect(sla).toBeLessThanOrEqual(120 * 60_000 + 30_000);
    }
    const orders = await t.ds.query(
      `SELECT id, state, offered_to FROM service_order WHERE id = ANY($1::uuid[]) ORDER BY id`,
      [[o.o1, o.o2, o.o3]],
    );
    expect(
      Object.fromEntries(
        orders.map((r: { id: string; state: string; offered_to: string[] }) => [r.id, [r.state, r.offered_to]]),
      ),
    ).toEqual({
      [o.o1]: ['OFFERED', [providerC]],
      [o.o2]: ['OFFERED', [t.city.provider.a]],
      [o.o3]: ['PENDING_DISPATCH', []],
    });
    // the planned provider now sees its offer
    const seen = await t.http().get(`/orders/${o.o2}`).set(as('providerAdminA'));
    expect([seen.status, seen.body.state]).toEqual([200, 'OFFERED']);
    // the orders outside the batch were not touched
    expect(await Promise.all([o.streetB, o.later, o.asap].map(stateOf))).toEqual(Array(3).fill('PENDING_DISPATCH'));

    const snapshot = await counts();
    const again = await commit('hubA', batchId);
    expect([again.status, again.body.code, again.body.message]).toEqual([
      409,
      'BATCH_NOT_DRAFT',
      'this batch is already committed',
    ]);
    expect(await counts()).toEqual(snapshot);
    const stored = await t.http().get(`/dispatch/batches/${batchId}`).set(as('hubA'));
    expect([stored.body.state, stored.body.result.offered.length]).toEqual(['COMMITTED', 2]);
  });

  it('a plan that no longer holds (its worker went off duty) is refused whole: 409, nothing offered', async () => {
    const o5 = await order('hubA', e1, 'CLEAN_HOUR', tomorrow, '14:00', '16:00');
    const draft = await plan('dispatcherA', { regionCode: t.city.district.a, date: tomorrow });
    expect(draft.status).toBe(201);
    // district A, tomorrow: o3 (still nobody to nurse) and o5 wait; o1/o2 are offered, o4 cancelled
    expect(draft.body.counts.orders).toBe(2);
    const planned = (draft.body.plan as Plan).assignments.find((a) => a.orderId === o5)!;
    expect(planned.providerId).toBe(t.city.provider.a); // 1.0 min beats C's 2.8
    await t.ds.query(`UPDATE worker SET status = 'OFF_DUTY' WHERE id = $1`, [planned.workerId]);
    const before = await counts();
    const stale = await commit('dispatcherA', draft.body.id);
    expect([stale.status, stale.body.code]).toEqual([409, 'BATCH_PLAN_STALE']);
    expect(stale.body.message).toMatch(/plan the day again/);
    expect(stale.body.details.problems).toEqual([`${o5}: worker not active`]);
    expect(await counts()).toEqual(before);
    expect(await stateOf(o5)).toBe('PENDING_DISPATCH');
    const still = await t.http().get(`/dispatch/batches/${draft.body.id}`).set(as('dispatcherA'));
    expect(still.body.state).toBe('DRAFT');
    // back on duty: the same draft commits — two commits at once: one wins, the other is told (409)
    await t.ds.query(`UPDATE worker SET status = 'ACTIVE' WHERE id = $1`, [planned.workerId]);
    const both = await Promise.all([commit('admin', draft.body.id), commit('dispatcherA', draft.body.id)]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    const ok = both.find((r) => r.status === 200)!;
    expect(ok.body.result.offered.map((x: { orderId: string }) => x.orderId)).toEqual([o5]);
    expect(both.find((r) => r.status === 409)!.body.code).toBe('BATCH_NOT_DRAFT');
    expect(await stateOf(o5)).toBe('OFFERED');
    const [{ n }] = await t.ds.query(`SELECT count(*)::int AS n FROM order_offer WHERE order_id = $1`, [o5]);
    expect(n).toBe(1);
  });

  it('a day without scheduled orders gives an empty plan (201), and committing it offers nothing', async () => {
    const before = await t.count('order_offer');
    const res = await plan('dispatcherB', { regionCode: t.city.street.b, date: localDay(3) });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      state: 'DRAFT',
      counts: { orders: 0, providers: 0, workers: 0, assigned: 0, unassigned: 0 },
      plan: { assignments: [], unassigned: [], totalTravelMinutes: 0, status: 'OPTIMAL' },
      greedy: { assignments: [], unassigned: [], totalTravelMinutes: 0 },
      solver: { threadId: null, solveMs: 0 },
    });
    const done = await commit('dispatcherB', res.body.id);
    expect([done.status, done.body.state, done.body.result]).toEqual([200, 'COMMITTED', { offered: [], skipped: [] }]);
    expect(await t.count('order_offer')).toBe(before);
  });

  it('the solver thread plans 500 orders over 2,000 workers off the event loop', async () => {
    const solver = t.app.get(BatchSolverThread);
    const input = syntheticBatchDay(3, 500, 2000, 100, 12);
    const config = dispatchConfig();
    let maxLag = 0;
    let last = performance.now();
    const tick = setInterval(() => {
      const now = performance.now();
      maxLag = Math.max(maxLag, now - last - 10);
      last = now;
    }, 10);
    try {
      const solved = await solver.solve(input, config);
      const { result } = solved;
      console.log(
        `batch 500 × 2,000 in the worker thread: solve ${solved.solveMs} ms, wall ${solved.wallMs} ms, ` +
          `event-loop max lag ${Math.round(maxLag)} ms; travel ${result.optimised.totalTravelMinutes} vs greedy ` +
          `${result.greedy.totalTravelMinutes}, unassigned ${result.optimised.unassigned.length} vs ${result.greedy.unassigned.length}`,
      );
      expect(solved.threadId).toBeGreaterThan(0);
      expect(result.model.solvedComponents).toBeGreaterThanOrEqual(1);
      expect(validateBatchPlan(input, result.optimised, config, new StraightLineTravelTime())).toEqual([]);
      expect(result.optimised.objective).toBeLessThanOrEqual(result.greedy.objective);
      expect(result.optimised.unassigned.length).toBeLessThanOrEqual(result.greedy.unassigned.length);
      // the API thread kept running: its timers were never held up for anything like the solve
      expect(maxLag).toBeLessThan(Math.max(100, solved.solveMs / 2));
      expect(solved.wallMs).toBeLessThan(10_000);
    } finally {
      clearInterval(tick);
    }
  });
});
