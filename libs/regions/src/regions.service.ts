import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { TransactionHost } from '#lib/database';
import { AccessDeniedError, Role, type Actor } from '#lib/kernel';
import { FacilityLevel, RegionLevel } from './region.entity.js';
import { RegionsError, RegionsErrorCode } from './regions.errors.js';
import type { FacilityDto, RegionDetailDto } from './regions.dto.js';
import {
  buildRegionTree,
  facilityFitsRegion,
  isCommunityLevel,
  type RegionNode,
  type RegionView,
} from './region-tree.js';

/** A facility: the answer's class, which is also its OpenAPI schema. */
export type FacilityView = FacilityDto;

export interface CreateFacilityInput {
  regionCode: string;
  level: FacilityLevel;
  name: string;
  operatorProviderId?: string | null;
  hotline?: string | null;
  lat?: number;
  lng?: number;
}

const REGION_COLUMNS = `code, level, name, name_en AS "nameEn", parent_code AS "parentCode", path, lat, lng`;
const FACILITY_COLUMNS = `f.id, f.region_code AS "regionCode", f.level, f.name, f.operator_provider_id AS "operatorProviderId", f.hotline, f.lat, f.lng`;

/**
 * The region tree (city → district → street/town → community/village) and the facilities of the
 * three service levels. Region data is public reference data: every signed-in role may read it.
 * Regions are not edited through the API, so found regions are cached briefly in memory.
 */
@Injectable()
export class RegionsService {
  private static readonly CACHE_MS = 5 * 60_000;
  private readonly cache = new Map<string, { at: number; region: RegionView }>();

  constructor(private readonly txHost: TransactionHost) {}

  // ---- use cases (HTTP) -------------------------------------------------------------------

  async tree(_actor: Actor): Promise<RegionNode[]> {
    const rows: RegionView[] = await this.txHost.tx.query(`SELECT ${REGION_COLUMNS} FROM region ORDER BY code`);
    return buildRegionTree(rows);
  }

  async show(_actor: Actor, code: string): Promise<RegionDetailDto> {
    const region = await this.getRegion(code);
    const children: RegionView[] = await this.txHost.tx.query(
      `SELECT ${REGION_COLUMNS} FROM region WHERE parent_code = $1 ORDER BY code`,
      [region.code],
    );
    return { ...region, rural: region.level === RegionLevel.VILLAGE, children };
  }

  /** Facilities of the given region and everything below it (the whole city when no region is given). */
  async listFacilities(_actor: Actor, regionCode?: string): Promise<FacilityView[]> {
    if (!regionCode)
      return this.txHost.tx.query(`SELECT ${FACILITY_COLUMNS} FROM facility f ORDER BY f.region_code, f.name`);
    const region = await this.getRegion(regionCode);
    return this.txHost.tx.query(
      `SELECT ${FACILITY_COLUMNS} FROM facility f JOIN region r ON r.code = f.region_code
        WHERE r.path LIKE $1 || '%' ORDER BY f.region_code, f.name`,
      [region.path],
    );
  }

  async createFacility(actor: Actor, input: CreateFacilityInput): Promise<FacilityView> {
    if (actor.role !== Role.PLATFORM_ADMIN) throw new AccessDeniedError('create facilities');
    const region = await this.findRegion(input.regionCode);
    if (!region)
      throw new RegionsError(RegionsErrorCode.REGION_NOT_FOUND, 'regionCode: unknown region', { field: 'regionCode' });
    if (!facilityFitsRegion(input.level, region.level))
      throw new RegionsError(
        RegionsErrorCode.FACILITY_LEVEL_MISMATCH,
        `level: a ${input.level} cannot sit on a ${region.level} region`,
        { field: 'level', regionLevel: region.level },
      );
    if (input.operatorProviderId) {
      // The provider table belongs to the providers context, which depends on this one; an existence
      // check by id keeps the dependency direction (no import of #lib/providers).
      const found: unknown[] = await this.txHost.tx.query(`SELECT 1 FROM provider WHERE id = $1`, [
        input.operatorProviderId,
      ]);
      if (!found.length)
        throw new RegionsError(RegionsErrorCode.OPERATOR_NOT_FOUND, 'operatorProviderId: unknown provider', {
          field: 'operatorProviderId',
        });
    }
    const facility: FacilityView = {
      id: randomUUID(),
      regionCode: region.code,
      level: input.level,
      name: input.name,
      operatorProviderId: input.operatorProviderId ?? null,
      hotline: input.hotline ?? null,
      lat: input.lat ?? region.lat,
      lng: input.lng ?? region.lng,
    };
    await this.txHost.tx.query(
      `INSERT INTO facility (id, region_code, level, name, operator_provider_id, hotline, lat, lng) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
      [
        facility.id,
        facility.regionCode,
        facility.level,
        facility.name,
        facility.operatorProviderId,
        facility.hotline,
        facility.lat,
        facility.lng,
      ],
    );
    return facility;
  }

  // ---- public API for other contexts (no actor: the caller has checked access) ----------

  /** The region with this code, or REGION_NOT_FOUND (404). */
  async getRegion(code: string): Promise<RegionView> {
    const region = await this.findRegion(code);
    if (!region) throw new RegionsError(RegionsErrorCode.REGION_NOT_FOUND, 'region not found', { code });
    return region;
  }

  /** The region, or null when unknown. */
  async findRegion(code: string): Promise<RegionView | null> {
    if (typeof code !== 'string' || !/^\d{6,12}$/.test(code)) return null;
    const hit = this.cache.get(code);
    if (hit && Date.now() - hit.at < RegionsService.CACHE_MS) return hit.region;
    const rows: RegionView[] = await this.txHost.tx.query(`SELECT ${REGION_COLUMNS} FROM region WHERE code = $1`, [
      code,
    ]);
    if (!rows[0]) return null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(code, { at: Date.now(), region: rows[0] });
    return rows[0];
  }

  /**
   * A community or village (where elders live and contracts apply). Unknown codes and other levels
   * are input errors (400 NOT_A_COMMUNITY), naming `field` (default "communityCode").
   */
  async requireCommunity(code: string, field = 'communityCode'): Promise<RegionView> {
    const region = await this.findRegion(code);
    if (!region)
      throw new RegionsError(RegionsErrorCode.NOT_A_COMMUNITY, `${field}: unknown community ${String(code)}`, {
        field,
        code,
      });
    if (!isCommunityLevel(region.level))
      throw new RegionsError(
        RegionsErrorCode.NOT_A_COMMUNITY,
        `${field}: ${code} is a ${region.level}, not a community or village`,
        {
          field,
          code,
        },
      );
    return region;
  }

  /** requireCommunity for a list of codes (all must be communities or villages), in input order. */
  async requireCommunities(codes: readonly string[], field = 'communityCodes'): Promise<RegionView[]> {
    const out: RegionView[] = [];
    for (const code of codes) out.push(await this.requireCommunity(code, field));
    return out;
  }

  /** True for a rural village (30-minute service circle), false for an urban community (15 minutes). */
  async isRural(code: string): Promise<boolean> {
    return (await this.requireCommunity(code)).level === RegionLevel.VILLAGE;
  }
}
