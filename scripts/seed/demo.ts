import type { DataSource } from 'typeorm';
import type { PiiCipher } from '#lib/kernel';
import { DEMO_CITY, DEMO_PASSWORD, generateCity, type City } from './generate.js';
import { writeCity, type SeedCounts } from './write.js';

/**
 * First start with an empty database (no region rows): loads a small demo city (the full region tree
 * of Wuhai, 2,000 elders, 10 providers, 200 workers, ~3,000 orders with their events and offers) and
 * returns the text to print: where to sign in and what to look at. Returns undefined when the database
 * has data.
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
    `  (depart → check in → check out → the elder confirms), one the dispatch engine offers to ${city.demo.providerName}`,
    `  as soon as the API runs (accept it as 13800000009 with a worker, or decline it):`,
    ...orders.map((o) => `    ${o.order_no}  ${o.state.padEnd(16)} ${o.item_name_zh}`),
    `  OpenAPI: ${baseUrl}/api/docs`,
    '',
  ].join('\n');
}

/** The family account the walk-through orders as (its elder is the demo elder). */
export const DEMO_FAMILY_PHONE = '13800000013';
const DEMO_ITEM = 'CLEAN_HOUR';
/** The admins of the demo community's two providers, in the order the engine ranks them for the demo elder. */
const DEMO_PROVIDER_PHONES = ['13800000009', '13800000014'] as const;

export interface WalkthroughSettings {
  /** Minutes an unacknowledged alert stays at the station, then at the hub (dispatch escalation, NORMAL). */
  stationMinutes: number;
  hubMinutes: number;
}

/**
 * How to watch automatic dispatch on the demo data (printed at every start while the demo accounts
 * exist): the family orders, the dispatcher reads the explanation, the two providers of the demo
 * community decline in turn, and the alert climbs the ladder. Chinese first, English after, every
 * command a copy-and-paste curl line. Undefined when the demo family account is not in the database.
 */
export async function demoWalkthrough(
  ds: DataSource,
  cipher: PiiCipher,
  baseUrl: string,
  settings: WalkthroughSettings,
): Promise<string | undefined> {
  const [row] = (await ds.query(
    `SELECT l.elder_id, (SELECT id FROM service_item WHERE code = $2) AS item_id
       FROM app_user u JOIN user_elder_link l ON l.user_id = u.id
      WHERE u.phone_hash = $1 AND u.role = 'FAMILY' LIMIT 1`,
    [cipher.blindIndex(DEMO_FAMILY_PHONE), DEMO_ITEM],
  )) as { elder_id: string; item_id: string | null }[];
  if (!row?.item_id) return undefined;
  const admins = (await ds.query(
    `SELECT u.provider_id AS id, p.name FROM app_user u JOIN provider p ON p.id = u.provider_id
      WHERE u.phone_hash = ANY($1::bytea[]) ORDER BY u.phone_hash = $2 DESC`,
    [DEMO_PROVIDER_PHONES.map((p) => cipher.blindIndex(p)), cipher.blindIndex(DEMO_PROVIDER_PHONES[0])],
  )) as { id: string; name: string }[];
  const who = admins.map((a, i) => `${a.id.slice(0, 8)}… = ${DEMO_PROVIDER_PHONES[i]}`).join(', ');
  const json = `-H 'Content-Type: application/json'`;
  const as = (phone: string) => `-H "Authorization: Bearer $(login ${phone})"`;
  return [
    '',
    `  看自动派单 Watch automatic dispatch (bash/zsh; login prints a token for a demo phone):`,
    `    login() { curl -s ${baseUrl}/auth/login ${json} -d "{\\"phone\\":\\"$1\\",\\"password\\":\\"${DEMO_PASSWORD}\\"}" | sed -E 's/.*"accessToken":"([^"]+)".*/\\1/'; }`,
    `  1 家属下单，引擎立即派给最合适的服务组织 the family orders home cleaning; the engine offers it at once:`,
    `    ID=$(curl -s ${baseUrl}/orders ${as(DEMO_FAMILY_PHONE)} ${json} -d '{"elderId":"${row.elder_id}","itemId":"${row.item_id}"}' | sed -E 's/^\\{"id":"([^"]+)".*/\\1/'); echo $ID`,
    `  2 调度员查看派单解释 the dispatcher sees why: every candidate's factors and score, who was filtered out and why:`,
    `    curl -s ${baseUrl}/orders/$ID/dispatch ${as('13800000004')}`,
    `  3 机构拒单，转派下一家 the provider holding the offer declines and the engine offers the next one`,
    `    (offers[].providerId above: ${who}); then decline again as the other:`,
    `    curl -s ${baseUrl}/orders/$ID/reject ${as(DEMO_PROVIDER_PHONES[0])} ${json} -d '{"reason":"人手不足"}'`,
    `    curl -s ${baseUrl}/orders/$ID/reject ${as(DEMO_PROVIDER_PHONES[1])} ${json} -d '{"reason":"人手不足"}'`,
    `  4 无人可派：社区站告警，${settings.stationMinutes} 分钟无人处理升级到街道，再 ${settings.hubMinutes} 分钟到区 nobody left: an alert at the`,
    `    community station, escalated to the street hub after ${settings.stationMinutes} min and to the district after ${settings.hubMinutes} more:`,
    `    curl -s ${baseUrl}/dispatch/alerts ${as('13800000008')}`,
    '',
  ].join('\n');
}
