import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { createHash, randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import {
  distanceMeters,
  maskAddress,
  maskName,
  PII_CIPHER,
  PiiCipher,
  Role,
  SYSTEM_ACTOR,
  type Actor,
  type Page,
} from '#lib/kernel';
import { AuditAction, AuditTrailService } from '#lib/audit-trail';
import { NotificationPort } from '#lib/notifications';
import { CatalogService, type CatalogItemSnapshot } from '#lib/catalog';
import { EldersService, type ElderForOrder } from '#lib/elders';
import { ProvidersService, workerHasQualification } from '#lib/providers';
import { OrderChannel, OrderPriority, OrderState } from './order.entity.js';
import { nextState, OrderAction } from './order-state-machine.js';
import type { OrderEventPayloads } from './order-events.js';
import {
  allowedOrderActions,
  canRequestFor,
  canViewOrder,
  confirmInputProblem,
  decideCreationFields,
  decideOrderAction,
  MAX_CONFIRM_ATTEMPTS,
  seesServiceAddress,
  type OrderDecision,
  type OrderFacts,
  type OrderScope,
} from './order-policy.js';
import { fieldsInvalid, OrderError, OrderErrorCode as E } from './orders.errors.js';
import type {
  AcceptOrderDto,
  CheckOutDto,
  ConfirmOrderDto,
  CreateOrderDto,
  ListOrdersQuery,
  LocationDto,
  OfferOrderDto,
  RateOrderDto,
  ReasonDto,
  SosDto,
  VersionDto,
} from './orders.dto.js';
import { returning, TransactionHost } from '#lib/database';
import type { OrderEventView, OrderView } from './orders.views.js';

/** A service_order row as SQL returns it (snake_case), plus the elder's name. */
interface OrderRow {
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

// The answers' shapes are classes that are also their OpenAPI schemas (orders.views.ts).
export type { OrderEventView, OrderView } from './orders.views.js';

/** Columns a transition may set (never user input). */
type OrderPatch = Partial<
  Record<
    | 'provider_id'
    | 'offer_expires_at'
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

interface TransitionSpec<A extends OrderAction = OrderAction> {
  expectedVersion?: number;
  /** Checks that need the loaded order (throw OrderError to refuse). */
  guard?: (order: OrderRow) => Promise<void> | void;
  patch?: (order: OrderRow) => OrderPatch;
  /** The event's payload, checked against the shared contract (order-events.ts). */
  payload?: (order: OrderRow) => OrderEventPayloads[`${A}`];
  location?: { lat: number; lng: number };
  /** Runs inside the transaction after the update (e.g. an audit row). */
  after?: (order: OrderRow) => Promise<void>;
}

/** The columns of a just-created order that the insert leaves at their defaults. */
const NEW_ORDER_DEFAULTS = {
  state: OrderState.PENDING_DISPATCH,
  version: 1,
  provider_id: null,
  offer_expires_at: null,
  worker_id: null,
  check_in_at: null,
  check_in_lat: null,
  check_in_lng: null,
  check_in_distance_m: null,
  check_out_at: null,
  check_out_lat: null,
  check_out_lng: null,
  check_out_distance_m: null,
  photo_hashes: [],
  confirm_code_hash: null,
  confirm_code_expires_at: null,
  confirm_attempts: 0,
  confirmed_by: null,
  confirmed_at: null,
  rating: null,
  rating_comment: null,
  close_reason: null,
} satisfies Partial<OrderRow>;

const CONFIRM_CODE_TTL_MS = 72 * 3600_000;
const OFFER_SWEEP_MS = 5_000;

@Injectable()
export class OrdersService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Orders');
  private sweeper?: NodeJS.Timeout;

  constructor(
    /** Every query runs on the use case's transaction when there is one (one connection per use case). */
    private readonly txHost: TransactionHost,
    private readonly elders: EldersService,
    private readonly catalog: CatalogService,
    private readonly providers: ProvidersService,
    @Inject(PII_CIPHER) private readonly cipher: PiiCipher,
    private readonly notifications: NotificationPort,
    private readonly audit: AuditTrailService,
  ) {}

  // --- creation ----------------------------------------------------------------------------------

  /** Creates an order (待派单). With an Idempotency-Key, a retry returns the same order. */
  async create(
    actor: Actor,
    dto: CreateOrderDto,
    idempotencyKey?: string,
  ): Promise<{ order: OrderView; replayed: boolean }> {
    // who may set which field (channel by role, priority by staff): order-policy.ts
    const fields = decideCreationFields(actor, dto);
    if (!fields.ok) throw fieldsInvalid(fields.fields);
    const [elder, item] = await Promise.all([
      this.elders.getElderForOrder(dto.elderId),
      this.catalog.getActiveItem(dto.itemId),
    ]);
    if (!canRequestFor(actor, elder)) throw new OrderError(E.ELDER_NOT_FOUND, 'elder not found', { id: dto.elderId });
    const schedule = this.checkSchedule(dto.scheduledStart, dto.scheduledEnd);
    const priority =
      item.serviceType === 'EMERGENCY' ? OrderPriority.EMERGENCY : (fields.priority ?? OrderPriority.NORMAL);
    return this.insertOrder(actor, elder, item, {
      channel: fields.channel,
      quantity: dto.quantity ?? 1,
      ...schedule,
      priority,
      note: dto.note ?? null,
      idempotencyKey,
      requestHash: idempotencyKey ? hashRequest(dto) : null,
      location: null,
    });
  }

  /** One-key call from an SOS device: an EMERGENCY order for its elder. */
  async raiseSos(
    device: Actor,
    dto: SosDto,
    idempotencyKey?: string,
  ): Promise<{ order: OrderView; replayed: boolean }> {
    const elderId = device.elderIds?.[0];
    if (!elderId) throw new OrderError(E.ELDER_NOT_FOUND, 'elder not found');
    const elder = await this.elders.getElderForOrder(elderId);
    if (!canRequestFor(device, elder)) throw new OrderError(E.ELDER_NOT_FOUND, 'elder not found');
    const item = await this.catalog.getActiveItemByCode('SOS_RESPONSE');
    const location = dto.lat !== undefined && dto.lng !== undefined ? { lat: dto.lat, lng: dto.lng } : null;
    return this.insertOrder(device, elder, item, {
      channel: OrderChannel.SOS,
      quantity: 1,
      scheduledStart: null,
      scheduledEnd: null,
      priority: OrderPriority.EMERGENCY,
      note: null,
      idempotencyKey,
      requestHash: idempotencyKey ? hashRequest(dto) : null,
      location,
    });
  }

  private async insertOrder(
    actor: Actor,
    elder: ElderForOrder,
    item: CatalogItemSnapshot,
    o: {
      channel: OrderChannel;
      quantity: number;
      scheduledStart: Date | null;
      scheduledEnd: Date | null;
      priority: OrderPriority;
      note: string | null;
      idempotencyKey?: string;
      requestHash: string | null;
      location: { lat: number; lng: number } | null;
    },
  ): Promise<{ order: OrderView; replayed: boolean }> {
    if (elder.status !== 'ACTIVE') throw new OrderError(E.ELDER_NOT_ACTIVE, `elder is ${elder.status}: no new orders`);
    const id = randomUUID();
    const orderNo = newOrderNo();
    const total = Math.round(item.priceCents * o.quantity);
    // One statement: the order and its CREATED event are written atomically; a duplicate
    // Idempotency-Key inserts nothing (the unique index decides between racing requests).
    const rows: { at: Date }[] = await this.txHost.tx.query(
      `WITH ins AS (
         INSERT INTO service_order (id, order_no, channel, elder_id, item_id, service_type, community_code, region_path,
           requested_by, idempotency_key, request_hash, scheduled_start, scheduled_end, priority, state, version,
           address_enc, home_lat, home_lng, item_name_zh, unit, unit_price_cents, quantity, total_cents,
           min_duration_minutes, required_qualification, note)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,'PENDING_DISPATCH',1,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25)
         ON CONFLICT (requested_by, idempotency_key) DO NOTHING
         RETURNING id, region_path, elder_id)
       INSERT INTO order_event (order_id, seq, type, from_state, to_state, actor_user_id, actor_role, lat, lng, payload, region_path, elder_id)
       SELECT id, 1, 'CREATED', NULL, 'PENDING_DISPATCH', $9, $26, $27, $28, $29, region_path, elder_id FROM ins
       RETURNING at`,
      [
        id,
        orderNo,
        o.channel,
        elder.id,
        item.id,
        item.serviceType,
        elder.communityCode,
        elder.regionPath,
        actor.userId,
        o.idempotencyKey ?? null,
        o.requestHash,
        o.scheduledStart,
        o.scheduledEnd,
        o.priority,
        elder.addressEnc,
        elder.homeLat,
        elder.homeLng,
        item.nameZh,
        item.unit,
        item.priceCents,
        o.quantity,
        total,
        item.minDurationMinutes,
        item.requiredQualification,
        o.note,
        actor.role,
        o.location?.lat ?? null,
        o.location?.lng ?? null,
        JSON.stringify({
          channel: o.channel,
          itemId: item.id,
          priority: o.priority,
        } satisfies OrderEventPayloads['CREATED']),
      ],
    );
    if (rows.length === 0) {
      const existing: { id: string; request_hash: string | null }[] = await this.txHost.tx.query(
        `SELECT id, request_hash FROM service_order WHERE requested_by = $1 AND idempotency_key = $2`,
        [actor.userId, o.idempotencyKey],
      );
      if (!existing[0] || existing[0].request_hash !== o.requestHash)
        throw new OrderError(E.IDEMPOTENCY_KEY_REUSED, 'this Idempotency-Key was already used for a different request');
      return { order: this.present(actor, await this.load(existing[0].id)), replayed: true };
    }
    // The response is built from what was just written (one round trip less than reading it back).
    const created: OrderRow = {
      ...NEW_ORDER_DEFAULTS,
      id,
      order_no: orderNo,
      channel: o.channel,
      elder_id: elder.id,
      elder_name: elder.name,
      item_id: item.id,
      service_type: item.serviceType,
      community_code: elder.communityCode,
      region_path: elder.regionPath,
      requested_by: actor.userId,
      request_hash: o.requestHash,
      scheduled_start: o.scheduledStart,
      scheduled_end: o.scheduledEnd,
      priority: o.priority,
      address_enc: elder.addressEnc,
      home_lat: elder.homeLat,
      home_lng: elder.homeLng,
      item_name_zh: item.nameZh,
      unit: item.unit,
      unit_price_cents: item.priceCents,
      quantity: String(o.quantity),
      total_cents: total,
      min_duration_minutes: item.minDurationMinutes,
      required_qualification: item.requiredQualification,
      note: o.note,
      created_at: rows[0].at,
      updated_at: rows[0].at,
    };
    return { order: this.present(actor, created), replayed: false };
  }

  private checkSchedule(start?: string, end?: string): { scheduledStart: Date | null; scheduledEnd: Date | null } {
    const s = start ? new Date(start) : null;
    const e = end ? new Date(end) : null;
    if (e && !s)
      throw new OrderError(E.INVALID_SCHEDULE, 'scheduledEnd needs a scheduledStart', { field: 'scheduledEnd' });
    if (s && e && e <= s)
      throw new OrderError(E.INVALID_SCHEDULE, 'scheduledEnd must be after scheduledStart', { field: 'scheduledEnd' });
    const now = Date.now();
    if (s && s.getTime() < now - 15 * 60_000)
      throw new OrderError(E.INVALID_SCHEDULE, 'scheduledStart is in the past', { field: 'scheduledStart' });
    if (s && s.getTime() > now + 180 * 86_400_000)
      throw new OrderError(E.INVALID_SCHEDULE, 'scheduledStart is more than 180 days ahead', {
        field: 'scheduledStart',
      });
    return { scheduledStart: s, scheduledEnd: e };
  }

  // --- queries -----------------------------------------------------------------------------------

  async get(actor: Actor, id: string): Promise<OrderView> {
    const order = await this.load(id, actor);
    return this.present(actor, order);
  }

  async events(actor: Actor, id: string): Promise<OrderEventView[]> {
    await this.load(id, actor);
    const rows: (Omit<OrderEventView, 'at'> & { at: Date })[] = await this.txHost.tx.query(
      `SELECT id, seq, type, from_state AS "fromState", to_state AS "toState", actor_user_id AS "actorUserId",
              actor_role AS "actorRole", lat, lng, payload, at
         FROM order_event WHERE order_id = $1 ORDER BY seq`,
      [id],
    );
    return rows.map((r) => ({ ...r, at: r.at.toISOString() }));
  }

  /** Lists the orders in the actor's scope, filtered in SQL. */
  async list(actor: Actor, q: ListOrdersQuery): Promise<Page<OrderView>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    switch (actor.role) {
      case Role.ELDER:
      case Role.FAMILY:
        where.push(`o.elder_id = ANY(${p(actor.elderIds ?? [])}::uuid[])`);
        break;
      case Role.PROVIDER_ADMIN:
        where.push(`o.provider_id = ${p(actor.providerId ?? null)}`);
        break;
      case Role.WORKER:
        where.push(`o.worker_id = ${p(actor.workerId ?? null)}`);
        break;
      case Role.SOS_DEVICE:
        where.push('false');
        break;
      default:
        if (!actor.regionPath) where.push('false');
        else where.push(`o.region_path LIKE ${p(actor.regionPath)} || '%'`);
    }
    if (q.state) where.push(`o.state = ${p(q.state)}`);
    if (q.serviceType) where.push(`o.service_type = ${p(q.serviceType)}`);
    if (q.elderId) where.push(`o.elder_id = ${p(q.elderId)}`);
    const limit = q.limit ?? 50;
    const offset = q.offset ?? 0;
    const sql = `SELECT o.*, e.name AS elder_name, count(*) OVER () AS total
                   FROM service_order o JOIN elder e ON e.id = o.elder_id
                  WHERE ${where.join(' AND ')}
                  ORDER BY o.priority DESC, o.created_at DESC, o.id
                  LIMIT ${p(limit)} OFFSET ${p(offset)}`;
    const rows: (OrderRow & { total: string })[] = await this.txHost.tx.query(sql, params);
    return {
      items: rows.map((r) => this.present(actor, r)),
      total: rows[0] ? Number(rows[0].total) : 0,
      limit,
      offset,
    };
  }

  // --- transitions -------------------------------------------------------------------------------

  offer(actor: Actor, id: string, dto: OfferOrderDto): Promise<OrderView> {
    let slaMinutes = 30;
    return this.act(actor, id, OrderAction.OFFER, {
      expectedVersion: dto.version,
      guard: async (o) => {
        slaMinutes = (await this.catalog.findItem(o.item_id))?.acceptSlaMinutes ?? slaMinutes;
        const provider = await this.providers.getProvider(dto.providerId);
        if (provider.status !== 'ACTIVE')
          throw new OrderError(E.PROVIDER_NOT_AVAILABLE, 'the provider is suspended', { providerId: dto.providerId });
        if (await this.providers.isContracted(provider.id, o.service_type, o.community_code)) return;
        if (!dto.override)
          throw new OrderError(
            E.PROVIDER_NOT_CONTRACTED,
            'the provider has no contract for this service in this community; a district dispatcher may override with a reason',
          );
        if (actor.role !== Role.DISTRICT_DISPATCHER && actor.role !== Role.PLATFORM_ADMIN)
          throw new OrderError(E.NOT_ALLOWED, 'only a district dispatcher may override the contract rule');
        if (!dto.reason?.trim())
          throw fieldsInvalid([{ field: 'reason', problems: ['reason is required when override is true'] }]);
        if (!o.region_path.startsWith(`/${o.region_path.split('/')[1]}/${provider.districtCode}/`))
          throw new OrderError(
            E.PROVIDER_OUTSIDE_DISTRICT,
            'an override may only pick a provider of the order’s district',
          );
      },
      patch: () => ({
        provider_id: dto.providerId,
        offer_expires_at: new Date(Date.now() + (dto.expiresInMinutes ?? slaMinutes) * 60_000),
      }),
      payload: () => ({
        providerId: dto.providerId,
        override: !!dto.override,
        ...(dto.override ? { reason: dto.reason } : {}),
      }),
      after: async (o) => {
        if (dto.override)
          await this.audit.record({
            actor,
            action: AuditAction.DISPATCH_OVERRIDE,
            objectType: 'order',
            objectId: o.id,
            details: { providerId: dto.providerId },
          });
      },
    });
  }

  accept(actor: Actor, id: string, dto: AcceptOrderDto): Promise<OrderView> {
    return this.act(actor, id, OrderAction.ACCEPT, {
      expectedVersion: dto.version,
      guard: async (o) => {
        // (the offer deadline is checked by decideOrderAction)
        // 404 unless the worker belongs to the provider on this order; 400 unless ACTIVE
        const worker = await this.providers.getWorkerForAssignment(o.provider_id!, dto.workerId);
        if (!workerHasQualification(worker, o.required_qualification))
          throw new OrderError(
            E.WORKER_NOT_QUALIFIED,
            `this service needs a worker qualified as ${o.required_qualification}`,
          );
      },
      patch: () => ({ worker_id: dto.workerId, offer_expires_at: null }),
      payload: () => ({ workerId: dto.workerId }),
    });
  }

  reject(actor: Actor, id: string, dto: ReasonDto): Promise<OrderView> {
    return this.act(actor, id, OrderAction.REJECT, {
      expectedVersion: dto.version,
      patch: () => ({ provider_id: null, offer_expires_at: null }),
      payload: (o) => ({ providerId: o.provider_id, reason: dto.reason }),
    });
  }

  depart(actor: Actor, id: string, dto: VersionDto): Promise<OrderView> {
    return this.act(actor, id, OrderAction.DEPART, { expectedVersion: dto.version });
  }

  checkIn(actor: Actor, id: string, dto: LocationDto): Promise<OrderView> {
    return this.act(actor, id, OrderAction.CHECK_IN, {
      expectedVersion: dto.version,
      location: dto,
      patch: (o) => ({
        check_in_at: new Date(),
        check_in_lat: dto.lat,
        check_in_lng: dto.lng,
        check_in_distance_m: distanceMeters(dto, { lat: o.home_lat, lng: o.home_lng }),
      }),
      payload: (o) => ({ distanceM: distanceMeters(dto, { lat: o.home_lat, lng: o.home_lng }) }),
    });
  }

  async checkOut(actor: Actor, id: string, dto: CheckOutDto): Promise<OrderView> {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const view = await this.act(actor, id, OrderAction.CHECK_OUT, {
      expectedVersion: dto.version,
      location: dto,
      patch: (o) => ({
        check_out_at: new Date(),
        check_out_lat: dto.lat,
        check_out_lng: dto.lng,
        check_out_distance_m: distanceMeters(dto, { lat: o.home_lat, lng: o.home_lng }),
        photo_hashes: dto.photoHashes,
        confirm_code_hash: codeHash(o.id, code),
        confirm_code_expires_at: new Date(Date.now() + CONFIRM_CODE_TTL_MS),
      }),
      payload: (o) => {
        const minutes = o.check_in_at ? Math.round((Date.now() - o.check_in_at.getTime()) / 60_000) : null;
        return {
          distanceM: distanceMeters(dto, { lat: o.home_lat, lng: o.home_lng }),
          photoCount: dto.photoHashes.length,
          serviceMinutes: minutes,
          shorterThanMinimum: minutes !== null && minutes < o.min_duration_minutes,
        };
      },
    });
    await this.sendConfirmationCode(view, code);
    return view;
  }

  /**
   * Confirms the service. The decision (who, state, code locked or expired) comes first, so a caller
   * who may not confirm uses up none of the elder's attempts; then the code is checked and, if
   * wrong, counted in one statement of its own (`checkConfirmCode`); then the transition runs.
   * Station staff confirm on the elder's behalf with the code, or without one once it can no longer
   * be used (the way out that CODE_ATTEMPTS_EXCEEDED and CODE_EXPIRED name).
   */
  async confirm(actor: Actor, id: string, dto: ConfirmOrderDto): Promise<OrderView> {
    const code = dto.code ?? undefined;
    const order = await this.load(id, actor);
    const how = this.decide(actor, order, OrderAction.CONFIRM).confirm!;
    const problem = confirmInputProblem(how, code);
    if (problem) throw fieldsInvalid([problem]);
    if (how.method === 'CODE') await this.checkConfirmCode(actor, order, code!);
    return this.act(actor, id, OrderAction.CONFIRM, {
      guard: (o) => {
        // the code was checked above; it is the one on the row (nothing replaces it but a check-out)
        if (
          how.method === 'CODE' &&
          !(o.confirm_code_hash && timingSafeEqual(codeHash(o.id, code!), o.confirm_code_hash))
        )
          throw new OrderError(E.CODE_INVALID, 'wrong confirmation code');
      },
      patch: () => ({
        confirmed_by: actor.userId,
        confirmed_at: new Date(),
        confirm_code_hash: null,
        ...(dto.rating ? { rating: dto.rating, rating_comment: dto.comment ?? null } : {}),
      }),
      payload: () => ({
        onBehalf: actor.role === Role.STATION_STAFF,
        withCode: how.method === 'CODE',
        ...(how.method === 'CODE' ? {} : { codeState: how.codeState }),
        ...(dto.rating ? { rating: dto.rating } : {}),
      }),
      after: async (o) => {
        if (how.method === 'ON_BEHALF_WITHOUT_CODE')
          await this.audit.record({
            actor,
            action: AuditAction.CONFIRMED_ON_BEHALF,
            objectType: 'order',
            objectId: o.id,
            details: { codeState: how.codeState },
          });
      },
    });
  }

  /**
   * Checks a confirmation code and counts it when wrong, atomically, in one statement: the row
   * lock makes racing guesses take turns, and a guess is evaluated only while fewer than
   * MAX_CONFIRM_ATTEMPTS wrong ones are counted, so guesses sent at once cannot exceed the limit.
   * It runs on its own (autocommit) before the transition's transaction opens: a wrong guess stays
   * counted although nothing else happens, and no second connection is taken while a transaction
   * holds one. (The hashes are compared in SQL: they are SHA-256 digests the guesser cannot steer.)
   */
  private async checkConfirmCode(actor: Actor, order: OrderRow, code: string): Promise<void> {
    const rows = await returning<{ attempts: number; matches: boolean }>(
      this.txHost.tx,
      `UPDATE service_order
          SET confirm_attempts = confirm_attempts + CASE WHEN confirm_code_hash = $2 THEN 0 ELSE 1 END
        WHERE id = $1 AND state = 'COMPLETED' AND confirm_code_hash IS NOT NULL
          AND confirm_attempts < $3 AND confirm_code_expires_at > now()
        RETURNING confirm_attempts AS attempts, confirm_code_hash = $2 AS matches`,
      [order.id, codeHash(order.id, code), MAX_CONFIRM_ATTEMPTS],
    );
    const row = rows[0];
    if (!row) {
      // locked, expired or no longer COMPLETED since it was read: the decision says which
      this.decide(actor, await this.load(order.id, actor), OrderAction.CONFIRM);
      throw new OrderError(E.CODE_ATTEMPTS_EXCEEDED, 'too many wrong codes: ask the station to confirm the service');
    }
    if (!row.matches)
      throw new OrderError(E.CODE_INVALID, 'wrong confirmation code', {
        attemptsLeft: MAX_CONFIRM_ATTEMPTS - row.attempts,
      });
  }

  rate(actor: Actor, id: string, dto: RateOrderDto): Promise<OrderView> {
    // (a second rating is refused by decideOrderAction: ALREADY_RATED)
    return this.act(actor, id, OrderAction.RATE, {
      patch: () => ({ rating: dto.rating, rating_comment: dto.comment ?? null }),
      payload: () => ({ rating: dto.rating }),
    });
  }

  cancel(actor: Actor, id: string, dto: ReasonDto): Promise<OrderView> {
    return this.closeWithReason(actor, id, OrderAction.CANCEL, dto);
  }

  reportException(actor: Actor, id: string, dto: ReasonDto): Promise<OrderView> {
    return this.closeWithReason(actor, id, OrderAction.REPORT_EXCEPTION, dto);
  }

  complain(actor: Actor, id: string, dto: ReasonDto): Promise<OrderView> {
    return this.closeWithReason(actor, id, OrderAction.COMPLAIN, dto);
  }

  resolve(actor: Actor, id: string, dto: ReasonDto): Promise<OrderView> {
    return this.closeWithReason(actor, id, OrderAction.RESOLVE, dto);
  }

  private closeWithReason(
    actor: Actor,
    id: string,
    action: OrderAction.CANCEL | OrderAction.REPORT_EXCEPTION | OrderAction.COMPLAIN | OrderAction.RESOLVE,
    dto: ReasonDto,
  ): Promise<OrderView> {
    return this.act(actor, id, action, {
      expectedVersion: dto.version,
      patch: () => ({ close_reason: dto.reason, ...(action === OrderAction.CANCEL ? { offer_expires_at: null } : {}) }),
      payload: () => ({ reason: dto.reason }),
    });
  }

  // --- offer deadlines ---------------------------------------------------------------------------

  /**
   * Returns expired offers to dispatch. The deadline lives in the row, so it survives restarts;
   * SKIP LOCKED and the version check let several instances sweep at once.
   */
  async expireDueOffers(limit = 100): Promise<number> {
    return this.txHost.withTransaction(async () => {
      const due: { id: string }[] = await this.txHost.tx.query(
        `SELECT id FROM service_order WHERE state = 'OFFERED' AND offer_expires_at < now()
          ORDER BY offer_expires_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit],
      );
      for (const { id } of due) {
        const order = await this.load(id);
        await this.apply(SYSTEM_ACTOR, order, OrderAction.EXPIRE, {
          patch: () => ({ provider_id: null, offer_expires_at: null }),
          payload: (o) => ({ providerId: o.provider_id }),
        });
      }
      return due.length;
    });
  }

  onModuleInit(): void {
    this.sweeper = setInterval(() => {
      this.expireDueOffers().catch((err: unknown) => this.logger.warn(`offer sweep failed: ${(err as Error).message}`));
    }, OFFER_SWEEP_MS);
    this.sweeper.unref();
  }

  onModuleDestroy(): void {
    if (this.sweeper) clearInterval(this.sweeper);
  }

  // --- machinery ---------------------------------------------------------------------------------

  /** Access check, legal-transition check, guarded update and event row, in one transaction. */
  private async act<A extends OrderAction>(
    actor: Actor,
    id: string,
    action: A,
    spec: TransitionSpec<A>,
  ): Promise<OrderView> {
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
  private decide(actor: Actor, order: OrderRow, action: OrderAction): Extract<OrderDecision, { ok: true }> {
    const d = decideOrderAction(actor, factsOf(order), action, new Date());
    if (!d.ok) throw new OrderError(d.code, d.message, d.details);
    return d;
  }

  private async apply<A extends OrderAction>(
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
    // The routing snapshot is read from the row just updated (who holds the order after the
    // transition); `former_provider_id` is the provider before it when the transition removed it.
    await this.txHost.tx.query(
      `INSERT INTO order_event (order_id, seq, type, from_state, to_state, actor_user_id, actor_role, lat, lng, payload,
         region_path, elder_id, provider_id, former_provider_id, worker_id)
       SELECT $1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11, o.elder_id, o.provider_id, NULLIF($12::uuid, o.provider_id), o.worker_id
         FROM service_order o WHERE o.id = $1`,
      [
        order.id,
        order.version + 1,
        action,
        order.state,
        t.next,
        actor.userId,
        actor.role,
        spec.location?.lat ?? null,
        spec.location?.lng ?? null,
        JSON.stringify(spec.payload?.(order) ?? {}),
        order.region_path,
        order.provider_id,
      ],
    );
    await spec.after?.(order);
    return this.load(order.id);
  }

  /**
   * Loads an order. With an actor, an order they may not see is "not found", exactly like one
   * that does not exist.
   */
  private async load(id: string, visibleTo?: Actor): Promise<OrderRow> {
    const rows: OrderRow[] = await this.txHost.tx.query(
      `SELECT o.*, e.name AS elder_name FROM service_order o JOIN elder e ON e.id = o.elder_id WHERE o.id = $1`,
      [id],
    );
    const order = rows[0];
    if (!order || (visibleTo && !canViewOrder(visibleTo, scopeOf(order))))
      throw new OrderError(E.ORDER_NOT_FOUND, 'order not found', { id });
    return order;
  }

  private async sendConfirmationCode(view: OrderView, code: string): Promise<void> {
    for (const phone of await this.elders.getConfirmationPhones(view.elder.id)) {
      await this.notifications.send(phone, 'ORDER_CONFIRMATION_CODE', { orderNo: view.orderNo, code });
    }
  }

  private present(actor: Actor, o: OrderRow): OrderView {
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

function scopeOf(o: OrderRow): OrderScope {
  return {
    elderId: o.elder_id,
    regionPath: o.region_path,
    providerId: o.provider_id,
    workerId: o.worker_id,
    state: o.state,
  };
}

function factsOf(o: OrderRow): OrderFacts {
  return {
    ...scopeOf(o),
    offerExpiresAt: o.offer_expires_at,
    hasConfirmCode: o.confirm_code_hash !== null,
    confirmCodeExpiresAt: o.confirm_code_expires_at,
    confirmAttempts: o.confirm_attempts,
    rated: o.rating !== null,
  };
}

function codeHash(orderId: string, code: string): Buffer {
  return createHash('sha256').update(`${orderId}:${code}`).digest();
}

/** Canonical hash of a create request: same fields in any key order give the same hash. */
export function hashRequest(body: object): string {
  const canonical = JSON.stringify(
    Object.fromEntries(
      Object.entries(body)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => a.localeCompare(b)),
    ),
  );
  return createHash('sha256').update(canonical).digest('hex');
}

const ORDER_NO_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
function newOrderNo(now = new Date()): string {
  const day = now.toISOString().slice(0, 10).replace(/-/g, '');
  const bytes = randomBytes(8);
  let suffix = '';
  for (const b of bytes) suffix += ORDER_NO_ALPHABET[b % ORDER_NO_ALPHABET.length];
  return `SO${day}-${suffix}`;
}
