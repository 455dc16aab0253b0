import { Inject, Injectable } from '@nestjs/common';
import { maskAddress, maskName, PII_CIPHER, PiiCipher, type Actor } from '#lib/kernel';
import { returning, TransactionHost } from '#lib/database';
import { OrderChannel, OrderState } from './order.entity.js';
import { nextState, OrderAction } from './order-state-machine.js';
import type { OrderEventPayloads } from './order-events.js';
import {
  allowedOrderActions,
  canViewOrder,
  decideOrderAction,
  seesServiceAddress,
  type OrderDecision,
  type OrderFacts,
  type OrderScope,
} from './order-policy.js';
import { OrderError, OrderErrorCode as E } from './orders.errors.js';
import type { OrderView } from './orders.views.js';

/** A service_order row as SQL returns it (snake_case), plus the elder's name. */
export interface OrderRow {
  id: string;
  order_no: string;
  channel: OrderChannel;
  elder_id: string;
  elder_name: string;
  item_id: string;
  service_type: string;
  community_code: string;
  region_path: string;
  requested_by: string;
  request_hash: string | null;
  scheduled_start: Date | null;
  scheduled_end: Date | null;
  priority: number;
  state: OrderState;
  version: number;
  address_enc: Buffer;
  home_lat: number;
  home_lng: number;
  item_name_zh: string;
  unit: string;
  unit_price_cents: number;
  quantity: string;
  total_cents: number;
  min_duration_minutes: number;
  required_qualification: string | null;
  note: string | null;
  provider_id: string | null;
  offer_expires_at: Date | null;
  offered_to: string[];
  worker_id: string | null;
  check_in_at: Date | null;
  check_in_lat: number | null;
  check_in_lng: number | null;
  check_in_distance_m: number | null;
  check_out_at: Date | null;
  check_out_lat: number | null;
  check_out_lng: number | null;
  check_out_distance_m: number | null;
  photo_hashes: string[];
  confirm_code_hash: Buffer | null;
  confirm_code_expires_at: Date | null;
  confirm_attempts: number;
  confirmed_by: string | null;
  confirmed_at: Date | null;
  rating: number | null;
  rating_comment: string | null;
  close_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

/** Columns a transition may set (never user input). */
export type OrderPatch = Partial<
  Record<
    | 'provider_id'
    | 'offer_expires_at'
    | 'offered_to'
    | 'worker_id'
    | 'check_in_at'
    | 'check_in_lat'
    | 'check_in_lng'
    | 'check_in_distance_m'
    | 'check_out_at'
    | 'check_out_lat'
    | 'check_out_lng'
    | 'check_out_distance_m'
    | 'photo_hashes'
    | 'confirm_code_hash'
    | 'confirm_code_expires_at'
    | 'confirmed_by'
    | 'confirmed_at'
    | 'rating'
    | 'rating_comment'
    | 'close_reason',
    unknown
  >
>;

export interface TransitionSpec<A extends OrderAction = OrderAction> {
  expectedVersion?: number;
  /** Checks that need the loaded order (throw OrderError to refuse). */
  guard?: (order: OrderRow) => Promise<void> | void;
  patch?: (order: OrderRow) => OrderPatch;
  /** The event's payload, checked against the shared contract (order-events.ts). */
  payload?: (order: OrderRow) => OrderEventPayloads[`${A}`];
  location?: { lat: number; lng: number };
  /** The event's `former_provider_id` (default: the provider before the transition, when it changed). */
  formerProviderId?: string | null;
  /** Runs inside the transaction after the update (e.g. an audit row). */
  after?: (order: OrderRow) => Promise<void>;
}

/**
 * The order row and its one way of changing: load (visible to an actor, or locked), decide, apply a
 * transition (guarded update + event row), present. Shared by the use cases of OrdersService and
 * the command API the dispatch engine calls (OrderOffers); not exported from the library.
 */
@Injectable()
export class OrderStore {
  constructor(
    private readonly txHost: TransactionHost,
    @Inject(PII_CIPHER) private readonly cipher: PiiCipher,
  ) {}

  /** Access check, legal-transition check, guarded update and event row, in one transaction. */
  async act<A extends OrderAction>(actor: Actor, id: string, action: A, spec: TransitionSpec<A>): Promise<OrderView> {
    const updated = await this.txHost.withTransaction(async () => {
      const order = await this.load(id, actor);
      this.decide(actor, order, action);
      return this.apply(actor, order, action, spec);
    });
    return this.present(actor, updated);
  }

  /**
   * Asks decideOrderAction (order-policy.ts) — the same rule that lists `allowedActions` — and
   * throws its refusal. Everything that does not depend on the request body is decided here.
   */
  decide(actor: Actor, order: OrderRow, action: OrderAction): Extract<OrderDecision, { ok: true }> {
    const d = decideOrderAction(actor, factsOf(order), action, new Date());
    if (!d.ok) throw new OrderError(d.code, d.message, d.details);
    return d;
  }

  async apply<A extends OrderAction>(
    actor: Actor,
    order: OrderRow,
    action: A,
    spec: TransitionSpec<A>,
  ): Promise<OrderRow> {
    const t = nextState(order.state, action);
    if (!t.ok) throw new OrderError(E.ILLEGAL_TRANSITION, t.reason, { state: order.state, action });
    if (spec.expectedVersion !== undefined && spec.expectedVersion !== order.version)
      throw new OrderError(E.VERSION_CONFLICT, 'the order changed since you read it: reload and retry', {
        expected: spec.expectedVersion,
        actual: order.version,
      });
    await spec.guard?.(order);
    const patch = spec.patch?.(order) ?? {};
    const cols = Object.keys(patch);
    const params: unknown[] = [order.id, order.version, t.next, ...Object.values(patch)];
    const sets = cols.map((c, i) => `${c} = $${i + 4}`);
    const updated = await returning(
      this.txHost.tx,
      `UPDATE service_order SET state = $3, version = version + 1, updated_at = now()${sets.length ? ', ' + sets.join(', ') : ''}
        WHERE id = $1 AND version = $2 RETURNING id`,
      params,
    );
    if (updated.length !== 1)
      throw new OrderError(E.VERSION_CONFLICT, 'someone else changed this order at the same time: reload and retry');
    // The routing snapshot is read from the row just updated (who holds the order and who holds an
    // open offer after the transition); `former_provider_id` is the provider before it when the
    // transition removed it (or the one the spec names: a declined or withdrawn offer's provider).
    await this.txHost.tx.query(
      `INSERT INTO order_event (order_id, seq, type, from_state, to_state, actor_user_id, actor_role, lat, lng, payload,
         region_path, elder_id, provider_id, former_provider_id, worker_id, offered_to)
       SELECT $1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11, o.elder_id, o.provider_id,
              CASE WHEN $13 THEN $12::uuid ELSE NULLIF($12::uuid, o.provider_id) END, o.worker_id, o.offered_to
         FROM service_order o WHERE o.id = $1`,
      [
        order.id,
        order.version + 1,
        action,
        order.state,
        t.next,
        actor.userId,
        actor.system ?? actor.role,
        spec.location?.lat ?? null,
        spec.location?.lng ?? null,
        JSON.stringify(spec.payload?.(order) ?? {}),
        order.region_path,
        spec.formerProviderId !== undefined ? spec.formerProviderId : order.provider_id,
        spec.formerProviderId !== undefined,
      ],
    );
    await spec.after?.(order);
    return this.load(order.id);
  }

  /**
   * Loads an order. With an actor, an order they may not see is "not found", exactly like one
   * that does not exist.
   */
  async load(id: string, visibleTo?: Actor, opts: { lock?: boolean } = {}): Promise<OrderRow> {
    const rows: OrderRow[] = await this.txHost.tx.query(
      `SELECT o.*, e.name AS elder_name FROM service_order o JOIN elder e ON e.id = o.elder_id WHERE o.id = $1${opts.lock ? ' FOR UPDATE OF o' : ''}`,
      [id],
    );
    const order = rows[0];
    if (!order || (visibleTo && !canViewOrder(visibleTo, scopeOf(order))))
      throw new OrderError(E.ORDER_NOT_FOUND, 'order not found', { id });
    return order;
  }

  present(actor: Actor, o: OrderRow): OrderView {
    const scope = scopeOf(o);
    const full = seesServiceAddress(actor, scope);
    const address = this.cipher.decrypt(o.address_enc);
    return {
      id: o.id,
      orderNo: o.order_no,
      state: o.state,
      version: o.version,
      channel: o.channel,
      priority: o.priority,
      serviceType: o.service_type,
      item: {
        id: o.item_id,
        nameZh: o.item_name_zh,
        unit: o.unit,
        unitPriceCents: o.unit_price_cents,
        quantity: Number(o.quantity),
        totalCents: o.total_cents,
        minDurationMinutes: o.min_duration_minutes,
      },
      elder: { id: o.elder_id, name: full ? o.elder_name : maskName(o.elder_name) },
      communityCode: o.community_code,
      address: full ? address : maskAddress(address),
      scheduledStart: o.scheduled_start?.toISOString() ?? null,
      scheduledEnd: o.scheduled_end?.toISOString() ?? null,
      note: o.note,
      providerId: o.provider_id,
      offeredTo: o.offered_to,
      offerExpiresAt: o.offer_expires_at?.toISOString() ?? null,
      workerId: o.worker_id,
      checkIn: o.check_in_at
        ? {
            at: o.check_in_at.toISOString(),
            lat: o.check_in_lat!,
            lng: o.check_in_lng!,
            distanceM: o.check_in_distance_m!,
          }
        : null,
      checkOut: o.check_out_at
        ? {
            at: o.check_out_at.toISOString(),
            lat: o.check_out_lat!,
            lng: o.check_out_lng!,
            distanceM: o.check_out_distance_m!,
          }
        : null,
      photoHashes: o.photo_hashes,
      confirmedAt: o.confirmed_at?.toISOString() ?? null,
      rating: o.rating,
      ratingComment: o.rating_comment,
      closeReason: o.close_reason,
      createdAt: o.created_at.toISOString(),
      updatedAt: o.updated_at.toISOString(),
      allowedActions: allowedOrderActions(actor, factsOf(o), new Date()),
    };
  }
}

export function scopeOf(o: OrderRow): OrderScope {
  return {
    elderId: o.elder_id,
    regionPath: o.region_path,
    providerId: o.provider_id,
    workerId: o.worker_id,
    state: o.state,
    offeredTo: o.offered_to,
  };
}

export function factsOf(o: OrderRow): OrderFacts {
  return {
    ...scopeOf(o),
    offerExpiresAt: o.offer_expires_at,
    hasConfirmCode: o.confirm_code_hash !== null,
    confirmCodeExpiresAt: o.confirm_code_expires_at,
    confirmAttempts: o.confirm_attempts,
    rated: o.rating !== null,
  };
}
