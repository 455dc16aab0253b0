import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, randomUUID } from 'node:crypto';
import { OrderAction } from '#lib/orders';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Issue 7, build item 5: `allowedActions` is derived from the same rules that decide the action.
 * For every state (and the variants whose facts change the answer: an expired offer, a locked or
 * expired confirmation code, an order already rated), every caller of the mini city (in scope and
 * out of scope) and every action: the action is listed exactly when trying it with valid input
 * succeeds. Orders are cloned with SQL from one order made through the API, so this is fast.
 */

const CODE = '246810';
const HOUR = 3_600_000;
type Caller = keyof TestApp['city']['users'];

interface Fixture {
  name: string;
  state: string;
  /** Columns of service_order (snake_case) set on the copy. */
  cols: (t: TestApp, id: string) => Record<string, unknown>;
  /** Whether the confirmation code can still be used (decides what a valid CONFIRM body is). */
  codeUsable?: boolean;
}

const codeHash = (id: string, code: string) => `\\x${createHash('sha256').update(`${id}:${code}`).digest('hex')}`;
const iso = (ms: number) => new Date(Date.now() + ms).toISOString();

const offered = (t: TestApp) => ({
  provider_id: t.city.provider.a,
  offered_to: [t.city.provider.a],
  offer_expires_at: iso(HOUR),
});
const assigned = (t: TestApp) => ({ provider_id: t.city.provider.a, worker_id: t.city.worker.a });
const checkedIn = (t: TestApp) => ({
  ...assigned(t),
  check_in_at: iso(-HOUR),
  check_in_lat: 39.6846,
  check_in_lng: 106.8206,
  check_in_distance_m: 12,
});
const checkedOut = (t: TestApp, id: string) => ({
  ...checkedIn(t),
  check_out_at: iso(-60_000),
  check_out_lat: 39.6846,
  check_out_lng: 106.8206,
  check_out_distance_m: 12,
  photo_hashes: ['a'.repeat(64)],
  confirm_code_hash: codeHash(id, CODE),
  confirm_code_expires_at: iso(72 * HOUR),
  confirm_attempts: 0,
});
const confirmed = (t: TestApp, id: string) => ({
  ...checkedOut(t, id),
  confirm_code_hash: null,
  confirmed_by: t.city.users.familyA.id,
  confirmed_at: iso(-30_000),
});

const FIXTURES: Fixture[] = [
  { name: 'PENDING_DISPATCH', state: 'PENDING_DISPATCH', cols: () => ({}) },
  { name: 'OFFERED', state: 'OFFERED', cols: offered },
  {
    name: 'OFFERED, deadline passed (not yet swept)',
    state: 'OFFERED',
    cols: (t) => ({ ...offered(t), offer_expires_at: iso(-60_000) }),
  },
  { name: 'ACCEPTED', state: 'ACCEPTED', cols: assigned },
  { name: 'EN_ROUTE', state: 'EN_ROUTE', cols: assigned },
  { name: 'IN_SERVICE', state: 'IN_SERVICE', cols: checkedIn },
  { name: 'COMPLETED', state: 'COMPLETED', cols: checkedOut, codeUsable: true },
  {
    name: 'COMPLETED, code locked after 5 wrong codes',
    state: 'COMPLETED',
    cols: (t, id) => ({ ...checkedOut(t, id), confirm_attempts: 5 }),
  },
  {
    name: 'COMPLETED, code expired',
    state: 'COMPLETED',
    cols: (t, id) => ({ ...checkedOut(t, id), confirm_code_expires_at: iso(-60_000) }),
  },
  { name: 'CONFIRMED, not rated', state: 'CONFIRMED', cols: confirmed },
  {
    name: 'CONFIRMED with a rating',
    state: 'CONFIRMED',
    cols: (t, id) => ({ ...confirmed(t, id), rating: 5, rating_comment: '很好' }),
  },
  {
    name: 'CANCELLED',
    state: 'CANCELLED',
    cols: () => ({ close_reason: '家人已陪同' }),
  },
  { name: 'EXCEPTION', state: 'EXCEPTION', cols: (t) => ({ ...assigned(t), close_reason: '老人不在家' }) },
  { name: 'DISPUTED', state: 'DISPUTED', cols: (t, id) => ({ ...checkedOut(t, id), close_reason: '服务时间不足' }) },
  { name: 'RESOLVED', state: 'RESOLVED', cols: (t, id) => ({ ...checkedOut(t, id), close_reason: '已核实' }) },
];

const REASON = { reason: '测试原因' };
/** Each action's route and a valid body (valid input: a contracted provider, a qualified worker, the right code …). */
type SystemOnly =
  OrderAction.EXPIRE | OrderAction.PARTIAL_REJECT | OrderAction.PARTIAL_EXPIRE | OrderAction.WITHDRAW_OFFER;
const SYSTEM_ONLY: readonly string[] = [
  OrderAction.EXPIRE,
  OrderAction.PARTIAL_REJECT,
  OrderAction.PARTIAL_EXPIRE,
  OrderAction.WITHDRAW_OFFER,
];
const ROUTES: Record<Exclude<OrderAction, SystemOnly>, { path: string; body: (f: Fixture, c: Caller) => object }> = {
  [OrderAction.OFFER]: { path: 'offer', body: () => ({ providerId: PROVIDER_A.id }) },
  [OrderAction.ACCEPT]: { path: 'accept', body: () => ({ workerId: WORKER_A.id }) },
  [OrderAction.REJECT]: { path: 'reject', body: () => REASON },
  [OrderAction.REASSIGN]: { path: 'reassign', body: () => ({ providerId: PROVIDER_A.id, ...REASON }) },
  [OrderAction.DEPART]: { path: 'depart', body: () => ({}) },
  [OrderAction.CHECK_IN]: { path: 'check-in', body: () => ({ lat: 39.6846, lng: 106.8206 }) },
  [OrderAction.CHECK_OUT]: {
    path: 'check-out',
    body: () => ({ lat: 39.6846, lng: 106.8206, photoHashes: ['b'.repeat(64)] }),
  },
  // station staff confirm on behalf without a code once the code can no longer be used
  [OrderAction.CONFIRM]: {
    path: 'confirm',
    body: (f, c) => (c === 'stationA' && !f.codeUsable && f.state === 'COMPLETED' ? {} : { code: CODE }),
  },
  [OrderAction.RATE]: { path: 'rate', body: () => ({ rating: 4, comment: '不错' }) },
  [OrderAction.CANCEL]: { path: 'cancel', body: () => REASON },
  [OrderAction.REPORT_EXCEPTION]: { path: 'exception', body: () => REASON },
  [OrderAction.COMPLAIN]: { path: 'complaint', body: () => REASON },
  [OrderAction.RESOLVE]: { path: 'resolve', body: () => REASON },
};
// filled in beforeAll (the routes table is built before the app exists)
const PROVIDER_A = { id: '' };
const WORKER_A = { id: '' };

describe('allowedActions lists exactly the actions that succeed', () => {
  let t: TestApp;
  let tokens: Record<Caller, string>;
  let template: string;

  beforeAll(async () => {
    t = await startTestApp();
    PROVIDER_A.id = t.city.provider.a;
    WORKER_A.id = t.city.worker.a;
    tokens = await t.tokensForAll();
    const created = await t
      .http()
      .post('/orders')
      .set('Authorization', `Bearer ${tokens.familyA}`)
      .send({ elderId: t.city.elder.a, itemId: t.city.items.CLEAN_HOUR, channel: 'APP', note: '模板' });
    expect(created.status).toBe(201);
    template = created.body.id;
  });
  afterAll(async () => t.close());

  /** A fresh order in the fixture's state: a copy of the template row with the fixture's columns. */
  async function orderIn(f: Fixture): Promise<string> {
    const id = randomUUID();
    const cols = {
      id,
      order_no: `SO${Date.now()}-${id.slice(0, 6)}`.slice(0, 24),
      idempotency_key: null,
      request_hash: null,
      state: f.state,
      version: 1,
      ...f.cols(t, id),
    };
    await t.ds.query(
      `WITH ins AS (
         INSERT INTO service_order
         SELECT (jsonb_populate_record(NULL::service_order, to_jsonb(o) || $2::jsonb)).* FROM service_order o WHERE o.id = $1
         RETURNING id, state, requested_by, region_path, elder_id)
       INSERT INTO order_event (order_id, seq, type, from_state, to_state, actor_user_id, actor_role, payload, region_path, elder_id)
       SELECT id, 1, 'CREATED', NULL, state, requested_by, 'FAMILY', '{}', region_path, elder_id FROM ins`,
      [template, JSON.stringify(cols)],
    );
    // an offered order holds its open offer as a row (the deadline's job is left out: it must not fire here)
    if (f.state === 'OFFERED')
      await t.ds.query(
        `INSERT INTO order_offer (id, order_id, provider_id, round, expires_at, manual, offered_by, offered_by_role)
         SELECT gen_random_uuid(), $1, $2, 1, offer_expires_at, true, $3, 'STATION_STAFF' FROM service_order WHERE id = $1`,
        [id, t.city.provider.a, t.city.users.stationA.id],
      );
    return id;
  }

  const fingerprint = async (id: string) =>
    JSON.stringify(
      await t.ds.query(`SELECT state, version, confirm_attempts, rating FROM service_order WHERE id = $1`, [id]),
    );

  it('for every state, caller and action: listed ⇔ succeeds', async () => {
    const callers = Object.keys(t.city.users) as Caller[];
    const actions = Object.keys(ROUTES) as (keyof typeof ROUTES)[];
    const mismatches: string[] = [];
    let calls = 0;
    let successes = 0;

    async function check(f: Fixture): Promise<void> {
      let id = await orderIn(f);
      for (const caller of callers) {
        const auth = { Authorization: `Bearer ${tokens[caller]}` };
        const view = await t.http().get(`/orders/${id}`).set(auth);
        const allowed: string[] = view.status === 200 ? view.body.allowedActions : [];
        if (view.status !== 200 && view.status !== 404)
          mismatches.push(`${f.name} ${caller}: GET answered ${view.status}`);
        for (const a of SYSTEM_ONLY) if (allowed.includes(a)) mismatches.push(`${f.name} ${caller}: ${a} is listed`);
        for (const action of actions) {
          const before = await fingerprint(id);
          const res = await t
            .http()
            .post(`/orders/${id}/${ROUTES[action].path}`)
            .set(auth)
            .send(ROUTES[action].body(f, caller));
          calls += 1;
          const succeeded = res.status === 200;
          const listed = allowed.includes(action);
          if (succeeded !== listed)
            mismatches.push(
              `${f.name.padEnd(44)} ${caller.padEnd(15)} ${action.padEnd(16)} listed=${listed} got ${res.status} ${res.body.code ?? ''}`,
            );
          if (succeeded) {
            successes += 1;
            id = await orderIn(f); // the next caller gets an unchanged copy
          } else if ((await fingerprint(id)) !== before)
            mismatches.push(`${f.name} ${caller} ${action}: refused (${res.status}) but the order changed`);
        }
      }
    }

    // a few fixtures at a time: fast, and well within the connection pool
    const queue = [...FIXTURES];
    await Promise.all(
      Array.from({ length: 3 }, async () => {
        for (let f = queue.shift(); f; f = queue.shift()) await check(f);
      }),
    );
    expect(calls).toBe(FIXTURES.length * callers.length * actions.length);
    expect(successes).toBeGreaterThan(40);
    expect(mismatches.sort()).toEqual([]);
    // ~2,900 requests: about 15 s on an idle 2-core machine; the margin is for a busy one
  }, 240_000);
});
