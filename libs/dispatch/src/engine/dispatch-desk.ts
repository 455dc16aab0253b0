import { Inject, Injectable } from '@nestjs/common';
import { regionCovers, Role, type Actor } from '#lib/kernel';
import { TransactionHost } from '#lib/database';
import { AuditAction, AuditTrailService } from '#lib/audit-trail';
import { CatalogService } from '#lib/catalog';
import { ProvidersService } from '#lib/providers';
import { OrderOffers, OrdersService, OrderState, type OfferRecord, type OrderView } from '#lib/orders';
import type { DispatchConfig } from '../config.js';
import { findCandidates } from '../candidates.js';
import { localDate } from '../local-time.js';
import { explanationForProvider, rankCandidates, type DispatchExplanation } from '../ranking.js';
import { suggestWorker, type WorkerSuggestion } from '../worker-suggestion.js';
import type { ContractSnapshot } from '../types.js';
import { AlertsService, type AlertRecord } from './alerts.service.js';
import { DispatchEngine, type DistrictMode } from './dispatch-engine.js';
import { DispatchInputs } from './dispatch-inputs.js';
import { DISPATCH_CONFIG } from './dispatch-options.js';
import { DispatchError, DispatchErrorCode as E } from './dispatch.errors.js';
import { manualChoice } from './manual-choice.js';

export interface ManualOfferInput {
  providerId: string;
  expiresInMinutes?: number;
  override?: boolean;
  reason?: string | null;
  version?: number;
}

export interface DispatchRecord {
  orderId: string;
  state: string;
  mode: DistrictMode;
  offers: (Omit<OfferRecord, 'explanation'> & { explanation: unknown })[];
  alerts: AlertRecord[];
}

/**
 * What people do with dispatch (issue 8 items 3, 5, 6): offer or reassign by hand within the rule of
 * their level (`manualChoice`), read an order's dispatch record (every offer with its explanation; a
 * provider only its own lines), the worker suggestion for an accepting provider, and each district's
 * AUTO/MANUAL switch.
 */
@Injectable()
export class DispatchDesk {
  constructor(
    private readonly txHost: TransactionHost,
    private readonly orders: OrdersService,
    private readonly offers: OrderOffers,
    private readonly providers: ProvidersService,
    private readonly catalog: CatalogService,
    private readonly inputs: DispatchInputs,
    private readonly alerts: AlertsService,
    private readonly engine: DispatchEngine,
    private readonly audit: AuditTrailService,
    @Inject(DISPATCH_CONFIG) private readonly config: DispatchConfig,
  ) {}

  /** Offers a waiting order (`reassign` false) or takes an accepted one to another provider (with a reason). */
  async offerByHand(actor: Actor, orderId: string, dto: ManualOfferInput, reassign: boolean): Promise<OrderView> {
    return this.txHost.withTransaction(async () => {
      await this.orders.get(actor, orderId); // 404 outside the caller's scope, before anything else is said
      const order = (await this.offers.forDispatch(orderId, { lock: true }))!;
      const provider = await this.providers.getProvider(dto.providerId); // 404 PROVIDER_NOT_FOUND
      const community = await this.inputs.community(order.communityCode);
      const now = new Date();
      const at = order.scheduledStart && order.scheduledStart > now ? order.scheduledStart : now;
      const [contracts, street] = await Promise.all([
        this.contractsOf(provider.id),
        this.txHost.tx.query(`SELECT code FROM region WHERE parent_code = $1`, [community.streetCode]) as Promise<
          { code: string }[]
        >,
      ]);
      const choice = manualChoice({
        role: actor.role,
        order: {
          serviceType: order.serviceType,
          communityCode: order.communityCode,
          date: localDate(at),
          districtCode: community.districtCode,
          streetCommunityCodes: street.map((r) => r.code),
        },
        provider: { status: provider.status, districtCode: provider.districtCode, contracts },
        override: !!dto.override,
        reason: dto.reason,
      });
      if (!choice.ok) throw new DispatchError(choice.code, choice.message, choice.details);
      // the explanation of a manual choice: the whole ranking as the engine would have seen it, and who chose
      const request = await this.inputs.request(order, community.areaType, now);
      const providers = await this.inputs.providers(request, community.districtCode, now);
      const ranked = rankCandidates(
        request,
        findCandidates({ order: request, providers, alreadyOffered: [] }, this.config, this.engine.travel),
        this.config,
        now,
      );
      const sla = (await this.catalog.findItem(order.itemId))?.acceptSlaMinutes ?? 30;
      const expiresAt = new Date(now.getTime() + (dto.expiresInMinutes ?? sla) * 60_000);
      const view = await this.offers.offer(actor, orderId, {
        offers: [
          {
            providerId: provider.id,
            expiresAt,
            explanation: { ...ranked, chosenBy: { userId: actor.userId, role: actor.role, basis: choice.basis } },
          },
        ],
        manual: true,
        override: choice.basis === 'OVERRIDE',
        reason: dto.reason ?? null,
        expectedVersion: dto.version,
        reassign,
      });
      if (reassign)
        await this.audit.record({
          actor,
          action: AuditAction.DISPATCH_REASSIGNED,
          objectType: 'order',
          objectId: orderId,
          details: { fromProviderId: order.providerId, toProviderId: provider.id },
        });
      await this.alerts.resolveForOrder(orderId, actor, `offered by hand (${choice.basis.toLowerCase()})`);
      return view;
    });
  }

  /** Every offer of the order with its explanation (staff, auditors); a provider sees only its own lines. */
  async record(actor: Actor, orderId: string): Promise<DispatchRecord> {
    const order = await this.orders.get(actor, orderId); // 404 unless visible
    const [offers, community] = await Promise.all([
      this.offers.offersOf(orderId),
      this.inputs.community(order.communityCode),
    ]);
    const mode = await this.engine.modeOf(community.districtCode);
    if (actor.role === Role.PROVIDER_ADMIN) {
      const own = offers
        .filter((o) => o.providerId === actor.providerId)
        .map((o) => ({
          ...o,
          offeredBy: o.manual ? 'STAFF' : 'DISPATCH_ENGINE',
          explanation: isExplanation(o.explanation) ? explanationForProvider(o.explanation, actor.providerId!) : null,
        }));
      return { orderId, state: order.state, mode, offers: own, alerts: [] };
    }
    return { orderId, state: order.state, mode, offers, alerts: await this.alerts.forOrder(orderId) };
  }

  /** The accepting provider's best worker for the order, explained (issue 8 item 6). */
  async workerSuggestion(actor: Actor, orderId: string): Promise<WorkerSuggestion> {
    const view = await this.orders.get(actor, orderId);
    if (actor.role !== Role.PROVIDER_ADMIN || !actor.providerId)
      throw new DispatchError(E.NOT_ALLOWED, 'only the provider offered the order asks for a worker suggestion');
    if (view.state !== OrderState.OFFERED && view.state !== OrderState.ACCEPTED)
      throw new DispatchError(E.NO_WORKER_TO_SUGGEST, `the order is ${view.state}: no worker to choose`);
    const order = (await this.offers.forDispatch(orderId, { lock: false }))!;
    const provider = await this.providers.getProvider(actor.providerId);
    const community = await this.inputs.community(order.communityCode);
    const now = new Date();
    const request = await this.inputs.request(order, community.areaType, now);
    const workers = (await this.inputs.workers([provider.id], now)).get(provider.id) ?? [];
    return suggestWorker(
      { order: request, providerBase: { lat: provider.baseLat, lng: provider.baseLng }, workers },
      this.config,
      this.engine.travel,
      now,
    );
  }

  async mode(actor: Actor, districtCode: string): Promise<{ districtCode: string; mode: DistrictMode }> {
    await this.requireDistrict(actor, districtCode);
    return { districtCode, mode: await this.engine.modeOf(districtCode) };
  }

  async setMode(
    actor: Actor,
    districtCode: string,
    mode: DistrictMode,
  ): Promise<{ districtCode: string; mode: DistrictMode }> {
    await this.requireDistrict(actor, districtCode);
    if (actor.role !== Role.DISTRICT_DISPATCHER && actor.role !== Role.PLATFORM_ADMIN)
      throw new DispatchError(E.NOT_ALLOWED, 'only the district dispatch centre switches its dispatch mode');
    return this.txHost.withTransaction(async () => {
      await this.txHost.tx.query(
        `INSERT INTO dispatch_setting (district_code, mode, updated_by) VALUES ($1, $2, $3)
         ON CONFLICT (district_code) DO UPDATE SET mode = excluded.mode, updated_at = now(), updated_by = excluded.updated_by`,
        [districtCode, mode, actor.userId],
      );
      await this.audit.record({
        actor,
        action: AuditAction.DISPATCH_MODE_CHANGED,
        objectType: 'region',
        objectId: districtCode,
        details: { mode },
      });
      if (mode === 'AUTO') {
        // the orders that waited for a person while the district was manual are the engine's again
        const waiting: { id: string }[] = await this.txHost.tx.query(
          `SELECT o.id FROM service_order o JOIN region d ON d.code = $1
            WHERE o.state = 'PENDING_DISPATCH' AND o.region_path LIKE d.path || '%'`,
          [districtCode],
        );
        for (const { id } of waiting) await this.offers.requestDispatch(id);
      }
      return { districtCode, mode };
    });
  }

  private async requireDistrict(actor: Actor, code: string): Promise<void> {
    const [region] = (await this.txHost.tx.query(`SELECT level, path FROM region WHERE code = $1`, [code])) as {
      level: string;
      path: string;
    }[];
    // the district of one's own region, or one inside it (the city's staff and auditors)
    const related =
      !!region && (regionCovers(actor.regionPath, region.path) || regionCovers(region.path, actor.regionPath));
    if (!related || region.level !== 'DISTRICT')
      throw new DispatchError(E.REGION_NOT_FOUND, 'district not found', { districtCode: code });
  }

  private async contractsOf(providerId: string): Promise<ContractSnapshot[]> {
    return this.txHost.tx.query(
      `SELECT service_types AS "serviceTypes", community_codes AS "communityCodes",
              to_char(valid_from, 'YYYY-MM-DD') AS "validFrom", to_char(valid_to, 'YYYY-MM-DD') AS "validTo"
         FROM provider_contract WHERE provider_id = $1`,
      [providerId],
    );
  }
}

function isExplanation(e: unknown): e is DispatchExplanation {
  return !!e && typeof e === 'object' && Array.isArray((e as DispatchExplanation).candidates);
}
