import { randomUUID } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import type { DataSource } from 'typeorm';
import { PiiCipher, Role } from '#lib/kernel';
import { STANDARD_ITEMS, STANDARD_SERVICE_TYPES } from '#lib/catalog';

export const TEST_PASSWORD = 'Elder-Care-2026!';
/** The fixture elders' ID numbers and names (checked for in logs). */
export const FIXTURE_ID_NUMBERS = ['150302194503051222', '150303194707082422', '150302193811193324'];
export const FIXTURE_ELDER_NAMES = ['张秀英', '刘桂兰', '陈玉珍'];

/**
 * A small city with two of everything, so that every test has an in-scope and an out-of-scope object:
 * city 150300 → districts A (150302) and B (150303) → one street each → community A1/B1 (+ village A2).
 */
export interface MiniCity {
  city: string;
  district: { a: string; b: string };
  street: { a: string; b: string };
  community: { a1: string; b1: string; a2: string };
  path: Record<'city' | 'districtA' | 'districtB' | 'streetA' | 'streetB' | 'a1' | 'b1' | 'a2', string>;
  items: Record<string, string>; // item code → id
  provider: { a: string; b: string };
  worker: { a: string; a2: string; b: string };
  elder: { a: string; b: string; a2: string };
  elderPhone: { a: string; b: string; a2: string };
  familyPhone: string;
  users: Record<
    | 'elderA'
    | 'familyA'
    | 'stationA'
    | 'stationB'
    | 'hubA'
    | 'dispatcherA'
    | 'dispatcherB'
    | 'providerAdminA'
    | 'providerAdminB'
    | 'workerA'
    | 'workerA2'
    | 'workerB'
    | 'auditorCity'
    | 'auditorA'
    | 'admin',
    { id: string; phone: string; role: Role }
  >;
  /** SOS device of elder A: send as X-Device-Key */
  deviceKeyA: string;
}

export function testCipher(): PiiCipher {
  return new PiiCipher(TEST_KEYS.PII_ENCRYPTION_KEY, TEST_KEYS.PII_HASH_KEY);
}

export const TEST_KEYS = {
  PII_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  PII_HASH_KEY: Buffer.alloc(32, 9).toString('base64'),
  JWT_SECRET: Buffer.alloc(48, 5).toString('base64'),
};

let phoneCounter = 0;
function nextPhone(): string {
  phoneCounter += 1;
  return `139${String(10_000_000 + phoneCounter * 7919).slice(-8)}`;
}

export async function seedMiniCity(ds: DataSource, cipher = testCipher()): Promise<MiniCity> {
  const region = async (
    code: string,
    level: string,
    name: string,
    parent: string | null,
    path: string,
    lat: number,
    lng: number,
  ) =>
    ds.query(`INSERT INTO region (code, level, name, parent_code, path, lat, lng) VALUES ($1,$2,$3,$4,$5,$6,$7)`, [
      code,
      level,
      name,
      parent,
      path,
      lat,
      lng,
    ]);
  const path = {
    city: '/150300/',
    districtA: '/150300/150302/',
    districtB: '/150300/150303/',
    streetA: '/150300/150302/150302001/',
    streetB: '/150300/150303/150303001/',
    a1: '/150300/150302/150302001/150302001001/',
    a2: '/150300/150302/150302001/150302001201/',
    b1: '/150300/150303/150303001/150303001001/',
  };
  await region('150300', 'CITY', '乌海市', null, path.city, 39.655, 106.794);
  await region('150302', 'DISTRICT', '海勃湾区', '150300', path.districtA, 39.691, 106.822);
  await region('150303', 'DISTRICT', '海南区', '150300', path.districtB, 39.441, 106.891);
  await region('150302001', 'STREET', '新华街道', '150302', path.streetA, 39.683, 106.818);
  await region('150303001', 'STREET', '拉僧庙镇', '150303', path.streetB, 39.44, 106.88);
  await region('150302001001', 'COMMUNITY', '新华东社区', '150302001', path.a1, 39.684, 106.82);
  await region('150302001201', 'VILLAGE', '千里山村', '150302001', path.a2, 39.72, 106.86);
  await region('150303001001', 'COMMUNITY', '拉僧庙社区', '150303001', path.b1, 39.441, 106.882);

  for (const [i, t] of STANDARD_SERVICE_TYPES.entries())
    await ds.query(`INSERT INTO service_type (code, name_zh, name_en, sort_order) VALUES ($1,$2,$3,$4)`, [
      t.code,
      t.nameZh,
      t.nameEn,
      i + 1,
    ]);
  const items: Record<string, string> = {};
  for (const it of STANDARD_ITEMS) {
    items[it.code] = randomUUID();
    await ds.query(
      `INSERT INTO service_item (id, code, service_type, name_zh, name_en, unit, price_cents, min_duration_minutes, required_qualification, accept_sla_minutes, onsite_sla_minutes)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`,
      [
        items[it.code],
        it.code,
        it.serviceType,
        it.nameZh,
        it.nameEn,
        it.unit,
        it.priceCents,
        it.minDurationMinutes,
        it.requiredQualification,
        it.acceptSlaMinutes,
        it.onsiteSlaMinutes,
      ],
    );
  }

  const provider = async (
    name: string,
    credit: string,
    district: string,
    lat: number,
    lng: number,
    communities: string[],
  ) => {
    const id = randomUUID();
    await ds.query(
      `INSERT INTO provider (id, name, credit_code, district_code, base_lat, base_lng, opening_hours, capacity) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
      [
        id,
        name,
        credit,
        district,
        lat,
        lng,
        JSON.stringify(Object.fromEntries(['1', '2', '3', '4', '5', '6', '7'].map((d) => [d, ['00:00-24:00']]))),
        50,
      ],
    );
    await ds.query(
      `INSERT INTO provider_contract (id, provider_id, service_types, community_codes, valid_from, valid_to) VALUES ($1,$2,$3,$4,'2020-01-01','2099-12-31')`,
      [randomUUID(), id, STANDARD_SERVICE_TYPES.map((t) => t.code), communities],
    );
    return id;
  };
  const providerA = await provider('海勃湾区康乐居家养老服务中心', '91150302MA0000001A', '150302', 39.686, 106.821, [
    '150302001001',
    '150302001201',
  ]);
  const providerB = await provider('海南区福寿养老服务有限公司', '91150303MA0000002B', '150303', 39.442, 106.883, [
    '150303001001',
  ]);

  const worker = async (providerId: string, name: string, quals: string[]) => {
    const id = randomUUID();
    await ds.query(
      `INSERT INTO worker (id, provider_id, name, phone_enc, qualifications, shifts) VALUES ($1,$2,$3,$4,$5,'{}')`,
      [id, providerId, name, cipher.encrypt(nextPhone()), quals],
    );
    return id;
  };
  const workerA = await worker(providerA, '王护理', ['CAREGIVER', 'FIRST_AID', 'FOOD_HANDLER']);
  const workerA2 = await worker(providerA, '李阿姨', []);
  const workerB = await worker(providerB, '赵师傅', ['CAREGIVER', 'NURSE', 'FIRST_AID']);

  const elderPhone = { a: nextPhone(), b: nextPhone(), a2: nextPhone() };
  const elder = async (
    name: string,
    idNumber: string,
    phone: string,
    community: string,
    regionPath: string,
    lat: number,
    lng: number,
    cats: string[],
    level: number,
  ) => {
    const id = randomUUID();
    await ds.query(
      `INSERT INTO elder (id, name, gender, birth_date, id_number_enc, id_number_hash, phone_enc, phone_hash, address_enc, community_code, region_path, home_lat, home_lng, living_situation, categories, ability_level, health_notes_enc)
       VALUES ($1,$2,'F',$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,'ALONE',$13,$14,$15)`,
      [
        id,
        name,
        `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`,
        cipher.encrypt(idNumber),
        cipher.blindIndex(idNumber),
        cipher.encrypt(phone),
        cipher.blindIndex(phone),
        cipher.encrypt(`乌海市${name}家 3号楼2单元501`),
        community,
        regionPath,
        lat,
        lng,
        cats,
        level,
        cipher.encrypt('高血压，服用降压药'),
      ],
    );
    return id;
  };
  const elderA = await elder(
    FIXTURE_ELDER_NAMES[0],
    FIXTURE_ID_NUMBERS[0],
    elderPhone.a,
    '150302001001',
    path.a1,
    39.6845,
    106.8205,
    ['MINIMUM_LIVING', 'ADVANCED_AGE'],
    2,
  );
  const elderB = await elder(
    FIXTURE_ELDER_NAMES[1],
    FIXTURE_ID_NUMBERS[1],
    elderPhone.b,
    '150303001001',
    path.b1,
    39.4412,
    106.8825,
    ['EXTREME_POVERTY'],
    3,
  );
  const elderA2 = await elder(
    FIXTURE_ELDER_NAMES[2],
    FIXTURE_ID_NUMBERS[2],
    elderPhone.a2,
    '150302001201',
    path.a2,
    39.7201,
    106.8602,
    [],
    0,
  );

  const passwordHash = await hash(TEST_PASSWORD);
  const user = async (
    role: Role,
    extra: {
      region?: [string, string];
      providerId?: string;
      workerId?: string;
      elderId?: string;
      password?: boolean;
    } = {},
  ) => {
    const id = randomUUID();
    const phone = nextPhone();
    await ds.query(
      `INSERT INTO app_user (id, display_name, phone_enc, phone_hash, password_hash, role, region_code, region_path, provider_id, worker_id, elder_id)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`,
      [
        id,
        `${role.toLowerCase()}-${id.slice(0, 4)}`,
        cipher.encrypt(phone),
        cipher.blindIndex(phone),
        extra.password === false ? null : passwordHash,
        role,
        extra.region?.[0] ?? null,
        extra.region?.[1] ?? null,
        extra.providerId ?? null,
        extra.workerId ?? null,
        extra.elderId ?? null,
      ],
    );
    return { id, phone, role };
  };
  // the elder account signs in with the elder's own phone
  const elderUserId = randomUUID();
  await ds.query(
    `INSERT INTO app_user (id, display_name, phone_enc, phone_hash, password_hash, role, elder_id) VALUES ($1,'张秀英',$2,$3,$4,'ELDER',$5)`,
    [elderUserId, cipher.encrypt(elderPhone.a), cipher.blindIndex(elderPhone.a), passwordHash, elderA],
  );
  const familyA = await user(Role.FAMILY);
  await ds.query(`INSERT INTO user_elder_link (id, user_id, elder_id, relation) VALUES ($1,$2,$3,'子女')`, [
    randomUUID(),
    familyA.id,
    elderA,
  ]);

  const deviceId = randomUUID();
  const deviceSecret = 'sos-secret-of-elder-a-0123456789';
  const { createHash } = await import('node:crypto');
  await ds.query(`INSERT INTO sos_device (id, elder_id, serial_number, key_hash) VALUES ($1,$2,'WATCH-0001',$3)`, [
    deviceId,
    elderA,
    createHash('sha256').update(deviceSecret).digest(),
  ]);

  return {
    city: '150300',
    district: { a: '150302', b: '150303' },
    street: { a: '150302001', b: '150303001' },
    community: { a1: '150302001001', b1: '150303001001', a2: '150302001201' },
    path,
    items,
    provider: { a: providerA, b: providerB },
    worker: { a: workerA, a2: workerA2, b: workerB },
    elder: { a: elderA, b: elderB, a2: elderA2 },
    elderPhone,
    familyPhone: familyA.phone,
    users: {
      elderA: { id: elderUserId, phone: elderPhone.a, role: Role.ELDER },
      familyA,
      stationA: await user(Role.STATION_STAFF, { region: ['150302001001', path.a1] }),
      stationB: await user(Role.STATION_STAFF, { region: ['150303001001', path.b1] }),
      hubA: await user(Role.HUB_STAFF, { region: ['150302001', path.streetA] }),
      dispatcherA: await user(Role.DISTRICT_DISPATCHER, { region: ['150302', path.districtA] }),
      dispatcherB: await user(Role.DISTRICT_DISPATCHER, { region: ['150303', path.districtB] }),
      providerAdminA: await user(Role.PROVIDER_ADMIN, { providerId: providerA }),
      providerAdminB: await user(Role.PROVIDER_ADMIN, { providerId: providerB }),
      workerA: await user(Role.WORKER, { providerId: providerA, workerId: workerA }),
      workerA2: await user(Role.WORKER, { providerId: providerA, workerId: workerA2 }),
      workerB: await user(Role.WORKER, { providerId: providerB, workerId: workerB }),
      auditorCity: await user(Role.AUDITOR, { region: ['150300', path.city] }),
      auditorA: await user(Role.AUDITOR, { region: ['150302', path.districtA] }),
      admin: await user(Role.PLATFORM_ADMIN, { region: ['150300', path.city] }),
    },
    deviceKeyA: `${deviceId}.${deviceSecret}`,
  };
}
