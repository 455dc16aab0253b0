import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions, startEmbeddedPostgres } from '#lib/database';
import { TokenService } from '#lib/identity';
import { createApp } from '../../apps/api/src/bootstrap.js';
import { loadConfig } from '../../apps/api/src/config/config.js';
import { ENTITIES } from '../../apps/api/src/entities.js';
import { seedMiniCity, TEST_KEYS } from '../support/fixtures.js';
import { startTestApp, type TestApp, LogCapture, recordAnswers } from '../support/test-app.js';
import { orderDriver } from '../support/orders.js';

describe('a restart loses nothing', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it('keeps orders, events and pending offer deadlines across an API restart', async () => {
    const d = orderDriver(t);
    const id = await d.orderAt('OFFERED');
    const before = (await d.get('stationA', id)).body;
    await t.restart();
    const d2 = orderDriver(t);
    const after = await d2.get('stationA', id);
    expect(after.body).toMatchObject({
      state: 'OFFERED',
      version: before.version,
      offerExpiresAt: before.offerExpiresAt,
    });
    // and the order goes on from where it was
    expect((await d2.act('providerAdminA', id, 'accept', { workerId: t.city.worker.a })).body.state).toBe('ACCEPTED');
  });
});

describe('a restart of the embedded database loses nothing', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'eldercare-restart-'));
  chmodSync(dir, 0o755);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stops and starts PostgreSQL and the API on the same data directory', async () => {
    const dataDir = path.join(dir, 'pgdata');
    let db = await startEmbeddedPostgres({ dataDir, database: 'eldercare' });
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: db.url, LOG_LEVEL: 'warn', ...TEST_KEYS });
    const ds = new DataSource(buildDataSourceOptions({ url: db.url, entities: ENTITIES }));
    await ds.initialize();
    await ds.runMigrations();
    const city = await seedMiniCity(ds);
    await ds.destroy();

    let app = await createApp({ config, databaseUrl: db.url, logDestination: new LogCapture() });
    let contract = recordAnswers(app); // every answer checked against the OpenAPI document
    await app.init();
    const token = app
      .get(TokenService)
      .issueAccessToken({ sub: city.users.stationA.id, role: city.users.stationA.role, tv: 0 });
    const created = await request(app.getHttpServer())
      .post('/orders')
      .set('Authorization', `Bearer ${token}`)
      .set('Idempotency-Key', 'restart-0001')
      .send({ elderId: city.elder.a, itemId: city.items.MEAL_DELIVERY, channel: 'WALK_IN' });
    expect(created.status).toBe(201);
    await contract.check();
    await app.close();
    await db.stop();

    db = await startEmbeddedPostgres({ dataDir, database: 'eldercare' });
    app = await createApp({
      config: { ...config, databaseUrl: db.url },
      databaseUrl: db.url,
      logDestination: new LogCapture(),
    });
    contract = recordAnswers(app);
    await app.init();
    try {
      const res = await request(app.getHttpServer())
        .get(`/orders/${created.body.id}`)
        .set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ orderNo: created.body.orderNo, state: 'PENDING_DISPATCH', channel: 'WALK_IN' });
      // the retry after the restart is recognised as the same request
      const retry = await request(app.getHttpServer())
        .post('/orders')
        .set('Authorization', `Bearer ${token}`)
        .set('Idempotency-Key', 'restart-0001')
        .send({ elderId: city.elder.a, itemId: city.items.MEAL_DELIVERY, channel: 'WALK_IN' });
      expect(retry.status).toBe(200);
      expect(retry.body.id).toBe(created.body.id);
      await contract.check();
    } finally {
      await app.close();
      await db.stop();
    }
  });
});
