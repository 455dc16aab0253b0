import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { orderDriver, waitFor } from '../support/orders.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Escalation up the three levels (issue 8 item 5), with the ladder's delays shortened to about a
 * second each (DISPATCH_CONFIG): nobody can take the order (the mini city's workers are off shift),
 * so the station is alerted, then the street hub, then the district dispatch centre.
 */
describe('escalation STATION → HUB → DISTRICT', () => {
  let t: TestApp;
  let d: ReturnType<typeof orderDriver>;
  const ladder = { stationMinutes: 0.02, hubMinutes: 0.02, acknowledgedMinutes: null };

  beforeAll(async () => {
    t = await startTestApp({ DISPATCH_CONFIG: JSON.stringify({ escalation: { NORMAL: ladder } }) });
    d = orderDriver(t);
  });
  afterAll(async () => t?.close());

  interface Alert {
    id: string;
    level: string;
    reason: string;
    resolvedAt: string | null;
    history: { event: string; level: string }[];
  }
  async function alertsOf(who: 'stationA' | 'hubA' | 'dispatcherA' | 'dispatcherB' | 'stationB', orderId: string) {
    const res = await t
      .http()
      .get(`/dispatch/alerts?orderId=${orderId}&open=false`)
      .set(await d.as(who));
    expect(res.status).toBe(200);
    return res.body.items as Alert[];
  }
  async function alertAt(orderId: string, level: string, timeoutMs = 6_000): Promise<Alert> {
    let found: Alert | undefined;
    await waitFor(async () => {
      found = (await alertsOf('dispatcherA', orderId)).find((a) => a.reason === 'NO_CANDIDATE' && a.level === level);
      return !!found;
    }, timeoutMs);
    return found!;
  }

  it('raises a station alert, then moves it to the hub, then to the district, each level seeing it', async () => {
    const id = (await d.create('familyA')).body.id as string;
    const raised = Date.now();
    await alertAt(id, 'STATION', 3_000);
    const atHub = await alertAt(id, 'HUB');
    expect(Date.now() - raised).toBeGreaterThanOrEqual(1_000);
    const atDistrict = await alertAt(id, 'DISTRICT');
    expect(atDistrict.id).toBe(atHub.id);
    expect(atDistrict.history.map((h) => `${h.event}:${h.level}`)).toEqual([
      'RAISED:STATION',
      'ESCALATED:HUB',
      'ESCALATED:DISTRICT',
    ]);
    // the station, the hub and the district of the order see it; the other district does not
    for (const who of ['stationA', 'hubA', 'dispatcherA'] as const) expect(await alertsOf(who, id)).toHaveLength(1);
    for (const who of ['stationB', 'dispatcherB'] as const) expect(await alertsOf(who, id)).toHaveLength(0);
    // the top of the ladder: it stays with the district until someone resolves it
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await alertsOf('dispatcherA', id))[0]).toMatchObject({ level: 'DISTRICT', resolvedAt: null });
    const resolved = await t
      .http()
      .post(`/dispatch/alerts/${atDistrict.id}/resolve`)
      .set(await d.as('dispatcherA'))
      .send({ resolution: '已电话联系家属，改约明天' });
    expect(resolved.status).toBe(200);
    expect(resolved.body.history.at(-1)).toMatchObject({ event: 'RESOLVED', level: 'DISTRICT' });
    const again = await t
      .http()
      .post(`/dispatch/alerts/${atDistrict.id}/resolve`)
      .set(await d.as('dispatcherA'))
      .send({ resolution: '再次' });
    expect([again.status, again.body.code]).toEqual([409, 'ALERT_CLOSED']);
  });

  it('stops where it was acknowledged (no delay configured after an acknowledgement)', async () => {
    const id = (await d.create('familyA')).body.id as string;
    const alert = await alertAt(id, 'STATION', 3_000);
    const other = await t
      .http()
      .post(`/dispatch/alerts/${alert.id}/acknowledge`)
      .set(await d.as('stationB'))
      .send({});
    expect(other.status).toBe(404);
    const ack = await t
      .http()
      .post(`/dispatch/alerts/${alert.id}/acknowledge`)
      .set(await d.as('stationA'))
      .send({ note: '正在联系服务商' });
    expect(ack.status).toBe(200);
    await new Promise((r) => setTimeout(r, 2_000));
    const [now] = await alertsOf('stationA', id);
    // it stays at the level it was acknowledged at (the station, unless a very slow machine let it reach the hub first)
    expect(now.level).toBe(ack.body.level);
    expect(['STATION', 'HUB']).toContain(now.level);
    expect(now.history.map((h) => h.event)).toContain('ACKNOWLEDGED');
  });

  it('is resolved as soon as someone assigns the order by hand', async () => {
    const id = (await d.create('familyA')).body.id as string;
    await alertAt(id, 'STATION', 3_000);
    const offered = await d.act('stationA', id, 'offer', { providerId: t.city.provider.a });
    expect(offered.status).toBe(200);
    const [alert] = await alertsOf('stationA', id);
    expect(alert.resolvedAt).not.toBeNull();
    expect(alert.history.at(-1)).toMatchObject({ event: 'RESOLVED' });
  });

  it('refuses bad input on alerts with a clear 4xx and changes nothing', async () => {
    const id = (await d.create('familyA')).body.id as string;
    const alert = await alertAt(id, 'STATION', 3_000);
    const before = JSON.stringify(await t.ds.query(`SELECT * FROM dispatch_alert WHERE id = $1`, [alert.id]));
    const noResolution = await t
      .http()
      .post(`/dispatch/alerts/${alert.id}/resolve`)
      .set(await d.as('stationA'))
      .send({});
    expect([noResolution.status, noResolution.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const malformed = await t
      .http()
      .post(`/dispatch/alerts/not-an-id/resolve`)
      .set(await d.as('stationA'))
      .send({ resolution: '好的' });
    expect(malformed.status).toBe(404);
    const badLevel = await t
      .http()
      .get(`/dispatch/alerts?level=CITY`)
      .set(await d.as('stationA'));
    expect([badLevel.status, badLevel.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const worker = await t
      .http()
      .post(`/dispatch/alerts/${alert.id}/acknowledge`)
      .set(await d.as('workerA'))
      .send({});
    expect(worker.status).toBe(403);
    // (its escalation job may have moved it meanwhile; compare what a refused call could have touched)
    const after = JSON.stringify(await t.ds.query(`SELECT * FROM dispatch_alert WHERE id = $1`, [alert.id]));
    expect(JSON.parse(after)[0].resolved_at).toBeNull();
    expect(JSON.parse(after)[0].acknowledged_at).toBe(JSON.parse(before)[0].acknowledged_at);
  });
});
