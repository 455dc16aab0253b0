import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { distanceMeters, PII_CIPHER, PiiCipher, Role, type Actor, type Page } from '#lib/kernel';
import { AuditAction, AuditTrailService } from '#lib/audit-trail';
import { NotificationPort } from '#lib/notifications';
import { CatalogService, type CatalogItemSnapshot } from '#lib/catalog';
import { EldersService, type ElderForOrder } from '#lib/elders';
import { OrderChannel, OrderPriority, OrderState } from './order.entity.js';
import { OrderAction } from './order-state-machine.js';
import type { OrderEventPayloads } from './order-events.js';
import { canRequestFor, confirmInputProblem, decideCreationFields, MAX_CONFIRM_ATTEMPTS } from './order-policy.js';
import { fieldsInvalid, OrderError, OrderErrorCode as E } from './orders.errors.js';
import type {
  AcceptOrderDto,
  CheckOutDto,
  ConfirmOrderDto,
  CreateOrderDto,
  ListOrdersQuery,
  LocationDto,
  RateOrderDto,
  ReasonDto,
  SosDto,
  VersionDto,
} from './orders.dto.js';
import { returning, TransactionHost } from '#lib/database';
import { JobScheduler } from '#lib/scheduler';
import type { OrderEventView, OrderView } from './orders.views.js';
import { OrderStore, type OrderRow } from './order-store.js';
import { NEEDS_DISPATCH_CTE, OrderOffers } from './order-offers.js';

// The answers' shapes are classes that are also their OpenAPI schemas (orders.views.ts).
export type { OrderEventView, OrderView } from './orders.views.js';

/** The columns of a just-created order that the insert leaves at their defaults. */
const NEW_ORDER_DEFAULTS = {
  state: OrderState.PENDING_DISPATCH,
  version: 1,
  provider_id: null,
  offer_expires_at: null,
  offered_to: [],
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

@Injectable()
export class OrdersService {
  constructor(
    /** Every query runs on the use case's transaction when there is one (one connection per use case). */
    private readonly txHost: TransactionHost,
    private readonly elders: EldersService,
    private readonly catalog: CatalogService,
    @Inject(PII_CIPHER) private readonly cipher: PiiCipher,
    private readonly notifications: NotificationPort,
    private readonly audit: AuditTrailService,
    private readonly store: OrderStore,
    private readonly offers: OrderOffers,
    private readonly jobs: JobScheduler,
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
    // One statement: the order, its CREATED event and the durable "needs dispatch" job (the dispatch
    // engine's trigger) are written atomically, then the job runners are woken; a duplicate
    // Idempotency-Key inserts nothing (the unique index decides between racing requests).
    const rows: { at: Date }[] = await this.txHost.tx.query(
      `WITH ins AS (
         INSERT INTO service_order (id, order_no, channel, elder_id, item_id, service_type, community_code, region_path,
           requested_by, idempotency_key, request_hash, scheduled_start, scheduled_end, priority, state, version,
           address_enc, home_lat, home_lng, item_name_zh, unit, unit_price_cents, quantity, total_cents,
           min_duration_minutes, required_qualification, note)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,'PENDING_DISPATCH',1,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25)
         ON CONFLICT (requested_by, idempotency_key) DO NOTHING
         RETURNING id, region_path, elder_id),
       ${NEEDS_DISPATCH_CTE}
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
      return { order: this.store.present(actor, await this.store.load(existing[0].id)), replayed: true };
    }
    await this.jobs.wake();
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
    return { order: this.store.present(actor, created), replayed: false };
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
    const order = await this.store.load(id, actor);
    return this.store.present(actor, order);
  }

  async events(actor: Actor, id: string): Promise<OrderEventView[]> {
    await this.store.load(id, actor);
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
        // the orders it holds, and those it holds an open offer on (GIN index on offered_to)
        where.push(
          `(o.provider_id = ${p(actor.providerId ?? null)} OR o.offered_to @> ARRAY[$${params.length}]::uuid[])`,
        );
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
      items: rows.map((r) => this.store.present(actor, r)),
      total: rows[0] ? Number(rows[0].total) : 0,
      limit,
      offset,
    };
  }

  // --- transitions -------------------------------------------------------------------------------

  accept(actor: Actor, id: string, dto: AcceptOrderDto): Promise<OrderView> {
    return this.offers.accept(actor, id, dto);
  }

  reject(actor: Actor, id: string, dto: ReasonDto): Promise<OrderView> {
    return this.offers.reject(actor, id, dto);
  }

  depart(actor: Actor, id: string, dto: VersionDto): Promise<OrderView> {
    return this.store.act(actor, id, OrderAction.DEPART, { expectedVersion: dto.version });
  }

  checkIn(actor: Actor, id: string, dto: LocationDto): Promise<OrderView> {
    return this.store.act(actor, id, OrderAction.CHECK_IN, {
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
    const view = await this.store.act(actor, id, OrderAction.CHECK_OUT, {
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
    const order = await this.store.load(id, actor);
    const how = this.store.decide(actor, order, OrderAction.CONFIRM).confirm!;
    const problem = confirmInputProblem(how, code);
    if (problem) throw fieldsInvalid([problem]);
    if (how.method === 'CODE') await this.checkConfirmCode(actor, order, code!);
    return this.store.act(actor, id, OrderAction.CONFIRM, {
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
      this.store.decide(actor, await this.store.load(order.id, actor), OrderAction.CONFIRM);
      throw new OrderError(E.CODE_ATTEMPTS_EXCEEDED, 'too many wrong codes: ask the station to confirm the service');
    }
    if (!row.matches)
      throw new OrderError(E.CODE_INVALID, 'wrong confirmation code', {
        attemptsLeft: MAX_CONFIRM_ATTEMPTS - row.attempts,
      });
  }

  rate(actor: Actor, id: string, dto: RateOrderDto): Promise<OrderView> {
    // (a second rating is refused by decideOrderAction: ALREADY_RATED)
    return this.store.act(actor, id, OrderAction.RATE, {
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
    const cancel = action === OrderAction.CANCEL;
    return this.store.act(actor, id, action, {
      expectedVersion: dto.version,
      patch: () => ({ close_reason: dto.reason, ...(cancel ? { offer_expires_at: null, offered_to: [] } : {}) }),
      payload: () => ({ reason: dto.reason }),
      // a cancelled order's open offers are withdrawn with it (their deadlines dropped)
      after: cancel
        ? async (o) => void (await this.offers.closeOpenOffers(o.id, 'WITHDRAWN', actor, dto.reason))
        : undefined,
    });
  }

  private async sendConfirmationCode(view: OrderView, code: string): Promise<void> {
    for (const phone of await this.elders.getConfirmationPhones(view.elder.id)) {
      await this.notifications.send(phone, 'ORDER_CONFIRMATION_CODE', { orderNo: view.orderNo, code });
    }
  }
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
