import { Injectable, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DISPATCH_ENGINE_ACTOR, Role, type Actor } from '#lib/kernel';
import { returning, TransactionHost } from '#lib/database';
import { JobScheduler } from '#lib/scheduler';
import { AuditAction, AuditTrailService } from '#lib/audit-trail';
import { ProvidersService, workerHasQualification } from '#lib/providers';
import { OrderState } from './order.entity.js';
import { OrderAction } from './order-state-machine.js';
import { OrderStore, type OrderRow } from './order-store.js';
import { OrderError, OrderErrorCode as E } from './orders.errors.js';
import type { AcceptOrderDto, ReasonDto } from './orders.dto.js';
import type { OrderView } from './orders.views.js';

/** Durable jobs the orders context writes (table `scheduled_job`, see #lib/scheduler). */
export const ORDER_JOBS = {
  /** The order waits for a provider (created, or back from a rejection or expiry): the dispatch engine handles it. */
  NEEDS_DISPATCH: 'order.needs-dispatch',
  /** One offer's acceptance deadline (key: the offer id). */
  OFFER_EXPIRY: 'order.offer-expiry',
} as const;

/**
 * The "needs dispatch" job as a CTE of order creation's single statement (after `ins`): the job row
 * commits with the order in the same round trip (same table as JobScheduler.schedule); the caller
 * then calls `JobScheduler.wake()` — no NOTIFY inside the statement, which would serialise the
 * commits of all order creations.
 */
export const NEEDS_DISPATCH_CTE = `job AS (
         INSERT INTO scheduled_job (kind, key, due_at) SELECT '${ORDER_JOBS.NEEDS_DISPATCH}', id::text, clock_timestamp() FROM ins
         ON CONFLICT (kind, key) DO NOTHING)`;

/** One provider to offer an order to. */
export interface OfferSpec {
  providerId: string;
  expiresAt: Date;
  /** The dispatch engine's ranking explanation (stored as is, opaque to orders). */
  explanation?: unknown;
  /** From a batch plan: the worker and start the plan chose (a suggestion for the provider). */
  plannedWorkerId?: string | null;
  plannedStart?: Date | null;
}

export interface OfferCommand {
  offers: readonly OfferSpec[];
  /** A person chose (manual dispatch, reassignment, batch commit), not the engine. */
  manual: boolean;
  /** Outside the contracts (district dispatchers; audited). */
  override?: boolean;
  reason?: string | null;
  expectedVersion?: number;
}

export type OfferState = 'OPEN' | 'ACCEPTED' | 'REJECTED' | 'EXPIRED' | 'WITHDRAWN';

/** One `order_offer` row, as the dispatch record shows it. */
export interface OfferRecord {
  id: string;
  orderId: string;
  providerId: string;
  round: number;
  state: OfferState;
  expiresAt: Date;
  manual: boolean;
  offeredBy: string;
  offeredByRole: string;
  reason: string | null;
  explanation: unknown;
  plannedWorkerId: string | null;
  plannedStart: Date | null;
  createdAt: Date;
  decidedAt: Date | null;
  decidedBy: string | null;
  decisionReason: string | null;
}

/** What the dispatch engine reads of an order (its snapshot columns). */
export interface OrderForDispatch {
  id: string;
  orderNo: string;
  state: OrderState;
  version: number;
  elderId: string;
  itemId: string;
  serviceType: string;
  communityCode: string;
  regionPath: string;
  home: { lat: number; lng: number };
  scheduledStart: Date | null;
  scheduledEnd: Date | null;
  minDurationMinutes: number;
  requiredQualification: string | null;
  unitPriceCents: number;
  priority: number;
  channel: string;
  providerId: string | null;
  workerId: string | null;
  offeredTo: string[];
  createdAt: Date;
}

const OFFER_COLUMNS = `id, order_id AS "orderId", provider_id AS "providerId", round, state, expires_at AS "expiresAt",
  manual, offered_by AS "offeredBy", offered_by_role AS "offeredByRole", reason, explanation,
  planned_worker_id AS "plannedWorkerId", planned_start AS "plannedStart", created_at AS "createdAt",
  decided_at AS "decidedAt", decided_by AS "decidedBy", decision_reason AS "decisionReason"`;

/**
 * Offers as rows (issue 8): the order's command API for the dispatch engine (offer, reassign, read
 * the order and its offers) and the provider's side (accept, reject), plus every offer's deadline as
 * a durable job. An order is OFFERED while at least one offer is OPEN; `service_order.offered_to`
 * mirrors the OPEN rows in the same transaction. Acceptance still goes through the order's version
 * (and a row lock), so of K providers accepting at once exactly one wins and the others' offers are
 * WITHDRAWN, each with an event.
 */
@Injectable()
export class OrderOffers implements OnModuleInit {
  constructor(
    private readonly txHost: TransactionHost,
    private readonly store: OrderStore,
    private readonly jobs: JobScheduler,
    private readonly providers: ProvidersService,
    private readonly audit: AuditTrailService,
  ) {}

  onModuleInit(): void {
    this.jobs.handle<Record<string, never>>(ORDER_JOBS.OFFER_EXPIRY, (job) => this.expireOffer(job.key));
  }

  // --- the command and query API of the dispatch engine ----------------------------------------

  /**
   * The order as dispatch sees it (null: no such order); with `lock`, locked for the rest of the
   * caller's transaction (a decision about it), otherwise only read.
   */
  async forDispatch(orderId: string, opts: { lock: boolean }): Promise<OrderForDispatch | null> {
    const o = await this.store.load(orderId, undefined, opts).catch((err: unknown) => {
      if (err instanceof OrderError && err.code === E.ORDER_NOT_FOUND) return null;
      throw err;
    });
    return o && toDispatchView(o);
  }

  /** Every offer of the order, oldest first. */
  async offersOf(orderId: string): Promise<OfferRecord[]> {
    return this.txHost.tx.query(
      `SELECT ${OFFER_COLUMNS} FROM order_offer WHERE order_id = $1 ORDER BY created_at, id`,
      [orderId],
    );
  }

  /** Providers this order was ever offered to (never offered again by the engine). */
  async offeredProviders(orderId: string): Promise<string[]> {
    const rows: { provider_id: string }[] = await this.txHost.tx.query(
      `SELECT DISTINCT provider_id FROM order_offer WHERE order_id = $1`,
      [orderId],
    );
    return rows.map((r) => r.provider_id);
  }

  /** Asks the engine to (re)consider the order now (a durable job; it exists only if the caller's transaction commits). */
  requestDispatch(orderId: string, at = new Date()): Promise<void> {
    return this.jobs.schedule(ORDER_JOBS.NEEDS_DISPATCH, orderId, at);
  }

  /**
   * Offers a PENDING_DISPATCH order (OFFER), or takes an ACCEPTED one from its provider and offers it
   * to others (`reassign`, REASSIGN, a reason required): one row per provider, each with its deadline
   * job; the order OFFERED with `offered_to` = those providers. Who may pick which provider is the
   * dispatch engine's rule; this checks the state, the actor's scope, that each provider is ACTIVE
   * and that the command is well-formed.
   */
  async offer(actor: Actor, orderId: string, cmd: OfferCommand & { reassign?: boolean }): Promise<OrderView> {
    const ids = cmd.offers.map((o) => o.providerId);
    if (ids.length === 0) throw new OrderError(E.INVALID_OFFER, 'an offer needs at least one provider');
    if (new Set(ids).size !== ids.length)
      throw new OrderError(E.INVALID_OFFER, 'the same provider is named twice', { providerIds: ids });
    if (cmd.offers.some((o) => !(o.expiresAt.getTime() > Date.now())))
      throw new OrderError(E.INVALID_OFFER, 'an offer deadline must lie in the future');
    const action = cmd.reassign ? OrderAction.REASSIGN : OrderAction.OFFER;
    const updated = await this.txHost.withTransaction(async () => {
      const order = await this.store.load(orderId, actor, { lock: true });
      this.store.decide(actor, order, action);
      for (const id of ids) {
        const provider = await this.providers.getProvider(id); // 404 PROVIDER_NOT_FOUND
        if (provider.status !== 'ACTIVE')
          throw new OrderError(E.PROVIDER_NOT_AVAILABLE, 'the provider is suspended', { providerId: id });
      }
      const [{ round }] = (await this.txHost.tx.query(
        `SELECT coalesce(max(round), 0) + 1 AS round FROM order_offer WHERE order_id = $1`,
        [orderId],
      )) as { round: number }[];
      const deadline = new Date(Math.min(...cmd.offers.map((o) => o.expiresAt.getTime())));
      const common = { providerId: ids[0], providerIds: ids, round, manual: cmd.manual, override: !!cmd.override };
      const reason = cmd.reason?.trim() || undefined;
      const patch = () => ({
        provider_id: ids.length === 1 ? ids[0] : null,
        offered_to: ids,
        offer_expires_at: deadline,
        worker_id: null,
      });
      let offered: OrderRow;
      if (action === OrderAction.REASSIGN) {
        if (!reason) throw new OrderError(E.INVALID_OFFER, 'a reassignment needs a reason', { field: 'reason' });
        offered = await this.store.apply(actor, order, OrderAction.REASSIGN, {
          expectedVersion: cmd.expectedVersion,
          patch,
          formerProviderId: order.provider_id,
          payload: (o) => ({ ...common, fromProviderId: o.provider_id, reason }),
        });
      } else {
        offered = await this.store.apply(actor, order, OrderAction.OFFER, {
          expectedVersion: cmd.expectedVersion,
          patch,
          payload: () => ({ ...common, ...(reason ? { reason } : {}) }),
        });
      }
      const offerIds = cmd.offers.map(() => randomUUID());
      await this.txHost.tx.query(
        `INSERT INTO order_offer (id, order_id, provider_id, round, expires_at, manual, offered_by, offered_by_role, reason,
           explanation, planned_worker_id, planned_start)
         SELECT u.id, $1, u.provider_id, $2, u.expires_at, $3, $4, $5, $6, u.explanation, u.planned_worker_id, u.planned_start
           FROM unnest($7::uuid[], $8::uuid[], $9::timestamptz[], $10::jsonb[], $11::uuid[], $12::timestamptz[])
             AS u(id, provider_id, expires_at, explanation, planned_worker_id, planned_start)`,
        [
          orderId,
          round,
          cmd.manual,
          actor.userId,
          actor.system ?? actor.role,
          reason ?? null,
          offerIds,
          ids,
          cmd.offers.map((o) => o.expiresAt),
          cmd.offers.map((o) => (o.explanation === undefined ? null : JSON.stringify(o.explanation))),
          cmd.offers.map((o) => o.plannedWorkerId ?? null),
          cmd.offers.map((o) => o.plannedStart ?? null),
        ],
      );
      await this.jobs.scheduleMany(
        cmd.offers.map((o, i) => ({ kind: ORDER_JOBS.OFFER_EXPIRY, key: offerIds[i], dueAt: o.expiresAt })),
      );
      if (cmd.override)
        await this.audit.record({
          actor,
          action: AuditAction.DISPATCH_OVERRIDE,
          objectType: 'order',
          objectId: orderId,
          details: { providerIds: ids, reassign: action === OrderAction.REASSIGN },
        });
      return offered; // (the offer rows and jobs written after it do not change the order row)
    });
    return this.store.present(actor, updated);
  }

  // --- the provider's side -------------------------------------------------------------------

  /**
   * A provider holding an open offer accepts and names its worker. The order row is locked, so of
   * several providers accepting at once one wins; the others then find their offer WITHDRAWN (409).
   */
  async accept(actor: Actor, orderId: string, dto: AcceptOrderDto): Promise<OrderView> {
    const updated = await this.txHost.withTransaction(async () => {
      const order = await this.loadForProvider(actor, orderId);
      this.store.decide(actor, order, OrderAction.ACCEPT);
      const offer = await this.openOfferOf(orderId, actor.providerId!, true);
      // 404 unless the worker belongs to this provider; 400 unless ACTIVE
      const worker = await this.providers.getWorkerForAssignment(actor.providerId!, dto.workerId);
      if (!workerHasQualification(worker, order.required_qualification))
        throw new OrderError(
          E.WORKER_NOT_QUALIFIED,
          `this service needs a worker qualified as ${order.required_qualification}`,
        );
      let current = await this.store.apply(actor, order, OrderAction.ACCEPT, {
        expectedVersion: dto.version,
        patch: () => ({
          provider_id: actor.providerId,
          worker_id: dto.workerId,
          offer_expires_at: null,
          offered_to: [],
        }),
        payload: () => ({ workerId: dto.workerId }),
      });
      await this.decideOffer(offer.id, 'ACCEPTED', actor, null);
      const withdrawn = await this.closeOpenOffers(
        orderId,
        'WITHDRAWN',
        DISPATCH_ENGINE_ACTOR,
        'another provider accepted',
      );
      for (const providerId of withdrawn)
        current = await this.store.apply(DISPATCH_ENGINE_ACTOR, current, OrderAction.WITHDRAW_OFFER, {
          formerProviderId: providerId,
          payload: () => ({ providerId, acceptedBy: actor.providerId! }),
        });
      return current;
    });
    return this.store.present(actor, updated);
  }

  /**
   * A provider declines its open offer. When it was the last one open the order goes back to dispatch
   * (REJECT; the engine offers the next candidate), otherwise the others stay open (PARTIAL_REJECT).
   */
  async reject(actor: Actor, orderId: string, dto: ReasonDto): Promise<OrderView> {
    const updated = await this.txHost.withTransaction(async () => {
      const order = await this.loadForProvider(actor, orderId);
      this.store.decide(actor, order, OrderAction.REJECT);
      const offer = await this.openOfferOf(orderId, actor.providerId!);
      await this.decideOffer(offer.id, 'REJECTED', actor, dto.reason);
      return this.takeOfferAway(actor, order, actor.providerId!, dto.version, {
        last: { action: OrderAction.REJECT, payload: { providerId: actor.providerId!, reason: dto.reason } },
        partial: { action: OrderAction.PARTIAL_REJECT, payload: { providerId: actor.providerId!, reason: dto.reason } },
      });
    });
    return this.store.present(actor, updated);
  }

  /**
   * Marks every OPEN offer of the order as `state` (cancelled order, accepted by another) and drops
   * their deadline jobs; returns the providers whose offers it closed. Part of the caller's transaction.
   */
  async closeOpenOffers(
    orderId: string,
    state: 'WITHDRAWN' | 'EXPIRED',
    actor: Actor,
    reason: string | null,
  ): Promise<string[]> {
    const rows = await returning<{ id: string; provider_id: string }>(
      this.txHost.tx,
      `UPDATE order_offer SET state = $2, decided_at = now(), decided_by = $3, decision_reason = $4
        WHERE order_id = $1 AND state = 'OPEN' RETURNING id, provider_id`,
      [orderId, state, actor.userId, reason],
    );
    for (const r of rows) await this.jobs.cancel(ORDER_JOBS.OFFER_EXPIRY, r.id);
    return rows.map((r) => r.provider_id);
  }

  // --- deadlines ---------------------------------------------------------------------------------

  /** The deadline job of one offer (runs in the job's transaction; exactly once across instances). */
  private async expireOffer(offerId: string): Promise<void> {
    // the order row first, then the offer: the same lock order as a provider's accept or reject
    const [ref] = (await this.txHost.tx.query(`SELECT order_id FROM order_offer WHERE id = $1`, [offerId])) as {
      order_id: string;
    }[];
    if (!ref) return;
    const order = await this.store.load(ref.order_id, undefined, { lock: true });
    const [offer] = (await this.txHost.tx.query(
      `SELECT id, provider_id, state FROM order_offer WHERE id = $1 FOR UPDATE`,
      [offerId],
    )) as { id: string; provider_id: string; state: OfferState }[];
    if (offer.state !== 'OPEN') return;
    await this.txHost.tx.query(
      `UPDATE order_offer SET state = 'EXPIRED', decided_at = now(), decided_by = $2 WHERE id = $1`,
      [offerId, DISPATCH_ENGINE_ACTOR.userId],
    );
    if (order.state !== OrderState.OFFERED || !order.offered_to.includes(offer.provider_id)) return;
    await this.takeOfferAway(DISPATCH_ENGINE_ACTOR, order, offer.provider_id, undefined, {
      last: { action: OrderAction.EXPIRE, payload: { providerId: offer.provider_id } },
      partial: { action: OrderAction.PARTIAL_EXPIRE, payload: { providerId: offer.provider_id } },
    });
  }

  // --- internals -----------------------------------------------------------------------------------

  /** Removes one provider's offer from an OFFERED order: back to dispatch when it was the last open one. */
  private async takeOfferAway(
    actor: Actor,
    order: OrderRow,
    providerId: string,
    expectedVersion: number | undefined,
    events: {
      last:
        | { action: OrderAction.REJECT; payload: { providerId: string; reason: string } }
        | { action: OrderAction.EXPIRE; payload: { providerId: string } };
      partial:
        | { action: OrderAction.PARTIAL_REJECT; payload: { providerId: string; reason: string } }
        | { action: OrderAction.PARTIAL_EXPIRE; payload: { providerId: string } };
    },
  ): Promise<OrderRow> {
    const remaining = order.offered_to.filter((p) => p !== providerId);
    if (remaining.length === 0) {
      const next = await this.store.apply(actor, order, events.last.action, {
        expectedVersion,
        patch: () => ({ provider_id: null, offered_to: [], offer_expires_at: null }),
        formerProviderId: providerId,
        payload: () => events.last.payload as never,
      });
      await this.requestDispatch(order.id);
      return next;
    }
    const [{ deadline }] = (await this.txHost.tx.query(
      `SELECT min(expires_at) AS deadline FROM order_offer WHERE order_id = $1 AND state = 'OPEN'`,
      [order.id],
    )) as { deadline: Date | null }[];
    return this.store.apply(actor, order, events.partial.action, {
      expectedVersion,
      patch: () => ({
        provider_id: remaining.length === 1 ? remaining[0] : null,
        offered_to: remaining,
        offer_expires_at: deadline,
      }),
      formerProviderId: providerId,
      payload: () => events.partial.payload as never,
    });
  }

  /**
   * Loads the order for a provider acting on its offer. One whose offer was withdrawn (another
   * provider accepted first, a reassignment, a cancellation) or has lapsed is told so (409) rather
   * than "not found", since it was shown the order.
   */
  private async loadForProvider(actor: Actor, orderId: string): Promise<OrderRow> {
    try {
      return await this.store.load(orderId, actor, { lock: true });
    } catch (err) {
      if (!(err instanceof OrderError) || err.code !== E.ORDER_NOT_FOUND || actor.role !== Role.PROVIDER_ADMIN)
        throw err;
      const [last] = (await this.txHost.tx.query(
        `SELECT state FROM order_offer WHERE order_id = $1 AND provider_id = $2 ORDER BY created_at DESC LIMIT 1`,
        [orderId, actor.providerId],
      )) as { state: OfferState }[];
      if (last?.state === 'WITHDRAWN')
        throw new OrderError(E.OFFER_WITHDRAWN, 'this offer was withdrawn: the order went to another provider');
      if (last?.state === 'EXPIRED') throw new OrderError(E.OFFER_EXPIRED, 'the offer has expired');
      throw err;
    }
  }

  /** The provider's OPEN offer on the order; for an acceptance (`accepting`) it must not have lapsed. */
  private async openOfferOf(
    orderId: string,
    providerId: string,
    accepting = false,
  ): Promise<{ id: string; expiresAt: Date }> {
    const [offer] = (await this.txHost.tx.query(
      `SELECT id, expires_at AS "expiresAt" FROM order_offer WHERE order_id = $1 AND provider_id = $2 AND state = 'OPEN'`,
      [orderId, providerId],
    )) as { id: string; expiresAt: Date }[];
    // offered_to mirrors the OPEN rows in the same transactions, so this is only a safety net
    if (!offer) throw new OrderError(E.OFFER_WITHDRAWN, 'you hold no open offer on this order');
    if (accepting && offer.expiresAt.getTime() <= Date.now())
      throw new OrderError(E.OFFER_EXPIRED, 'the offer has expired');
    return offer;
  }

  private async decideOffer(offerId: string, state: OfferState, actor: Actor, reason: string | null): Promise<void> {
    await this.txHost.tx.query(
      `UPDATE order_offer SET state = $2, decided_at = now(), decided_by = $3, decision_reason = $4 WHERE id = $1`,
      [offerId, state, actor.userId, reason],
    );
    await this.jobs.cancel(ORDER_JOBS.OFFER_EXPIRY, offerId);
  }
}

function toDispatchView(o: OrderRow): OrderForDispatch {
  return {
    id: o.id,
    orderNo: o.order_no,
    state: o.state,
    version: o.version,
    elderId: o.elder_id,
    itemId: o.item_id,
    serviceType: o.service_type,
    communityCode: o.community_code,
    regionPath: o.region_path,
    home: { lat: o.home_lat, lng: o.home_lng },
    scheduledStart: o.scheduled_start,
    scheduledEnd: o.scheduled_end,
    minDurationMinutes: o.min_duration_minutes,
    requiredQualification: o.required_qualification,
    unitPriceCents: o.unit_price_cents,
    priority: o.priority,
    channel: o.channel,
    providerId: o.provider_id,
    workerId: o.worker_id,
    offeredTo: o.offered_to,
    createdAt: o.created_at,
  };
}
