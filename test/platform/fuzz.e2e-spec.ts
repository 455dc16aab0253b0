import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Type } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validate } from 'class-validator';
import type { Test } from 'supertest';
import { INT2_MAX, INT2_MIN, INT4_MAX, INT4_MIN, Role } from '#lib/kernel';
import { OrderAction, OrderState, TRANSITIONS } from '#lib/orders';
import { readLastMessage } from '#lib/notifications';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { orderDriver } from '../support/orders.js';
import { testCipher, TEST_PASSWORD } from '../support/fixtures.js';
import { appRoutes, REPRESENTATIVE_USER as REPRESENTATIVE, type AppRoute } from '../support/route-table.js';

/**
 * Input fuzz over the application's own route table and OpenAPI document (issue 7, defect 3).
 *
 * Every write route (POST/PUT/PATCH/DELETE) the running app serves is looked up in its OpenAPI
 * document (GET /api/docs-json). From the operation's request schema a valid base body is built and
 * checked locally against the route's DTO (so the fuzz cannot silently lose its power); then every
 * field, one at a time, gets values that are bad for any field of its type: wrong JSON types, null
 * (unless the schema says nullable), boundaries just outside the DTO's own bounds, numbers beyond any
 * column (2^31, 1e12, 1e309 = Infinity), control characters and lone surrogates, very long strings,
 * nesting. Whole bodies get an array, a scalar, 1,000-level and 30,000-level nesting, 70 KB, broken
 * JSON and a non-JSON content type. GET routes get the same treatment of their query parameters,
 * every route with a path parameter gets malformed ids, and documented headers get bad values.
 *
 * Each call is made as a caller the route's access rule allows, on real in-scope objects (orders in
 * a state where the route's action is legal), so a value that slips past validation reaches the use
 * case and the database. Expected: a 4xx for every call, never a 5xx; a 400 that names the field;
 * and not one row of the database changed (every request is invalid, so none may write); and no
 * value caught only by PostgreSQL (the error filter's 4xx safety net logs a warning for each).
 * On the code before issue 7 it got 69 × 500 out of 2,873 requests (NUL in text, null in optional
 * fields, int4 overflow of `version` and `offset`, 30,000 nested arrays) and ~60 bad values accepted
 * (control characters stored, numeric strings as coordinates, null as "absent", text/plain bodies
 * read as {}). FUZZ_DUMP=1 prints every call.
 */

// ---- bodies with values JSON.stringify cannot write ------------------------------------------

/** A JSON text spliced into the body as is (1e309, -0, 30,000 nested arrays). */
class Raw {
  constructor(readonly text: string) {}
}

function serialize(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_k, v: unknown) => {
    if (v instanceof Raw) {
      raws.push(v.text);
      return `\u0001raw${raws.length - 1}\u0001`;
    }
    return v;
  });
  return text.replace(/"\\u0001raw(\d+)\\u0001"/g, (_, i: string) => raws[Number(i)]);
}

const nestedObject = (depth: number): string => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
const nestedArray = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

// ---- the document ---------------------------------------------------------------------------

interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  required?: string[];
  nullable?: boolean;
  example?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  allOf?: Schema[];
}
interface Operation {
  parameters?: { name: string; in: 'query' | 'path' | 'header'; required?: boolean; schema?: Schema }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}
interface OpenApiDoc {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

// ---- what the DTO itself declares (bounds the document does not carry) ---------------------

/** class-transformer's registry of @Type() (which class a nested array holds); not in its public typings. */
const { defaultMetadataStorage } = createRequire(import.meta.url)('class-transformer/cjs/storage.js') as {
  defaultMetadataStorage: {
    findTypeMetadata(target: Type<unknown>, property: string): { typeFunction: () => unknown } | undefined;
  };
};

interface Bounds {
  min?: number;
  max?: number;
  minLength?: number;
  maxLength?: number;
  isInt: boolean;
  /** Constraints that make the empty string invalid (pattern, enum, uuid, date, minimum length). */
  refusesEmpty: boolean;
  nested?: Type<unknown>;
}

function boundsOf(cls: Type<unknown> | undefined, property: string): Bounds {
  const b: Bounds = { isInt: false, refusesEmpty: false };
  if (!cls) return b;
  const metas = getMetadataStorage()
    .getTargetValidationMetadatas(cls, '', true, false)
    .filter((m) => m.propertyName === property);
  for (const m of metas) {
    const [c0, c1] = (m.constraints ?? []) as unknown[];
    switch (m.name) {
      case 'min':
        b.min = c0 as number;
        break;
      case 'max':
        b.max = c0 as number;
        break;
      case 'isInt':
        b.isInt = true;
        break;
      case 'isLength':
        b.minLength = c0 as number;
        b.maxLength = c1 as number;
        break;
      case 'minLength':
        b.minLength = c0 as number;
        break;
      case 'maxLength':
        b.maxLength = c0 as number;
        break;
      case 'isLatitude':
        b.min = -90;
        b.max = 90;
        break;
      case 'isLongitude':
        b.min = -180;
        b.max = 180;
        break;
    }
    if (['matches', 'isUuid', 'isEnum', 'isIn', 'isDateString', 'isResidentId', 'isWeeklyHours'].includes(m.name ?? ''))
      b.refusesEmpty = true;
  }
  if ((b.minLength ?? 0) > 0) b.refusesEmpty = true;
  const typeMeta = defaultMetadataStorage.findTypeMetadata(cls, property);
  if (typeMeta) b.nested = typeMeta.typeFunction() as Type<unknown>;
  return b;
}

// ---- the test --------------------------------------------------------------------------------

const WRITE_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'];
const JSON_LIMIT_BYTES = 64 * 1024;

/**
 * Which allowed role calls a route: the first of the route's roles in this list. Family first (their
 * orders use the APP channel), then the roles that own their objects, then the city-wide admin.
 */
const CALLER_PREFERENCE: Role[] = [
  Role.FAMILY,
  Role.PROVIDER_ADMIN,
  Role.WORKER,
  Role.PLATFORM_ADMIN,
  Role.DISTRICT_DISPATCHER,
  Role.HUB_STAFF,
  Role.STATION_STAFF,
  Role.ELDER,
  Role.AUDITOR,
];
/** Order states in lifecycle order: a transition route is fuzzed on an order in the first state where it is legal. */
const LIFECYCLE: OrderState[] = [
  OrderState.PENDING_DISPATCH,
  OrderState.OFFERED,
  OrderState.ACCEPTED,
  OrderState.EN_ROUTE,
  OrderState.IN_SERVICE,
  OrderState.COMPLETED,
  OrderState.CONFIRMED,
  OrderState.DISPUTED,
];

type Kind = 'field' | 'body' | 'query' | 'path' | 'header';
interface Case {
  route: string;
  kind: Kind;
  /** field path (emergencyContacts.0.phone), parameter or header name; '' for whole-body cases */
  target: string;
  label: string;
  build: () => Test;
  /** bytes sent as the body (for the 413 rule) */
  size: number;
}
interface Answer {
  status: number;
  body: { code?: string; message?: string; details?: { fields?: { field: string }[]; field?: string } };
}

describe('fuzz: no bad input gets a 5xx, every 400 names the problem, nothing is written', () => {
  let t: TestApp;
  let routes: AppRoute[];
  let doc: OpenApiDoc;
  const tokens = new Map<Role, string>();
  const orderIn = new Map<OrderState, string>();
  /** A DRAFT batch plan of street A for tomorrow (GET /dispatch/batches/:id, …/commit). */
  let batchId = '';
  let alertId = '';

  beforeAll(async () => {
    t = await startTestApp({ AUTH_RATE_LIMIT_PER_MINUTE: '100000' });
    routes = appRoutes(t.app);
    doc = (await t.http().get('/api/docs-json')).body as OpenApiDoc;
    for (const [role, who] of Object.entries(REPRESENTATIVE))
      tokens.set(role as Role, await t.tokenFor(t.city.users[who]));
    // one order of elder A (requested by family A, served by provider A / worker A) in every live state
    const d = orderDriver(t);
    for (const state of LIFECYCLE.slice(0, 6)) orderIn.set(state, await d.orderAt(state as never));
    const cipher = testCipher();
    const confirm = async () => {
      const id = await d.orderAt('COMPLETED');
      const sms = await readLastMessage(t.ds, cipher, t.city.elderPhone.a);
      const res = await d.act('familyA', id, 'confirm', { code: sms!.params.code });
      if (res.status !== 200) throw new Error(`confirm setup: ${res.status} ${JSON.stringify(res.body)}`);
      return id;
    };
    orderIn.set(OrderState.CONFIRMED, await confirm());
    const disputed = await d.orderAt('COMPLETED');
    const complained = await d.act('familyA', disputed, 'complaint', { reason: '模糊测试投诉' });
    if (complained.status !== 200) throw new Error(`complaint setup: ${complained.status}`);
    orderIn.set(OrderState.DISPUTED, disputed);
    const batch = await t
      .http()
      .post('/dispatch/batches')
      .set('Authorization', `Bearer ${tokens.get(Role.PLATFORM_ADMIN)}`)
      .send({ regionCode: t.city.street.a, date: new Date(Date.now() + 32 * 3_600_000).toISOString().slice(0, 10) });
    if (batch.status !== 201) throw new Error(`batch setup: ${batch.status} ${JSON.stringify(batch.body)}`);
    batchId = batch.body.id;
    // an open alert to aim the alert routes at (as the engine raises them)
    alertId = randomUUID();
    await t.ds.query(
      `INSERT INTO dispatch_alert (id, order_id, reason, level, emergency, region_path)
       SELECT $1, id, 'ACCEPT_SLA_BREACHED', 'STATION', false, region_path FROM service_order WHERE id = $2`,
      [alertId, orderIn.get(OrderState.ACCEPTED)],
    );
  }, 120_000);
  afterAll(async () => t?.close());

  const schemaOf = (s: Schema | undefined): Schema | undefined => {
    if (!s) return undefined;
    if (s.$ref) return schemaOf(doc.components?.schemas?.[s.$ref.split('/').pop()!]);
    if (s.allOf?.length === 1) return { ...schemaOf(s.allOf[0]), nullable: s.nullable };
    return s;
  };
  const operationOf = (r: AppRoute): Operation | undefined => doc.paths[r.openApiPath]?.[r.method.toLowerCase()];

  /** The order action a route performs, when its handler is named after one (checkIn → CHECK_IN). */
  const actionOf = (r: AppRoute): OrderAction | undefined => {
    const name = r.handlerName.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
    return (Object.values(OrderAction) as string[]).includes(name) ? (name as OrderAction) : undefined;
  };

  function callerOf(r: AppRoute): Role | 'device' | 'public' {
    if (!r.rule) throw new Error(`${r.key} declares no access rule`);
    if ('public' in r.rule) return 'public';
    if ('device' in r.rule) return 'device';
    const allowed = r.rule.roles;
    const role = CALLER_PREFERENCE.find((p) => allowed.includes(p));
    if (!role) throw new Error(`${r.key}: no representative caller for ${allowed.join(', ')}`);
    return role;
  }

  /** Real in-scope objects for the path parameters. */
  function pathValues(r: AppRoute): Record<string, string> {
    const values: Record<string, string> = {};
    for (const [, param] of r.path.matchAll(/:(\w+)/g)) {
      if (r.path.startsWith('/orders/')) {
        const action = actionOf(r);
        const state = action ? LIFECYCLE.find((s) => TRANSITIONS[s][action]) : OrderState.ACCEPTED;
        values[param] = orderIn.get(state ?? OrderState.ACCEPTED)!;
      } else if (param === 'workerId') values[param] = t.city.worker.a;
      else if (r.path.startsWith('/elders/')) values[param] = t.city.elder.a;
      else if (r.path.startsWith('/catalog/items/')) values[param] = t.city.items.CLEAN_HOUR;
      else if (r.path.startsWith('/providers/')) values[param] = t.city.provider.a;
      else if (r.path.startsWith('/users/')) values[param] = t.city.users.stationB.id;
      else if (r.path.startsWith('/regions/')) values[param] = t.city.district.a;
      else if (r.path.startsWith('/dispatch/batches/')) values[param] = batchId;
      else if (r.path.startsWith('/dispatch/alerts/')) values[param] = alertId;
      else if (r.path.startsWith('/dispatch/settings/')) values[param] = t.city.district.a;
      else throw new Error(`${r.key}: no in-scope object for :${param} — teach pathValues() about it`);
    }
    return values;
  }

  /** Values that make a base body valid where the schema's example or type default cannot. */
  async function resolved(r: AppRoute, field: string): Promise<unknown> {
    const auth = r.path.startsWith('/auth/');
    switch (field) {
      case 'elderId':
        return r.path === '/users' ? undefined : t.city.elder.a;
      case 'itemId':
        return t.city.items.CLEAN_HOUR;
      case 'providerId':
        return r.path === '/users' ? undefined : t.city.provider.a;
      case 'workerId':
        return r.path === '/users' ? undefined : t.city.worker.a;
      case 'communityCode':
        return t.city.community.a1;
      case 'communityCodes':
        return [t.city.community.a1];
      case 'regionCode':
        return t.city.community.a1;
      case 'level':
        return r.path === '/facilities' ? 'COMMUNITY_STATION' : undefined;
      case 'role':
        return r.path === '/users' ? Role.STATION_STAFF : undefined;
      case 'phone':
        return auth ? t.city.users.familyA.phone : undefined;
      case 'password':
        return auth ? TEST_PASSWORD : 'Fuzz-Passw0rd-2026';
      case 'currentPassword':
        return TEST_PASSWORD;
      case 'newPassword':
        return 'Fuzz-Passw0rd-2026';
      case 'refreshToken':
        return 'fuzz-refresh-token-'.padEnd(43, 'x');
      case 'code':
        return r.path.startsWith('/orders/') || r.path.startsWith('/auth/') ? '000000' : undefined;
      case 'photoHashes':
        return ['ab'.repeat(32)];
      case 'scheduledStart':
        return new Date(Date.now() + 86_400_000).toISOString();
      case 'scheduledEnd':
        return new Date(Date.now() + 86_400_000 + 7_200_000).toISOString();
      case 'version': {
        const table = r.path.startsWith('/catalog/items/')
          ? 'service_item'
          : r.path.startsWith('/elders/')
            ? 'elder'
            : undefined;
        if (!table) return undefined;
        const id = Object.values(pathValues(r))[0];
        const [row] = (await t.ds.query(`SELECT version FROM ${table} WHERE id = $1`, [id])) as { version: number }[];
        return row.version;
      }
    }
    return undefined;
  }

  /** A value the field's schema accepts (resolved, example, first enum value, or a type default). */
  async function baseValue(r: AppRoute, field: string, s: Schema): Promise<unknown> {
    const own = await resolved(r, field);
    if (own !== undefined) return own;
    if (s.example !== undefined) return s.example;
    if (s.enum?.length) return s.enum[0];
    switch (s.type) {
      case 'number':
      case 'integer':
        return s.minimum ?? 1;
      case 'boolean':
        return false;
      case 'array':
        return [await baseValue(r, field, schemaOf(s.items) ?? { type: 'string' })];
      case 'object':
        return s.properties ? baseObject(r, s) : {};
      default:
        return s.format === 'uuid' ? randomUUID() : `fuzz ${field}`;
    }
  }

  /** Required fields, plus optional ones with a resolved value (an optional field is fuzzed on its own). */
  async function baseObject(r: AppRoute, s: Schema): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const [name, raw] of Object.entries(s.properties ?? {})) {
      const prop = schemaOf(raw)!;
      const own = await resolved(r, name);
      if (s.required?.includes(name)) out[name] = await baseValue(r, name, prop);
      else if (own !== undefined) out[name] = own;
    }
    return out;
  }

  /** Values bad for any field of this schema (and these DTO bounds). */
  function badValues(s: Schema, b: Bounds, base: unknown): [string, unknown][] {
    const out: [string, unknown][] = [];
    const type = s.enum ? 'enum' : s.type === 'integer' ? 'number' : (s.type ?? (s.properties ? 'object' : 'string'));
    if (!s.nullable) out.push(['null', null]);
    out.push(['nested 12 deep', JSON.parse(nestedObject(12))]);
    if (type !== 'array') out.push(['an array', [base]]);
    if (type !== 'object') out.push(['an object', { value: base }]);
    if (type !== 'boolean') out.push(['true', true]);
    if (type === 'string' || type === 'enum') {
      const text = typeof base === 'string' ? base : 'fuzz';
      out.push(
        ['a number', 42],
        ['NUL inside', `${text.slice(0, 1)}\u0000${text.slice(1)}`],
        ['only NUL', '\u0000'],
        ['BEL', `${text}\u0007`],
        ['ESC', `\u001b[31m${text}`],
        ['DEL', `${text}\u007f`],
        ['a lone surrogate', `${text}\ud800`],
        ['5,000 characters', 'x'.repeat(5000)],
      );
      if (b.maxLength !== undefined) out.push([`maxLength+1 (${b.maxLength + 1})`, 'x'.repeat(b.maxLength + 1)]);
      if (b.minLength !== undefined && b.minLength > 1)
        out.push([`minLength-1 (${b.minLength - 1})`, text.slice(0, b.minLength - 1)]);
      if (b.refusesEmpty) out.push(['empty', '']);
      if (type === 'enum') out.push(['not in the enum', 'NOT_A_VALUE_OF_THE_ENUM']);
      if (type === 'enum' && typeof base === 'string' && base.toLowerCase() !== base)
        out.push(['lower case', base.toLowerCase()]);
    }
    if (type === 'number') {
      out.push(
        ['a numeric string', '1'],
        ['"NaN"', 'NaN'],
        ['"1e309"', '1e309'],
        ['1e309 (Infinity)', new Raw('1e309')],
        ['-1e309 (-Infinity)', new Raw('-1e309')],
        ['2^31', 2 ** 31],
        ['-2^31-1', -(2 ** 31) - 1],
        ['1e12', 1e12],
        ['-1e12', -1e12],
        ['1e20', 1e20],
        ['2^53+2', 2 ** 53 + 2],
      );
      if (b.isInt) out.push(['a fraction', (b.min ?? 0) + 1.5]);
      if (b.min !== undefined) out.push([`min-1 (${b.min - 1})`, b.min - 1]);
      if (b.max !== undefined) out.push([`max+1 (${b.max + 1})`, b.max + 1]);
      if (b.min !== undefined && b.min > 0) out.push(['-0', new Raw('-0')]);
    }
    if (type === 'boolean') out.push(['"true"', 'true'], ['1', 1], ['0', 0]);
    if (type === 'array') {
      const item = Array.isArray(base) ? base[0] : 'x';
      out.push(
        ['a string', 'x'],
        ['a number', 42],
        ['[null]', [null]],
        ['600 copies', Array.from({ length: 600 }, () => item)],
        ['nested arrays', JSON.parse(nestedArray(12))],
        [typeof item === 'string' ? '[42]' : '["x"]', [typeof item === 'string' ? 42 : 'x']],
      );
      if (typeof item === 'string') out.push(['[NUL]', [`${item}\u0000`]], ['[ESC]', [`\u001b${item}`]]);
    }
    if (type === 'object') {
      out.push(['a string', 'x'], ['a number', 42], ['a NUL key', { '\u0000': [] }]);
      if (!s.properties) out.push(['NUL in a value', { '1': ['08:00-12:00\u0000'] }]);
    }
    return out;
  }

  function request(r: AppRoute, url: string): Test {
    const who = callerOf(r);
    const req = t.http()[r.method.toLowerCase() as 'post' | 'put' | 'patch' | 'delete' | 'get'](url);
    if (who === 'device') req.set('X-Device-Key', t.city.deviceKeyA);
    else if (who !== 'public') req.set('Authorization', `Bearer ${tokens.get(who)}`);
    return req;
  }
  const urlOf = (r: AppRoute, values: Record<string, string>) =>
    r.path.replace(/:(\w+)/g, (_, p: string) => encodeURIComponent(values[p]));

  /**
   * Every row of every table: row counts and a digest of the content. Left out: bookkeeping that every
   * request writes before its input is looked at (a device's last-seen time, set when its key is
   * checked; the sign-in rate-limit windows, counted before the body is read; the scheduler's timers,
   * which fire and move in the background while requests run, and the dispatch ranking's provider
   * statistics their job recomputes).
   */
  const UNFINGERPRINTED: Record<string, string[]> = { sos_device: ['last_seen_at'] };
  const UNFINGERPRINTED_TABLES = ['rate_limit_window', 'scheduled_job', 'provider_dispatch_stats'];
  async function fingerprint(): Promise<Record<string, string>> {
    const tables = (
      (await t.ds.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
      )) as { table_name: string }[]
    ).filter((x) => !UNFINGERPRINTED_TABLES.includes(x.table_name));
    const out: Record<string, string> = {};
    for (const { table_name } of tables) {
      const [row] = (await t.ds.query(
        `SELECT count(*)::int AS n, md5(coalesce(string_agg(r, '|' ORDER BY r), '')) AS digest
           FROM (SELECT (to_jsonb(x) - $1::text[])::text AS r FROM "${table_name}" x) rows`,
        [UNFINGERPRINTED[table_name] ?? []],
      )) as { n: number; digest: string }[];
      out[table_name] = `${row.n} rows, ${row.digest}`;
    }
    return out;
  }

  /** The error log entry of a 5xx (by its X-Request-Id): class and first frames, to say where it broke. */
  function serverLogOf(requestId: string | undefined): string {
    if (!requestId) return '(no X-Request-Id)';
    const line = t.logs.lines.find((l) => l.includes(requestId) && l.includes('"level":50'));
    if (!line) return '(not logged as an error)';
    const { error } = JSON.parse(line) as { error?: { errorClass?: string; sqlState?: string; frames?: string[] } };
    return [error?.errorClass, error?.sqlState, ...(error?.frames ?? []).slice(0, 2)].filter(Boolean).join(' ');
  }

  it('every answer carries a request id (X-Request-Id) that its log line carries too', async () => {
    const res = await t.http().post('/auth/login').send({ phone: 'x' });
    const id = res.headers['x-request-id'];
    expect([res.status, id]).toEqual([400, expect.stringMatching(/^[0-9a-f-]{36}$/)]);
    expect(t.logs.lines.some((l) => l.includes(`"id":"${id}"`) && l.includes('"statusCode":400'))).toBe(true);
    // a proxy's (or a client's) plain token is kept, anything else replaced
    const given = await t.http().get('/auth/me').set('X-Request-Id', 'edge-7f3a9c21');
    expect(given.headers['x-request-id']).toBe('edge-7f3a9c21');
    const odd = await t.http().get('/auth/me').set('X-Request-Id', 'a b');
    expect(odd.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('the document and the route table describe the same write routes', () => {
    const writes = routes.filter((r) => WRITE_METHODS.includes(r.method));
    expect(writes.length).toBeGreaterThan(20);
    expect(writes.filter((r) => !operationOf(r)).map((r) => r.key)).toEqual([]);
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops)
        .filter((m) => WRITE_METHODS.includes(m.toUpperCase()))
        .map((m) => `${m.toUpperCase()} ${p}`),
    );
    expect(documented.filter((k) => !routes.some((r) => `${r.method} ${r.openApiPath}` === k))).toEqual([]);
    // every DTO a write route validates is described by the document (so its fields are fuzzed)
    const undocumented = writes
      .filter((r) => r.bodyType && !schemaOf(operationOf(r)?.requestBody?.content?.['application/json']?.schema))
      .map((r) => r.key);
    expect(undocumented).toEqual([]);
  });

  it('every numeric DTO field is bounded within its column type; every text field has a length or a pattern', () => {
    // every DTO a route validates, and the nested DTOs they hold
    const classes = new Set<Type<unknown>>();
    const visit = (cls: Type<unknown> | undefined) => {
      if (!cls || classes.has(cls)) return;
      classes.add(cls);
      for (const m of getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false))
        visit(boundsOf(cls, m.propertyName).nested);
    };
    for (const r of routes) [r.bodyType, r.queryType].forEach(visit);
    // every entity column by property name, with the range of its type
    const INT4: [number, number] = [INT4_MIN, INT4_MAX];
    const rangeOf = (type: string, precision?: number | null, scale?: number | null): [number, number] | undefined => {
      if (['integer', 'int', 'int4'].includes(type)) return INT4;
      if (['smallint', 'int2'].includes(type)) return [INT2_MIN, INT2_MAX];
      if (type === 'numeric' && precision) {
        const max = 10 ** (precision - (scale ?? 0)) - 10 ** -(scale ?? 0);
        return [-max, max];
      }
      return undefined;
    };
    const columns = new Map<string, { where: string; range: [number, number] }[]>();
    for (const entity of t.ds.entityMetadatas)
      for (const c of entity.columns) {
        const range = rangeOf(String(c.type), c.precision, c.scale);
        if (range)
          columns.set(c.propertyName, [
            ...(columns.get(c.propertyName) ?? []),
            { where: `${entity.tableName}.${c.databaseName} (${String(c.type)})`, range },
          ]);
      }
    const problems: string[] = [];
    let numbers = 0;
    for (const cls of classes) {
      const metas = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
      for (const property of new Set(metas.map((m) => m.propertyName))) {
        const names = new Set(metas.filter((m) => m.propertyName === property).map((m) => m.name ?? ''));
        const b = boundsOf(cls, property);
        const where = `${cls.name}.${property}`;
        const enumerated = names.has('isEnum') || names.has('isIn');
        if (['isInt', 'isNumber', 'isLatitude', 'isLongitude', 'min', 'max'].some((n) => names.has(n))) {
          numbers += 1;
          if (enumerated) continue;
          if (b.min === undefined || b.max === undefined) {
            problems.push(`${where}: a number needs both @Min and @Max (the column's range at most)`);
            continue;
          }
          if (b.isInt && (b.min < INT4_MIN || b.max > INT4_MAX))
            problems.push(`${where}: @Min/@Max [${b.min}, ${b.max}] exceed a PostgreSQL integer`);
          for (const col of columns.get(property) ?? [])
            if (b.min < col.range[0] || b.max > col.range[1])
              problems.push(`${where}: @Min/@Max [${b.min}, ${b.max}] exceed ${col.where} [${col.range.join(', ')}]`);
        }
        const bounded = ['maxLength', 'isLength', 'matches', 'isUuid', 'isDateString', 'isResidentId'].some((n) =>
          names.has(n),
        );
        if (names.has('isString') && !bounded && !enumerated)
          problems.push(`${where}: a text needs a maximum length or a pattern`);
      }
    }
    expect(problems).toEqual([]);
    expect(numbers).toBeGreaterThan(15);
  });

  it('every write route, field and query parameter: a 4xx naming the problem, and no row changed', async () => {
    const cases: Case[] = [];
    const baseProblems: string[] = [];
    const add = (c: Omit<Case, 'size'> & { size?: number }) => cases.push({ size: 0, ...c });

    for (const r of routes) {
      const op = operationOf(r);
      if (!op) continue; // reported by the test above
      const values = pathValues(r);
      const url = urlOf(r, values);
      const isWrite = WRITE_METHODS.includes(r.method);

      // path parameters: malformed ids never reach a 5xx (and never a 401/403: the caller is allowed)
      for (const param of Object.keys(values))
        for (const [label, v] of [
          ['NUL', '\u0000'],
          ['NUL in an id', `${values[param]}\u0000`],
          ['ESC', '\u001b'],
          ['300 characters', 'x'.repeat(300)],
          ['SQL-looking', "x'; --"],
        ] as [string, string][]) {
          const bad = urlOf(r, { ...values, [param]: v });
          add({
            route: r.key,
            kind: 'path',
            target: param,
            label,
            build: () => (isWrite ? request(r, bad).send({}) : request(r, bad)),
          });
        }

      if (!isWrite) {
        // query parameters of GET routes
        for (const p of op.parameters?.filter((x) => x.in === 'query') ?? []) {
          const s = schemaOf(p.schema) ?? {};
          const numeric = s.type === 'number' || s.type === 'integer';
          const n = p.name;
          // [label, query string]
          const bad: [string, string][] = [
            ['NUL', `${n}=%00`],
            ['NUL inside', `${n}=a%00b`],
            ['ESC', `${n}=%1B`],
            ['BEL', `${n}=x%07`],
            ['two values', `${n}=1&${n}=2`],
            ['qs-style array', `${n}[]=1`],
            ['qs-style nested object', `${n}[a][b]=1`],
            ['5,000 characters', `${n}=${'x'.repeat(5000)}`],
          ];
          if (numeric)
            for (const [label, v] of [
              ['negative', '-1'],
              ['a fraction', '1.5'],
              ['1e309', '1e309'],
              ['2^31', String(2 ** 31)],
              ['20 digits', '99999999999999999999'],
              ['not a number', 'abc'],
              ['NaN', 'NaN'],
            ])
              bad.push([label, `${n}=${v}`]);
          if (s.enum) bad.push(['not in the enum', `${n}=NOT_A_VALUE_OF_THE_ENUM`]);
          if (s.type === 'boolean') bad.push(['yes', `${n}=yes`]);
          if (s.format === 'uuid') bad.push(['not a uuid', `${n}=not-a-uuid`]);
          for (const [label, qs] of bad) {
            add({ route: r.key, kind: 'query', target: p.name, label, build: () => request(r, `${url}?${qs}`) });
          }
        }
        continue;
      }

      // headers the document names (Idempotency-Key)
      const schema = schemaOf(op.requestBody?.content?.['application/json']?.schema);
      const base = schema ? await baseObject(r, schema) : {};
      for (const h of op.parameters?.filter((x) => x.in === 'header') ?? [])
        for (const [label, v] of [
          ['too short', 'short'],
          ['200 characters', 'k'.repeat(200)],
          ['a space', 'bad key 12345'],
        ] as [string, string][])
          add({
            route: r.key,
            kind: 'header',
            target: h.name,
            label,
            build: () => request(r, url).set(h.name, v).send(base),
          });

      // whole bodies: refused before validation, whatever the route (also on routes without a body)
      const rawBody = (label: string, text: string, type = 'application/json') =>
        add({
          route: r.key,
          kind: 'body',
          target: '',
          label,
          size: Buffer.byteLength(text),
          build: () => request(r, url).set('Content-Type', type).send(text),
        });
      rawBody('1,000 nested objects', nestedObject(1000));
      rawBody('30,000 nested arrays', nestedArray(30_000));
      rawBody('nesting inside a field', serialize({ ...base, deep: new Raw(nestedObject(500)) }));
      rawBody('70 KB', serialize({ ...base, padding: 'x'.repeat(70 * 1024) }));
      rawBody('broken JSON', '{"a":');
      if (!r.bodyType) continue; // a route that reads no body: only transport-level cases can be invalid
      rawBody('an array', serialize([base]));
      rawBody('an empty array', '[]');
      rawBody('a string', '"x"');
      rawBody('a number', '42');
      rawBody('null', 'null');
      rawBody('text/plain', 'x=1', 'text/plain');

      if (!schema) continue;
      // the base body must be valid, or the field cases below would prove nothing
      const errors = await validate(plainToInstance(r.bodyType, structuredClone(base)) as object, {
        whitelist: true,
        forbidNonWhitelisted: true,
      });
      if (errors.length)
        baseProblems.push(`${r.key}: base body ${JSON.stringify(base)} is invalid: ${errors.map((e) => e.property)}`);

      // one field at a time
      const fieldCases = async (
        s: Schema,
        cls: Type<unknown> | undefined,
        prefix: string,
        wrap: (v: unknown) => Record<string, unknown>,
        own: Record<string, unknown>,
      ) => {
        for (const [name, raw] of Object.entries(s.properties ?? {})) {
          const prop = schemaOf(raw)!;
          const path = prefix ? `${prefix}.${name}` : name;
          const b = boundsOf(cls, name);
          const value = name in own ? own[name] : await baseValue(r, name, prop);
          for (const [label, v] of badValues(prop, b, value)) {
            const text = serialize(wrap({ ...own, [name]: v }));
            add({
              route: r.key,
              kind: 'field',
              target: path,
              label,
              size: Buffer.byteLength(text),
              build: () => request(r, url).set('Content-Type', 'application/json').send(text),
            });
          }
          // nested objects (emergencyContacts[], elders[]): fuzz their fields inside the first element
          const item = schemaOf(prop.items);
          if (prop.type === 'array' && item?.properties) {
            const element = await baseObject(r, item);
            await fieldCases(item, b.nested, `${path}.0`, (v) => wrap({ ...own, [name]: [v] }), element);
          }
        }
      };
      await fieldCases(schema, r.bodyType, '', (v) => v as Record<string, unknown>, base);
    }
    expect(baseProblems).toEqual([]);

    const before = await fingerprint();
    const problems: string[] = [];
    const serverErrors: string[] = [];
    const dump: string[] = [];
    const queue = [...cases];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let c = queue.shift(); c; c = queue.shift()) {
          const res = (await c.build()) as unknown as Answer & { headers: Record<string, string> };
          const where = `${c.route} ${c.kind} ${c.target || '(body)'}: ${c.label}`;
          const answer = `${res.status} ${res.body?.code ?? ''}`;
          dump.push(`${where} → ${answer}`);
          const problem = judge(c, res);
          if (res.status >= 500)
            serverErrors.push(`${where} → ${answer}; logged: ${serverLogOf(res.headers['x-request-id'])}`);
          else if (problem) problems.push(`${where} → ${answer} ${JSON.stringify(res.body).slice(0, 200)}: ${problem}`);
        }
      }),
    );
    const after = await fingerprint();
    if (process.env.FUZZ_DUMP) console.log(dump.sort().join('\n'));
    const byKind = cases.reduce<Record<string, number>>((acc, c) => ({ ...acc, [c.kind]: (acc[c.kind] ?? 0) + 1 }), {});
    console.log(
      `fuzz: ${cases.length} requests over ${new Set(cases.map((c) => c.route)).size} routes ` +
        `(${Object.entries(byKind)
          .map(([k, n]) => `${n} ${k}`)
          .join(', ')}); ${serverErrors.length} × 5xx, ${problems.length} other problems`,
    );
    const changed = Object.keys({ ...before, ...after }).filter((k) => before[k] !== after[k]);
    // the database's own checks (pg errors mapped to 4xx) are a safety net: validation must come first
    const safetyNet = t.logs.lines
      .filter((l) => l.includes('database refused a request value'))
      .map((l) => JSON.parse(l) as { error?: { sqlState?: string; frames?: string[] } })
      .map((e) => `${e.error?.sqlState} ${e.error?.frames?.[0] ?? ''}`);
    expect({
      serverErrors: serverErrors.sort(),
      problems: problems.sort(),
      changedTables: changed,
      caughtByTheDatabase: safetyNet,
    }).toEqual({ serverErrors: [], problems: [], changedTables: [], caughtByTheDatabase: [] });
  }, 240_000);

  /** What is wrong with an answer to a bad request (undefined: nothing). */
  function judge(c: Case, res: Answer): string | undefined {
    const { status, body } = res;
    if (status < 400) return 'bad input accepted';
    if (status === 401 || status === 403) return 'the caller is allowed: the bad input must be named, not a 401/403';
    if (!body?.code) return 'no error code';
    if (c.size > JSON_LIMIT_BYTES) return status === 413 ? undefined : 'a body over the limit must answer 413';
    const names = (field: string) =>
      (body.details?.fields ?? []).some(
        (f) => f.field === field || f.field.startsWith(`${field}.`) || field.startsWith(`${f.field}.`),
      ) ||
      body.details?.field === field ||
      (body.message ?? '').includes(field);
    switch (c.kind) {
      case 'field':
        return status === 400 && names(c.target) ? undefined : `expected a 400 naming ${c.target}`;
      case 'query':
        return status === 400 && names(c.target) ? undefined : `expected a 400 naming ${c.target}`;
      case 'header':
        return status === 400 && names(c.target) ? undefined : `expected a 400 naming ${c.target}`;
      case 'path':
        return status === 400 || status === 404 ? undefined : 'expected 400 or 404';
      case 'body':
        return [400, 413, 415].includes(status) ? undefined : 'expected 400, 413 or 415';
    }
  }
});
