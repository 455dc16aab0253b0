import { distanceMeters, type GeoPoint } from '#lib/kernel';
import { contractCovers, roundMinutes } from '../candidates.js';
import type { DispatchConfig } from '../config.js';
import { areaTypeOfLevel, type AreaType, type TravelTimeModel } from '../travel-time.js';
import type { ContractSnapshot } from '../types.js';

/**
 * The service-circle coverage report (the bureau's "15-minute circle in the city, 30 minutes in rural
 * areas"): for every community/village × service type, the nearest contracted active provider and its
 * travel time to the community's centre, and the share of the community's active elders that some
 * contracted active provider reaches within the circle from its base; aggregated per street, district
 * and city with the gaps, worst first. Pure: the caller loads the rows (three queries) and passes them in.
 *
 * The circle test is the dispatch engine's own (`ruleServiceCircle`): travel minutes rounded to 0.1,
 * then `≤ limit` — so 15.04 min is inside (shown as 15.0) and 15.05 min outside (15.1), and an elder the
 * report counts as covered is one the dispatcher would find a provider within the circle for.
 */

export type CoverageStatus = 'COVERED' | 'OUTSIDE_CIRCLE' | 'NO_PROVIDER';
export const COVERAGE_STATUSES: readonly CoverageStatus[] = ['COVERED', 'OUTSIDE_CIRCLE', 'NO_PROVIDER'];

export interface CoverageRegion {
  code: string;
  /** CITY | DISTRICT | STREET | COMMUNITY | VILLAGE */
  level: string;
  name: string;
  parentCode: string | null;
  /** Materialised path, e.g. "/150300/150302/150302001/150302001001/". */
  path: string;
  lat: number;
  lng: number;
}

export interface CoverageServiceType {
  code: string;
  nameZh: string;
  nameEn: string;
}

export interface CoverageProvider {
  id: string;
  name: string;
  /** Only ACTIVE providers count. */
  status: string;
  base: GeoPoint;
  contracts: readonly ContractSnapshot[];
}

export interface CoverageElder {
  communityCode: string;
  home: GeoPoint;
  /** Only ACTIVE elders count (not DECEASED, MOVED_AWAY). */
  status: string;
}

export interface CoverageInput {
  /** The region the report is about: a city, district, street, community or village. */
  rootCode: string;
  /** The root and every region under it; other regions (e.g. the root's ancestors) are ignored. */
  regions: readonly CoverageRegion[];
  /** The service types to report, in display order. */
  serviceTypes: readonly CoverageServiceType[];
  providers: readonly CoverageProvider[];
  elders: readonly CoverageElder[];
  /** Local (UTC+8) date "YYYY-MM-DD" on which contracts must be valid (both ends inclusive). */
  date: string;
}

/** `covered` of `total`; `share` = covered ÷ total (4 decimals), null when there is nothing to cover. */
export interface CoverageRatio {
  covered: number;
  total: number;
  share: number | null;
}

/** One community or village × one service type. */
export interface CoverageCell {
  communityCode: string;
  communityName: string;
  /** COMMUNITY (urban) or VILLAGE (rural). */
  level: string;
  areaType: AreaType;
  /** The street/town and district above the community (null when the tree has no such level). */
  streetCode: string | null;
  districtCode: string | null;
  serviceType: string;
  /** The service circle of the area type, minutes. */
  limitMinutes: number;
  status: CoverageStatus;
  /** The nearest provider's travel to the community centre is within the circle. */
  withinCircle: boolean;
  /** Active providers with a contract for this community and type valid on the date. */
  contractedProviders: number;
  nearestProviderId: string | null;
  nearestProviderName: string | null;
  /** From the nearest provider's base to the community centre, 0.1 min; null without a provider. */
  travelMinutes: number | null;
  distanceMeters: number | null;
  /** Active elders of the community whose home some contracted active provider reaches within the circle. */
  elders: CoverageRatio;
}

/** A community × type outside the circle or without any provider. */
export interface CoverageGap {
  communityCode: string;
  communityName: string;
  serviceType: string;
  status: Exclude<CoverageStatus, 'COVERED'>;
  limitMinutes: number;
  travelMinutes: number | null;
  nearestProviderId: string | null;
  eldersUncovered: number;
  eldersTotal: number;
}

export interface ServiceTypeCoverage {
  serviceType: string;
  /** Communities whose nearest provider for this type is within the circle, of all communities. */
  cells: CoverageRatio;
  /** Active elders covered for this type, of all active elders. */
  elders: CoverageRatio;
}

/** The aggregate of a city, district or street (or of the root, whatever its level). */
export interface CoverageArea {
  code: string;
  level: string;
  name: string;
  /** Communities and villages in the area. */
  communities: number;
  /** Active elders in the area. */
  elders: number;
  /** Community × type cells within the circle, of all cells. */
  cells: CoverageRatio;
  /** Active elder × type pairs covered, of all pairs (= elders with one service type). */
  elderServices: CoverageRatio;
  byServiceType: ServiceTypeCoverage[];
  /** Cells outside the circle or without a provider, worst first (see `compareGaps`). */
  gaps: CoverageGap[];
}

export interface CoverageReport {
  regionCode: string;
  regionName: string;
  regionLevel: string;
  date: string;
  serviceTypes: CoverageServiceType[];
  serviceCircleMinutes: Record<AreaType, number>;
  /** The root first, then every street, district and city under it in tree order. */
  areas: CoverageArea[];
  /** Every community/village × service type, in tree order, then service-type order. */
  cells: CoverageCell[];
}

const COMMUNITY_LEVELS = new Set(['COMMUNITY', 'VILLAGE']);
const AREA_LEVELS = new Set(['CITY', 'DISTRICT', 'STREET']);

export function ratio(covered: number, total: number): CoverageRatio {
  return { covered, total, share: total > 0 ? Math.round((covered / total) * 10_000) / 10_000 : null };
}

/**
 * Worst first: no provider at all before outside the circle; then the larger overshoot
 * (travel ÷ limit); then more elders left uncovered; then community code and service-type order.
 */
export function compareGaps(a: CoverageGap, b: CoverageGap, typeOrder: ReadonlyMap<string, number>): number {
  const severity = (g: CoverageGap) => (g.status === 'NO_PROVIDER' ? 0 : 1);
  const overshoot = (g: CoverageGap) => (g.travelMinutes === null ? Infinity : g.travelMinutes / g.limitMinutes);
  return (
    severity(a) - severity(b) ||
    (overshoot(b) === overshoot(a) ? 0 : overshoot(b) > overshoot(a) ? 1 : -1) ||
    b.eldersUncovered - a.eldersUncovered ||
    (a.communityCode < b.communityCode ? -1 : a.communityCode > b.communityCode ? 1 : 0) ||
    (typeOrder.get(a.serviceType) ?? 0) - (typeOrder.get(b.serviceType) ?? 0)
  );
}

interface Tally {
  cellsWithin: number[];
  eldersCovered: number[];
  communities: number;
  elders: number;
  gaps: CoverageGap[];
}

/** The coverage report of `input.rootCode` on `input.date`. */
export function serviceCircleCoverage(
  input: CoverageInput,
  config: Pick<DispatchConfig, 'serviceCircleMinutes'>,
  travel: TravelTimeModel,
): CoverageReport {
  const root = input.regions.find((r) => r.code === input.rootCode);
  if (!root) throw new RangeError(`region ${input.rootCode} is not in the input`);
  const regions = input.regions
    .filter((r) => r.path.startsWith(root.path))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const types = input.serviceTypes;
  const typeOrder = new Map(types.map((t, i) => [t.code, i]));
  const providers = input.providers
    .filter((p) => p.status === 'ACTIVE')
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const eldersOf = new Map<string, GeoPoint[]>();
  for (const e of input.elders) {
    if (e.status !== 'ACTIVE') continue;
    const homes = eldersOf.get(e.communityCode);
    if (homes) homes.push(e.home);
    else eldersOf.set(e.communityCode, [e.home]);
  }

  // the areas: the root, and every city/district/street under it
  const areaRegions = regions.filter((r) => r === root || AREA_LEVELS.has(r.level));
  const tallies = new Map<string, Tally>(
    areaRegions.map((r) => [
      r.code,
      { cellsWithin: types.map(() => 0), eldersCovered: types.map(() => 0), communities: 0, elders: 0, gaps: [] },
    ]),
  );
  const ancestorsInReport = (r: CoverageRegion): Tally[] =>
    r.path.split('/').flatMap((code) => (tallies.has(code) ? [tallies.get(code)!] : []));
  // the street and district of a community, also when they lie above the root (when the input has them)
  const anyRegion = new Map(input.regions.map((r) => [r.code, r]));
  const levelCode = (r: CoverageRegion, level: string): string | null =>
    r.path.split('/').find((code) => anyRegion.get(code)?.level === level) ?? null;

  const cells: CoverageCell[] = [];
  for (const community of regions) {
    if (!COMMUNITY_LEVELS.has(community.level)) continue;
    const areaType = areaTypeOfLevel(community.level);
    const limit = config.serviceCircleMinutes[areaType];
    const centre = { lat: community.lat, lng: community.lng };
    const homes = eldersOf.get(community.code) ?? [];

    // providers contracted here for each type, and each provider's types (indices)
    const eligible = types.map((t) =>
      providers.filter((p) => p.contracts.some((c) => contractCovers(c, t.code, community.code, input.date))),
    );
    const involved = [...new Set(eligible.flat())];
    const typesOfProvider = new Map(involved.map((p) => [p, [] as number[]]));
    eligible.forEach((ps, ti) => ps.forEach((p) => typesOfProvider.get(p)!.push(ti)));

    // each elder: which types some contracted provider reaches within the circle
    const covered = types.map(() => 0);
    const mark = new Uint8Array(types.length);
    for (const home of homes) {
      mark.fill(0);
      for (const p of involved)
        if (roundMinutes(travel.minutes(p.base, home, areaType)) <= limit)
          for (const ti of typesOfProvider.get(p)!) mark[ti] = 1;
      for (let ti = 0; ti < types.length; ti++) covered[ti] += mark[ti];
    }

    const centreMinutes = new Map(involved.map((p) => [p, travel.minutes(p.base, centre, areaType)]));
    const areas = ancestorsInReport(community);
    for (const a of areas) {
      a.communities += 1;
      a.elders += homes.length;
    }
    const streetCode = levelCode(community, 'STREET');
    const districtCode = levelCode(community, 'DISTRICT');

    types.forEach((t, ti) => {
      let nearest: CoverageProvider | null = null;
      for (const p of eligible[ti]) if (!nearest || centreMinutes.get(p)! < centreMinutes.get(nearest)!) nearest = p; // sorted by id: ties keep the smaller id
      const travelMinutes = nearest ? roundMinutes(centreMinutes.get(nearest)!) : null;
      const withinCircle = travelMinutes !== null && travelMinutes <= limit;
      const status: CoverageStatus = !nearest ? 'NO_PROVIDER' : withinCircle ? 'COVERED' : 'OUTSIDE_CIRCLE';
      const cell: CoverageCell = {
        communityCode: community.code,
        communityName: community.name,
        level: community.level,
        areaType,
        streetCode,
        districtCode,
        serviceType: t.code,
        limitMinutes: limit,
        status,
        withinCircle,
        contractedProviders: eligible[ti].length,
        nearestProviderId: nearest?.id ?? null,
        nearestProviderName: nearest?.name ?? null,
        travelMinutes,
        distanceMeters: nearest ? distanceMeters(nearest.base, centre) : null,
        elders: ratio(covered[ti], homes.length),
      };
      cells.push(cell);
      for (const a of areas) {
        if (withinCircle) a.cellsWithin[ti] += 1;
        a.eldersCovered[ti] += covered[ti];
      }
      if (status !== 'COVERED') {
        const gap: CoverageGap = {
          communityCode: community.code,
          communityName: community.name,
          serviceType: t.code,
          status,
          limitMinutes: limit,
          travelMinutes,
          nearestProviderId: cell.nearestProviderId,
          eldersUncovered: homes.length - covered[ti],
          eldersTotal: homes.length,
        };
        for (const a of areas) a.gaps.push(gap);
      }
    });
  }

  const areas: CoverageArea[] = areaRegions.map((r) => {
    const t = tallies.get(r.code)!;
    const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
    return {
      code: r.code,
      level: r.level,
      name: r.name,
      communities: t.communities,
      elders: t.elders,
      cells: ratio(sum(t.cellsWithin), t.communities * types.length),
      elderServices: ratio(sum(t.eldersCovered), t.elders * types.length),
      byServiceType: types.map((type, ti) => ({
        serviceType: type.code,
        cells: ratio(t.cellsWithin[ti], t.communities),
        elders: ratio(t.eldersCovered[ti], t.elders),
      })),
      gaps: [...t.gaps].sort((a, b) => compareGaps(a, b, typeOrder)),
    };
  });

  return {
    regionCode: root.code,
    regionName: root.name,
    regionLevel: root.level,
    date: input.date,
    serviceTypes: types.map((t) => ({ code: t.code, nameZh: t.nameZh, nameEn: t.nameEn })),
    serviceCircleMinutes: { URBAN: config.serviceCircleMinutes.URBAN, RURAL: config.serviceCircleMinutes.RURAL },
    areas,
    cells,
  };
}
