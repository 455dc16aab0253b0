import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { expireOffersNow, lastMessage, orderDriver } from '../support/orders.js';

describe('service order lifecycle over HTTP', () => {
  let t: TestApp;
  let d: ReturnType<typeof orderDriver>;
  beforeAll(async () => {
    t = await startTestApp();
    d = orderDriver(t);
  });
  afterAll(async () => t.close());

  it('goes from request to rating, with one event per step', async () => {
    const created = await d.create('familyA', { note: '下午两点后方便' }, 'life-0001');
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ state: 'PENDING_DISPATCH', version: 1, serviceType: 'CLEAN', channel: 'APP' });
    expect(created.body.item).toMatchObject({ unitPriceCents: 3500, quantity: 1, totalCents: 3500 });
    const id: string = created.body.id;
    expect(created.body.orderNo).toMatch(/^SO\d{8}-[A-Z0-9]{8}$/);

    // the creation response is exactly what reading the order back gives
    expect((await d.get('familyA', id)).body).toEqual(created.body);

    const offered = await d.act('stationA', id, 'offer', { providerId: t.city.provider.a });
    expect(offered.status).toBe(200);
    expect(offered.body.state).toBe('OFFERED');
    expect(new Date(offered.body.offerExpiresAt).getTime()).toBeGreaterThan(Date.now());

    const accepted = await d.act('providerAdminA', id, 'accept', { workerId: t.city.worker.a });
    expect(accepted.body).toMatchObject({ state: 'ACCEPTED', workerId: t.city.worker.a });

    // the worker sees the full address only while serving
    const workerView = await d.get('workerA', id);
    expect(workerView.body.address).toContain('3号楼2单元501');

    expect((await d.act('workerA', id, 'depart')).body.state).toBe('EN_ROUTE');
    const inService = await d.act('workerA', id, 'check-in', { lat: 39.6846, lng: 106.8206 });
    expect(inService.body.state).toBe('IN_SERVICE');
    expect(inService.body.checkIn.distanceM).toBeLessThan(50);

    const done = await d.act('workerA', id, 'check-out', {
      lat: 39.6847,
      lng: 106.8207,
      photoHashes: ['ab'.repeat(32)],
    });
    expect(done.body.state).toBe('COMPLETED');
    expect(done.body.photoHashes).toEqual(['ab'.repeat(32)]);

    const sms = await lastMessage(t, t.city.elderPhone.a);
    expect(sms?.template).toBe('ORDER_CONFIRMATION_CODE');
    expect(sms?.params.orderNo).toBe(created.body.orderNo);

    const confirmed = await d.act('familyA', id, 'confirm', { code: sms!.params.code, rating: 5, comment: '很满意' });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ state: 'CONFIRMED', rating: 5, ratingComment: '很满意' });

    const events = await t
      .http()
      .get(`/orders/${id}/events`)
      .set(await d.as('familyA'));
    expect(events.body.map((e: { type: string }) => e.type)).toEqual([
      'CREATED',
      'OFFER',
      'ACCEPT',
      'DEPART',
      'CHECK_IN',
      'CHECK_OUT',
      'CONFIRM',
    ]);
    expect(events.body.map((e: { seq: number }) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(events.body[4]).toMatchObject({ lat: 39.6846, lng: 106.8206, actorRole: 'WORKER' });
    expect(confirmed.body.version).toBe(7);

    // once confirmed, the worker no longer sees the address, and it cannot be rated twice
    expect((await d.get('workerA', id)).body.address).not.toContain('501');
    expect((await d.act('familyA', id, 'rate', { rating: 3 })).status).toBe(409);
  });

  it('lets the elder cancel with a reason before service, and nothing after that', async () => {
    const id = await d.orderAt('OFFERED');
    const cancelled = await d.act('familyA', id, 'cancel', { reason: '家人已陪同' });
    expect(cancelled.body).toMatchObject({ state: 'CANCELLED', closeReason: '家人已陪同' });
    const late = await d.act('providerAdminA', id, 'accept', { workerId: t.city.worker.a });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('ILLEGAL_TRANSITION');
  });

  it('refuses to cancel once the worker is on site', async () => {
    const id = await d.orderAt('IN_SERVICE');
    const res = await d.act('familyA', id, 'cancel', { reason: '不需要了' });
    expect(res.status).toBe(409);
    expect((await d.get('familyA', id)).body.state).toBe('IN_SERVICE');
  });

  it('records an exception when the elder is not home', async () => {
    const id = await d.orderAt('EN_ROUTE');
    const res = await d.act('workerA', id, 'exception', { reason: '老人不在家，电话无人接听' });
    expect(res.body).toMatchObject({ state: 'EXCEPTION', closeReason: '老人不在家，电话无人接听' });
  });

  it('returns a rejected offer to dispatch and clears the provider', async () => {
    const id = await d.orderAt('OFFERED');
    const res = await d.act('providerAdminA', id, 'reject', { reason: '人手不足' });
    expect(res.body).toMatchObject({ state: 'PENDING_DISPATCH', providerId: null });
    // the provider no longer sees the order
    expect((await d.get('providerAdminA', id)).status).toBe(404);
  });

  it('expires an offer whose deadline passed (the deadline lives in the database)', async () => {
    const id = await d.orderAt('OFFERED');
    await t.ds.query(`UPDATE service_order SET offer_expires_at = now() - interval '1 second' WHERE id = $1`, [id]);
    const late = await d.act('providerAdminA', id, 'accept', { workerId: t.city.worker.a });
    expect(late.body.code).toBe('OFFER_EXPIRED');
    // the offer's durable deadline job fires (scheduler), exactly as at its due time
    await expireOffersNow(t, id);
    const after = await d.get('stationA', id);
    expect(after.body).toMatchObject({ state: 'PENDING_DISPATCH', providerId: null });
    const events = await t
      .http()
      .get(`/orders/${id}/events`)
      .set(await d.as('stationA'));
    expect(events.body.at(-1)).toMatchObject({ type: 'EXPIRE', fromState: 'OFFERED', toState: 'PENDING_DISPATCH' });
  });

  it('handles a complaint after completion and its resolution by the district', async () => {
    const id = await d.orderAt('COMPLETED');
    const complaint = await d.act('familyA', id, 'complaint', { reason: '服务时间明显不足一小时' });
    expect(complaint.body.state).toBe('DISPUTED');
    expect((await d.act('stationA', id, 'resolve', { reason: 'x' })).status).toBe(403);
    const resolved = await d.act('dispatcherA', id, 'resolve', { reason: '已核实，扣减服务费' });
    expect(resolved.body.state).toBe('RESOLVED');
  });

  it('limits wrong confirmation codes and never lets the worker confirm', async () => {
    const id = await d.orderAt('COMPLETED');
    expect((await d.act('workerA', id, 'confirm', { code: '000000' })).status).toBe(403);
    const sms = await lastMessage(t, t.city.elderPhone.a);
    const wrong = sms!.params.code === '123456' ? '654321' : '123456';
    const first = await d.act('familyA', id, 'confirm', { code: wrong });
    expect(first.status).toBe(400);
    expect(first.body).toMatchObject({ code: 'CODE_INVALID', details: { attemptsLeft: 4 } });
    for (let i = 0; i < 4; i++) await d.act('familyA', id, 'confirm', { code: wrong });
    const locked = await d.act('familyA', id, 'confirm', { code: sms!.params.code });
    expect(locked.body.code).toBe('CODE_ATTEMPTS_EXCEEDED');
    expect((await d.get('familyA', id)).body.state).toBe('COMPLETED');
  });

  it('assigns only an active, qualified worker of the provider on the order', async () => {
    const created = await d.create('familyA', { itemId: t.city.items.BATH_HOME });
    const id: string = created.body.id;
    await d.act('stationA', id, 'offer', { providerId: t.city.provider.a });
    const unqualified = await d.act('providerAdminA', id, 'accept', { workerId: t.city.worker.a2 });
    expect(unqualified.status).toBe(409);
    expect(unqualified.body.code).toBe('WORKER_NOT_QUALIFIED');
    const foreign = await d.act('providerAdminA', id, 'accept', { workerId: t.city.worker.b });
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('WORKER_NOT_FOUND');
    await t.ds.query(`UPDATE worker SET status = 'SUSPENDED' WHERE id = $1`, [t.city.worker.a]);
    try {
      expect((await d.act('providerAdminA', id, 'accept', { workerId: t.city.worker.a })).body.code).toBe(
        'WORKER_NOT_ACTIVE',
      );
    } finally {
      await t.ds.query(`UPDATE worker SET status = 'ACTIVE' WHERE id = $1`, [t.city.worker.a]);
    }
    expect((await d.act('providerAdminA', id, 'accept', { workerId: t.city.worker.a })).body.state).toBe('ACCEPTED');
  });

  it('takes no new order for an elder who has died', async () => {
    await t.ds.query(`UPDATE elder SET status = 'DECEASED', deceased_on = current_date WHERE id = $1`, [
      t.city.elder.a2,
    ]);
    const res = await d.create('hubA', { elderId: t.city.elder.a2 });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('ELDER_NOT_ACTIVE');
  });

  it('lets station staff confirm on behalf of an elder with the code', async () => {
    const id = await d.orderAt('COMPLETED');
    const sms = await lastMessage(t, t.city.elderPhone.a);
    const res = await d.act('stationA', id, 'confirm', { code: sms!.params.code });
    expect(res.body.state).toBe('CONFIRMED');
    const events = await t
      .http()
      .get(`/orders/${id}/events`)
      .set(await d.as('stationA'));
    expect(events.body.at(-1).payload).toMatchObject({ onBehalf: true });
  });

  it('records a dispatch override to an uncontracted provider of the district, by a dispatcher only', async () => {
    const created = await d.create('stationA', { elderId: t.city.elder.a });
    const id: string = created.body.id;
    // provider B is in the other district and has no contract here
    const refused = await d.act('stationA', id, 'offer', { providerId: t.city.provider.b });
    expect(refused.body.code).toBe('PROVIDER_NOT_CONTRACTED');
    const outside = await d.act('dispatcherA', id, 'offer', {
      providerId: t.city.provider.b,
      override: true,
      reason: '辖区内无可用机构',
    });
    expect(outside.body.code).toBe('PROVIDER_OUTSIDE_DISTRICT');
    // a provider of district A without any contract: only a dispatcher may pick it, with a reason
    const providerC = '0c0c0c0c-0000-4000-8000-00000000000c';
    await t.ds.query(
      `INSERT INTO provider (id, name, credit_code, district_code, base_lat, base_lng, capacity) VALUES ($1, '临时机构', '91150302MA000000CC', '150302', 39.69, 106.82, 5)`,
      [providerC],
    );
    expect(
      (await d.act('stationA', id, 'offer', { providerId: providerC, override: true, reason: '辖区内无可用机构' }))
        .status,
    ).toBe(403);
    const ok = await d.act('dispatcherA', id, 'offer', {
      providerId: providerC,
      override: true,
      reason: '辖区内无可用机构',
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ state: 'OFFERED', providerId: providerC });
    const audit: { actor_user_id: string; object_id: string }[] = await t.ds.query(
      `SELECT actor_user_id, object_id FROM audit_log WHERE action = 'DISPATCH_OVERRIDE'`,
    );
    expect(audit).toEqual([{ actor_user_id: t.city.users.dispatcherA.id, object_id: id }]);
  });
});

describe('who sees and does what on an order', () => {
  let t: TestApp;
  let d: ReturnType<typeof orderDriver>;
  let id: string;
  beforeAll(async () => {
    t = await startTestApp();
    d = orderDriver(t);
    id = await d.orderAt('ACCEPTED');
  });
  afterAll(async () => t.close());

  it.each([
    ['stationB', 404],
    ['dispatcherB', 404],
    ['providerAdminB', 404],
    ['workerA2', 404],
    ['workerB', 404],
    ['auditorA', 200],
    ['hubA', 200],
    ['elderA', 200],
  ] as const)('%s reading the order → %i', async (who, status) => {
    expect((await d.get(who, id)).status).toBe(status);
  });

  it('hides the order from out-of-scope lists as well', async () => {
    const res = await t
      .http()
      .get('/orders')
      .set(await d.as('stationB'));
    expect(res.status).toBe(200);
    expect(res.body.items.map((o: { id: string }) => o.id)).not.toContain(id);
    const mine = await t
      .http()
      .get('/orders')
      .set(await d.as('workerA'));
    expect(mine.body.items.map((o: { id: string }) => o.id)).toContain(id);
  });

  it('masks the elder for an auditor and lets them do nothing', async () => {
    const view = await d.get('auditorA', id);
    expect(view.body.elder.name).toBe('张*英');
    expect(view.body.address).not.toContain('501');
    expect(view.body.allowedActions).toEqual([]);
    expect((await d.act('auditorA', id, 'cancel', { reason: 'audit' })).status).toBe(403);
  });

  it('refuses another worker of the same provider with 404', async () => {
    const res = await d.act('workerA2', id, 'depart');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('ORDER_NOT_FOUND');
  });

  it('tells the assigned worker what they may do next', async () => {
    expect((await d.get('workerA', id)).body.allowedActions).toEqual(['DEPART', 'REPORT_EXCEPTION']);
  });

  it('refuses a family member who is not linked to the elder', async () => {
    const res = await d.create('familyA', { elderId: t.city.elder.b });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('ELDER_NOT_FOUND');
  });
});

describe('SOS device', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it('raises an emergency order for its own elder with the device key', async () => {
    const res = await t
      .http()
      .post('/sos')
      .set('X-Device-Key', t.city.deviceKeyA)
      .send({ lat: 39.6845, lng: 106.8205 });
    expect(res.status).toBe(201);
    expect(res.body.state).toBe('PENDING_DISPATCH');
    const [row]: { channel: string; priority: number; service_type: string; elder_id: string }[] = await t.ds.query(
      `SELECT channel, priority, service_type, elder_id FROM service_order WHERE id = $1`,
      [res.body.id],
    );
    expect(row).toEqual({ channel: 'SOS', priority: 2, service_type: 'EMERGENCY', elder_id: t.city.elder.a });
  });

  it('refuses a wrong key and cannot use any other route', async () => {
    const bad = t.city.deviceKeyA.replace(/.$/, 'x');
    expect((await t.http().post('/sos').set('X-Device-Key', bad).send({})).status).toBe(401);
    expect((await t.http().get('/orders').set('X-Device-Key', t.city.deviceKeyA)).status).toBe(401);
  });
});

describe('catalogue edits and new orders', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it('prices a new order at the price the admin just set (the item cache is dropped on edit)', async () => {
    const d = orderDriver(t);
    expect((await d.create('familyA')).body.item.unitPriceCents).toBe(3500); // now cached
    const item = await t
      .http()
      .get(`/catalog/items/${t.city.items.CLEAN_HOUR}`)
      .set(await d.as('admin'));
    const patched = await t
      .http()
      .patch(`/catalog/items/${t.city.items.CLEAN_HOUR}`)
      .set(await d.as('admin'))
      .send({ priceCents: 3800, version: item.body.version });
    expect(patched.status).toBe(200);
    const after = await d.create('familyA', { quantity: 2 });
    expect(after.body.item).toMatchObject({ unitPriceCents: 3800, quantity: 2, totalCents: 7600 });
  });
});
