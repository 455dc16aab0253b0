import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { countRows, lastMessage, orderDriver } from '../support/orders.js';

/** Issue 7, defects 4, 6 and 7: the confirmation code's limit, channels by role, override reasons. */

describe('the confirmation code: a limit that holds, and a way out that works', () => {
  let t: TestApp;
  let d: ReturnType<typeof orderDriver>;
  beforeAll(async () => {
    t = await startTestApp();
    d = orderDriver(t);
  });
  afterAll(async () => t.close());

  const completed = async () => {
    const id = await d.orderAt('COMPLETED');
    const code: string = (await lastMessage(t, t.city.elderPhone.a))!.params.code;
    const wrong = (i: number) => String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0');
    return { id, code, wrong };
  };
  const attemptsOf = async (id: string) =>
    (
      (await t.ds.query(`SELECT confirm_attempts FROM service_order WHERE id = $1`, [id])) as {
        confirm_attempts: number;
      }[]
    )[0].confirm_attempts;

  it('15 wrong codes sent at once: exactly 5 are evaluated, then even the right code is refused', async () => {
    const { id, code, wrong } = await completed();
    const results = await Promise.all(
      Array.from({ length: 15 }, (_, i) => d.act('familyA', id, 'confirm', { code: wrong(i) })),
    );
    const codes = results.map((r) => r.body.code);
    expect(codes.filter((c) => c === 'CODE_INVALID')).toHaveLength(5);
    expect(codes.filter((c) => c === 'CODE_ATTEMPTS_EXCEEDED')).toHaveLength(10);
    expect(results.find((r) => r.body.code === 'CODE_ATTEMPTS_EXCEEDED')!.status).toBe(409);
    expect(await attemptsOf(id)).toBe(5);
    const right = await d.act('familyA', id, 'confirm', { code });
    expect(right.body.code).toBe('CODE_ATTEMPTS_EXCEEDED');
    expect((await d.get('familyA', id)).body.state).toBe('COMPLETED');
  });

  it('the right code among 14 wrong ones sent at once: at most 5 wrong ones are evaluated', async () => {
    const { id, code, wrong } = await completed();
    const bodies = Array.from({ length: 15 }, (_, i) => ({ code: i === 6 ? code : wrong(i) }));
    const results = await Promise.all(bodies.map((b) => d.act('familyA', id, 'confirm', b)));
    expect(results.filter((r) => r.body.code === 'CODE_INVALID').length).toBeLessThanOrEqual(5);
    expect(await attemptsOf(id)).toBeLessThanOrEqual(5);
    const state = (await d.get('familyA', id)).body.state;
    expect(state).toBe(results[6].status === 200 ? 'CONFIRMED' : 'COMPLETED');
    if (results[6].status !== 200) expect(results[6].body.code).toBe('CODE_ATTEMPTS_EXCEEDED');
  });

  it('once locked, the family is no longer offered CONFIRM, and the station confirms on behalf without a code', async () => {
    const { id, wrong } = await completed();
    for (let i = 0; i < 5; i++)
      expect((await d.act('familyA', id, 'confirm', { code: wrong(i) })).body.code).toBe('CODE_INVALID');
    const locked = await d.act('familyA', id, 'confirm', { code: wrong(9) });
    expect(locked.body).toMatchObject({ code: 'CODE_ATTEMPTS_EXCEEDED' });
    expect(locked.body.message).toContain('ask the station');
    expect((await d.get('familyA', id)).body.allowedActions).not.toContain('CONFIRM');
    expect((await d.get('elderA', id)).body.allowedActions).not.toContain('CONFIRM');
    expect((await d.get('stationA', id)).body.allowedActions).toContain('CONFIRM');

    // the way out the message names: the station confirms (no code needed any more)
    const before = await countRows(t);
    const withCode = await d.act('stationA', id, 'confirm', { code: wrong(1) });
    expect(withCode.status).toBe(400);
    expect(withCode.body.code).toBe('VALIDATION_FAILED');
    expect(withCode.body.details.fields.map((f: { field: string }) => f.field)).toEqual(['code']);
    expect(await countRows(t)).toEqual(before);
    const done = await d.act('stationA', id, 'confirm', {});
    expect(done.status).toBe(200);
    expect(done.body.state).toBe('CONFIRMED');
    const events = await t
      .http()
      .get(`/orders/${id}/events`)
      .set(await d.as('stationA'));
    expect(events.body.at(-1)).toMatchObject({
      type: 'CONFIRM',
      actorRole: 'STATION_STAFF',
      payload: { onBehalf: true, withCode: false, codeState: 'LOCKED' },
    });
    // the family may still rate the confirmed order
    expect((await d.get('familyA', id)).body.allowedActions).toContain('RATE');
    expect((await d.act('familyA', id, 'rate', { rating: 4 })).status).toBe(200);
  });

  it('an expired code: the family is told to ask the station, and the station confirms without a code', async () => {
    const { id, code } = await completed();
    await t.ds.query(`UPDATE service_order SET confirm_code_expires_at = now() - interval '1 second' WHERE id = $1`, [
      id,
    ]);
    const expired = await d.act('familyA', id, 'confirm', { code });
    expect(expired.body.code).toBe('CODE_EXPIRED');
    expect(expired.body.message).toContain('ask the station');
    expect((await d.get('familyA', id)).body.allowedActions).not.toContain('CONFIRM');
    const done = await d.act('stationA', id, 'confirm', {});
    expect(done.body.state).toBe('CONFIRMED');
  });

  it('while the code can be used, everyone needs it: a missing code is a 400 naming the field', async () => {
    const { id, code } = await completed();
    for (const who of ['familyA', 'stationA'] as const) {
      const res = await d.act(who, id, 'confirm', {});
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.details.fields.map((f: { field: string }) => f.field)).toEqual(['code']);
    }
    expect(await attemptsOf(id)).toBe(0);
    // a refused caller does not use up the elder's attempts
    expect((await d.act('workerA', id, 'confirm', { code: '000000' })).status).toBe(403);
    expect((await d.act('stationB', id, 'confirm', { code: '000000' })).status).toBe(404);
    expect(await attemptsOf(id)).toBe(0);
    const ok = await d.act('stationA', id, 'confirm', { code });
    expect(ok.body.state).toBe('CONFIRMED');
    const events = await t
      .http()
      .get(`/orders/${id}/events`)
      .set(await d.as('stationA'));
    expect(events.body.at(-1).payload).toMatchObject({ onBehalf: true, withCode: true });
  });
});

describe('order creation: who may set which field', () => {
  let t: TestApp;
  let d: ReturnType<typeof orderDriver>;
  let before: { orders: number; events: number };
  beforeAll(async () => {
    t = await startTestApp();
    d = orderDriver(t);
  });
  beforeEach(async () => {
    before = await countRows(t);
  });
  afterAll(async () => t.close());

  it.each([
    ['familyA', 'WALK_IN'],
    ['familyA', 'HOTLINE'],
    ['elderA', 'HOTLINE'],
    ['familyA', 'SOS'],
    ['stationA', 'APP'],
    ['dispatcherA', 'APP'],
  ] as const)('%s may not claim the %s channel: 400 naming channel, nothing written', async (who, channel) => {
    const res = await d.create(who, { channel });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.details.fields.map((f: { field: string }) => f.field)).toEqual(['channel']);
    expect(res.body.message).toContain('channel');
    expect(await countRows(t)).toEqual(before);
  });

  it('elders and family get APP when they leave the channel out; staff must say WALK_IN or HOTLINE', async () => {
    const family = await d.create('familyA', { channel: undefined });
    expect([family.status, family.body.channel]).toEqual([201, 'APP']);
    const staff = await d.create('stationA', { channel: undefined });
    expect(staff.status).toBe(400);
    expect(staff.body.details.fields).toEqual([{ field: 'channel', problems: [expect.stringContaining('WALK_IN')] }]);
    const hotline = await d.create('dispatcherA', { channel: 'HOTLINE' });
    expect([hotline.status, hotline.body.channel]).toEqual([201, 'HOTLINE']);
    const walkIn = await d.create('stationA', { channel: 'WALK_IN' });
    expect([walkIn.status, walkIn.body.channel]).toEqual([201, 'WALK_IN']);
    const [event] = await t.ds.query(`SELECT payload FROM order_event WHERE order_id = $1`, [walkIn.body.id]);
    expect(event.payload.channel).toBe('WALK_IN');
  });

  it('only staff set the priority: an app user asking for URGENT is refused by name', async () => {
    const refused = await d.create('familyA', { priority: 1 });
    expect(refused.status).toBe(400);
    expect(refused.body.details.fields.map((f: { field: string }) => f.field)).toEqual(['priority']);
    expect(await countRows(t)).toEqual(before);
    expect((await d.create('familyA', { priority: 0 })).body.priority).toBe(0);
    expect((await d.create('hubA', { channel: 'HOTLINE', priority: 1 })).body.priority).toBe(1);
    // an emergency item is an emergency whoever asks
    expect((await d.create('familyA', { itemId: t.city.items.SOS_RESPONSE })).body.priority).toBe(2);
  });

  it('reports every field problem at once', async () => {
    const res = await d.create('familyA', { channel: 'HOTLINE', priority: 1 });
    expect(res.body.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['channel', 'priority']);
  });
});

describe('dispatch override', () => {
  let t: TestApp;
  let d: ReturnType<typeof orderDriver>;
  beforeAll(async () => {
    t = await startTestApp();
    d = orderDriver(t);
  });
  afterAll(async () => t.close());

  it.each([
    ['without a reason', { override: true }],
    ['with an empty reason', { override: true, reason: '' }],
    ['with a reason of spaces', { override: true, reason: '   ' }],
  ])('an override %s is a 400 naming reason, whoever sends it', async (_name, extra) => {
    const id = await d.orderAt('PENDING_DISPATCH');
    const before = await countRows(t);
    for (const who of ['dispatcherA', 'stationA'] as const) {
      const res = await d.act(who, id, 'offer', { providerId: t.city.provider.b, ...extra });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.details.fields.map((f: { field: string }) => f.field)).toEqual(['reason']);
    }
    expect(await countRows(t)).toEqual(before);
  });

  it('a reason is not needed without an override', async () => {
    const id = await d.orderAt('PENDING_DISPATCH');
    const res = await d.act('stationA', id, 'offer', { providerId: t.city.provider.a, override: false });
    expect(res.status).toBe(200);
  });
});
