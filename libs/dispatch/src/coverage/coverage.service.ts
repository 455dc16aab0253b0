import { Inject, Injectable, Optional } from '@nestjs/common';
import { TransactionHost } from '#lib/database';
import { regionCovers, Role, type Actor } from '#lib/kernel';
import { RegionsError, RegionsErrorCode, RegionsService, type RegionView } from '#lib/regions';
import { dispatchConfig, type DispatchConfig } from '../config.js';
import { localDate } from '../local-time.js';
import { StraightLineTravelTime, type TravelTimeModel } from '../travel-time.js';
import {
  serviceCircleCoverage,
  type CoverageElder,
  type CoverageProvider,
  type CoverageRegion,
  type CoverageReport,
  type CoverageServiceType,
} from './coverage.js';
import { coverageCsv } from './coverage-csv.js';
import { fieldInvalid } from './coverage.errors.js';

/** Optional settings (the dispatch configuration from the environment, a routing engine); defaults otherwise. */
export interface CoverageSettings {
  config?: DispatchConfig;
  travel?: TravelTimeModel;
}
export const COVERAGE_SETTINGS = Symbol('COVERAGE_SETTINGS');

export interface CoverageRequest {
  regionCode?: string;
  serviceType?: string;
  date?: string;
}

/** Who may read the report: region staff of their own subtree, auditors of their scope, platform admins (city). */
export const COVERAGE_READERS: readonly Role[] = [
  Role.STATION_STAFF,
  Role.HUB_STAFF,
  Role.DISTRICT_DISPATCHER,
  Role.AUDITOR,
  Role.PLATFORM_ADMIN,
];

const notFound = (code: string | undefined) =>
  new RegionsError(RegionsErrorCode.REGION_NOT_FOUND, 'region not found', { code: code ?? null });

/**
 * The service-circle coverage report over the database: the service types and the region (cached by
 * RegionsService), then three reads at once — the subtree with the root's ancestors, the active
 * providers with a contract valid on the date naming a community of the subtree, and the active
 * elders' homes under the region (index on `elder.region_path`, three columns). The decisions are
 * `serviceCircleCoverage`'s.
 */
@Injectable()
export class CoverageService {
  private readonly config: DispatchConfig;
  private readonly travel: TravelTimeModel;

  constructor(
    private readonly txHost: TransactionHost,
    private readonly regions: RegionsService,
    @Optional() @Inject(COVERAGE_SETTINGS) settings?: CoverageSettings,
  ) {
    this.config = settings?.config ?? dispatchConfig();
    this.travel = settings?.travel ?? new StraightLineTravelTime(this.config.speedModel);
  }

  async report(actor: Actor, query: CoverageRequest, now = new Date()): Promise<CoverageReport> {
    return (await this.load(actor, query, now)).report;
  }

  /** The same report as CSV (UTF-8 with BOM) and a file name for it. */
  async csv(actor: Actor, query: CoverageRequest, now = new Date()): Promise<{ fileName: string; body: Buffer }> {
    const { report, regionNames } = await this.load(actor, query, now);
    const type = query.serviceType ? `-${query.serviceType}` : '';
    return {
      fileName: `coverage-${report.regionCode}-${report.date}${type}.csv`,
      body: Buffer.from(coverageCsv(report, regionNames), 'utf8'),
    };
  }

  private async load(actor: Actor, query: CoverageRequest, now: Date) {
    const date = query.date ?? localDate(now);
    const serviceTypes = await this.serviceTypes(query.serviceType);
    const root = await this.visibleRegion(actor, query.regionCode);
    const ancestors = root.path.split('/').filter(Boolean);
    const [regions, providers, elders] = await Promise.all([
      this.txHost.tx.query(
        `SELECT code, level, name, parent_code AS "parentCode", path, lat, lng
           FROM region WHERE path LIKE $1 || '%' OR code = ANY($2::varchar[])`,
        [root.path, ancestors],
      ) as Promise<CoverageRegion[]>,
      this.providers(root.path, date),
      this.elders(root.path),
    ]);
    const report = serviceCircleCoverage(
      { rootCode: root.code, regions, serviceTypes, providers, elders, date },
      this.config,
      this.travel,
    );
    return { report, regionNames: new Map(regions.map((r) => [r.code, r.name])) };
  }

  /** The region to report on: the given one if the actor's scope covers it (else 404, as if unknown), or their own. */
  private async visibleRegion(actor: Actor, code: string | undefined): Promise<RegionView> {
    const wanted = code ?? (await this.ownRegionCode(actor));
    const region = wanted ? await this.regions.findRegion(wanted) : null;
    if (!region) throw notFound(code);
    if (actor.role !== Role.PLATFORM_ADMIN && !regionCovers(actor.regionPath, region.path)) throw notFound(code);
    return region;
  }

  /** The last code of the actor's region path; a platform admin without one: the city (the root of the tree). */
  private async ownRegionCode(actor: Actor): Promise<string | undefined> {
    const own = actor.regionPath?.split('/').filter(Boolean).pop();
    if (own || actor.role !== Role.PLATFORM_ADMIN) return own;
    const [city] = (await this.txHost.tx.query(
      `SELECT code FROM region WHERE parent_code IS NULL ORDER BY code LIMIT 1`,
    )) as { code: string }[];
    return city?.code;
  }

  /** All service types in catalogue order, or the one asked for (an unknown code is a 400 naming the field). */
  private async serviceTypes(code: string | undefined): Promise<CoverageServiceType[]> {
    const all = (await this.txHost.tx.query(
      `SELECT code, name_zh AS "nameZh", name_en AS "nameEn" FROM service_type ORDER BY sort_order, code`,
    )) as CoverageServiceType[];
    if (code === undefined) return all;
    const one = all.filter((t) => t.code === code);
    if (!one.length)
      throw fieldInvalid('serviceType', `serviceType must be one of ${all.map((t) => t.code).join(', ')}`);
    return one;
  }

  /** Providers with a contract valid on the date that names a community of the subtree (all their such contracts). */
  private async providers(rootPath: string, date: string): Promise<CoverageProvider[]> {
    const rows = (await this.txHost.tx.query(
      `SELECT p.id, p.name, p.status, p.base_lat AS "lat", p.base_lng AS "lng",
              json_agg(json_build_object(
                'serviceTypes', c.service_types, 'communityCodes', c.community_codes,
                'validFrom', to_char(c.valid_from, 'YYYY-MM-DD'), 'validTo', to_char(c.valid_to, 'YYYY-MM-DD'))) AS contracts
         FROM provider_contract c JOIN provider p ON p.id = c.provider_id
        WHERE p.status = 'ACTIVE' AND c.valid_from <= $2::date AND c.valid_to >= $2::date
          AND c.community_codes && ARRAY(SELECT code FROM region WHERE path LIKE $1 || '%')::varchar[]
        GROUP BY p.id`,
      [rootPath, date],
    )) as Array<Omit<CoverageProvider, 'base'> & { lat: number; lng: number }>;
    return rows.map(({ lat, lng, ...p }) => ({ ...p, base: { lat, lng } }));
  }

  /** The active elders' homes under the region (three columns: 100,000 rows in 70–120 ms measured). */
  private async elders(rootPath: string): Promise<CoverageElder[]> {
    const rows = (await this.txHost.tx.query(
      `SELECT community_code AS c, home_lat AS lat, home_lng AS lng
         FROM elder WHERE region_path LIKE $1 || '%' AND status = 'ACTIVE'`,
      [rootPath],
    )) as { c: string; lat: number; lng: number }[];
    return rows.map((r) => ({ communityCode: r.c, home: { lat: r.lat, lng: r.lng }, status: 'ACTIVE' }));
  }
}
