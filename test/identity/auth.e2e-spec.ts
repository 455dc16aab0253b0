import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import { DeviceAuthenticator } from '#lib/identity';
import { readLastMessage } from '#lib/notifications';
import { maskPhone, Role } from '#lib/kernel';
import { verifyChain } from '#lib/audit-trail';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TEST_KEYS, TEST_PASSWORD, testCipher } from '../support/fixtures.js';

const NEW_PASSWORD = 'Brand-New-Secret-42';
const UNKNOWN_PHONE = '13700000001';

describe('sign-in, sessions and revocation', () => {
  let t: TestApp;
  const phonesUsed = new Set<string>([UNKNOWN_PHONE]);
  const codesSeen = new Set<string>();

  const login = (phone: string, password: string) => {
    phonesUsed.add(phone);
    return t.http().post('/auth/login').send({ phone, password });
  };
  const me = (token: string) => t.http().get('/auth/me').set('Authorization', `Bearer ${token}`);
  const refresh = (refreshToken: string) => t.http().post('/auth/refresh').send({ refreshToken });
  const auditRows = (action: string, objectId?: string) =>
    t.ds.query(`SELECT * FROM audit_log WHERE action = $1 AND ($2::text IS NULL OR object_id = $2) ORDER BY seq`, [
      action,
      objectId ?? null,
    ]);

  beforeAll(async () => {
    t = await startTestApp({ AUTH_RATE_LIMIT_PER_MINUTE: '10000', MAX_FAILED_LOGINS: '3', LOCKOUT_MINUTES: '15' });
  });
  afterAll(async () => t.close());

  describe('password sign-in', () => {
    it('signs in with phone and password and shows the profile with the phone masked', async () => {
      const u = t.city.users.stationA;
      const res = await login(u.phone, TEST_PASSWORD).expect(200);
      expect(res.body).toMatchObject({
        tokenType: 'Bearer',
        expiresIn: 900,
        user: { id: u.id, role: Role.STATION_STAFF },
      });
      expect(typeof res.body.accessToken).toBe('string');
      expect(typeof res.body.refreshToken).toBe('string');
      const profile = await me(res.body.accessToken).expect(200);
      expect(profile.body).toMatchObject({
        id: u.id,
        role: Role.STATION_STAFF,
        phoneMasked: maskPhone(u.phone),
        regionCode: t.city.community.a1,
      });
      expect(JSON.stringify(profile.body)).not.toContain(u.phone);
      const [row] = await auditRows('SIGN_IN', u.id);
      expect(row).toMatchObject({
        actor_user_id: u.id,
        actor_role: Role.STATION_STAFF,
        details: { method: 'PASSWORD' },
      });
      expect(JSON.stringify(row)).not.toContain(u.phone);
    });

    it('answers a wrong password and an unknown phone with the same 401', async () => {
      const wrong = await login(t.city.users.stationB.phone, 'not-the-password-1').expect(401);
      const unknown = await login(UNKNOWN_PHONE, 'not-the-password-1').expect(401);
      expect(wrong.body).toEqual({
        statusCode: 401,
        code: 'BAD_CREDENTIALS',
        message: 'phone number or password is wrong',
      });
      expect(unknown.body).toEqual(wrong.body);
      const failed = await auditRows('SIGN_IN_FAILED');
      expect(failed.map((r: { details: { reason: string } }) => r.details.reason)).toEqual(
        expect.arrayContaining(['WRONG_PASSWORD', 'UNKNOWN_ACCOUNT']),
      );
    });

    it('rejects a malformed body with 400 naming the fields', async () => {
      const res = await t.http().post('/auth/login').send({ phone: 'abc', extra: 1 }).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      const fields = res.body.details.fields.map((f: { field: string }) => f.field);
      expect(fields).toEqual(expect.arrayContaining(['phone', 'password', 'extra']));
    });

    it('locks the account after MAX_FAILED_LOGINS wrong passwords: 423 even with the right password', async () => {
      const u = t.city.users.hubA;
      for (let i = 0; i < 3; i++)
        expect((await login(u.phone, `wrong-password-${i}`).expect(401)).body.code).toBe('BAD_CREDENTIALS');
      const locked = await login(u.phone, TEST_PASSWORD).expect(423);
      expect(locked.body.code).toBe('ACCOUNT_LOCKED');
      expect(locked.body.details.retryAfterSeconds).toBeGreaterThan(14 * 60);
      await login(u.phone, TEST_PASSWORD).expect(423);
      expect(await auditRows('ACCOUNT_LOCKED', u.id)).toHaveLength(1);
      // the lock period ends: the right password works and the counter starts again
      await t.ds.query(`UPDATE app_user SET locked_until = now() - interval '1 second' WHERE id = $1`, [u.id]);
      await login(u.phone, TEST_PASSWORD).expect(200);
      const [row] = await t.ds.query(`SELECT failed_logins, locked_until FROM app_user WHERE id = $1`, [u.id]);
      expect(row).toEqual({ failed_logins: 0, locked_until: null });
    });

    it('after an expired lock, one wrong password does not lock again', async () => {
      const u = t.city.users.dispatcherB;
      for (let i = 0; i < 3; i++) await login(u.phone, `wrong-password-${i}`).expect(401);
      await t.ds.query(`UPDATE app_user SET locked_until = now() - interval '1 second' WHERE id = $1`, [u.id]);
      await login(u.phone, 'wrong-again-1').expect(401);
      await login(u.phone, TEST_PASSWORD).expect(200);
    });
  });

  describe('access tokens', () => {
    it('refuses a missing, forged and expired access token', async () => {
      expect((await t.http().get('/auth/me').expect(401)).body.code).toBe('UNAUTHENTICATED');
      expect((await me('not.a.jwt').expect(401)).body.code).toBe('TOKEN_INVALID');
      const u = t.city.users.stationA;
      const jwt = t.app.get(JwtService);
      const expired = jwt.sign(
        { sub: u.id, role: u.role, tv: 0, exp: Math.floor(Date.now() / 1000) - 5 },
        { secret: TEST_KEYS.JWT_SECRET, algorithm: 'HS256' },
      );
      expect((await me(expired).expect(401)).body.code).toBe('TOKEN_EXPIRED');
      const otherKey = jwt.sign(
        { sub: u.id, role: u.role, tv: 0 },
        { secret: Buffer.alloc(48, 1).toString('base64'), expiresIn: 60 },
      );
      expect((await me(otherKey).expect(401)).body.code).toBe('TOKEN_INVALID');
      // same secret, but claims a role the user does not have
      const escalated = jwt.sign(
        { sub: u.id, role: Role.PLATFORM_ADMIN, tv: 0 },
        { secret: TEST_KEYS.JWT_SECRET, expiresIn: 60 },
      );
      expect((await t.http().get('/users').set('Authorization', `Bearer ${escalated}`).expect(401)).body.code).toBe(
        'TOKEN_INVALID',
      );
    });
  });

  describe('refresh tokens', () => {
    it('rotates: each refresh gives a new pair, and the new tokens work', async () => {
      const first = (await login(t.city.users.providerAdminA.phone, TEST_PASSWORD).expect(200)).body;
      const second = (await refresh(first.refreshToken).expect(200)).body;
      expect(second.refreshToken).not.toBe(first.refreshToken);
      expect(second.user).toEqual(first.user);
      await me(second.accessToken).expect(200);
      const third = (await refresh(second.refreshToken).expect(200)).body;
      await me(third.accessToken).expect(200);
      const rows = await t.ds.query(
        `SELECT count(DISTINCT family_id)::int AS families, count(*)::int AS tokens, count(used_at)::int AS used FROM refresh_token WHERE user_id = $1`,
        [t.city.users.providerAdminA.id],
      );
      expect(rows[0]).toEqual({ families: 1, tokens: 3, used: 2 });
    });

    it('a reused refresh token revokes the whole family: the rotated-to tokens stop working too', async () => {
      const u = t.city.users.providerAdminB;
      const first = (await login(u.phone, TEST_PASSWORD).expect(200)).body;
      const second = (await refresh(first.refreshToken).expect(200)).body;
      await me(second.accessToken).expect(200);
      const reuse = await refresh(first.refreshToken).expect(401);
      expect(reuse.body.code).toBe('REFRESH_TOKEN_REUSED');
      expect((await refresh(second.refreshToken).expect(401)).body.code).toBe('REFRESH_TOKEN_INVALID');
      expect((await me(second.accessToken).expect(401)).body.code).toBe('TOKEN_INVALID');
      const [audit] = await auditRows('TOKEN_REUSE_DETECTED');
      expect(audit).toMatchObject({ actor_user_id: u.id, object_type: 'session' });
      // another sign-in is a new session and works
      const again = (await login(u.phone, TEST_PASSWORD).expect(200)).body;
      await me(again.accessToken).expect(200);
    });

    it('refuses unknown and expired refresh tokens', async () => {
      expect((await refresh('x'.repeat(43)).expect(401)).body.code).toBe('REFRESH_TOKEN_INVALID');
      const pair = (await login(t.city.users.auditorA.phone, TEST_PASSWORD).expect(200)).body;
      await t.ds.query(`UPDATE refresh_token SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [
        t.city.users.auditorA.id,
      ]);
      expect((await refresh(pair.refreshToken).expect(401)).body.code).toBe('REFRESH_TOKEN_INVALID');
    });

    it('logout ends the session: its refresh and access tokens stop working, other sessions go on', async () => {
      const u = t.city.users.dispatcherA;
      const phone = (await login(u.phone, TEST_PASSWORD).expect(200)).body;
      const laptop = (await login(u.phone, TEST_PASSWORD).expect(200)).body;
      await me(phone.accessToken).expect(200);
      await t.http().post('/auth/logout').send({ refreshToken: phone.refreshToken }).expect(204);
      expect((await me(phone.accessToken).expect(401)).body.code).toBe('TOKEN_INVALID');
      expect((await refresh(phone.refreshToken).expect(401)).body.code).toBe('REFRESH_TOKEN_INVALID');
      await me(laptop.accessToken).expect(200);
      await refresh(laptop.refreshToken).expect(200);
      // logging out twice, or with an unknown token, changes nothing and tells nothing
      await t.http().post('/auth/logout').send({ refreshToken: phone.refreshToken }).expect(204);
      await t
        .http()
        .post('/auth/logout')
        .send({ refreshToken: 'y'.repeat(43) })
        .expect(204);
    });
  });

  describe('password change', () => {
    it('checks the current password and the new one, then revokes every older token', async () => {
      const u = t.city.users.workerA;
      const s1 = (await login(u.phone, TEST_PASSWORD).expect(200)).body;
      const s2 = (await login(u.phone, TEST_PASSWORD).expect(200)).body;
      const change = (token: string, body: object) =>
        t.http().post('/auth/password').set('Authorization', `Bearer ${token}`).send(body);

      const wrong = await change(s1.accessToken, {
        currentPassword: 'not-it-123456',
        newPassword: NEW_PASSWORD,
      }).expect(400);
      expect(wrong.body).toMatchObject({ code: 'CURRENT_PASSWORD_WRONG', details: { field: 'currentPassword' } });
      const weak = await change(s1.accessToken, { currentPassword: TEST_PASSWORD, newPassword: 'onlyletters' }).expect(
        400,
      );
      expect(weak.body).toMatchObject({ code: 'WEAK_PASSWORD', details: { field: 'newPassword' } });
      await me(s1.accessToken).expect(200); // nothing changed yet

      const fresh = (
        await change(s1.accessToken, { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD }).expect(200)
      ).body;
      await me(fresh.accessToken).expect(200);
      for (const old of [s1, s2]) {
        expect((await me(old.accessToken).expect(401)).body.code).toBe('TOKEN_INVALID');
        expect((await refresh(old.refreshToken).expect(401)).body.code).toBe('REFRESH_TOKEN_INVALID');
      }
      await login(u.phone, TEST_PASSWORD).expect(401);
      await login(u.phone, NEW_PASSWORD).expect(200);
      expect(await auditRows('PASSWORD_CHANGED', u.id)).toHaveLength(1);
      const [row] = await t.ds.query(`SELECT password_hash FROM app_user WHERE id = $1`, [u.id]);
      expect(row.password_hash).toMatch(/^\$argon2id\$/);
    });
  });

  describe('disabled accounts', () => {
    it('a disabled user is refused at once: existing tokens and new sign-ins', async () => {
      const u = t.city.users.workerB;
      const session = (await login(u.phone, TEST_PASSWORD).expect(200)).body;
      await me(session.accessToken).expect(200);
      const admin = await t.tokenFor(t.city.users.admin);
      const res = await t.http().post(`/users/${u.id}/disable`).set('Authorization', `Bearer ${admin}`).expect(200);
      expect(res.body).toMatchObject({ id: u.id, status: 'DISABLED' });
      expect((await me(session.accessToken).expect(401)).body.code).toMatch(/ACCOUNT_DISABLED|TOKEN_INVALID/);
      expect((await refresh(session.refreshToken).expect(401)).body.code).toBe('REFRESH_TOKEN_INVALID');
      expect((await login(u.phone, TEST_PASSWORD).expect(401)).body.code).toBe('ACCOUNT_DISABLED');
      // a wrong password on a disabled account gets the generic answer
      expect((await login(u.phone, 'wrong-password-9').expect(401)).body.code).toBe('BAD_CREDENTIALS');
      expect(await auditRows('USER_DISABLED', u.id)).toHaveLength(1);
    });
  });

  describe('one-time code sign-in (elders and family)', () => {
    const requestCode = (phone: string) => {
      phonesUsed.add(phone);
      return t.http().post('/auth/code/request').send({ phone });
    };
    const verify = (phone: string, code: string) => t.http().post('/auth/code/verify').send({ phone, code });
    const lastCode = async (phone: string) => {
      const m = await readLastMessage(t.ds, testCipher(), phone);
      if (m) codesSeen.add(m.params.code);
      return m;
    };

    it('answers the same for an elder, an unknown phone and a staff phone; only the elder gets a code', async () => {
      const elderPhone = t.city.users.elderA.phone;
      const a = await requestCode(elderPhone).expect(200);
      const b = await requestCode(UNKNOWN_PHONE).expect(200);
      const c = await requestCode(t.city.users.stationB.phone).expect(200);
      expect(a.body).toEqual({ sent: true, expiresIn: 300 });
      expect(b.body).toEqual(a.body);
      expect(c.body).toEqual(a.body);
      const msg = await lastCode(elderPhone);
      expect(msg).toMatchObject({ template: 'LOGIN_CODE', params: { code: expect.stringMatching(/^\d{6}$/) } });
      expect(await lastCode(UNKNOWN_PHONE)).toBeUndefined();
      expect(await lastCode(t.city.users.stationB.phone)).toBeUndefined();
      // the recorded message holds neither the phone nor the code in clear
      const raw = JSON.stringify(
        await t.ds.query(
          `SELECT encode(recipient_enc, 'escape') r, encode(params_enc, 'escape') p FROM outbound_message`,
        ),
      );
      expect(raw).not.toContain(elderPhone);
      expect(raw).not.toContain(msg!.params.code);
      const stored = JSON.stringify(await t.ds.query(`SELECT encode(code_hash, 'hex') h FROM login_code`));
      expect(stored).not.toContain(msg!.params.code);
    });

    it('limits wrong codes: after 5 wrong tries even the right code is refused; a new code works once', async () => {
      const phone = t.city.users.elderA.phone;
      const { params } = (await lastCode(phone))!;
      const wrong = params.code === '000000' ? '111111' : '000000';
      for (let i = 0; i < 5; i++) expect((await verify(phone, wrong).expect(401)).body.code).toBe('CODE_INVALID');
      expect((await verify(phone, params.code).expect(401)).body.code).toBe('CODE_INVALID');

      await requestCode(phone).expect(200);
      const next = (await lastCode(phone))!.params.code;
      const ok = await verify(phone, next).expect(200);
      expect(ok.body.user).toMatchObject({ id: t.city.users.elderA.id, role: Role.ELDER });
      const profile = await me(ok.body.accessToken).expect(200);
      expect(profile.body.elders).toEqual([{ elderId: t.city.elder.a, relation: 'SELF' }]);
      expect((await verify(phone, next).expect(401)).body.code).toBe('CODE_INVALID');
      const [audit] = (await auditRows('SIGN_IN', t.city.users.elderA.id)).slice(-1);
      expect(audit.details).toEqual({ method: 'ONE_TIME_CODE' });
    });

    it('a family member signs in with a code and sees the linked elders', async () => {
      const phone = t.city.familyPhone;
      await requestCode(phone).expect(200);
      const code = (await lastCode(phone))!.params.code;
      const res = await verify(phone, code).expect(200);
      expect(res.body.user.role).toBe(Role.FAMILY);
      const profile = await me(res.body.accessToken).expect(200);
      expect(profile.body.elders).toEqual([{ elderId: t.city.elder.a, relation: '子女' }]);
    });

    it('an expired code is refused, and a code never works for another phone', async () => {
      const phone = t.city.users.elderA.phone;
      await requestCode(phone).expect(200);
      const code = (await lastCode(phone))!.params.code;
      await verify(t.city.familyPhone, code).expect(401);
      await t.ds.query(`UPDATE login_code SET expires_at = now() - interval '1 second' WHERE used_at IS NULL`);
      await verify(phone, code).expect(401);
    });

    it('rejects a malformed code with 400', async () => {
      const res = await verify(t.city.users.elderA.phone, '12ab').expect(400);
      expect(res.body.details.fields.map((f: { field: string }) => f.field)).toEqual(['code']);
    });
  });

  describe('SOS devices', () => {
    it('a device authenticates with its own key and acts only for its elder', async () => {
      const devices = t.app.get(DeviceAuthenticator);
      const actor = await devices.authenticate(t.city.deviceKeyA);
      expect(actor).toEqual({
        userId: t.city.deviceKeyA.split('.')[0],
        role: Role.SOS_DEVICE,
        elderIds: [t.city.elder.a],
      });
      const [id] = t.city.deviceKeyA.split('.');
      await expect(devices.authenticate(`${id}.wrong-secret-but-long-enough`)).rejects.toMatchObject({
        code: 'DEVICE_KEY_INVALID',
      });
      await expect(devices.authenticate(undefined)).rejects.toMatchObject({ code: 'DEVICE_KEY_INVALID' });
      await expect(devices.authenticate('garbage')).rejects.toMatchObject({ code: 'DEVICE_KEY_INVALID' });
      await t.ds.query(`UPDATE sos_device SET active = false WHERE id = $1`, [id]);
      await expect(devices.authenticate(t.city.deviceKeyA)).rejects.toMatchObject({ code: 'DEVICE_KEY_INVALID' });
      await t.ds.query(`UPDATE sos_device SET active = true WHERE id = $1`, [id]);
    });

    it('a device key is no sign-in for user routes', async () => {
      await t.http().get('/auth/me').set('X-Device-Key', t.city.deviceKeyA).expect(401);
    });
  });

  describe('what is left behind', () => {
    it('the audit chain written by all of the above is intact', async () => {
      const result = await verifyChain(t.ds);
      expect(result.ok).toBe(true);
      expect(result.rows).toBeGreaterThan(20);
    });

    it('the logs contain no phone number, password or one-time code', () => {
      const logs = t.logs.text();
      expect(logs.length).toBeGreaterThan(0);
      expect(codesSeen.size).toBeGreaterThan(2);
      for (const phone of phonesUsed) expect(logs).not.toContain(phone);
      for (const secret of [TEST_PASSWORD, NEW_PASSWORD, 'not-the-password-1', 'wrong-password-0'])
        expect(logs).not.toContain(secret);
      for (const code of codesSeen) expect(logs).not.toMatch(new RegExp(`(?<!\\d)${code}(?!\\d)`));
    });
  });
});
