import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { countRows, orderDriver } from '../support/orders.js';

describe('bad input gets a clear 4xx and changes nothing', () => {
  let t: TestApp;
  let d: ReturnType<typeof orderDriver>;
  let pendingId: string;
  let before: { orders: number; events: number };
  beforeAll(async () => {
    t = await startTestApp();
    d = orderDriver(t);
    pendingId = await d.orderAt('PENDING_DISPATCH');
  });
  beforeEach(async () => {
    before = await countRows(t);
  });
  afterAll(async () => t.close());

  const unchanged = async () => expect(await countRows(t)).toEqual(before);

  it.each([
    ['a number as elderId', { elderId: 42 }, 'elderId'],
    ['a missing itemId', { itemId: undefined }, 'itemId'],
    ['an unknown channel', { channel: 'FAX' }, 'channel'],
    ['the SOS channel (devices only)', { channel: 'SOS' }, 'channel'],
    ['a negative quantity', { quantity: -1 }, 'quantity'],
    ['a quantity as a string', { quantity: '2' }, 'quantity'],
    ['a malformed date', { scheduledStart: 'tomorrow' }, 'scheduledStart'],
    ['an extra field', { price: 1 }, 'price'],
    ['a 600-character note', { note: 'x'.repeat(600) }, 'note'],
  ])('refuses %s with 400 naming the field', async (_name, patch, field) => {
    const res = await d.create('stationA', patch as Record<string, unknown>);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.details.fields.map((f: { field: string }) => f.field)).toContain(field);
    expect(res.body.message).toContain(field);
    await unchanged();
  });

  it('refuses a window that ends before it starts', async () => {
    const start = new Date(Date.now() + 86_400_000);
    const res = await d.create('stationA', {
      scheduledStart: start.toISOString(),
      scheduledEnd: new Date(start.getTime() - 3_600_000).toISOString(),
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'INVALID_SCHEDULE', details: { field: 'scheduledEnd' } });
    await unchanged();
  });

  it('answers an unknown elder or item with 404', async () => {
    expect((await d.create('stationA', { elderId: randomUUID() })).body.code).toBe('ELDER_NOT_FOUND');
    expect((await d.create('stationA', { itemId: randomUUID() })).body.code).toBe('ITEM_NOT_FOUND');
    await unchanged();
  });

  it('answers an unknown or malformed order id with 404', async () => {
    expect((await d.get('stationA', randomUUID())).status).toBe(404);
    expect((await d.get('stationA', 'not-a-uuid')).status).toBe(404);
    expect((await d.act('stationA', randomUUID(), 'cancel', { reason: '测试取消' })).status).toBe(404);
    await unchanged();
  });

  it('refuses an illegal transition with 409 and the current state', async () => {
    const res = await d.act('workerA', pendingId, 'check-in', { lat: 39.68, lng: 106.82 });
    // the worker is not on the order: it does not exist for them
    expect(res.status).toBe(404);
    const illegal = await d.act('familyA', pendingId, 'complaint', { reason: '投诉测试' });
    expect(illegal.status).toBe(409);
    expect(illegal.body).toMatchObject({
      code: 'ILLEGAL_TRANSITION',
      details: { state: 'PENDING_DISPATCH', action: 'COMPLAIN' },
    });
    await unchanged();
  });

  it('refuses out-of-range coordinates and bad photo hashes', async () => {
    const id = await d.orderAt('EN_ROUTE');
    before = await countRows(t);
    const res = await d.act('workerA', id, 'check-in', { lat: 123, lng: 106.8 });
    expect(res.status).toBe(400);
    expect(res.body.details.fields[0].field).toBe('lat');
    await d.act('workerA', id, 'check-in', { lat: 39.68, lng: 106.82 });
    before = await countRows(t);
    const out = await d.act('workerA', id, 'check-out', { lat: 39.68, lng: 106.82, photoHashes: ['not-a-hash'] });
    expect(out.status).toBe(400);
    expect(out.body.message).toContain('photoHashes');
    await unchanged();
  });

  it('refuses a stale version with 409', async () => {
    const res = await d.act('stationA', pendingId, 'offer', { providerId: t.city.provider.a, version: 99 });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'VERSION_CONFLICT', details: { expected: 99, actual: 1 } });
    await unchanged();
  });

  it('refuses an oversized payload with 413 and malformed JSON with 400', async () => {
    const big = await t
      .http()
      .post('/orders')
      .set(await d.as('stationA'))
      .set('Content-Type', 'application/json')
      .send(
        JSON.stringify({
          elderId: t.city.elder.a,
          itemId: t.city.items.CLEAN_HOUR,
          channel: 'APP',
          note: 'x'.repeat(70_000),
        }),
      );
    expect(big.status).toBe(413);
    const broken = await t
      .http()
      .post('/orders')
      .set(await d.as('stationA'))
      .set('Content-Type', 'application/json')
      .send('{"elderId": ');
    expect(broken.status).toBe(400);
    expect(broken.body.code).toBe('MALFORMED_JSON');
    await unchanged();
  });

  it('refuses a malformed Idempotency-Key', async () => {
    const res = await d.create('stationA', {}, 'short');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_IDEMPOTENCY_KEY');
    await unchanged();
  });

  it('refuses requests without a token (401) and roles without the right (403)', async () => {
    expect((await t.http().post('/orders').send({})).status).toBe(401);
    const res = await d.create('workerA');
    expect(res.status).toBe(403);
    await unchanged();
  });
});
