import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readLastMessage } from '#lib/notifications';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TEST_PASSWORD, testCipher } from '../support/fixtures.js';

/**
 * Issue 7, build item 4: attempt limits hold under concurrency. Guesses sent all at once must not
 * be evaluated beyond the limit: each guess takes its place in the count (in the database) before
 * it is checked.
 */
describe('attempt limits under concurrency', () => {
  let t: TestApp;
  const MAX = 5;

  beforeAll(async () => {
    t = await startTestApp({ AUTH_RATE_LIMIT_PER_MINUTE: '100000', MAX_FAILED_LOGINS: String(MAX) });
  });
  afterAll(async () => t.close());

  const login = (phone: string, password: string) => t.http().post('/auth/login').send({ phone, password });
  const tally = (statuses: number[]) =>
    statuses.reduce<Record<number, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {});
  const auditCount = async (action: string, objectId: string, reason?: string) => {
    const [row] = (await t.ds.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = $1 AND object_id = $2 AND ($3::text IS NULL OR details->>'reason' = $3)`,
      [action, objectId, reason ?? null],
    )) as { n: number }[];
    return row.n;
  };

  it('20 concurrent wrong passwords: exactly MAX_FAILED_LOGINS are evaluated, the rest find the account locked', async () => {
    const u = t.city.users.hubA;
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => login(u.phone, `wrong-password-${i}`)));
    expect(tally(results.map((r) => r.status))).toEqual({ 401: MAX, 423: 20 - MAX });
    for (const r of results.filter((x) => x.status === 423)) expect(r.body.code).toBe('ACCOUNT_LOCKED');
    expect(await auditCount('SIGN_IN_FAILED', u.id, 'WRONG_PASSWORD')).toBe(MAX);
    expect(await auditCount('ACCOUNT_LOCKED', u.id)).toBe(1);
    // and the right password is refused now
    expect((await login(u.phone, TEST_PASSWORD)).status).toBe(423);
  });

  it('the right password among 19 wrong ones sent at once: it is either evaluated in the limit or refused unevaluated', async () => {
    const u = t.city.users.dispatcherB;
    const guesses = Array.from({ length: 20 }, (_, i) => (i === 7 ? TEST_PASSWORD : `wrong-password-${i}`));
    const results = await Promise.all(guesses.map((g) => login(u.phone, g)));
    const counts = tally(results.map((r) => r.status));
    const right = results[7];
    // every evaluated guess gets its true answer (401 wrong, 200 right), every other one 423 unevaluated
    expect((counts[401] ?? 0) + (counts[200] ?? 0) + (counts[423] ?? 0)).toBe(20);
    expect(await auditCount('SIGN_IN_FAILED', u.id, 'WRONG_PASSWORD')).toBe(counts[401] ?? 0);
    if (right.status === 423) {
      // refused unevaluated: the lock was taken by exactly MAX wrong guesses
      expect(counts[401]).toBe(MAX);
    } else {
      expect(right.status).toBe(200);
      // it held one of the first MAX places; a success starts the count again, so guesses still
      // arriving after it may take new places — but never more than MAX since then
      expect(counts[401] ?? 0).toBeLessThanOrEqual(2 * MAX - 1);
    }
  });

  it('a right password evaluated within the limit resets the count; after the lock period it works again', async () => {
    const u = t.city.users.stationB;
    for (let i = 0; i < MAX - 1; i++) expect((await login(u.phone, `wrong-${i}`)).status).toBe(401);
    expect((await login(u.phone, TEST_PASSWORD)).status).toBe(200);
    const [row] = await t.ds.query(`SELECT failed_logins, locked_until FROM app_user WHERE id = $1`, [u.id]);
    expect(row).toEqual({ failed_logins: 0, locked_until: null });
    const burst = await Promise.all(Array.from({ length: 10 }, (_, i) => login(u.phone, `again-wrong-${i}`)));
    expect(tally(burst.map((r) => r.status))).toEqual({ 401: MAX, 423: 10 - MAX });
    await t.ds.query(`UPDATE app_user SET locked_until = now() - interval '1 second' WHERE id = $1`, [u.id]);
    expect((await login(u.phone, TEST_PASSWORD)).status).toBe(200);
  });

  it('changing the password: wrong current passwords count towards the same lockout', async () => {
    const u = t.city.users.providerAdminB;
    const token = await t.tokenFor(u);
    const change = (currentPassword: string) =>
      t
        .http()
        .post('/auth/password')
        .set('Authorization', `Bearer ${token}`)
        .send({ currentPassword, newPassword: 'Another-Strong-Secret-77' });
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => change(`not-it-${i}`)));
    expect(tally(results.map((r) => r.status))).toEqual({ 400: MAX, 423: 12 - MAX });
    expect(results.find((r) => r.status === 400)!.body.code).toBe('CURRENT_PASSWORD_WRONG');
    expect((await change(TEST_PASSWORD)).status).toBe(423);
  });

  describe('one-time codes', () => {
    const phone = () => t.city.users.elderA.phone;
    const requestCode = () => t.http().post('/auth/code/request').send({ phone: phone() });
    const verify = (code: string) => t.http().post('/auth/code/verify').send({ phone: phone(), code });

    it('15 concurrent wrong codes: at most 5 are evaluated, then even the right code is refused', async () => {
      await requestCode().expect(200);
      const { code } = (await readLastMessage(t.ds, testCipher(), phone()))!.params;
      const wrong = (i: number) => String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0');
      const results = await Promise.all(Array.from({ length: 15 }, (_, i) => verify(wrong(i))));
      expect(results.every((r) => r.status === 401 && r.body.code === 'CODE_INVALID')).toBe(true);
      const [row] = (await t.ds.query(
        `SELECT attempts FROM login_code WHERE used_at IS NULL ORDER BY id DESC LIMIT 1`,
      )) as { attempts: number }[];
      expect(row.attempts).toBe(5);
      const [failed] = (await t.ds.query(
        `SELECT count(*)::int AS n FROM audit_log WHERE action = 'SIGN_IN_FAILED' AND details->>'reason' = 'WRONG_CODE'`,
      )) as { n: number }[];
      expect(failed.n).toBe(5);
      expect((await verify(code)).status).toBe(401);
    });

    it('10 concurrent code requests send at most 5 codes an hour', async () => {
      const before = await t.count('login_code');
      await Promise.all(Array.from({ length: 10 }, () => requestCode()));
      // one code was requested in the test above
      expect((await t.count('login_code')) - before).toBe(4);
    });
  });
});
