import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApp } from '../../apps/api/src/bootstrap.js';
import { TEST_PASSWORD } from '../support/fixtures.js';
import { orderDriver } from '../support/orders.js';
import { assertNoPersonalData, LogCapture, recordAnswers, startTestApp, type TestApp } from '../support/test-app.js';

/** Polls `probe` until it returns true or `ms` have passed; the time it took, or null. */
async function within(ms: number, probe: () => Promise<boolean>): Promise<number | null> {
  const start = Date.now();
  for (;;) {
    if (await probe()) return Date.now() - start;
    if (Date.now() - start > ms) return null;
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Two API instances on one database, as behind a load balancer: the sign-in limit, a logout and a
 * catalogue edit hold on both at once (rate-limit counters in PostgreSQL, cache invalidation by
 * LISTEN/NOTIFY), well inside the caches' own lifetimes (actor 2 s, catalogue item 5 s).
 */
describe('two API instances on one database behave as one', () => {
  let t: TestApp;
  let two: NestExpressApplication;
  let contract: ReturnType<typeof recordAnswers>;
  const logs = new LogCapture();
  const one = () => t.http();
  const other = () => request(two.getHttpServer());

  beforeAll(async () => {
    t = await startTestApp({ AUTH_RATE_LIMIT_PER_MINUTE: '3', MAX_FAILED_LOGINS: '100' });
    two = await createApp({ config: t.config, databaseUrl: t.databaseUrl, logDestination: logs });
    contract = recordAnswers(two);
    await two.listen(0, '127.0.0.1');
  });
  afterAll(async () => {
    await contract?.check();
    await two?.close();
    assertNoPersonalData(logs.text(), t.city);
    await t?.close();
  });

  it('counts the sign-in limit once across both instances', async () => {
    const phone = t.city.users.stationB.phone;
    const apps = [one, other, one];
    for (const [i, app] of apps.entries())
      await app()
        .post('/auth/login')
        .send({ phone, password: `guess-${i}-guess` })
        .expect(401);
    // the 4th attempt is refused whichever instance gets it, even with the right password
    for (const app of [other, one]) {
      const limited = await app().post('/auth/login').send({ phone, password: TEST_PASSWORD }).expect(429);
      expect(limited.body.code).toBe('RATE_LIMITED');
      expect(limited.body.details.retryAfterSeconds).toBeGreaterThan(0);
      expect(limited.body.details.retryAfterSeconds).toBeLessThanOrEqual(60);
    }
    const [row] = (await t.ds.query(`SELECT hits FROM rate_limit_window WHERE key LIKE '/auth/login|%'`)) as {
      hits: number;
    }[];
    expect(row.hits).toBe(5);
  });

  it('refuses a session logged out through one instance on the other at once', async () => {
    const u = t.city.users.dispatcherA;
    await t.ds.query(`DELETE FROM rate_limit_window`); // the test above used this address's sign-ins up
    const pair = (await other().post('/auth/login').send({ phone: u.phone, password: TEST_PASSWORD }).expect(200))
      .body as { accessToken: string; refreshToken: string };
    const me = (app: typeof one) => app().get('/auth/me').set('Authorization', `Bearer ${pair.accessToken}`);
    await me(other).expect(200); // now cached on the other instance (2 s)
    await me(one).expect(200);
    await one().post('/auth/logout').send({ refreshToken: pair.refreshToken }).expect(204);
    const took = await within(200, async () => (await me(other)).status === 401);
    expect(took).not.toBeNull();
    expect((await me(other).expect(401)).body.code).toBe('TOKEN_INVALID');
    await me(one).expect(401);
  });

  it('prices an order on one instance at the price just set through the other', async () => {
    const d = orderDriver(t);
    const id = t.city.items.CLEAN_HOUR;
    const create = async () =>
      other()
        .post('/orders')
        .set(await d.as('familyA'))
        .send({ elderId: t.city.elder.a, itemId: id, channel: 'APP' })
        .expect(201);
    expect((await create()).body.item.unitPriceCents).toBe(3500); // now cached on the other instance (5 s)
    const item = await one()
      .get(`/catalog/items/${id}`)
      .set(await d.as('admin'))
      .expect(200);
    await one()
      .patch(`/catalog/items/${id}`)
      .set(await d.as('admin'))
      .send({ priceCents: 3800, version: item.body.version })
      .expect(200);
    const took = await within(200, async () => (await create()).body.item.unitPriceCents === 3800);
    expect(took).not.toBeNull();
  });

  it('keeps the cache honest after the listening connection is cut: it reconnects and drops everything', async () => {
    const d = orderDriver(t);
    const id = t.city.items.CLEAN_HOUR;
    const price = async () =>
      (
        await other()
          .post('/orders')
          .set(await d.as('familyA'))
          .send({ elderId: t.city.elder.a, itemId: id, channel: 'APP' })
          .expect(201)
      ).body.item.unitPriceCents as number;
    await price(); // cached
    // kill every listener's backend (both instances'), as a database restart or a proxy would
    await t.ds.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'eldercare-listen' AND datname = current_database()`,
    );
    // an edit made while nobody listens: its notice is lost, the reconnect must drop the cache anyway
    await t.ds.query(`UPDATE service_item SET price_cents = 4100, version = version + 1 WHERE id = $1`, [id]);
    const took = await within(1_500, async () => (await price()) === 4100);
    expect(took).not.toBeNull();
    const listeners = (await t.ds.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'eldercare-listen' AND datname = current_database()`,
    )) as { n: number }[];
    expect(listeners[0].n).toBe(2);
  });
});
