import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ALL_ROLES, Role, type AccessRule } from '#lib/kernel';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { testCipher } from '../support/fixtures.js';
import {
  appRoutes as enumerateRoutes,
  REPRESENTATIVE_USER as REPRESENTATIVE,
  type AppRoute as DiscoveredRoute,
} from '../support/route-table.js';

/**
 * Authorization matrix (issue 3, "Tests", first bullet).
 *
 * 1. The routes are read from the running application (every controller Nest discovered, with its
 *    path, method and access rule), and cross-checked against Express's own router table.
 * 2. POLICY below is the reviewed access policy, one row per route. The route's access rule must equal
 *    its row: a new route, or a changed rule, fails until someone adds or edits the row here.
 * 3. Every route is called as anonymous, as an SOS device, as one A-side user of every role and as two
 *    variants (a worker not assigned to the orders, a city-wide auditor), with an in-scope (A-side), an
 *    out-of-scope (B-side), an unknown and a malformed object wherever the route names one. Each status is
 *    compared with what the row says; all mismatches are collected into one readable list
 *    ("route  caller  object  expected  got"). An out-of-scope object must answer exactly like an unknown
 *    one (same status and code). AUTHZ_MATRIX_DUMP=1 prints every call for review.
 * 4. List routes are checked for scope filtering: no B-side id in an A-side user's list, and vice versa.
 */

// ---- the reviewed policy ---------------------------------------------------------------------------

const {
  ELDER,
  FAMILY,
  STATION_STAFF,
  HUB_STAFF,
  DISTRICT_DISPATCHER,
  PROVIDER_ADMIN,
  WORKER,
  AUDITOR,
  PLATFORM_ADMIN,
} = Role;

/** Every person who signs in (everything but SOS devices). */
const PEOPLE = ALL_ROLES.filter((r) => r !== Role.SOS_DEVICE);
const REGION_STAFF = [STATION_STAFF, HUB_STAFF, DISTRICT_DISPATCHER, PLATFORM_ADMIN];
const ORDER_REQUESTERS = [ELDER, FAMILY, ...REGION_STAFF];
const ORDER_VIEWERS = [...ORDER_REQUESTERS, PROVIDER_ADMIN, WORKER, AUDITOR];
const REGION_READERS = [STATION_STAFF, HUB_STAFF, DISTRICT_DISPATCHER, AUDITOR, PLATFORM_ADMIN];

const PUBLIC = 'public' as const;
const DEVICE = 'device' as const;

/** The kind of object a path parameter (or a body field) names; each kind has an A-side and a B-side value. */
type ObjectKind =
  | 'order' // ACCEPTED order of elder A served by provider A / worker A; B: the same on the B side
  | 'elder' // elder A / elder B
  | 'community' // community A1 / B1 (elder registration)
  | 'provider' // provider A / provider B
  | 'worker' // worker A / worker B
  | 'user' // station staff A / station staff B
  | 'item' // catalogue item (public reference: both "in scope")
  | 'region' // region code 150302 / 150303 (public reference: both "in scope")
  | 'district' // district 150302 / 150303 as a scoped object (dispatch settings)
  | 'alert' // dispatch alert on an order of side A / B
  | 'street' // street 150302001 / 150303001 (batch planning names it in the body)
  | 'batch'; // a batch plan (DRAFT) of street A / street B

const REFERENCE_KINDS: ObjectKind[] = ['item', 'region'];

interface Policy {
  /** The access rule the route must declare (reviewed). */
  rule: typeof PUBLIC | typeof DEVICE | Role[];
  /** Path parameter → what it names. Every path parameter needs one. */
  params?: Record<string, ObjectKind>;
  /** The object a body field names, when the route has no path parameter (e.g. POST /orders elderId). */
  bodyObject?: ObjectKind;
  /** Roles of the rule that reach the use case with the A-side object (default: the whole rule). */
  reachA?: Role[];
  /** Roles of the rule that reach the use case with the B-side object (default: PLATFORM_ADMIN, or the whole rule for reference data). */
  reachB?: Role[];
  /** Status for a role of the rule refused by the use case (default 404: out of scope leaks nothing). */
  refused?: 403 | 404;
  /** Build a body that passes validation (so the call reaches the object check); default {}. */
  body?: (x: Ctx, side: Side, caller: Caller) => Record<string, unknown>;
  /** The call changes its object: every call expected to reach the use case gets a freshly created one. */
  mutates?: boolean;
  /** GET list route whose items must be filtered by the caller's scope. */
  scopedList?: boolean;
}

const reason = () => ({ reason: 'authorization matrix' });

let residentSeq = 0;
/** A fresh, checksum-valid resident ID number (GB 11643) born 1950 in the given district. */
function nextResidentId(district: string): string {
  residentSeq += 1;
  const body = `${district}19500101${String(residentSeq).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((acc, d, i) => acc + Number(d) * weights[i], 0);
  return body + '10X98765432'[sum % 11];
}

const POLICY: Record<string, Policy> = {
  'GET /health': { rule: PUBLIC },

  // auth: the bodies are left empty; a 400 shows the guard let the call through
  'POST /auth/login': { rule: PUBLIC },
  'POST /auth/refresh': { rule: PUBLIC },
  'POST /auth/logout': { rule: PUBLIC },
  'POST /auth/code/request': { rule: PUBLIC },
  'POST /auth/code/verify': { rule: PUBLIC },
  'POST /auth/password': { rule: PEOPLE },
  'GET /auth/me': { rule: PEOPLE },

  'GET /users': { rule: [PLATFORM_ADMIN], scopedList: true },
  'POST /users': { rule: [PLATFORM_ADMIN] },
  'GET /users/:id': { rule: [PLATFORM_ADMIN], params: { id: 'user' } },
  'POST /users/:id/disable': { rule: [PLATFORM_ADMIN], params: { id: 'user' }, mutates: true },

  'GET /regions/tree': { rule: PEOPLE },
  'GET /regions/:code': { rule: PEOPLE, params: { code: 'region' } },
  'GET /facilities': { rule: PEOPLE },
  'POST /facilities': { rule: [PLATFORM_ADMIN] },

  'GET /catalog': { rule: PEOPLE },
  'GET /catalog/items/:id': { rule: PEOPLE, params: { id: 'item' } },
  'POST /catalog/items': { rule: [PLATFORM_ADMIN] },
  // a stale version answers 409 and changes nothing
  'PATCH /catalog/items/:id': { rule: [PLATFORM_ADMIN], params: { id: 'item' }, body: () => ({ version: 999_999 }) },

  'GET /providers': { rule: [...REGION_READERS, PROVIDER_ADMIN], scopedList: true },
  'POST /providers': { rule: [PLATFORM_ADMIN] },
  'GET /providers/:id': { rule: [...REGION_READERS, PROVIDER_ADMIN], params: { id: 'provider' } },
  'POST /providers/:id/contracts': {
    rule: [PLATFORM_ADMIN],
    params: { id: 'provider' },
    body: (x, side) => ({
      serviceTypes: ['CLEAN'],
      communityCodes: [x.object('community', side)],
      validFrom: '2026-01-01',
      validTo: '2026-12-31',
    }),
  },
  'GET /providers/:id/workers': { rule: [PROVIDER_ADMIN, PLATFORM_ADMIN], params: { id: 'provider' } },
  'POST /providers/:id/workers': {
    rule: [PROVIDER_ADMIN],
    params: { id: 'provider' },
    body: () => ({ name: '矩阵测试' }),
  },
  'PATCH /providers/:id/workers/:workerId': {
    rule: [PROVIDER_ADMIN],
    params: { id: 'provider', workerId: 'worker' },
  },

  // registering into a community outside one's region is a documented 403 (COMMUNITY_OUT_OF_SCOPE)
  'POST /elders': {
    rule: REGION_STAFF,
    bodyObject: 'community',
    refused: 403,
    body: (x, side) => ({
      name: '矩阵测试',
      idNumber: nextResidentId(side === 'A' ? '150302' : '150303'),
      address: '乌海市某街道1号',
      communityCode: x.object('community', side),
      livingSituation: 'ALONE',
    }),
  },
  'GET /elders': { rule: [...REGION_READERS, ELDER, FAMILY], scopedList: true },
  // providers and workers are let through the guard and always get 404 (they see elders via orders only)
  'GET /elders/:id': {
    rule: PEOPLE,
    params: { id: 'elder' },
    reachA: [ELDER, FAMILY, ...REGION_READERS],
  },
  'PATCH /elders/:id': { rule: REGION_STAFF, params: { id: 'elder' }, body: () => ({ version: 999_999 }) },
  'GET /elders/:id/pii': { rule: REGION_READERS, params: { id: 'elder' } },

  'POST /orders': {
    rule: ORDER_REQUESTERS,
    bodyObject: 'elder',
    // the channel fits the caller: elders and family APP, staff WALK_IN (order-policy decideCreationFields)
    body: (x, side, caller) => ({
      elderId: x.object('elder', side),
      itemId: x.t.city.items.CLEAN_HOUR,
      channel: caller === ELDER || caller === FAMILY ? 'APP' : 'WALK_IN',
    }),
  },
  'GET /orders': { rule: ORDER_VIEWERS, scopedList: true },
  'GET /orders/:id': { rule: ORDER_VIEWERS, params: { id: 'order' } },
  'GET /orders/:id/events': { rule: ORDER_VIEWERS, params: { id: 'order' } },
  // ---- dispatch (issue 8) ----
  'POST /orders/:id/reassign': {
    rule: REGION_STAFF,
    params: { id: 'order' },
    mutates: true,
    body: (x) => ({ providerId: x.t.city.provider.a, reason: 'authorization matrix' }),
  },
  'GET /orders/:id/dispatch': { rule: [...REGION_STAFF, AUDITOR, PROVIDER_ADMIN], params: { id: 'order' } },
  'GET /orders/:id/worker-suggestion': { rule: [PROVIDER_ADMIN], params: { id: 'order' } },
  'GET /dispatch/alerts': { rule: [...REGION_STAFF, AUDITOR], scopedList: true },
  'POST /dispatch/alerts/:id/acknowledge': { rule: REGION_STAFF, params: { id: 'alert' }, mutates: true },
  'POST /dispatch/alerts/:id/resolve': {
    rule: REGION_STAFF,
    params: { id: 'alert' },
    mutates: true,
    body: () => ({ resolution: 'authorization matrix' }),
  },
  'GET /dispatch/settings/:districtCode': { rule: [...REGION_STAFF, AUDITOR], params: { districtCode: 'district' } },
  'PUT /dispatch/settings/:districtCode': {
    rule: [DISTRICT_DISPATCHER, PLATFORM_ADMIN],
    params: { districtCode: 'district' },
    body: () => ({ mode: 'AUTO' }),
  },
  'POST /orders/:id/offer': {
    rule: REGION_STAFF,
    params: { id: 'order' },
    mutates: true,
    body: (x) => ({ providerId: x.t.city.provider.a }),
  },
  'POST /orders/:id/accept': {
    rule: [PROVIDER_ADMIN],
    params: { id: 'order' },
    mutates: true,
    body: (x) => ({ workerId: x.t.city.worker.a }),
  },
  'POST /orders/:id/reject': { rule: [PROVIDER_ADMIN], params: { id: 'order' }, mutates: true, body: reason },
  'POST /orders/:id/depart': { rule: [WORKER], params: { id: 'order' }, mutates: true },
  'POST /orders/:id/check-in': {
    rule: [WORKER],
    params: { id: 'order' },
    mutates: true,
    body: () => ({ lat: 39.6846, lng: 106.8206 }),
  },
  'POST /orders/:id/check-out': {
    rule: [WORKER],
    params: { id: 'order' },
    mutates: true,
    body: () => ({ lat: 39.6846, lng: 106.8206, photoHashes: ['a'.repeat(64)] }),
  },
  'POST /orders/:id/confirm': {
    rule: [ELDER, FAMILY, STATION_STAFF],
    params: { id: 'order' },
    mutates: true,
    body: () => ({ code: '000000' }),
  },
  'POST /orders/:id/rate': {
    rule: [ELDER, FAMILY],
    params: { id: 'order' },
    mutates: true,
    body: () => ({ rating: 5 }),
  },
  'POST /orders/:id/cancel': { rule: ORDER_REQUESTERS, params: { id: 'order' }, mutates: true, body: reason },
  'POST /orders/:id/exception': {
    rule: [WORKER, PROVIDER_ADMIN, HUB_STAFF, DISTRICT_DISPATCHER, PLATFORM_ADMIN],
    params: { id: 'order' },
    mutates: true,
    body: reason,
  },
  'POST /orders/:id/complaint': { rule: ORDER_REQUESTERS, params: { id: 'order' }, mutates: true, body: reason },
  'POST /orders/:id/resolve': {
    rule: [DISTRICT_DISPATCHER, PLATFORM_ADMIN],
    params: { id: 'order' },
    mutates: true,
    body: reason,
  },

  'POST /sos': { rule: DEVICE },

  // the coverage report of the caller's own region (no regionCode); a regionCode outside it answers 404 like
  // an unknown one — query objects are not probed here: test/dispatch/coverage.e2e-spec.ts checks every role
  'GET /dispatch/coverage': { rule: REGION_READERS },
  'GET /dispatch/coverage.csv': { rule: REGION_READERS },

  // batch assignment (issue 8, item 8): a street's hub, its district's dispatchers, platform admins
  'POST /dispatch/batches': {
    rule: [HUB_STAFF, DISTRICT_DISPATCHER, PLATFORM_ADMIN],
    bodyObject: 'street',
    body: (x, side) => ({ regionCode: x.object('street', side), date: localTomorrow() }),
  },
  'GET /dispatch/batches/:id': { rule: [HUB_STAFF, DISTRICT_DISPATCHER, PLATFORM_ADMIN], params: { id: 'batch' } },
  'POST /dispatch/batches/:id/commit': {
    rule: [HUB_STAFF, DISTRICT_DISPATCHER, PLATFORM_ADMIN],
    params: { id: 'batch' },
    mutates: true,
  },
};

/** Tomorrow's local (UTC+8) date, YYYY-MM-DD (batch planning takes today … 14 days ahead). */
function localTomorrow(): string {
  return new Date(Date.now() + 32 * 3_600_000).toISOString().slice(0, 10);
}

/**
 * Routes Express serves outside Nest's controllers (so outside the AccessGuard). Reviewed: the OpenAPI
 * page and documents are public by design. A new raw Express route must be added here on purpose.
 */
const NON_NEST_ROUTES = [
  'GET /api/docs',
  'GET /api/docs-json',
  'GET /api/docs-yaml',
  'GET /api/docs/',
  'GET /api/docs/LICENSE',
  'GET /api/docs/docs/swagger-ui-init.js',
  'GET /api/docs/index.html',
  'GET /api/docs/swagger-ui-init.js',
];

// ---- callers, objects -----------------------------------------------------------------------------

type Side = 'A' | 'B';
/**
 * Which object a call names: the A-side one, the B-side one, an id that exists nowhere (must answer
 * exactly like an out-of-scope one: same status, same code), or a malformed id (400 or 404, never 5xx).
 */
type Probe = Side | 'unknown' | 'malformed';
const UNKNOWN: Record<ObjectKind, string> = {
  order: '00000000-0000-4000-8000-00000000a0a0',
  elder: '00000000-0000-4000-8000-00000000a0a1',
  community: '150399001001',
  provider: '00000000-0000-4000-8000-00000000a0a2',
  worker: '00000000-0000-4000-8000-00000000a0a3',
  user: '00000000-0000-4000-8000-00000000a0a4',
  item: '00000000-0000-4000-8000-00000000a0a5',
  region: '150399',
  district: '150399',
  alert: '00000000-0000-4000-8000-00000000a0a6',
  street: '150399001',
  batch: '00000000-0000-4000-8000-00000000a0a7',
};
const MALFORMED = "x'; --";
/**
 * Second users of a role whose own scope differs from the representative's by design. Their
 * expectations are derived from their role's (see expected()), so the table stays one row per route.
 */
const VARIANTS = {
  /** same provider as worker A, but not assigned to the orders: every order is "not found" */
  WORKER_UNASSIGNED: { role: WORKER, user: 'workerA2' },
  /** a city-level auditor: B-side objects are in scope too */
  AUDITOR_CITY: { role: AUDITOR, user: 'auditorCity' },
} as const;
type Variant = keyof typeof VARIANTS;
type Caller = Role | 'ANONYMOUS' | Variant;
const CALLERS: Caller[] = ['ANONYMOUS', ...Object.values(Role), ...(Object.keys(VARIANTS) as Variant[])];

interface Ctx {
  t: TestApp;
  object(kind: ObjectKind, side: Side): string;
}

/** What Express itself will answer (method + path of every route layer). */
function expressRoutes(app: INestApplication): string[] {
  const instance = app.getHttpAdapter().getInstance() as {
    router?: { stack: Layer[] };
    _router?: { stack: Layer[] };
  };
  interface Layer {
    route?: { path: string | string[]; methods: Record<string, boolean> };
  }
  const stack = (instance.router ?? instance._router)?.stack ?? [];
  const keys = new Set<string>();
  for (const layer of stack) {
    if (!layer.route) continue;
    for (const m of Object.keys(layer.route.methods).filter((m) => layer.route!.methods[m] && m !== '_all'))
      for (const p of ([] as string[]).concat(layer.route.path)) keys.add(`${m.toUpperCase()} ${p}`);
  }
  return [...keys].sort();
}

function ruleOf(policy: Policy): AccessRule {
  if (policy.rule === PUBLIC) return { public: true };
  if (policy.rule === DEVICE) return { device: true };
  return { roles: policy.rule };
}

function sameRule(a: AccessRule | undefined, b: AccessRule): boolean {
  if (!a) return false;
  if ('public' in b) return 'public' in a && a.public === true;
  if ('device' in b) return 'device' in a && a.device === true;
  return 'roles' in a && [...a.roles].sort().join(',') === [...b.roles].sort().join(',');
}

function describeRule(rule: AccessRule | undefined): string {
  if (!rule) return '(none)';
  if ('public' in rule) return 'PUBLIC';
  if ('device' in rule) return 'DEVICE';
  return `[${[...rule.roles].sort().join(', ')}]`;
}

function pathParams(path: string): string[] {
  return [...path.matchAll(/:(\w+)/g)].map((m) => m[1]);
}

// ---- expectations --------------------------------------------------------------------------------

/**
 * 'reach' = the call got past the guard and the object check (any status but 401/403/404 and 5xx);
 * 'absent' = 404, or 400 for a malformed id.
 */
type Expect = 'reach' | 'absent' | 401 | 403 | 404;

function expected(policy: Policy, caller: Caller, side: Probe | null): Expect {
  if (caller === 'WORKER_UNASSIGNED') {
    const asWorker = expected(policy, WORKER, side);
    return asWorker === 'reach' && objectKind(policy) === 'order' ? 404 : asWorker;
  }
  if (caller === 'AUDITOR_CITY') return expected(policy, AUDITOR, side === 'B' ? 'A' : side);
  if (policy.rule === PUBLIC) return 'reach';
  if (policy.rule === DEVICE) return caller === Role.SOS_DEVICE ? 'reach' : 401;
  if (caller === 'ANONYMOUS' || caller === Role.SOS_DEVICE) return 401; // no bearer token
  if (!policy.rule.includes(caller)) return 403;
  const kind = objectKind(policy);
  if (!kind || !side) return 'reach';
  if (side === 'unknown') return 404;
  if (side === 'malformed') return 'absent';
  const reachA = policy.reachA ?? policy.rule;
  const reachB =
    policy.reachB ?? (REFERENCE_KINDS.includes(kind) ? reachA : reachA.filter((r) => r === PLATFORM_ADMIN));
  const reach = side === 'A' ? reachA : reachB;
  return reach.includes(caller) ? 'reach' : (policy.refused ?? 404);
}

function objectKind(policy: Policy): ObjectKind | undefined {
  return policy.bodyObject ?? (policy.params ? Object.values(policy.params)[0] : undefined);
}

function matches(want: Expect, status: number): boolean {
  if (want === 'reach') return ![401, 403, 404].includes(status) && status < 500;
  if (want === 'absent') return status === 404 || status === 400;
  return status === want;
}

// ---- the test ------------------------------------------------------------------------------------

describe('authorization matrix over the application’s own route table', () => {
  let t: TestApp;
  let routes: DiscoveredRoute[];
  const tokens = new Map<Caller, string>();
  const shared: Record<ObjectKind, Record<Side, string>> = {} as never;
  const freshOrders: Record<Side, string[]> = { A: [], B: [] };
  let freshUserCount = 0;

  const bearer = (who: keyof TestApp['city']['users']) => t.tokenFor(t.city.users[who]);

  async function orderOnSide(side: Side): Promise<string> {
    const u =
      side === 'A'
        ? { req: 'familyA', staff: 'stationA', pa: 'providerAdminA' }
        : { req: 'stationB', staff: 'stationB', pa: 'providerAdminB' };
    const as = async (who: string) => ({ Authorization: `Bearer ${await bearer(who as never)}` });
    const created = await t
      .http()
      .post('/orders')
      .set(await as(u.req))
      .send({
        elderId: side === 'A' ? t.city.elder.a : t.city.elder.b,
        itemId: t.city.items.CLEAN_HOUR,
        channel: side === 'A' ? 'APP' : 'WALK_IN', // family A, station staff B
      });
    if (created.status !== 201)
      throw new Error(`order setup (${side}): ${created.status} ${JSON.stringify(created.body)}`);
    const id: string = created.body.id;
    const offered = await t
      .http()
      .post(`/orders/${id}/offer`)
      .set(await as(u.staff))
      .send({ providerId: side === 'A' ? t.city.provider.a : t.city.provider.b });
    if (offered.status !== 200)
      throw new Error(`offer setup (${side}): ${offered.status} ${JSON.stringify(offered.body)}`);
    const accepted = await t
      .http()
      .post(`/orders/${id}/accept`)
      .set(await as(u.pa))
      .send({ workerId: side === 'A' ? t.city.worker.a : t.city.worker.b });
    if (accepted.status !== 200)
      throw new Error(`accept setup (${side}): ${accepted.status} ${JSON.stringify(accepted.body)}`);
    freshOrders[side].push(id);
    return id;
  }

  /** A throw-away station-staff account on the given side (for disable). */
  async function userOnSide(side: Side): Promise<string> {
    const id = randomUUID();
    const cipher = testCipher();
    freshUserCount += 1;
    const phone = `137${String(50_000_000 + freshUserCount).slice(-8)}`;
    const [code, path] = side === 'A' ? [t.city.community.a1, t.city.path.a1] : [t.city.community.b1, t.city.path.b1];
    await t.ds.query(
      `INSERT INTO app_user (id, display_name, phone_enc, phone_hash, password_hash, role, region_code, region_path)
       VALUES ($1, $2, $3, $4, NULL, 'STATION_STAFF', $5, $6)`,
      [id, `matrix-${freshUserCount}`, cipher.encrypt(phone), cipher.blindIndex(phone), code, path],
    );
    return id;
  }

  /** An open ACCEPT_SLA_BREACHED alert on a fresh order of the side (as the dispatch engine raises them). */
  async function alertOnSide(side: Side): Promise<string> {
    const orderId = await orderOnSide(side);
    const id = randomUUID();
    await t.ds.query(
      `INSERT INTO dispatch_alert (id, order_id, reason, level, emergency, region_path)
       SELECT $1, id, 'ACCEPT_SLA_BREACHED', 'STATION', false, region_path FROM service_order WHERE id = $2`,
      [id, orderId],
    );
    return id;
  }

  /** A DRAFT batch plan of the side's street for tomorrow (no scheduled orders there: an empty plan). */
  async function batchOnSide(side: Side): Promise<string> {
    const res = await t
      .http()
      .post('/dispatch/batches')
      .set('Authorization', `Bearer ${await bearer('admin')}`)
      .send({ regionCode: side === 'A' ? t.city.street.a : t.city.street.b, date: localTomorrow() });
    if (res.status !== 201) throw new Error(`batch setup (${side}): ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  }

  async function fresh(kind: ObjectKind, side: Side): Promise<string> {
    if (kind === 'order') return orderOnSide(side);
    if (kind === 'batch') return batchOnSide(side);
    if (kind === 'alert') return alertOnSide(side);
    if (kind === 'user') return userOnSide(side);
    throw new Error(`no fresh objects of kind ${kind}: add a factory or drop "mutates"`);
  }

  /** Fingerprint of the shared objects: calls that are refused must change none of them. */
  async function fingerprint(): Promise<unknown> {
    return {
      orders: await t.ds.query(
        `SELECT id, state, version, provider_id, worker_id FROM service_order WHERE id = ANY($1::uuid[]) ORDER BY id`,
        [[shared.order.A, shared.order.B]],
      ),
      elders: await t.ds.query(`SELECT id, version, status FROM elder WHERE id = ANY($1::uuid[]) ORDER BY id`, [
        Object.values(t.city.elder),
      ]),
      users: await t.ds.query(`SELECT id, status, token_version FROM app_user WHERE id = ANY($1::uuid[]) ORDER BY id`, [
        Object.values(t.city.users).map((u) => u.id),
      ]),
      workers: await t.ds.query(
        `SELECT id, name, status, qualifications FROM worker WHERE id = ANY($1::uuid[]) ORDER BY id`,
        [Object.values(t.city.worker)],
      ),
      items: await t.ds.query(`SELECT id, version, active, price_cents FROM service_item ORDER BY id`),
    };
  }

  beforeAll(async () => {
    t = await startTestApp({ AUTH_RATE_LIMIT_PER_MINUTE: '100000' });
    routes = enumerateRoutes(t.app);
    for (const [role, who] of Object.entries(REPRESENTATIVE)) tokens.set(role as Role, await bearer(who));
    for (const [label, v] of Object.entries(VARIANTS)) tokens.set(label as Variant, await bearer(v.user));
    shared.order = { A: await orderOnSide('A'), B: await orderOnSide('B') };
    freshOrders.A.length = 0;
    freshOrders.B.length = 0;
    shared.elder = { A: t.city.elder.a, B: t.city.elder.b };
    shared.community = { A: t.city.community.a1, B: t.city.community.b1 };
    shared.provider = { A: t.city.provider.a, B: t.city.provider.b };
    shared.worker = { A: t.city.worker.a, B: t.city.worker.b };
    shared.user = { A: t.city.users.stationA.id, B: t.city.users.stationB.id };
    shared.item = { A: t.city.items.CLEAN_HOUR, B: t.city.items.SOS_RESPONSE };
    shared.region = { A: t.city.district.a, B: t.city.district.b };
    shared.district = { A: t.city.district.a, B: t.city.district.b };
    shared.alert = { A: await alertOnSide('A'), B: await alertOnSide('B') };
    shared.street = { A: t.city.street.a, B: t.city.street.b };
    shared.batch = { A: await batchOnSide('A'), B: await batchOnSide('B') };
  });
  afterAll(async () => t?.close());

  it('finds the application’s routes (sanity: the enumeration is not empty and sees every controller)', () => {
    expect(routes.length).toBeGreaterThan(40);
    const controllers = new Set(routes.map((r) => r.controller));
    expect([...controllers].sort()).toEqual(
      expect.arrayContaining([
        'AuthController',
        'CatalogController',
        'DispatchController',
        'EldersController',
        'HealthController',
        'OrdersController',
        'ProvidersController',
        'RegionsController',
        'SosController',
        'UsersController',
      ]),
    );
    // no two handlers on the same method + path
    const dupes = routes.map((r) => r.key).filter((k, i, all) => all.indexOf(k) !== i);
    expect(dupes).toEqual([]);
  });

  it('the enumeration sees a route that declares no rule (checked on a throw-away app with such a route)', async () => {
    @Controller('bare')
    class BareController {
      @Get(':id')
      get(): string {
        return 'no rule';
      }
    }
    const moduleRef = await Test.createTestingModule({ controllers: [BareController] }).compile();
    const bare = moduleRef.createNestApplication();
    await bare.init();
    try {
      expect(enumerateRoutes(bare).map((r) => ({ key: r.key, rule: r.rule }))).toEqual([
        { key: 'GET /bare/:id', rule: undefined },
      ]);
      expect(expressRoutes(bare)).toEqual(['GET /bare/:id']);
    } finally {
      await bare.close();
    }
  });

  it('Express serves exactly the Nest routes plus the reviewed non-Nest routes (nothing bypasses the guard)', () => {
    const nest = new Set(routes.map((r) => r.key));
    const extra = expressRoutes(t.app).filter((k) => !nest.has(k));
    const missing = [...nest].filter((k) => !expressRoutes(t.app).includes(k));
    expect({
      unreviewedExpressRoutes: extra.filter((k) => !NON_NEST_ROUTES.includes(k)),
      nestRoutesExpressDoesNotServe: missing,
    }).toEqual({
      unreviewedExpressRoutes: [],
      nestRoutesExpressDoesNotServe: [],
    });
  });

  it('every route declares an access rule', () => {
    const offenders = routes.filter((r) => !r.rule).map((r) => `${r.key} (${r.controller}.${r.handlerName})`);
    expect(offenders).toEqual([]);
  });

  it('every route has a row in the reviewed policy table and its rule equals the row', () => {
    const problems: string[] = [];
    for (const r of routes) {
      const row = POLICY[r.key];
      if (!row) {
        problems.push(
          `${r.key} (${r.controller}.${r.handlerName}, rule ${describeRule(r.rule)}): no row in POLICY of test/authz/route-matrix.e2e-spec.ts — add one after reviewing who may call it`,
        );
        continue;
      }
      if (!sameRule(r.rule, ruleOf(row)))
        problems.push(
          `${r.key}: the route declares ${describeRule(r.rule)} but the reviewed policy says ${describeRule(ruleOf(row))} — review and update one of them`,
        );
      const declared = Object.keys(row.params ?? {}).sort();
      if (declared.join() !== pathParams(r.path).sort().join())
        problems.push(
          `${r.key}: path parameters [${pathParams(r.path)}] but the row resolves [${declared}] — say what each parameter names`,
        );
    }
    const known = new Set(routes.map((r) => r.key));
    for (const key of Object.keys(POLICY))
      if (!known.has(key)) problems.push(`${key}: row in POLICY but no such route any more — remove the row`);
    expect(problems).toEqual([]);
  });

  it('every route × every role × in-scope and out-of-scope object answers as the policy says', async () => {
    const before = await fingerprint();
    const ctx: Ctx = { t, object: (kind, side) => shared[kind][side] };
    interface Call {
      route: DiscoveredRoute;
      policy: Policy;
      caller: Caller;
      side: Probe | null;
    }
    const calls: Call[] = [];
    for (const route of routes) {
      const policy = POLICY[route.key];
      if (!policy) continue; // reported by the test above
      const sides: (Probe | null)[] = policy.params
        ? ['A', 'B', 'unknown', 'malformed']
        : policy.bodyObject
          ? ['A', 'B']
          : [null];
      for (const caller of CALLERS) for (const side of sides) calls.push({ route, policy, caller, side });
    }

    const mismatches: string[] = [];
    /** Every call and its answer; AUTHZ_MATRIX_DUMP=1 prints them for review. */
    const seen: string[] = [];
    /** B-side and unknown-id answers per route and caller: an out-of-scope object must look like a missing one. */
    const answers = new Map<string, string>();
    const tally = { calls: 0, reach: 0, absent: 0, 401: 0, 403: 0, 404: 0 } as Record<string, number>;

    async function run(c: Call): Promise<void> {
      const want = expected(c.policy, c.caller, c.side);
      const objects: Record<string, string> = {};
      const needsFresh = c.policy.mutates && want === 'reach';
      for (const [param, kind] of Object.entries(c.policy.params ?? {})) {
        const side = c.side === 'B' ? 'B' : 'A';
        objects[param] =
          c.side === 'unknown'
            ? UNKNOWN[kind]
            : c.side === 'malformed'
              ? MALFORMED
              : needsFresh && param === Object.keys(c.policy.params!)[0]
                ? await fresh(kind, side)
                : shared[kind][side];
      }
      const url = c.route.path.replace(/:(\w+)/g, (_, p: string) => encodeURIComponent(objects[p]));
      const body = c.policy.body?.(ctx, c.side === 'B' ? 'B' : 'A', c.caller) ?? {};
      let req = t.http()[c.route.method.toLowerCase() as 'get' | 'post' | 'patch' | 'put' | 'delete'](url);
      if (c.caller === Role.SOS_DEVICE) req = req.set('X-Device-Key', t.city.deviceKeyA);
      else if (c.caller !== 'ANONYMOUS') req = req.set('Authorization', `Bearer ${tokens.get(c.caller)}`);
      const res = c.route.method === 'GET' ? await req : await req.send(body);
      tally.calls += 1;
      tally[String(want)] += 1;
      const code = res.status >= 400 ? (res.body as { code?: string } | undefined)?.code : undefined;
      const line = `${c.route.key.padEnd(40)} ${String(c.caller).padEnd(18)} ${(c.side ?? '-').padEnd(9)}`;
      seen.push(`${line} ${String(want).padEnd(6)} ${res.status} ${code ?? ''}`);
      if (c.side === 'B' || c.side === 'unknown')
        answers.set(`${line.slice(0, 59)} ${c.side}`, `${res.status} ${code}`);
      // a body that was meant to be valid but is not would hide the object check behind a 400
      const unreached = want === 'reach' && c.policy.body !== undefined && code === 'VALIDATION_FAILED';
      if (!matches(want, res.status) || unreached)
        mismatches.push(
          `${line} expected ${String(want).padEnd(6)} got ${res.status} ${code ?? ''}${unreached ? ` (test body invalid: ${JSON.stringify(res.body)})` : ''}`,
        );
    }

    // a small pool: fast, and per-call objects keep the calls independent
    const queue = [...calls];
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        for (let c = queue.shift(); c; c = queue.shift()) await run(c);
      }),
    );

    const after = await fingerprint();
    const leaks: string[] = [];
    for (const [key, b] of answers) {
      if (!key.endsWith(' B')) continue;
      const unknown = answers.get(`${key.slice(0, -2)} unknown`);
      if (unknown && b.startsWith('404') && b !== unknown)
        leaks.push(`${key.slice(0, -2).trimEnd()}: out-of-scope answers ${b}, an unknown id ${unknown}`);
    }
    if (process.env.AUTHZ_MATRIX_DUMP)
      console.log(
        [`${'route'.padEnd(40)} ${'caller'.padEnd(18)} ${'object'.padEnd(9)} expect got`, ...seen.sort()].join('\n'),
      );
    console.log(
      `authorization matrix: ${routes.length} routes × ${CALLERS.length} callers → ${tally.calls} calls ` +
        `(expected: ${tally.reach} reach the use case, ${tally[401]} × 401, ${tally[403]} × 403, ${tally[404]} × 404, ` +
        `${tally.absent} × 400/404 for a malformed id)`,
    );
    expect({ mismatches: mismatches.sort(), leaks: leaks.sort() }).toEqual({ mismatches: [], leaks: [] });
    // refused calls and calls on shared objects changed nothing (the mutating ones got fresh objects)
    expect(after).toEqual(before);
  });

  it('a path naming an in-scope and an out-of-scope object together is refused (no mixing across providers)', async () => {
    const asPA = { Authorization: `Bearer ${tokens.get(PROVIDER_ADMIN)}` };
    const mixed = await t
      .http()
      .patch(`/providers/${t.city.provider.a}/workers/${t.city.worker.b}`)
      .set(asPA)
      .send({ name: '越权' });
    expect([mixed.status, mixed.body.code]).toEqual([404, 'WORKER_NOT_FOUND']);
    const [workerB] = await t.ds.query(`SELECT name FROM worker WHERE id = $1`, [t.city.worker.b]);
    expect(workerB.name).toBe('赵师傅');
    // a filter naming an out-of-scope elder returns nothing rather than the other elder's orders
    const family = await t
      .http()
      .get(`/orders?elderId=${t.city.elder.b}`)
      .set('Authorization', `Bearer ${tokens.get(FAMILY)}`);
    expect([family.status, family.body.total, family.body.items]).toEqual([200, 0, []]);
  });

  it('list routes only show objects in the caller’s scope (A-side users see no B-side object and vice versa)', async () => {
    const users = t.city.users;
    const idsA = [
      t.city.elder.a,
      t.city.elder.a2,
      t.city.provider.a,
      t.city.worker.a,
      t.city.worker.a2,
      shared.order.A,
      ...freshOrders.A,
      users.stationA.id,
      users.hubA.id,
      users.dispatcherA.id,
      users.providerAdminA.id,
      users.workerA.id,
    ];
    const idsB = [
      t.city.elder.b,
      t.city.provider.b,
      t.city.worker.b,
      shared.order.B,
      ...freshOrders.B,
      users.stationB.id,
      users.dispatcherB.id,
      users.providerAdminB.id,
      users.workerB.id,
    ];
    const sideOf: Partial<Record<keyof typeof users, Side>> = {
      elderA: 'A',
      familyA: 'A',
      stationA: 'A',
      hubA: 'A',
      dispatcherA: 'A',
      providerAdminA: 'A',
      workerA: 'A',
      auditorA: 'A',
      stationB: 'B',
      dispatcherB: 'B',
      providerAdminB: 'B',
      workerB: 'B',
    };
    const lists = routes.filter((r) => POLICY[r.key]?.scopedList);
    expect(lists.map((r) => r.key).sort()).toEqual([
      'GET /dispatch/alerts',
      'GET /elders',
      'GET /orders',
      'GET /providers',
      'GET /users',
    ]);
    const problems: string[] = [];
    let checked = 0;
    for (const route of lists) {
      const rule = POLICY[route.key].rule as Role[];
      for (const [who, side] of Object.entries(sideOf) as [keyof typeof users, Side][]) {
        if (!rule.includes(users[who].role)) continue;
        const res = await t
          .http()
          .get(`${route.path}?limit=200`)
          .set('Authorization', `Bearer ${await bearer(who)}`);
        if (res.status !== 200) {
          problems.push(`${route.key} as ${who}: ${res.status} ${JSON.stringify(res.body)}`);
          continue;
        }
        checked += 1;
        const text = JSON.stringify(res.body);
        const foreign = (side === 'A' ? idsB : idsA).filter((id) => text.includes(id));
        if (foreign.length)
          problems.push(
            `${route.key} as ${who}: shows ${foreign.length} object(s) of the other side: ${foreign.join(', ')}`,
          );
        const items = Array.isArray(res.body) ? res.body : (res.body as { items?: unknown[] }).items;
        if (!items?.length) problems.push(`${route.key} as ${who}: empty list (the check would prove nothing)`);
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(10);
  });
});
