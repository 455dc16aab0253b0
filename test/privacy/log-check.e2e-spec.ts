import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { assertNoPersonalData, startTestApp, type TestApp } from '../support/test-app.js';

describe('the log check itself', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it('fails on a logged phone or ID number and names only the kind, not the value', () => {
    expect(() => assertNoPersonalData('{"msg":"call 13912345678"}', t.city)).toThrow('shaped like a mobile number');
    expect(() => assertNoPersonalData(`{"msg":"${t.city.elderPhone.a}"}`, t.city)).toThrow(/fixture phone/);
    expect(() => assertNoPersonalData('{"id":"15030219450305122X"}', t.city)).toThrow('shaped like an ID number');
    try {
      assertNoPersonalData(`x ${t.city.elderPhone.a}`, t.city);
    } catch (err) {
      expect((err as Error).message).not.toContain(t.city.elderPhone.a);
    }
  });

  it('passes on ordinary request logs (timestamps, ids, durations)', () => {
    expect(() =>
      assertNoPersonalData(
        '{"level":30,"time":1795308240632,"req":{"id":1234567,"path":"/orders"},"responseTime":12}',
        t.city,
      ),
    ).not.toThrow();
  });
});
