import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TEST_PASSWORD } from '../support/fixtures.js';

describe('rate limit on sign-in routes (AUTH_RATE_LIMIT_PER_MINUTE=3)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ AUTH_RATE_LIMIT_PER_MINUTE: '3', MAX_FAILED_LOGINS: '100' });
  });
  afterAll(async () => t.close());

  it('answers 429 after the limit, even for the right password, and says when to retry', async () => {
    const u = t.city.users.stationA;
    for (let i = 0; i < 3; i++)
      await t
        .http()
        .post('/auth/login')
        .send({ phone: u.phone, password: `guess-${i}-guess` })
        .expect(401);
    const limited = await t.http().post('/auth/login').send({ phone: u.phone, password: TEST_PASSWORD }).expect(429);
    expect(limited.body.code).toBe('RATE_LIMITED');
    expect(limited.body.details.retryAfterSeconds).toBeGreaterThan(0);
    expect(limited.body.details.retryAfterSeconds).toBeLessThanOrEqual(60);
    // the limited request never reached the use case: no audit row for it
    const rows = await t.ds.query(`SELECT count(*)::int AS n FROM audit_log WHERE object_id = $1`, [u.id]);
    expect(rows[0].n).toBe(3);
  });

  it('counts each sign-in route on its own and leaves other routes alone', async () => {
    const phone = t.city.users.elderA.phone;
    for (let i = 0; i < 3; i++) await t.http().post('/auth/code/request').send({ phone }).expect(200);
    expect((await t.http().post('/auth/code/request').send({ phone }).expect(429)).body.code).toBe('RATE_LIMITED');
    for (let i = 0; i < 3; i++) await t.http().post('/auth/code/verify').send({ phone, code: '000000' }).expect(401);
    await t.http().post('/auth/code/verify').send({ phone, code: '000000' }).expect(429);
    const token = await t.tokenFor(t.city.users.stationA);
    for (let i = 0; i < 5; i++) await t.http().get('/auth/me').set('Authorization', `Bearer ${token}`).expect(200);
  });
});
