import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AccessDeniedError, Role, type Actor, isUuid } from '#lib/kernel';
import { AuditTrailService } from '#lib/audit-trail';
import { ServiceType, ServiceUnit } from './catalog.entity.js';
import type { CatalogItemDto as CatalogItemView, ServiceTypeDto as ServiceTypeView } from './catalog.dto.js';
import { CatalogError, CatalogErrorCode } from './catalog.errors.js';
import { CacheInvalidation, returning, TransactionHost } from '#lib/database';

/**
 * A catalogue item as stored (the fields of a standard item plus identity, state and version) and
 * a service type with its items: the answers' classes, which are also their OpenAPI schemas.
 */
export type { CatalogItemDto as CatalogItemView, ServiceTypeDto as ServiceTypeView } from './catalog.dto.js';

/** What an order snapshots from the catalogue when it is created. */
export type CatalogItemSnapshot = Omit<CatalogItemView, 'active'>;

export interface CreateItemInput {
  code: string;
  serviceType: ServiceType;
  nameZh: string;
  nameEn: string;
  unit: ServiceUnit;
  priceCents: number;
  minDurationMinutes: number;
  requiredQualification?: string | null;
  acceptSlaMinutes: number;
  onsiteSlaMinutes?: number | null;
  active?: boolean;
}

export interface UpdateItemInput {
  version: number;
  nameZh?: string;
  nameEn?: string;
  priceCents?: number;
  minDurationMinutes?: number;
  requiredQualification?: string | null;
  acceptSlaMinutes?: number;
  onsiteSlaMinutes?: number | null;
  active?: boolean;
}

/** Columns a platform admin may edit, input key → column. */
const EDITABLE: Record<Exclude<keyof UpdateItemInput, 'version'>, string> = {
  nameZh: 'name_zh',
  nameEn: 'name_en',
  priceCents: 'price_cents',
  minDurationMinutes: 'min_duration_minutes',
  requiredQualification: 'required_qualification',
  acceptSlaMinutes: 'accept_sla_minutes',
  onsiteSlaMinutes: 'onsite_sla_minutes',
  active: 'active',
};

const ITEM_COLUMNS = `id, code, service_type AS "serviceType", name_zh AS "nameZh", name_en AS "nameEn", unit,
  price_cents AS "priceCents", min_duration_minutes AS "minDurationMinutes",
  required_qualification AS "requiredQualification", accept_sla_minutes AS "acceptSlaMinutes",
  onsite_sla_minutes AS "onsiteSlaMinutes", active, version`;

export const CatalogAuditAction = {
  ITEM_CREATED: 'CATALOG_ITEM_CREATED',
  ITEM_CHANGED: 'CATALOG_ITEM_CHANGED',
} as const;

/** The ten helps (十助) and their items: prices, durations, qualifications and SLAs are data. */
@Injectable()
export class CatalogService {
  static readonly ITEM_CACHE_MS = 5_000;
  static readonly INVALIDATION_TOPIC = 'catalog.item';
  private readonly itemCache = new Map<string, { at: number; item: CatalogItemView }>();
  /** Bumped by every drop: a read that started before one does not fill the cache with its older item. */
  private itemEpoch = 0;

  constructor(
    private readonly txHost: TransactionHost,
    private readonly audit: AuditTrailService,
    private readonly invalidation: CacheInvalidation,
  ) {
    invalidation.on(CatalogService.INVALIDATION_TOPIC, (id) => this.dropItem(id));
  }

  private dropItem(id: string | null): void {
    this.itemEpoch += 1;
    if (id) this.itemCache.delete(id);
    else this.itemCache.clear();
  }

  // ---- use cases (HTTP) -------------------------------------------------------------------

  /** The ten service types with their items; inactive items only for a platform admin who asks. */
  async catalogue(actor: Actor, includeInactive = false): Promise<ServiceTypeView[]> {
    const withInactive = includeInactive && actor.role === Role.PLATFORM_ADMIN;
    const types: Omit<ServiceTypeView, 'items'>[] = await this.txHost.tx.query(
      `SELECT code, name_zh AS "nameZh", name_en AS "nameEn" FROM service_type ORDER BY sort_order, code`,
    );
    const items: CatalogItemView[] = await this.txHost.tx.query(
      `SELECT ${ITEM_COLUMNS} FROM service_item ${withInactive ? '' : 'WHERE active'} ORDER BY service_type, code`,
    );
    return types.map((t) => ({ ...t, items: items.filter((i) => i.serviceType === t.code) }));
  }

  /** One item; an inactive item is visible to platform admins only (404 for others). */
  async item(actor: Actor, id: string): Promise<CatalogItemView> {
    const item = await this.findItem(id);
    if (!item || (!item.active && actor.role !== Role.PLATFORM_ADMIN)) throw notFound(id);
    return item;
  }

  async createItem(actor: Actor, input: CreateItemInput): Promise<CatalogItemView> {
    if (actor.role !== Role.PLATFORM_ADMIN) throw new AccessDeniedError('edit the catalogue');
    const id = randomUUID();
    try {
      await this.txHost.withTransaction(async () => {
        await this.txHost.tx.query(
          `INSERT INTO service_item (id, code, service_type, name_zh, name_en, unit, price_cents, min_duration_minutes,
                                     required_qualification, accept_sla_minutes, onsite_sla_minutes, active)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
          [
            id,
            input.code,
            input.serviceType,
            input.nameZh,
            input.nameEn,
            input.unit,
            input.priceCents,
            input.minDurationMinutes,
            input.requiredQualification ?? null,
            input.acceptSlaMinutes,
            input.onsiteSlaMinutes ?? null,
            input.active ?? true,
          ],
        );
        await this.audit.record({
          actor,
          action: CatalogAuditAction.ITEM_CREATED,
          objectType: 'service_item',
          objectId: id,
          details: { code: input.code },
        });
      });
    } catch (err) {
      if ((err as { code?: string }).code === '23505')
        throw new CatalogError(CatalogErrorCode.ITEM_CODE_TAKEN, 'code: an item with this code exists', {
          field: 'code',
        });
      throw err;
    }
    return (await this.findItem(id))!;
  }

  /** Optimistic update: the body carries the version the admin saw; another edit in between → 409. */
  async updateItem(actor: Actor, id: string, input: UpdateItemInput): Promise<CatalogItemView> {
    if (actor.role !== Role.PLATFORM_ADMIN) throw new AccessDeniedError('edit the catalogue');
    if (!isUuid(id)) throw notFound(id);
    const sets: string[] = [];
    const params: unknown[] = [id, input.version];
    const changed: string[] = [];
    for (const [key, column] of Object.entries(EDITABLE) as [keyof typeof EDITABLE, string][]) {
      if (input[key] === undefined) continue;
      params.push(input[key]);
      sets.push(`${column} = $${params.length}`);
      changed.push(key);
    }
    const saved = await this.txHost.withTransaction(async () => {
      const [updated] = await returning<CatalogItemView>(
        this.txHost.tx,
        `UPDATE service_item SET ${[...sets, 'version = version + 1'].join(', ')}
          WHERE id = $1 AND version = $2 RETURNING ${ITEM_COLUMNS}`,
        params,
      );
      if (!updated) {
        const current = await this.findItem(id);
        if (!current) throw notFound(id);
        throw new CatalogError(
          CatalogErrorCode.VERSION_CONFLICT,
          'version: the item was changed by someone else; reload it',
          {
            field: 'version',
            currentVersion: current.version,
          },
        );
      }
      await this.audit.record({
        actor,
        action: CatalogAuditAction.ITEM_CHANGED,
        objectType: 'service_item',
        objectId: id,
        details: { changed, version: updated.version },
      });
      // every instance drops its cached copy when this commits (and this one at once, below)
      await this.invalidation.notify(CatalogService.INVALIDATION_TOPIC, id);
      return updated;
    });
    this.dropItem(id);
    return saved;
  }

  // ---- public API for other contexts (no actor: the caller has checked access) ----------

  /**
   * The active item an order will snapshot; ITEM_NOT_FOUND (404) or ITEM_INACTIVE (400).
   * Read through a short in-process cache (ITEM_CACHE_MS): the catalogue is small and edited
   * rarely, and every order creation needs it. An edit drops the entry on every instance when it
   * commits (CacheInvalidation's NOTIFY); ITEM_CACHE_MS only bounds a missed notice.
   */
  async getActiveItem(id: string): Promise<CatalogItemSnapshot> {
    const item = await this.cachedItem(id);
    if (!item) throw notFound(id);
    if (!item.active)
      throw new CatalogError(CatalogErrorCode.ITEM_INACTIVE, 'itemId: this service item is no longer offered', {
        field: 'itemId',
        id,
      });
    const { active: _active, ...snapshot } = item;
    return snapshot;
  }

  /** The active item with this stable code (e.g. SOS_RESPONSE for one-key calls). */
  async getActiveItemByCode(code: string): Promise<CatalogItemSnapshot> {
    const rows: { id: string }[] = await this.txHost.tx.query(`SELECT id FROM service_item WHERE code = $1`, [code]);
    if (!rows[0]) throw notFound(code);
    return this.getActiveItem(rows[0].id);
  }

  private async cachedItem(id: string): Promise<CatalogItemView | null> {
    const hit = this.itemCache.get(id);
    if (hit && Date.now() - hit.at < CatalogService.ITEM_CACHE_MS) return hit.item;
    const epoch = this.itemEpoch;
    const item = await this.findItem(id);
    if (item && epoch === this.itemEpoch) this.itemCache.set(id, { at: Date.now(), item });
    return item;
  }

  /** The item (any state), or null; inside a use case's transaction, read in it. */
  async findItem(id: string): Promise<CatalogItemView | null> {
    if (!isUuid(id)) return null;
    const rows: CatalogItemView[] = await this.txHost.tx.query(
      `SELECT ${ITEM_COLUMNS} FROM service_item WHERE id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }
}

function notFound(id: string): CatalogError {
  return new CatalogError(CatalogErrorCode.ITEM_NOT_FOUND, 'service item not found', { id });
}
