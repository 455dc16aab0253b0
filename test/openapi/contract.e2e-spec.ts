/**
 * The contract check itself (test/support/openapi-contract.ts, run by every e2e file's close()):
 * the document describes every operation completely, and the check fails — readably, without
 * personal data — when an answer disagrees with it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FIXTURE_ELDER_NAMES } from '../support/fixtures.js';
import { ContractChecker, type RecordedExchange } from '../support/openapi-contract.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

interface Response {
  description?: string;
  content?: Record<string, { schema?: { $ref?: string; type?: string; items?: unknown } }>;
}
interface Operation {
  operationId: string;
  security?: Record<string, unknown>[];
  requestBody?: unknown;
  responses: Record<string, Response>;
}
type Document = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };

const json = (body: unknown) => Buffer.from(JSON.stringify(body));
const answer = (x: Partial<RecordedExchange> & { body: Buffer }): RecordedExchange => ({
  method: 'GET',
  path: '/health',
  status: 200,
  contentType: 'application/json; charset=utf-8',
  routed: true,
  ...x,
});

describe('the OpenAPI contract', () => {
  let t: TestApp;
  let doc: Document;
  let checker: ContractChecker;
  let orderId: string;
  beforeAll(async () => {
    t = await startTestApp();
    doc = (await t.http().get('/api/docs-json').expect(200)).body as Document;
    checker = await ContractChecker.forDocument(doc);
    const tokens = await t.tokensForAll();
    const created = await t
      .http()
      .post('/orders')
      .set('Authorization', `Bearer ${tokens.familyA}`)
      .send({ elderId: t.city.elder.a, itemId: t.city.items.MEAL_DELIVERY, channel: 'APP' })
      .expect(201);
    orderId = created.body.id as string;
  }, 120_000);
  afterAll(async () => t.close());

  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })),
    );

  it('documents for every operation a success status with a schema and ErrorBody for every error', () => {
    expect(operations().length).toBeGreaterThanOrEqual(49);
    const problems: string[] = [];
    for (const { name, op } of operations()) {
      const statuses = Object.keys(op.responses);
      const success = statuses.filter((s) => s.startsWith('2'));
      if (!success.length) problems.push(`${name}: no success status`);
      // JSON, or a download under its own media type (GET /dispatch/coverage.csv: text/csv)
      for (const s of success)
        if (s !== '204' && !Object.values(op.responses[s].content ?? {}).some((m) => m.schema))
          problems.push(`${name} ${s}: no schema`);
      for (const s of statuses.filter((x) => Number(x) >= 400)) {
        const schema = op.responses[s].content?.['application/json']?.schema;
        if (schema?.$ref !== '#/components/schemas/ErrorBody') problems.push(`${name} ${s}: not an ErrorBody`);
        if (!op.responses[s].description) problems.push(`${name} ${s}: says not what causes it`);
      }
      // what any request can get: a refused body, a busy database
      for (const s of ['400', '413', '415', '503']) if (!statuses.includes(s)) problems.push(`${name}: no ${s}`);
      const signedIn = (op.security ?? []).some((r) => 'bearer' in r || 'device-key' in r);
      if (signedIn && !statuses.includes('401')) problems.push(`${name}: signed-in route without 401`);
    }
    expect(problems).toEqual([]);
  });

  it('documents 201 for creation and 200 for an idempotent replay, both with the order', () => {
    const create = doc.paths['/orders'].post.responses;
    expect(create['201'].content?.['application/json']?.schema?.$ref).toBe('#/components/schemas/OrderView');
    expect(create['200'].content?.['application/json']?.schema?.$ref).toBe('#/components/schemas/OrderView');
    for (const path of ['/elders', '/providers', '/providers/{id}/contracts', '/providers/{id}/workers'])
      expect(Object.keys(doc.paths[path].post.responses)).toContain('201');
    expect(Object.keys(doc.paths['/facilities'].post.responses)).toContain('201');
    expect(Object.keys(doc.paths['/catalog/items'].post.responses)).toContain('201');
  });

  it('records every answer on the server side, with whether a route handled it', async () => {
    const before = t.exchanges.length;
    await t.http().get('/health').expect(200);
    await t.http().get('/no-such-route').expect(404);
    const [health, unknown] = t.exchanges.slice(before);
    expect(health).toMatchObject({ method: 'GET', path: '/health', status: 200, routed: true });
    expect(JSON.parse(health.body.toString()).status).toBe('ok');
    expect(unknown).toMatchObject({ path: '/no-such-route', status: 404, routed: false });
    expect(checker.check([health, unknown])).toEqual([]);
  });

  it('passes the real answers it has seen so far', () => {
    expect(checker.check(t.exchanges)).toEqual([]);
  });

  it('reports an undocumented status, a wrong body, a missing or undocumented field, and an unlisted route', () => {
    const order = t.exchanges.find((x) => x.method === 'POST' && x.path === '/orders' && x.status === 201)!;
    const view = JSON.parse(order.body.toString()) as Record<string, unknown>;
    const { orderNo: _gone, ...withoutOrderNo } = view;
    const name = FIXTURE_ELDER_NAMES[0];
    const found = checker.check([
      answer({ status: 418, body: json({ statusCode: 418, code: 'TEAPOT', message: 'x' }) }),
      answer({ method: 'POST', path: '/orders', status: 201, body: json({ ...view, priority: name }) }),
      answer({ method: 'POST', path: '/orders', status: 201, body: json(withoutOrderNo) }),
      answer({ method: 'GET', path: `/orders/${orderId}`, body: json({ ...view, elderPhone: name }) }),
      answer({ method: 'GET', path: `/orders/${orderId}`, status: 404, body: json({ code: 'ORDER_NOT_FOUND' }) }),
      answer({ method: 'GET', path: '/orders', body: json({ items: [{ ...view, state: name }] }) }),
      answer({ method: 'POST', path: '/auth/logout', status: 204, body: json({ ok: true }) }),
      answer({ path: '/health', contentType: 'text/html', body: Buffer.from('<html></html>') }),
      answer({ method: 'DELETE', path: '/orders', status: 200, body: json({}) }),
    ]);
    expect(found).toEqual([
      { operation: 'GET /health', status: 418, problem: expect.stringContaining('status 418 is not documented') },
      { operation: 'POST /orders', status: 201, problem: '/priority must be integer' },
      { operation: 'POST /orders', status: 201, problem: '/priority must be equal to one of the allowed values' },
      { operation: 'POST /orders', status: 201, problem: "(body) must have required property 'orderNo'" },
      {
        operation: 'GET /orders/{id}',
        status: 200,
        problem: "(body) must NOT have additional properties 'elderPhone'",
      },
      {
        operation: 'GET /orders/{id}',
        status: 404,
        problem: "(body) must have required property 'statusCode'",
      },
      { operation: 'GET /orders/{id}', status: 404, problem: "(body) must have required property 'message'" },
      { operation: 'GET /orders', status: 200, problem: "(body) must have required property 'total'" },
      { operation: 'GET /orders', status: 200, problem: "(body) must have required property 'limit'" },
      { operation: 'GET /orders', status: 200, problem: "(body) must have required property 'offset'" },
      { operation: 'GET /orders', status: 200, problem: '/items/*/state must be equal to one of the allowed values' },
      { operation: 'POST /auth/logout', status: 204, problem: 'answered a body, the document describes none' },
      { operation: 'GET /health', status: 200, problem: 'answered text/html, not JSON' },
      { operation: 'DELETE /orders', status: 200, problem: 'route is not in the document' },
    ]);
    // what was wrong, never the value (bodies hold names, phones, addresses)
    expect(JSON.stringify(found)).not.toContain(name);
    expect(JSON.stringify(found)).not.toContain(String(view.address));
  });

  it('accepts null where the document says nullable, also around a reference and an enum', () => {
    const order = t.exchanges.find((x) => x.method === 'POST' && x.path === '/orders' && x.status === 201)!;
    const view = JSON.parse(order.body.toString()) as Record<string, unknown>;
    expect(view.checkIn).toBeNull();
    expect(checker.check([answer({ method: 'GET', path: `/orders/${orderId}`, body: order.body })])).toEqual([]);
    const visit = { at: new Date().toISOString(), lat: 39.68, lng: 106.82, distanceM: 12 };
    expect(
      checker.check([answer({ method: 'GET', path: `/orders/${orderId}`, body: json({ ...view, checkIn: visit }) })]),
    ).toEqual([]);
    expect(
      checker.check([
        answer({
          method: 'GET',
          path: `/orders/${orderId}`,
          body: json({ ...view, checkIn: { ...visit, at: 'soon' } }),
        }),
      ]),
    ).toEqual([{ operation: 'GET /orders/{id}', status: 200, problem: '/checkIn/at must match format "date-time"' }]);
  });

  it('fails the file on close when an answer disagrees (the hook every e2e file runs)', async () => {
    const other = await startTestApp();
    await other.http().get('/health').expect(200);
    other.exchanges.push(answer({ status: 418, body: json({ statusCode: 418, code: 'TEAPOT', message: 'x' }) }));
    await expect(other.close()).rejects.toThrow(/disagree with the OpenAPI document[\s\S]*GET \/health → 418/);
  }, 120_000); // a second app

  it('covers every e2e file: a file that builds its own app records its answers too', () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.e2e-spec.ts'));
    expect(files.length).toBeGreaterThan(10);
    const unchecked = files.filter((f) => {
      const text = readFileSync(path.join(root, f), 'utf8');
      return /\bcreateApp\(/.test(text) && !/\brecordAnswers\(/.test(text);
    });
    expect(unchecked).toEqual([]); // use startTestApp(), or recordAnswers(app) before listen and check() before close
  });

  it('refuses a document that is not valid OpenAPI', async () => {
    const broken = structuredClone(doc) as unknown as { paths: Record<string, unknown> };
    broken.paths['/health'] = { get: { responses: 'none' } };
    await expect(ContractChecker.forDocument(broken)).rejects.toThrow(/not valid OpenAPI/);
  });
});
