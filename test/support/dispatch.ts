import { randomBytes, randomUUID } from 'node:crypto';
import { STANDARD_SERVICE_TYPES } from '#lib/catalog';
import { Role } from '#lib/kernel';
import { testCipher } from './fixtures.js';
import type { TestApp } from './test-app.js';

const ALWAYS = JSON.stringify(Object.fromEntries(['1', '2', '3', '4', '5', '6', '7'].map((d) => [d, ['00:00-24:00']])));
const ALL_TYPES = STANDARD_SERVICE_TYPES.map((t) => t.code);

export interface DispatchWorld {
  /** Provider A of the mini city (≈ 0.2 km from elder A's home, contracted for community A1). */
  a: string;
  /** Contracted for A1, ≈ 1 km away (third by travel). */
  c: string;
  /** Contracted for A1, ≈ 0.6 km away (second by travel). */
  h: string;
  /** Contracted for A1 but ≈ 7 km away: outside the 15-minute circle. */
  far: string;
  /** Contracted for A1, near, but suspended. */
  suspended: string;
  /** In district A, near, with no contract at all (district dispatchers may override). */
  uncontracted: string;
  /** Contracted only for village A2 of the same street (hub staff may pick it). */
  street: string;
  /** A worker of each provider (on shift around the clock, qualified for everything). */
  workers: Record<'a' | 'c' | 'h' | 'far' | 'suspended' | 'uncontracted' | 'street', string>;
  /** A provider-admin token of each provider. */
  admins: Record<'a' | 'c' | 'h' | 'uncontracted' | 'street', string>;
}

/**
 * The mini city made dispatchable: every fixture worker on shift around the clock, and more
 * providers in district A around elder A's home (39.6846, 106.8206) so that candidates, ranking,
 * the service circle and the manual rules each have someone to act on.
 */
export async function dispatchWorld(t: TestApp): Promise<DispatchWorld> {
  await t.ds.query(`UPDATE worker SET shifts = $1`, [ALWAYS]);
  const cipher = testCipher();
  const provider = async (name: string, lat: number, lng: number, communities: string[] | null, status = 'ACTIVE') => {
    const id = randomUUID();
    await t.ds.query(
      `INSERT INTO provider (id, name, credit_code, district_code, base_lat, base_lng, opening_hours, capacity, status)
       VALUES ($1,$2,$3,'150302',$4,$5,$6,100,$7)`,
      [id, name, `9115030${randomBytes(6).toString('hex').toUpperCase()}`.slice(0, 18), lat, lng, ALWAYS, status],
    );
    if (communities)
      await t.ds.query(
        `INSERT INTO provider_contract (id, provider_id, service_types, community_codes, valid_from, valid_to)
         VALUES ($1,$2,$3,$4,'2020-01-01','2099-12-31')`,
        [randomUUID(), id, ALL_TYPES, communities],
      );
    return id;
  };
  const worker = async (providerId: string) => {
    const id = randomUUID();
    await t.ds.query(
      `INSERT INTO worker (id, provider_id, name, qualifications, shifts) VALUES ($1,$2,'测试护理员',$3,$4)`,
      [id, providerId, ['CAREGIVER', 'FIRST_AID', 'FOOD_HANDLER', 'NURSE'], ALWAYS],
    );
    return id;
  };
  let phones = 0;
  const admin = async (providerId: string) => {
    const id = randomUUID();
    const phone = `136${String(70_000_000 + ++phones + Math.floor(Math.random() * 1_000_000)).slice(-8)}`;
    await t.ds.query(
      `INSERT INTO app_user (id, display_name, phone_enc, phone_hash, role, provider_id) VALUES ($1,'机构管理员',$2,$3,$4,$5)`,
      [id, cipher.encrypt(phone), cipher.blindIndex(phone), Role.PROVIDER_ADMIN, providerId],
    );
    return t.tokenFor({ id, role: Role.PROVIDER_ADMIN });
  };
  const a1 = t.city.community.a1;
  const c = await provider('测试二号服务站', 39.6936, 106.8206, [a1]);
  const h = await provider('测试三号服务站', 39.6896, 106.8236, [a1]);
  const far = await provider('远郊服务站', 39.7476, 106.8206, [a1]);
  const suspended = await provider('停业服务站', 39.6856, 106.8216, [a1], 'SUSPENDED');
  const uncontracted = await provider('无合同服务站', 39.6866, 106.8226, null);
  const street = await provider('同街道服务站', 39.6876, 106.8196, [t.city.community.a2]);
  const workers = {
    a: t.city.worker.a,
    c: await worker(c),
    h: await worker(h),
    far: await worker(far),
    suspended: await worker(suspended),
    uncontracted: await worker(uncontracted),
    street: await worker(street),
  };
  const admins = {
    a: await t.tokenFor(t.city.users.providerAdminA),
    c: await admin(c),
    h: await admin(h),
    uncontracted: await admin(uncontracted),
    street: await admin(street),
  };
  return { a: t.city.provider.a, c, h, far, suspended, uncontracted, street, workers, admins };
}

/** Waits until the order is in `state` (polling the database), and returns its row. */
export async function untilState(
  t: TestApp,
  orderId: string,
  state: string | ((row: OrderRowLite) => boolean),
  timeoutMs = 5_000,
): Promise<OrderRowLite> {
  const start = Date.now();
  for (;;) {
    const [row] = (await t.ds.query(
      `SELECT state, version, provider_id, worker_id, offered_to FROM service_order WHERE id = $1`,
      [orderId],
    )) as OrderRowLite[];
    if (typeof state === 'string' ? row?.state === state : row && state(row)) return row;
    if (Date.now() - start > timeoutMs)
      throw new Error(
        `order ${orderId} did not reach ${String(state)} within ${timeoutMs} ms (is ${JSON.stringify(row)})`,
      );
    await new Promise((r) => setTimeout(r, 15));
  }
}

export interface OrderRowLite {
  state: string;
  version: number;
  provider_id: string | null;
  worker_id: string | null;
  offered_to: string[];
}

export async function offersOf(
  t: TestApp,
  orderId: string,
): Promise<{ provider_id: string; state: string; round: number }[]> {
  return t.ds.query(
    `SELECT provider_id, state, round FROM order_offer WHERE order_id = $1 ORDER BY created_at, provider_id`,
    [orderId],
  );
}

export async function eventsOf(
  t: TestApp,
  orderId: string,
): Promise<
  { type: string; actor_role: string; former_provider_id: string | null; payload: Record<string, unknown> }[]
> {
  return t.ds.query(
    `SELECT type, actor_role, former_provider_id, payload FROM order_event WHERE order_id = $1 ORDER BY seq`,
    [orderId],
  );
}
