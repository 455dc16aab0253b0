import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('platform basics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it('reports the database as up on /health', async () => {
    const res = await t.http().get('/health').expect(200);
    expect(res.body.info.database.status).toBe('up');
  });

  it('serves the OpenAPI document at /api/docs', async () => {
    const res = await t.http().get('/api/docs-json').expect(200);
    expect(res.body.info.title).toContain('API');
  });

  it('answers an unknown route with a coded 404 body', async () => {
    const res = await t.http().get('/no-such-route').expect(404);
    expect(res.body.code).toBe('NOT_FOUND');
  });
});
