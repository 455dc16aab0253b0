/**
 * GET /dispatch/coverage and /dispatch/coverage.csv on the mini city (test/support/fixtures.ts), plus:
 *  - community A3 (150302001002, street A), its centre 0.045° north of provider A's base;
 *  - a MEAL-only contract of provider A for A3, valid 2026-01-01 … 2026-06-30;
 *  - a SUSPENDED provider based at A3's centre, contracted for A3 and every type (must be ignored);
 *  - elders in A3: X 0.014° north of provider A's base, Y at the centre, Z at the centre but deceased.
 *
 * Expected figures, by hand (default speed model: urban 18 km/h × 1.4, rural 35 km/h × 1.3;
 * 1° of latitude = 111.195 km; 1° of longitude at 39.69° = 111.195 × cos 39.69° = 85.55 km):
 *  - A → A1 centre (39.684, 106.820) from base (39.686, 106.821): √(0.2224² + 0.0855²) = 0.238 km,
 *    0.238 × 1.4 ÷ 18 × 60 = 1.11 → 1.1 min ≤ 15: COVERED.
 *  - A → A2 village (39.720, 106.860): √(3.7806² + 3.3354²) = 5.042 km, rural 5.042 × 1.3 ÷ 35 × 60
 *    = 11.24 → 11.2 min ≤ 30: COVERED.
 *  - B → B1 (39.441, 106.882) from (39.442, 106.883): √(0.1112² + 0.0855²) = 0.140 km → 0.7 min.
 *  - A → A3 centre (39.731, 106.821): 0.045 × 111.195 = 5.004 km → 5.004 × 1.4 ÷ 18 × 60 = 23.35
 *    → 23.4 min > 15: OUTSIDE_CIRCLE for MEAL; no contract for the nine other types: NO_PROVIDER.
 *  - elder X (39.700, 106.821): 1.557 km → 7.3 min: covered for MEAL; Y at the centre: 23.4 min, not.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { localDate } from '#lib/dispatch';
import { testCipher } from '../support/fixtures.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const A3 = '150302001002';
const A3_PATH = '/150300/150302/150302001/150302001002/';
const A3_CENTRE = { lat: 39.731, lng: 106.821 };
const DATE = '2026-05-04';
const TYPES = [
  'MEAL',
  'BATH',
  'MEDICAL',
  'CLEAN',
  'EMERGENCY',
  'MOBILITY',
  'SHOPPING',
  'RECREATION',
  'CHAT',
  'LEARNING',
];

interface Ratio {
  covered: number;
  total: number;
  share: number | null;
}
interface Cell {
  communityCode: string;
  serviceType: string;
  status: string;
  withinCircle: boolean;
  travelMinutes: number | null;
  distanceMeters: number | null;
  nearestProviderId: string | null;
  contractedProviders: number;
  elders: Ratio;
  [k: string]: unknown;
}
interface Area {
  code: string;
  level: string;
  communities: number;
  elders: number;
  cells: Ratio;
  elderServices: Ratio;
  byServiceType: { serviceType: string; cells: Ratio; elders: Ratio }[];
  gaps: { communityCode: string; serviceType: string; status: string; travelMinutes: number | null }[];
}
interface Report {
  regionCode: string;
  regionLevel: string;
  date: string;
  serviceTypes: { code: string; nameZh: string }[];
  areas: Area[];
  cells: Cell[];
}

/** The raw bytes of an answer (to see the BOM: a text decoder would hide it). */
const raw = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

describe('service-circle coverage report', () => {
  let t: TestApp;
  let tok: Record<string, string>;
  let suspendedId: string;
  const get = (who: string, path: string, query: Record<string, string> = {}) =>
    t.http().get(path).query(query).set('Authorization', `Bearer ${tok[who]}`);
  const report = async (who: string, query: Record<string, string> = {}) => {
    const res = await get(who, '/dispatch/coverage', query);
    expect([res.status, res.body.code]).toEqual([200, undefined]);
    return res.body as Report;
  };
  const cell = (r: Report, community: string, type: string) =>
    r.cells.find((c) => c.communityCode === community && c.serviceType === type)!;
  const area = (r: Report, code: string) => r.areas.find((a) => a.code === code)!;

  beforeAll(async () => {
    t = await startTestApp();
    tok = await t.tokensForAll();
    const { ds, city } = t;
    await ds.query(
      `INSERT INTO region (code, level, name, parent_code, path, lat, lng) VALUES ($1, 'COMMUNITY', '新华西社区', $2, $3, $4, $5)`,
      [A3, city.street.a, A3_PATH, A3_CENTRE.lat, A3_CENTRE.lng],
    );
    await ds.query(
      `INSERT INTO provider_contract (id, provider_id, service_types, community_codes, valid_from, valid_to)
       VALUES ($1, $2, '{MEAL}', $3, '2026-01-01', '2026-06-30')`,
      [randomUUID(), city.provider.a, [A3]],
    );
    suspendedId = randomUUID();
    await ds.query(
      `INSERT INTO provider (id, name, credit_code, district_code, base_lat, base_lng, capacity, status)
       VALUES ($1, '暂停服务的组织', '91150302MA0000003C', $2, $3, $4, 10, 'SUSPENDED')`,
      [suspendedId, city.district.a, A3_CENTRE.lat, A3_CENTRE.lng],
    );
    await ds.query(
      `INSERT INTO provider_contract (id, provider_id, service_types, community_codes, valid_from, valid_to)
       VALUES ($1, $2, $3, $4, '2020-01-01', '2099-12-31')`,
      [randomUUID(), suspendedId, TYPES, [A3]],
    );
    const cipher = testCipher();
    const elder = async (n: number, lat: number, lng: number, status = 'ACTIVE') => {
      const idNumber = `15030219400101${String(100 + n)}X`;
      await ds.query(
        `INSERT INTO elder (id, name, gender, birth_date, id_number_enc, id_number_hash, address_enc, community_code,
                            region_path, home_lat, home_lng, living_situation, status)
         VALUES ($1, $2, 'M', '1940-01-01', $3, $4, $5, $6, $7, $8, $9, 'ALONE', $10)`,
        [
          randomUUID(),
          `覆盖测试${n}`,
          cipher.encrypt(idNumber),
          cipher.blindIndex(idNumber),
          cipher.encrypt('乌海市新华西街1号'),
          A3,
          A3_PATH,
          lat,
          lng,
          status,
        ],
      );
    };
    await elder(1, 39.7, 106.821); // X: 7.3 min from provider A
    await elder(2, A3_CENTRE.lat, A3_CENTRE.lng); // Y: 23.4 min
    await elder(3, A3_CENTRE.lat, A3_CENTRE.lng, 'DECEASED'); // Z: not counted
  });
  afterAll(async () => t?.close());

  describe('the figures (computed by hand above)', () => {
    let r: Report;
    beforeAll(async () => {
      r = await report('dispatcherA', { date: DATE });
    });

    it('defaults to the caller’s own district and reports every community × service type in tree order', () => {
      expect(r).toMatchObject({ regionCode: '150302', regionLevel: 'DISTRICT', date: DATE });
      expect(r.serviceTypes.map((x) => x.code)).toEqual(TYPES);
      expect(r.serviceTypes[0]).toMatchObject({ code: 'MEAL', nameZh: '助餐' });
      expect(r.cells).toHaveLength(30);
      expect([...new Set(r.cells.map((c) => c.communityCode))]).toEqual([t.city.community.a1, A3, t.city.community.a2]);
    });

    it('covered: A1 (urban, 1.1 min) and A2 (rural village, 11.2 min of 30), each elder covered', () => {
      expect(cell(r, t.city.community.a1, 'MEAL')).toMatchObject({
        status: 'COVERED',
        withinCircle: true,
        areaType: 'URBAN',
        limitMinutes: 15,
        nearestProviderId: t.city.provider.a,
        nearestProviderName: '海勃湾区康乐居家养老服务中心',
        travelMinutes: 1.1,
        distanceMeters: 238,
        contractedProviders: 1,
        streetCode: t.city.street.a,
        districtCode: t.city.district.a,
        elders: { covered: 1, total: 1, share: 1 },
      });
      expect(cell(r, t.city.community.a2, 'BATH')).toMatchObject({
        status: 'COVERED',
        areaType: 'RURAL',
        limitMinutes: 30,
        travelMinutes: 11.2,
        distanceMeters: 5042,
        elders: { covered: 1, total: 1, share: 1 },
      });
    });

    it('gap outside the circle: A3 MEAL, 23.4 min from provider A; the suspended provider at the centre does not count', () => {
      expect(cell(r, A3, 'MEAL')).toMatchObject({
        status: 'OUTSIDE_CIRCLE',
        withinCircle: false,
        nearestProviderId: t.city.provider.a,
        travelMinutes: 23.4,
        distanceMeters: 5004,
        contractedProviders: 1,
        // X (7.3 min) covered, Y (23.4 min) not, Z deceased
        elders: { covered: 1, total: 2, share: 0.5 },
      });
      expect(JSON.stringify(r)).not.toContain(suspendedId);
    });

    it('gap without any provider: A3 BATH has null travel and no elder covered', () => {
      expect(cell(r, A3, 'BATH')).toMatchObject({
        status: 'NO_PROVIDER',
        withinCircle: false,
        nearestProviderId: null,
        nearestProviderName: null,
        travelMinutes: null,
        distanceMeters: null,
        contractedProviders: 0,
        elders: { covered: 0, total: 2, share: 0 },
      });
    });

    it('aggregates the district and its street: 20 of 30 cells, 21 of 40 elder × type pairs; gaps worst first', () => {
      expect(r.areas.map((a) => [a.code, a.level, a.communities, a.elders])).toEqual([
        ['150302', 'DISTRICT', 3, 4],
        ['150302001', 'STREET', 3, 4],
      ]);
      const district = area(r, '150302');
      expect(district.cells).toEqual({ covered: 20, total: 30, share: 0.6667 });
      // A1 1 × 10 + A2 1 × 10 + A3 MEAL 1 (X)
      expect(district.elderServices).toEqual({ covered: 21, total: 40, share: 0.525 });
      expect(district.byServiceType[0]).toEqual({
        serviceType: 'MEAL',
        cells: { covered: 2, total: 3, share: 0.6667 },
        elders: { covered: 3, total: 4, share: 0.75 },
      });
      expect(district.byServiceType[1]).toEqual({
        serviceType: 'BATH',
        cells: { covered: 2, total: 3, share: 0.6667 },
        elders: { covered: 2, total: 4, share: 0.5 },
      });
      // nine types without a provider first (catalogue order), then MEAL outside the circle
      expect(district.gaps.map((g) => `${g.serviceType}/${g.status}`)).toEqual([
        ...TYPES.slice(1).map((x) => `${x}/NO_PROVIDER`),
        'MEAL/OUTSIDE_CIRCLE',
      ]);
      expect(district.gaps.every((g) => g.communityCode === A3)).toBe(true);
      expect(area(r, '150302001').gaps).toEqual(district.gaps);
    });

    it('the date decides which contracts count: after A3’s MEAL contract ends, A3 MEAL has no provider', async () => {
      const july = await report('dispatcherA', { date: '2026-07-01', serviceType: 'MEAL' });
      expect(july.cells.map((c) => c.serviceType)).toEqual(['MEAL', 'MEAL', 'MEAL']);
      expect(cell(july, A3, 'MEAL')).toMatchObject({
        status: 'NO_PROVIDER',
        travelMinutes: null,
        elders: { covered: 0 },
      });
      expect(cell(july, t.city.community.a1, 'MEAL').status).toBe('COVERED'); // 2020 … 2099
      expect(area(july, '150302').elderServices).toEqual({ covered: 2, total: 4, share: 0.5 });
    });

    it('without a date: today in UTC+8', async () => {
      const before = localDate(new Date());
      const today = await report('dispatcherA', { serviceType: 'CHAT' });
      expect([before, localDate(new Date())]).toContain(today.date);
    });
  });

  describe('scope', () => {
    it('a district dispatcher of B sees district B, and district A answers 404 exactly like an unknown region', async () => {
      const own = await report('dispatcherB');
      expect(own.regionCode).toBe(t.city.district.b);
      expect(own.cells.map((c) => c.communityCode)).toEqual(Array(10).fill(t.city.community.b1));
      expect(cell(own, t.city.community.b1, 'MEAL')).toMatchObject({
        status: 'COVERED',
        travelMinutes: 0.7,
        distanceMeters: 140,
        nearestProviderId: t.city.provider.b,
      });
      const foreign = await get('dispatcherB', '/dispatch/coverage', { regionCode: t.city.district.a });
      const unknown = await get('dispatcherB', '/dispatch/coverage', { regionCode: '150399' });
      expect([foreign.status, foreign.body.code]).toEqual([404, 'REGION_NOT_FOUND']);
      expect({ ...foreign.body, details: undefined }).toEqual({ ...unknown.body, details: undefined });
      expect(JSON.stringify(foreign.body)).not.toContain('海勃湾');
      const csv = await get('dispatcherB', '/dispatch/coverage.csv', { regionCode: A3 });
      expect([csv.status, csv.body.code]).toEqual([404, 'REGION_NOT_FOUND']);
    });

    it('each role: its own subtree and what is under it; above or beside it is 404; non-staff roles 403', async () => {
      const { city, district, street, community } = t.city;
      const cases: [who: string, region: string, status: number][] = [
        ['stationA', community.a1, 200],
        ['stationA', street.a, 404], // above the station
        ['stationA', A3, 404], // a sibling community
        ['hubA', street.a, 200],
        ['hubA', A3, 200],
        ['hubA', district.a, 404],
        ['dispatcherA', community.a2, 200],
        ['dispatcherA', district.b, 404],
        ['dispatcherA', city, 404],
        ['auditorA', district.a, 200],
        ['auditorA', community.b1, 404],
        ['auditorCity', city, 200],
        ['auditorCity', district.b, 200],
        ['admin', city, 200],
        ['admin', community.b1, 200],
        ['providerAdminA', district.a, 403],
        ['workerA', district.a, 403],
        ['elderA', community.a1, 403],
        ['familyA', community.a1, 403],
      ];
      const got: [string, string, number][] = [];
      for (const [who, region] of cases)
        got.push([who, region, (await get(who, '/dispatch/coverage', { regionCode: region })).status]);
      expect(got).toEqual(cases);
      // defaults: each region role's own node; the platform admin's city
      const defaults: [string, string][] = [];
      for (const who of ['stationA', 'hubA', 'auditorCity', 'admin'])
        defaults.push([who, (await report(who)).regionCode]);
      expect(defaults).toEqual([
        ['stationA', community.a1],
        ['hubA', street.a],
        ['auditorCity', city],
        ['admin', city],
      ]);
      expect((await t.http().get('/dispatch/coverage')).status).toBe(401);
    });

    it('the city report aggregates city, both districts and both streets', async () => {
      const r = await report('admin', { date: DATE });
      expect(r.areas.map((a) => [a.code, a.communities, a.elders, a.cells.covered, a.cells.total])).toEqual([
        ['150300', 4, 5, 30, 40],
        ['150302', 3, 4, 20, 30],
        ['150302001', 3, 4, 20, 30],
        ['150303', 1, 1, 10, 10],
        ['150303001', 1, 1, 10, 10],
      ]);
      expect(area(r, '150303').gaps).toEqual([]);
    });
  });

  describe('CSV', () => {
    it('UTF-8 with BOM, an attachment, English column codes, Chinese names as columns, one row per community × type', async () => {
      const res = await get('dispatcherA', '/dispatch/coverage.csv', { date: DATE }).buffer(true).parse(raw);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toBe('attachment; filename="coverage-150302-2026-05-04.csv"');
      const bytes = res.body as Buffer;
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const lines = bytes.subarray(3).toString('utf8').split('\r\n');
      expect(lines.pop()).toBe(''); // ends with CRLF
      expect(lines[0]).toBe(
        'date,district_code,district_name,street_code,street_name,community_code,community_name,level,area_type,' +
          'service_type,service_type_name_zh,service_type_name_en,status,within_circle,limit_minutes,travel_minutes,' +
          'distance_m,nearest_provider_id,nearest_provider_name,contracted_providers,elders_total,elders_covered,' +
          'elders_covered_share',
      );
      expect(lines).toHaveLength(1 + 30);
      const header = lines[0].split(',');
      const rows = lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i], v])));
      expect(rows.find((x) => x.community_code === A3 && x.service_type === 'MEAL')).toEqual({
        date: DATE,
        district_code: '150302',
        district_name: '海勃湾区',
        street_code: '150302001',
        street_name: '新华街道',
        community_code: A3,
        community_name: '新华西社区',
        level: 'COMMUNITY',
        area_type: 'URBAN',
        service_type: 'MEAL',
        service_type_name_zh: '助餐',
        service_type_name_en: 'Meals',
        status: 'OUTSIDE_CIRCLE',
        within_circle: 'false',
        limit_minutes: '15',
        travel_minutes: '23.4',
        distance_m: '5004',
        nearest_provider_id: t.city.provider.a,
        nearest_provider_name: '海勃湾区康乐居家养老服务中心',
        contracted_providers: '1',
        elders_total: '2',
        elders_covered: '1',
        elders_covered_share: '0.5',
      });
      // a gap without a provider: empty cells, not "null"
      expect(rows.find((x) => x.community_code === A3 && x.service_type === 'BATH')).toMatchObject({
        status: 'NO_PROVIDER',
        travel_minutes: '',
        distance_m: '',
        nearest_provider_id: '',
        nearest_provider_name: '',
      });
    });

    it('takes the same query: one service type, another region, a date', async () => {
      const res = await get('admin', '/dispatch/coverage.csv', {
        regionCode: t.city.community.a2,
        serviceType: 'MEAL',
        date: DATE,
      })
        .buffer(true)
        .parse(raw);
      expect(res.status).toBe(200);
      expect(res.headers['content-disposition']).toBe(
        'attachment; filename="coverage-150302001201-2026-05-04-MEAL.csv"',
      );
      const lines = (res.body as Buffer).toString('utf8').split('\r\n').filter(Boolean);
      expect(lines).toHaveLength(2);
      expect(lines[1]).toContain(',150302001201,千里山村,VILLAGE,RURAL,MEAL,助餐,');
      expect(lines[1]).toContain(',COVERED,true,30,11.2,5042,');
    });
  });

  describe('bad input: 400 naming the field', () => {
    const cases: [label: string, query: Record<string, string>, field: string][] = [
      ['an unknown service type', { serviceType: 'NOPE' }, 'serviceType'],
      ['a service type in lower case', { serviceType: 'meal' }, 'serviceType'],
      ['a malformed date', { date: '04/05/2026' }, 'date'],
      ['a day that does not exist', { date: '2026-02-29' }, 'date'],
      ['a month that does not exist', { date: '2026-13-01' }, 'date'],
      ['a date with a time', { date: '2026-05-04T00:00:00Z' }, 'date'],
      ['a malformed region code', { regionCode: "x'; --" }, 'regionCode'],
      ['an unknown parameter', { region: '150302' }, 'region'],
    ];
    for (const [label, query, field] of cases)
      it(`${label} → 400 VALIDATION_FAILED naming ${field} (JSON and CSV)`, async () => {
        for (const path of ['/dispatch/coverage', '/dispatch/coverage.csv']) {
          const res = await get('dispatcherA', path, query);
          expect([path, res.status, res.body.code]).toEqual([path, 400, 'VALIDATION_FAILED']);
          expect(res.body.details.fields.map((f: { field: string }) => f.field)).toEqual([field]);
        }
      });

    it('an unknown service type lists the valid ones', async () => {
      const res = await get('dispatcherA', '/dispatch/coverage', { serviceType: 'NOPE' });
      expect(res.body.message).toBe(`serviceType: serviceType must be one of ${TYPES.join(', ')}`);
    });
  });
});
