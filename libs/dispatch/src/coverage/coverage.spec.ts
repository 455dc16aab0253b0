import { describe, expect, it } from '@jest/globals';
import type { GeoPoint } from '#lib/kernel';
import { dispatchConfig } from '../config.js';
import { StraightLineTravelTime, type AreaType, type TravelTimeModel } from '../travel-time.js';
import { ORIGIN, offset } from '../testing/fixtures.js';
import {
  serviceCircleCoverage,
  type CoverageElder,
  type CoverageInput,
  type CoverageProvider,
  type CoverageRegion,
} from './coverage.js';

/**
 * Travel minutes = |Δlat| + |Δlng| of the two points, whatever the area type: a point's coordinates
 * are its minutes from the origin, so 15.0 is exactly 15.0 and every boundary is visible in the test.
 */
const calls: AreaType[] = [];
const GRID: TravelTimeModel = {
  minutes(a: GeoPoint, b: GeoPoint, areaType: AreaType) {
    calls.push(areaType);
    return Math.abs(a.lat - b.lat) + Math.abs(a.lng - b.lng);
  },
};
const config = dispatchConfig(); // URBAN 15, RURAL 30
const DATE = '2026-05-04';

const CITY = '/1/';
const region = (
  code: string,
  level: string,
  parentPath: string,
  at: GeoPoint = { lat: 0, lng: 0 },
  name = `R${code}`,
): CoverageRegion => ({
  code,
  level,
  name,
  parentCode: parentPath === '' ? null : parentPath.split('/').filter(Boolean).pop()!,
  path: `${parentPath || '/'}${code}/`.replace('//', '/'),
  ...at,
});

/** City 1 → district 11 → street 111 → communities/villages given; district 12 → street 121 → community 1211. */
function tree(communities: CoverageRegion[]): CoverageRegion[] {
  return [
    region('1', 'CITY', ''),
    region('11', 'DISTRICT', CITY),
    region('111', 'STREET', '/1/11/'),
    region('12', 'DISTRICT', CITY),
    region('121', 'STREET', '/1/12/'),
    ...communities,
  ];
}
const community = (code: string, lng: number, level = 'COMMUNITY', street = '/1/11/111/') =>
  region(code, level, street, { lat: 0, lng });

const ALL_YEAR = { validFrom: '2026-01-01', validTo: '2026-12-31' };
function provider(id: string, base: GeoPoint, communities: string[], over: Partial<CoverageProvider> = {}) {
  return {
    id,
    name: `provider ${id}`,
    status: 'ACTIVE',
    base,
    contracts: [{ serviceTypes: ['MEAL', 'BATH'], communityCodes: communities, ...ALL_YEAR }],
    ...over,
  } satisfies CoverageProvider;
}
const elder = (communityCode: string, lng: number, lat = 0, status = 'ACTIVE'): CoverageElder => ({
  communityCode,
  home: { lat, lng },
  status,
});
const MEAL = { code: 'MEAL', nameZh: '助餐', nameEn: 'Meal assistance' };
const BATH = { code: 'BATH', nameZh: '助浴', nameEn: 'Bathing assistance' };

function input(over: Partial<CoverageInput>): CoverageInput {
  return { rootCode: '1', regions: tree([]), serviceTypes: [MEAL], providers: [], elders: [], date: DATE, ...over };
}
const run = (over: Partial<CoverageInput>, travel: TravelTimeModel = GRID) =>
  serviceCircleCoverage(input(over), config, travel);
const cell = (r: ReturnType<typeof run>, code: string, type = 'MEAL') =>
  r.cells.find((c) => c.communityCode === code && c.serviceType === type)!;
const area = (r: ReturnType<typeof run>, code: string) => r.areas.find((a) => a.code === code)!;

describe('service-circle coverage: the circle boundary', () => {
  const origin = { lat: 0, lng: 0 };

  it('urban: exactly 15.0 minutes is inside, 15.1 is outside', () => {
    const r = run({
      regions: tree([community('1111', 15), community('1112', 15.1)]),
      providers: [provider('p', origin, ['1111', '1112'])],
    });
    expect(cell(r, '1111')).toMatchObject({
      status: 'COVERED',
      withinCircle: true,
      travelMinutes: 15,
      limitMinutes: 15,
      areaType: 'URBAN',
      nearestProviderId: 'p',
      nearestProviderName: 'provider p',
      contractedProviders: 1,
    });
    expect(cell(r, '1112')).toMatchObject({ status: 'OUTSIDE_CIRCLE', withinCircle: false, travelMinutes: 15.1 });
  });

  it('rounds like the dispatch rule (0.1 min): 15.04 counts as 15.0 (inside), 15.06 as 15.1 (outside)', () => {
    const r = run({
      regions: tree([community('1111', 15.04), community('1112', 15.06)]),
      providers: [provider('p', origin, ['1111', '1112'])],
    });
    expect([cell(r, '1111').travelMinutes, cell(r, '1111').status]).toEqual([15, 'COVERED']);
    expect([cell(r, '1112').travelMinutes, cell(r, '1112').status]).toEqual([15.1, 'OUTSIDE_CIRCLE']);
  });

  it('rural villages have a 30-minute circle: 30.0 inside, 30.1 outside, 20 inside (outside for a community)', () => {
    calls.length = 0;
    const r = run({
      regions: tree([
        community('1111', 30, 'VILLAGE'),
        community('1112', 30.1, 'VILLAGE'),
        community('1113', 20, 'VILLAGE'),
        community('1114', 20),
      ]),
      providers: [provider('p', origin, ['1111', '1112', '1113', '1114'])],
    });
    expect(cell(r, '1111')).toMatchObject({
      status: 'COVERED',
      areaType: 'RURAL',
      limitMinutes: 30,
      travelMinutes: 30,
    });
    expect(cell(r, '1112')).toMatchObject({ status: 'OUTSIDE_CIRCLE', travelMinutes: 30.1 });
    expect(cell(r, '1113').status).toBe('COVERED');
    expect(cell(r, '1114')).toMatchObject({ status: 'OUTSIDE_CIRCLE', areaType: 'URBAN', limitMinutes: 15 });
    // the travel model is asked with the area type (rural speeds for villages)
    expect(new Set(calls)).toEqual(new Set(['RURAL', 'URBAN']));
  });

  it('with the default straight-line model: ~3.2 km is the urban circle (14.9 min in, 3.25 km = 15.2 min out)', () => {
    const base = ORIGIN;
    const at = (km: number) => offset(ORIGIN, km);
    const regions = tree([
      region('1111', 'COMMUNITY', '/1/11/111/', at(3.2)),
      region('1112', 'COMMUNITY', '/1/11/111/', at(3.25)),
      region('1113', 'VILLAGE', '/1/11/111/', at(13.4)),
      region('1114', 'VILLAGE', '/1/11/111/', at(13.6)),
    ]);
    const r = run(
      { regions, providers: [provider('p', base, ['1111', '1112', '1113', '1114'])] },
      new StraightLineTravelTime(config.speedModel),
    );
    expect([cell(r, '1111').travelMinutes, cell(r, '1111').status]).toEqual([14.9, 'COVERED']);
    expect([cell(r, '1112').travelMinutes, cell(r, '1112').status]).toEqual([15.2, 'OUTSIDE_CIRCLE']);
    expect([cell(r, '1113').travelMinutes, cell(r, '1113').status]).toEqual([29.9, 'COVERED']);
    expect([cell(r, '1114').travelMinutes, cell(r, '1114').status]).toEqual([30.3, 'OUTSIDE_CIRCLE']);
    expect(cell(r, '1111').distanceMeters).toBe(3200);
  });
});

describe('service-circle coverage: which providers count', () => {
  const near = { lat: 0, lng: 1 };
  const far = { lat: 0, lng: 10 };

  it('a community without any contract is a gap with null travel, provider and distance', () => {
    const r = run({ regions: tree([community('1111', 0)]), elders: [elder('1111', 0)] });
    expect(cell(r, '1111')).toMatchObject({
      status: 'NO_PROVIDER',
      withinCircle: false,
      contractedProviders: 0,
      nearestProviderId: null,
      nearestProviderName: null,
      travelMinutes: null,
      distanceMeters: null,
      elders: { covered: 0, total: 1, share: 0 },
    });
    expect(area(r, '1').gaps).toEqual([
      {
        communityCode: '1111',
        communityName: 'R1111',
        serviceType: 'MEAL',
        status: 'NO_PROVIDER',
        limitMinutes: 15,
        travelMinutes: null,
        nearestProviderId: null,
        eldersUncovered: 1,
        eldersTotal: 1,
      },
    ]);
  });

  it('an expired or not-yet-valid contract is ignored; the first and the last day count', () => {
    const on = (validFrom: string, validTo: string, code: string) =>
      provider(`p${code}`, near, [code], {
        contracts: [{ serviceTypes: ['MEAL'], communityCodes: [code], validFrom, validTo }],
      });
    const r = run({
      regions: tree([community('1111', 0), community('1112', 0), community('1113', 0), community('1114', 0)]),
      providers: [
        on('2025-01-01', '2026-05-03', '1111'), // expired the day before
        on('2026-05-05', '2026-12-31', '1112'), // starts the day after
        on('2026-05-04', '2026-05-04', '1113'), // one day: the date itself
        on('2026-01-01', '2026-05-04', '1114'), // ends on the date
      ],
    });
    expect(['1111', '1112', '1113', '1114'].map((c) => cell(r, c).status)).toEqual([
      'NO_PROVIDER',
      'NO_PROVIDER',
      'COVERED',
      'COVERED',
    ]);
  });

  it('a suspended provider is ignored, even when nearer: the nearest active one is reported', () => {
    const r = run({
      regions: tree([community('1111', 0), community('1112', 0)]),
      providers: [
        provider('a-suspended', { lat: 0, lng: 0.5 }, ['1111', '1112'], { status: 'SUSPENDED' }),
        provider('b', far, ['1111']),
      ],
      elders: [elder('1111', 0.5)],
    });
    expect(cell(r, '1111')).toMatchObject({
      nearestProviderId: 'b',
      travelMinutes: 10,
      contractedProviders: 1,
      elders: { covered: 1, total: 1, share: 1 },
    });
    expect(cell(r, '1112').status).toBe('NO_PROVIDER');
  });

  it('a contract for another service type or another community does not count', () => {
    const r = run({
      regions: tree([community('1111', 0), community('1112', 0)]),
      serviceTypes: [MEAL, BATH],
      providers: [
        provider('p', near, ['1111'], {
          contracts: [{ serviceTypes: ['BATH'], communityCodes: ['1111'], ...ALL_YEAR }],
        }),
      ],
    });
    expect([cell(r, '1111', 'MEAL').status, cell(r, '1111', 'BATH').status]).toEqual(['NO_PROVIDER', 'COVERED']);
    expect([cell(r, '1112', 'MEAL').status, cell(r, '1112', 'BATH').status]).toEqual(['NO_PROVIDER', 'NO_PROVIDER']);
  });

  it('the nearest of several contracted providers; equal travel: the smaller id', () => {
    const r = run({
      regions: tree([community('1111', 0), community('1112', 0)]),
      providers: [
        provider('z', far, ['1111', '1112']),
        provider('m', near, ['1111']),
        provider('c', { lat: 1, lng: 0 }, ['1112']),
        provider('d', { lat: 0, lng: -1 }, ['1112']),
      ],
    });
    expect(cell(r, '1111')).toMatchObject({ nearestProviderId: 'm', travelMinutes: 1, contractedProviders: 2 });
    expect(cell(r, '1112')).toMatchObject({ nearestProviderId: 'c', travelMinutes: 1, contractedProviders: 3 });
  });
});

describe('service-circle coverage: elders', () => {
  it('an elder is covered when any contracted active provider reaches the home within the circle (not only the nearest to the centre)', () => {
    // centre at 0; provider a is nearest to the centre (14 min) but the homes are east, provider b is west
    const r = run({
      regions: tree([community('1111', 0)]),
      providers: [provider('a', { lat: 0, lng: -14 }, ['1111']), provider('b', { lat: 0, lng: 15.5 }, ['1111'])],
      elders: [
        elder('1111', 1), // a: 15 (in)
        elder('1111', 2), // a: 16, b: 13.5 (in by b)
        elder('1111', -29.5), // a: 15.5, b: 45 (out)
        elder('1111', 3, 0, 'DECEASED'), // not counted
        elder('1111', 3, 0, 'MOVED_AWAY'), // not counted
      ],
    });
    expect(cell(r, '1111')).toMatchObject({
      status: 'COVERED',
      nearestProviderId: 'a',
      travelMinutes: 14,
      elders: { covered: 2, total: 3, share: 0.6667 },
    });
  });

  it('a community centre outside the circle can still have covered elders (and the gap says how many are not)', () => {
    const r = run({
      regions: tree([community('1111', 20)]),
      providers: [provider('p', { lat: 0, lng: 0 }, ['1111'])],
      elders: [elder('1111', 14), elder('1111', 20), elder('1111', 22), elder('1111', 15)],
    });
    expect(cell(r, '1111')).toMatchObject({
      status: 'OUTSIDE_CIRCLE',
      travelMinutes: 20,
      elders: { covered: 2, total: 4, share: 0.5 },
    });
    expect(area(r, '111').gaps[0]).toMatchObject({ eldersUncovered: 2, eldersTotal: 4, travelMinutes: 20 });
  });

  it('a community without elders: 0 of 0, share null; it still counts as a community and a cell', () => {
    const r = run({ regions: tree([community('1111', 1)]), providers: [provider('p', { lat: 0, lng: 0 }, ['1111'])] });
    expect(cell(r, '1111')).toMatchObject({ status: 'COVERED', elders: { covered: 0, total: 0, share: null } });
    expect(area(r, '111')).toMatchObject({
      communities: 1,
      elders: 0,
      cells: { covered: 1, total: 1, share: 1 },
      elderServices: { covered: 0, total: 0, share: null },
    });
  });

  it('elders of communities outside the report region are not counted', () => {
    const r = run({
      rootCode: '11',
      regions: tree([community('1111', 0), community('1211', 0, 'COMMUNITY', '/1/12/121/')]),
      providers: [provider('p', { lat: 0, lng: 0 }, ['1111', '1211'])],
      elders: [elder('1111', 0), elder('1211', 0), elder('1211', 0)],
    });
    expect(r.cells.map((c) => c.communityCode)).toEqual(['1111']);
    expect(area(r, '11').elders).toBe(1);
  });
});

describe('service-circle coverage: aggregates per street, district and city', () => {
  // district 11: street 111 with 1111 (covered, 2 elders) and 1112 (outside, 20 min, 1 elder of 2 covered),
  //              street 112 with 1121 (no contract, 1 elder)
  // district 12: street 121 with 1211 (village, covered, no elders)
  const regions = [
    ...tree([
      community('1111', 1),
      community('1112', 20),
      community('1211', 25, 'VILLAGE', '/1/12/121/'),
      community('1121', 0, 'COMMUNITY', '/1/11/112/'),
    ]),
    region('112', 'STREET', '/1/11/'),
  ];
  const providers = [provider('p', { lat: 0, lng: 0 }, ['1111', '1112', '1211'])];
  const elders = [
    elder('1111', 1),
    elder('1111', 2),
    elder('1112', 10),
    elder('1112', 20),
    elder('1121', 0),
    elder('9999', 0), // a community the tree does not know: ignored
  ];
  const r = run({ regions, providers, elders, serviceTypes: [MEAL, BATH] });

  it('lists the root, then every district and street in tree order, with their totals', () => {
    expect(r.areas.map((a) => [a.code, a.level, a.communities, a.elders])).toEqual([
      ['1', 'CITY', 4, 5],
      ['11', 'DISTRICT', 3, 5],
      ['111', 'STREET', 2, 4],
      ['112', 'STREET', 1, 1],
      ['12', 'DISTRICT', 1, 0],
      ['121', 'STREET', 1, 0],
    ]);
    expect(r).toMatchObject({ regionCode: '1', regionLevel: 'CITY', date: DATE });
    expect(r.serviceCircleMinutes).toEqual({ URBAN: 15, RURAL: 30 });
  });

  it('counts cells within the circle and elders covered, overall and per service type', () => {
    // cells: 1111 ×2 and 1211 ×2 within; 1112 ×2 outside; 1121 ×2 without provider → 4 of 8
    expect(area(r, '1').cells).toEqual({ covered: 4, total: 8, share: 0.5 });
    // elder × type: 1111 2 elders ×2, 1112 1 elder ×2 → 6 of 5 × 2 = 10
    expect(area(r, '1').elderServices).toEqual({ covered: 6, total: 10, share: 0.6 });
    expect(area(r, '1').byServiceType).toEqual([
      {
        serviceType: 'MEAL',
        cells: { covered: 2, total: 4, share: 0.5 },
        elders: { covered: 3, total: 5, share: 0.6 },
      },
      {
        serviceType: 'BATH',
        cells: { covered: 2, total: 4, share: 0.5 },
        elders: { covered: 3, total: 5, share: 0.6 },
      },
    ]);
    expect(area(r, '111').cells).toEqual({ covered: 2, total: 4, share: 0.5 });
    expect(area(r, '111').elderServices).toEqual({ covered: 6, total: 8, share: 0.75 });
    expect(area(r, '112').cells).toEqual({ covered: 0, total: 2, share: 0 });
    expect(area(r, '12').cells).toEqual({ covered: 2, total: 2, share: 1 });
  });

  it('lists the gaps of each area worst first: no provider, then the larger overshoot', () => {
    const gaps = (code: string) => area(r, code).gaps.map((g) => `${g.communityCode}/${g.serviceType}/${g.status}`);
    expect(gaps('1')).toEqual([
      '1121/MEAL/NO_PROVIDER',
      '1121/BATH/NO_PROVIDER',
      '1112/MEAL/OUTSIDE_CIRCLE',
      '1112/BATH/OUTSIDE_CIRCLE',
    ]);
    expect(gaps('111')).toEqual(['1112/MEAL/OUTSIDE_CIRCLE', '1112/BATH/OUTSIDE_CIRCLE']);
    expect(gaps('12')).toEqual([]);
  });

  it('orders outside-circle gaps by overshoot (travel ÷ limit), then by elders left uncovered', () => {
    const r2 = run({
      regions: tree([
        community('1111', 20), // 20/15 = 1.33
        community('1112', 45, 'VILLAGE'), // 45/30 = 1.5
        community('1113', 16), // 16/15 = 1.07, 0 uncovered
        community('1114', 16), // 16/15 = 1.07, 1 uncovered
      ]),
      providers: [provider('p', { lat: 0, lng: 0 }, ['1111', '1112', '1113', '1114'])],
      elders: [elder('1114', 16)],
    });
    expect(area(r2, '1').gaps.map((g) => g.communityCode)).toEqual(['1112', '1111', '1114', '1113']);
  });

  it('a cell row per community × type in tree order, with its street and district', () => {
    expect(r.cells.map((c) => `${c.communityCode}/${c.serviceType}`)).toEqual([
      '1111/MEAL',
      '1111/BATH',
      '1112/MEAL',
      '1112/BATH',
      '1121/MEAL',
      '1121/BATH',
      '1211/MEAL',
      '1211/BATH',
    ]);
    expect(cell(r, '1211')).toMatchObject({ streetCode: '121', districtCode: '12', level: 'VILLAGE' });
  });

  it('a community as the root: one area (itself); street and district codes from the ancestors given', () => {
    const one = run({ rootCode: '1112', regions, providers, elders });
    expect(one.areas.map((a) => [a.code, a.level, a.communities, a.elders])).toEqual([['1112', 'COMMUNITY', 1, 2]]);
    expect(one.cells).toHaveLength(1);
    expect(one.cells[0]).toMatchObject({ streetCode: '111', districtCode: '11', elders: { covered: 1, total: 2 } });
    const alone = run({ rootCode: '1112', regions: regions.filter((x) => x.code === '1112'), providers, elders });
    expect(alone.cells[0]).toMatchObject({ streetCode: null, districtCode: null });
  });

  it('refuses a root that is not in the input', () => {
    expect(() => run({ rootCode: '404', regions })).toThrow(/region 404 is not in the input/);
  });
});

describe('service-circle coverage: size', () => {
  // A correctness check at the size of the seed city; the time is printed with COVERAGE_TIMING=1 (speed
  // targets are measured against the real database, see the README's "Coverage report").
  it('100,000 elders over 100 communities and 10 types: every cell and elder accounted for', () => {
    const types = Array.from({ length: 10 }, (_, i) => ({ code: `T${i}`, nameZh: `类${i}`, nameEn: `Type ${i}` }));
    const communities = Array.from({ length: 100 }, (_, i) =>
      region(`1${String(i).padStart(3, '0')}`, 'COMMUNITY', '/1/11/111/', offset(ORIGIN, (i % 10) * 0.8, i / 10)),
    );
    const providers = Array.from({ length: 40 }, (_, i) => ({
      ...provider(`p${i}`, offset(ORIGIN, (i % 8) * 1.1, (i / 8) * 2), []),
      contracts: [
        {
          serviceTypes: types.filter((_, t) => (t + i) % 3 !== 0).map((t) => t.code),
          communityCodes: communities.filter((_, c) => c % 7 === i % 7 || c % 5 === i % 5).map((c) => c.code),
          ...ALL_YEAR,
        },
      ],
    }));
    const elders = Array.from({ length: 100_000 }, (_, i) => {
      const c = communities[i % 100];
      return {
        communityCode: c.code,
        home: offset(c, ((i * 7) % 13) / 10 - 0.6, ((i * 11) % 17) / 10 - 0.8),
        status: 'ACTIVE',
      };
    });
    const started = performance.now();
    const r = run({ regions: tree(communities), serviceTypes: types, providers, elders }, new StraightLineTravelTime());
    if (process.env.COVERAGE_TIMING)
      console.log(`coverage of 100,000 elders: ${Math.round(performance.now() - started)} ms`);
    expect(r.cells).toHaveLength(1000);
    expect(area(r, '1').elders).toBe(100_000);
    const pairs = area(r, '1').byServiceType.reduce((s, t) => s + t.elders.total, 0);
    expect(pairs).toBe(1_000_000);
    expect(area(r, '1').elderServices.covered).toBeGreaterThan(0);
    expect(area(r, '1').elderServices.covered).toBeLessThan(1_000_000);
  });
});
