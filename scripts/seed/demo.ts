import type { DataSource } from 'typeorm';
import type { PiiCipher } from '#lib/kernel';
import { DEMO_CITY, DEMO_PASSWORD, generateCity, type City } from './generate.js';
import { writeCity, type SeedCounts } from './write.js';

/**
 * First start with an empty database (no region rows): loads a small demo city (the full region tree
 * of Wuhai, 2,000 elders, 10 providers, 200 workers, ~3,000 orders with their events) and returns the
 * text to print: where to sign in and what to look at. Returns undefined when the database has data.
 */
export async function seedDemo(
  ds: DataSource,
  cipher: PiiCipher,
  baseUrl = 'http://localhost:3000',
): Promise<string | undefined> {
  const [{ n }] = (await ds.query(`SELECT count(*)::int AS n FROM region`)) as { n: number }[];
  if (n > 0) return undefined;
  const started = Date.now();
  const city = generateCity({ ...DEMO_CITY, until: new Date() });
  const counts = await writeCity(ds, cipher, city);
  return demoText(city, counts, baseUrl, Date.now() - started, await demoOrders(ds, city));
}

export interface DemoOrder {
  order_no: string;
  state: string;
  item_name_zh: string;
}

/** The demo elder's two live showcase orders (accepted, waiting for dispatch). */
export async function demoOrders(ds: DataSource, city: City): Promise<DemoOrder[]> {
  return (await ds.query(
    `SELECT order_no, state, item_name_zh FROM service_order
      WHERE elder_id = $1 AND state IN ('ACCEPTED', 'PENDING_DISPATCH') AND note LIKE '演示工单%'
      ORDER BY created_at`,
    [city.demo.elderId],
  )) as DemoOrder[];
}

/** The accounts table and pointers printed after a demo seed (and by `npm run seed`). */
export function demoText(
  city: City,
  counts: SeedCounts,
  baseUrl: string,
  elapsedMs?: number,
  orders: DemoOrder[] = [],
): string {
  const rows = city.demo.accounts.map((a) => `  ${a.phone}  ${a.role.padEnd(19)} ${a.label} — ${a.scope}`);
  return [
    '',
    `  数据已载入 data loaded${elapsedMs === undefined ? '' : ` in ${(elapsedMs / 1000).toFixed(1)} s`}: ` +
      `${counts.elder} elders, ${counts.provider} providers, ${counts.worker} workers, ${counts.service_order} orders, ${counts.order_event} order events`,
    '',
    `  Sign in (POST ${baseUrl}/auth/login) with phone + password ${DEMO_PASSWORD}:`,
    ...rows,
    '',
    `  SOS device of ${city.demo.elderName} (send as header X-Device-Key):`,
    `    ${city.demo.deviceKey}`,
    '',
    `  ${city.demo.elderName} (${city.demo.communityName}) has two live orders: one accepted by the first worker above`,
    `  (depart → check in → check out → the elder confirms), one waiting for dispatch (offer it to ${city.demo.providerName}):`,
    ...orders.map((o) => `    ${o.order_no}  ${o.state.padEnd(16)} ${o.item_name_zh}`),
    `  OpenAPI: ${baseUrl}/api/docs`,
    '',
  ].join('\n');
}
