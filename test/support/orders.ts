import type { TestApp } from './test-app.js';
import { readLastMessage } from '#lib/notifications';
import { testCipher } from './fixtures.js';

type UserKey = keyof TestApp['city']['users'];

/** Small helpers to drive orders through the HTTP API as the fixture users. */
export function orderDriver(t: TestApp) {
  const tokens = new Map<string, string>();
  const token = async (who: UserKey) => {
    const user = t.city.users[who];
    if (!tokens.has(user.id)) tokens.set(user.id, await t.tokenFor(user));
    return tokens.get(user.id)!;
  };
  const as = async (who: UserKey) => ({ Authorization: `Bearer ${await token(who)}` });
  return {
    token,
    as,
    async create(who: UserKey, body: Record<string, unknown> = {}, key?: string) {
      const req = t
        .http()
        .post('/orders')
        .set(await as(who));
      if (key) req.set('Idempotency-Key', key);
      // elders and family create APP orders, staff record walk-ins (or hotline calls)
      const channel = ['ELDER', 'FAMILY'].includes(t.city.users[who].role) ? 'APP' : 'WALK_IN';
      return req.send({ elderId: t.city.elder.a, itemId: t.city.items.CLEAN_HOUR, channel, ...body });
    },
    async act(who: UserKey, id: string, action: string, body: Record<string, unknown> = {}) {
      return t
        .http()
        .post(`/orders/${id}/${action}`)
        .set(await as(who))
        .send(body);
    },
    async get(who: UserKey, id: string) {
      return t
        .http()
        .get(`/orders/${id}`)
        .set(await as(who));
    },
    /** Creates an order for elder A and moves it to the given step. */
    async orderAt(step: 'PENDING_DISPATCH' | 'OFFERED' | 'ACCEPTED' | 'EN_ROUTE' | 'IN_SERVICE' | 'COMPLETED') {
      const created = await this.create('familyA');
      const id: string = created.body.id;
      const steps: [UserKey, string, Record<string, unknown>][] = [
        ['stationA', 'offer', { providerId: t.city.provider.a }],
        ['providerAdminA', 'accept', { workerId: t.city.worker.a }],
        ['workerA', 'depart', {}],
        ['workerA', 'check-in', { lat: 39.6846, lng: 106.8206 }],
        ['workerA', 'check-out', { lat: 39.6846, lng: 106.8206, photoHashes: ['a'.repeat(64)] }],
      ];
      const order = ['PENDING_DISPATCH', 'OFFERED', 'ACCEPTED', 'EN_ROUTE', 'IN_SERVICE', 'COMPLETED'].indexOf(step);
      for (const [who, action, body] of steps.slice(0, order)) {
        const res = await this.act(who, id, action, body);
        if (res.status !== 200) throw new Error(`${action} failed: ${res.status} ${JSON.stringify(res.body)}`);
      }
      return id;
    },
  };
}

/** The last SMS the development notification adapter recorded for this phone. */
export function lastMessage(t: TestApp, phone: string) {
  return readLastMessage(t.ds, testCipher(), phone);
}

export async function countRows(t: TestApp): Promise<{ orders: number; events: number }> {
  return { orders: await t.count('service_order'), events: await t.count('order_event') };
}

/**
 * Makes the order's open offers due now (their rows, the order's deadline and their durable jobs) and
 * waits until the scheduler has fired them (they are no longer OPEN), as if their time had come.
 */
export async function expireOffersNow(t: TestApp, orderId: string, timeoutMs = 5_000): Promise<void> {
  const due = (await t.ds.query(
    `WITH o AS (UPDATE order_offer SET expires_at = now() - interval '1 second'
                 WHERE order_id = $1 AND state = 'OPEN' RETURNING id)
     UPDATE scheduled_job SET due_at = now() WHERE kind = 'order.offer-expiry' AND key IN (SELECT id::text FROM o)
     RETURNING key`,
    [orderId],
  )) as [{ key: string }[], number];
  const offerIds = due[0].map((r) => r.key);
  await t.ds.query(`UPDATE service_order SET offer_expires_at = now() - interval '1 second' WHERE id = $1`, [orderId]);
  await t.ds.query(`SELECT pg_notify('eldercare_jobs', '0')`);
  // fired = the offers are no longer OPEN (the order may already be offered to the next provider)
  await waitFor(async () => {
    const open = (await t.ds.query(`SELECT 1 FROM order_offer WHERE id = ANY($1::uuid[]) AND state = 'OPEN'`, [
      offerIds,
    ])) as unknown[];
    return open.length === 0;
  }, timeoutMs);
}

/** Polls `probe` every 20 ms until it holds; fails after `timeoutMs`. */
export async function waitFor(probe: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const start = Date.now();
  while (!(await probe())) {
    if (Date.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
