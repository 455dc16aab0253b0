import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { maskPhone, Role } from '#lib/kernel';
import { startTestApp, type TestApp } from '../support/test-app.js';

const PASSWORD = 'Station-Staff-2026';
let phoneSeq = 0;
const newPhone = () => `1360000${String(1000 + ++phoneSeq).slice(-4)}`;

describe('platform admin: user accounts', () => {
  let t: TestApp;
  let admin: string;
  const post = (body: object, token = admin) =>
    t.http().post('/users').set('Authorization', `Bearer ${token}`).send(body);
  const userCount = async () => (await t.ds.query(`SELECT count(*)::int AS n FROM app_user`))[0].n as number;

  beforeAll(async () => {
    t = await startTestApp({ AUTH_RATE_LIMIT_PER_MINUTE: '10000' });
    admin = await t.tokenFor(t.city.users.admin);
  });
  afterAll(async () => t.close());

  it('creates a station staff account at a community; it can sign in and is scoped there', async () => {
    const phone = newPhone();
    const res = await post({
      displayName: '新站员',
      phone,
      password: PASSWORD,
      role: Role.STATION_STAFF,
      regionCode: t.city.community.a1,
    }).expect(201);
    expect(res.body).toMatchObject({
      displayName: '新站员',
      role: Role.STATION_STAFF,
      regionCode: t.city.community.a1,
      status: 'ACTIVE',
      phoneMasked: maskPhone(phone),
    });
    expect(JSON.stringify(res.body)).not.toContain(phone);
    const login = await t.http().post('/auth/login').send({ phone, password: PASSWORD }).expect(200);
    const me = await t.http().get('/auth/me').set('Authorization', `Bearer ${login.body.accessToken}`).expect(200);
    expect(me.body).toMatchObject({ id: res.body.id, regionPath: t.city.path.a1 });
    const [audit] = await t.ds.query(`SELECT * FROM audit_log WHERE action = 'USER_CREATED' AND object_id = $1`, [
      res.body.id,
    ]);
    expect(audit).toMatchObject({ actor_user_id: t.city.users.admin.id, details: { role: Role.STATION_STAFF } });
    expect(JSON.stringify(audit)).not.toContain(phone);
  });

  it.each([
    ['STATION_STAFF at a street', { role: Role.STATION_STAFF, regionCode: '150302001' }, 'regionCode'],
    ['HUB_STAFF at a community', { role: Role.HUB_STAFF, regionCode: '150302001001' }, 'regionCode'],
    ['DISTRICT_DISPATCHER at the city', { role: Role.DISTRICT_DISPATCHER, regionCode: '150300' }, 'regionCode'],
    ['AUDITOR at a street', { role: Role.AUDITOR, regionCode: '150302001' }, 'regionCode'],
    ['PLATFORM_ADMIN at a district', { role: Role.PLATFORM_ADMIN, regionCode: '150302' }, 'regionCode'],
    ['a region role without a region', { role: Role.HUB_STAFF }, 'regionCode'],
    ['an unknown region', { role: Role.HUB_STAFF, regionCode: '150309001' }, 'regionCode'],
    [
      'PROVIDER_ADMIN with a region',
      { role: Role.PROVIDER_ADMIN, providerId: 'P_A', regionCode: '150302' },
      'regionCode',
    ],
    [
      'PROVIDER_ADMIN of an unknown provider',
      { role: Role.PROVIDER_ADMIN, providerId: '00000000-0000-4000-8000-000000000000' },
      'providerId',
    ],
    ['WORKER without a worker', { role: Role.WORKER, providerId: 'P_A' }, 'workerId'],
    ['WORKER of another provider', { role: Role.WORKER, providerId: 'P_A', workerId: 'W_B' }, 'workerId'],
    ['FAMILY without elders', { role: Role.FAMILY }, 'elders'],
    [
      'FAMILY with an unknown elder',
      {
        role: Role.FAMILY,
        elders: [
          { elderId: 'E_A', relation: '子女' },
          { elderId: '00000000-0000-4000-8000-000000000000', relation: '子女' },
        ],
      },
      'elders.1.elderId',
    ],
    [
      'staff without a password',
      { role: Role.DISTRICT_DISPATCHER, regionCode: '150302', password: undefined },
      'password',
    ],
  ])('refuses %s with 400 naming the field, and creates nothing', async (_name, scope, field) => {
    const fill = (v: unknown): unknown =>
      v === 'P_A' ? t.city.provider.a : v === 'W_B' ? t.city.worker.b : v === 'E_A' ? t.city.elder.a : v;
    const body: Record<string, unknown> = { displayName: '测试', phone: newPhone(), password: PASSWORD };
    for (const [k, v] of Object.entries(scope))
      body[k] = Array.isArray(v)
        ? v.map((l: Record<string, unknown>) => ({ ...l, elderId: fill(l.elderId) }))
        : fill(v);
    if ('password' in scope && scope.password === undefined) delete body.password;
    const before = await userCount();
    const res = await post(body).expect(400);
    expect(res.body.code).toBe('SCOPE_INVALID');
    expect(res.body.details.field).toBe(field);
    expect(await userCount()).toBe(before);
  });

  it('creates accounts of every other kind with a scope that fits', async () => {
    const ok = [
      { role: Role.HUB_STAFF, regionCode: t.city.street.b, password: PASSWORD },
      { role: Role.DISTRICT_DISPATCHER, regionCode: t.city.district.a, password: PASSWORD },
      { role: Role.AUDITOR, regionCode: t.city.city, password: PASSWORD },
      { role: Role.STATION_STAFF, regionCode: t.city.community.a2, password: PASSWORD }, // a village
      { role: Role.PROVIDER_ADMIN, providerId: t.city.provider.b, password: PASSWORD },
      { role: Role.WORKER, providerId: t.city.provider.a, workerId: t.city.worker.a2, password: PASSWORD },
      {
        role: Role.FAMILY,
        elders: [
          { elderId: t.city.elder.a, relation: '子女' },
          { elderId: t.city.elder.b, relation: '孙辈' },
        ],
      },
    ];
    for (const scope of ok) await post({ displayName: '新账户', phone: newPhone(), ...scope }).expect(201);
    const family = await t.http().get('/users?role=FAMILY').set('Authorization', `Bearer ${admin}`).expect(200);
    const created = family.body.items.find((u: { elders: unknown[] }) => u.elders.length === 2);
    expect(created.elders).toEqual(
      expect.arrayContaining([
        { elderId: t.city.elder.a, relation: '子女' },
        { elderId: t.city.elder.b, relation: '孙辈' },
      ]),
    );
  });

  it('refuses a phone that already has an account with 409', async () => {
    const res = await post({
      displayName: '重复',
      phone: t.city.users.stationB.phone,
      password: PASSWORD,
      role: Role.HUB_STAFF,
      regionCode: t.city.street.a,
    }).expect(409);
    expect(res.body).toMatchObject({ code: 'PHONE_TAKEN', details: { field: 'phone' } });
    expect(JSON.stringify(res.body)).not.toContain(t.city.users.stationB.phone);
  });

  it('validates the body: bad role, bad phone, SOS_DEVICE and unknown fields', async () => {
    const res = await post({ displayName: 'x', phone: '12345', role: 'KING', sneaky: true }).expect(400);
    const fields = res.body.details.fields.map((f: { field: string }) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['phone', 'role', 'sneaky']));
    await post({ displayName: 'x', phone: newPhone(), role: Role.SOS_DEVICE }).expect(400);
  });

  it('only a platform admin manages users', async () => {
    const dispatcher = await t.tokenFor(t.city.users.dispatcherA);
    const before = await userCount();
    const res = await post(
      {
        displayName: '越权',
        phone: newPhone(),
        password: PASSWORD,
        role: Role.STATION_STAFF,
        regionCode: t.city.community.a1,
      },
      dispatcher,
    ).expect(403);
    expect(res.body.code).toBe('ROLE_NOT_ALLOWED');
    expect(await userCount()).toBe(before);
    await t.http().get('/users').set('Authorization', `Bearer ${dispatcher}`).expect(403);
    await t
      .http()
      .post(`/users/${t.city.users.workerA.id}/disable`)
      .set('Authorization', `Bearer ${dispatcher}`)
      .expect(403);
    await t.http().get('/users').expect(401);
  });

  it('lists users filtered by role and region, phones masked', async () => {
    const byRole = await t
      .http()
      .get('/users')
      .query({ role: Role.STATION_STAFF })
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    expect(byRole.body.items.length).toBe(byRole.body.total);
    expect(byRole.body.items.every((u: { role: string }) => u.role === Role.STATION_STAFF)).toBe(true);
    expect(byRole.body.items.map((u: { id: string }) => u.id)).toEqual(
      expect.arrayContaining([t.city.users.stationA.id, t.city.users.stationB.id]),
    );
    for (const u of byRole.body.items) expect(u.phoneMasked).toMatch(/^\d{3}\*{4}\d{4}$/);

    const districtB = await t
      .http()
      .get('/users')
      .query({ regionCode: t.city.district.b })
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    const ids = districtB.body.items.map((u: { id: string }) => u.id);
    expect(ids).toEqual(expect.arrayContaining([t.city.users.stationB.id, t.city.users.dispatcherB.id]));
    expect(ids).not.toContain(t.city.users.stationA.id);

    const page = await t
      .http()
      .get('/users')
      .query({ limit: '2', offset: '1' })
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    expect(page.body).toMatchObject({ limit: 2, offset: 1 });
    expect(page.body.items).toHaveLength(2);
    const bad = await t
      .http()
      .get('/users')
      .query({ limit: '0', status: 'GONE' })
      .set('Authorization', `Bearer ${admin}`)
      .expect(400);
    expect(bad.body.details.fields.map((f: { field: string }) => f.field)).toEqual(
      expect.arrayContaining(['limit', 'status']),
    );
  });

  it('disable: 404 for an unknown user, 409 for oneself, idempotent otherwise', async () => {
    await t
      .http()
      .post('/users/00000000-0000-4000-8000-000000000000/disable')
      .set('Authorization', `Bearer ${admin}`)
      .expect(404);
    await t.http().post('/users/not-a-uuid/disable').set('Authorization', `Bearer ${admin}`).expect(400);
    expect(
      (
        await t
          .http()
          .post(`/users/${t.city.users.admin.id}/disable`)
          .set('Authorization', `Bearer ${admin}`)
          .expect(409)
      ).body.code,
    ).toBe('CANNOT_DISABLE_SELF');
    const target = t.city.users.workerA2;
    await t.http().post(`/users/${target.id}/disable`).set('Authorization', `Bearer ${admin}`).expect(200);
    await t.http().post(`/users/${target.id}/disable`).set('Authorization', `Bearer ${admin}`).expect(200);
    const rows = await t.ds.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'USER_DISABLED' AND object_id = $1`,
      [target.id],
    );
    expect(rows[0].n).toBe(1);
    const [u] = await t.ds.query(`SELECT status, token_version FROM app_user WHERE id = $1`, [target.id]);
    expect(u).toEqual({ status: 'DISABLED', token_version: 1 });
  });
});
