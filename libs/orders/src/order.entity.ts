import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  ForeignKey,
} from 'typeorm';
import { ElderEntity } from '#lib/elders';
import { ServiceItemEntity } from '#lib/catalog';
import { ProviderEntity, WorkerEntity } from '#lib/providers';

export enum OrderState {
  PENDING_DISPATCH = 'PENDING_DISPATCH', // 待派单
  OFFERED = 'OFFERED', // 已派单
  ACCEPTED = 'ACCEPTED', // 已接单
  EN_ROUTE = 'EN_ROUTE', // 已出发
  IN_SERVICE = 'IN_SERVICE', // 服务中
  COMPLETED = 'COMPLETED', // 已完成
  CONFIRMED = 'CONFIRMED', // 已评价 (confirmed by the elder/family, optionally rated)
  CANCELLED = 'CANCELLED', // 已取消
  EXCEPTION = 'EXCEPTION', // 异常 (elder not home, service not possible)
  DISPUTED = 'DISPUTED', // 投诉中
  RESOLVED = 'RESOLVED', // 投诉已处理
}

export enum OrderChannel {
  APP = 'APP',
  WALK_IN = 'WALK_IN',
  HOTLINE = 'HOTLINE',
  SOS = 'SOS',
}

/** Higher is more urgent. EMERGENCY orders jump every queue. */
export enum OrderPriority {
  NORMAL = 0,
  URGENT = 1,
  EMERGENCY = 2,
}

@Entity('service_order')
@Index(['requestedBy', 'idempotencyKey'], { unique: true })
@Index(['state', 'priority', 'createdAt'])
// partial and GIN indexes of the dispatch engine (migration DispatchOffersAndAlerts), kept by hand
@Index('IDX_service_order_offered_to', { synchronize: false })
@Index('IDX_service_order_active_provider', { synchronize: false })
@Index('IDX_service_order_active_worker', { synchronize: false })
@Index('IDX_service_order_elder_type', { synchronize: false })
@Index('IDX_service_order_worker_updated', { synchronize: false })
export class ServiceOrderEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  /** Human-readable number shown to staff and elders, e.g. SO20261122-8F3A2C. */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 24 })
  orderNo: string;

  @Column({ type: 'varchar', length: 12 })
  channel: OrderChannel;

  @Index()
  @ForeignKey(() => ElderEntity)
  @Column({ type: 'uuid' })
  elderId: string;

  @ForeignKey(() => ServiceItemEntity)
  @Column({ type: 'uuid' })
  itemId: string;

  @Column({ type: 'varchar', length: 16 })
  serviceType: string;

  @Column({ type: 'varchar', length: 12 })
  communityCode: string;

  /** Snapshot of the elder's community path: every region-scoped list filters on it. */
  @Index()
  @Column({ type: 'varchar', length: 80, collation: 'C' })
  regionPath: string;

  /** The user who asked (elder, family, staff) or, for the SOS channel, the device id. */
  @Column({ type: 'uuid' })
  requestedBy: string;

  @Column({ type: 'varchar', length: 80, nullable: true })
  idempotencyKey: string | null;

  /** SHA-256 of the canonical create request, to tell a retry from a different request. */
  @Column({ type: 'char', length: 64, nullable: true })
  requestHash: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  scheduledStart: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  scheduledEnd: Date | null;

  @Column({ type: 'smallint', default: OrderPriority.NORMAL })
  priority: OrderPriority;

  @Column({ type: 'varchar', length: 20 })
  state: OrderState;

  /** Optimistic concurrency: every transition is UPDATE … WHERE id = $1 AND version = $2. */
  @Column({ type: 'integer', default: 1 })
  version: number;

  // --- snapshots taken at creation -------------------------------------------------------------
  @Column({ type: 'bytea' })
  addressEnc: Buffer;

  @Column({ type: 'double precision' })
  homeLat: number;

  @Column({ type: 'double precision' })
  homeLng: number;

  @Column({ type: 'varchar', length: 64 })
  itemNameZh: string;

  @Column({ type: 'varchar', length: 12 })
  unit: string;

  @Column({ type: 'integer' })
  unitPriceCents: number;

  @Column({ type: 'numeric', precision: 8, scale: 2 })
  quantity: string;

  @Column({ type: 'integer' })
  totalCents: number;

  @Column({ type: 'integer' })
  minDurationMinutes: number;

  @Column({ type: 'varchar', length: 40, nullable: true })
  requiredQualification: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  note: string | null;

  // --- dispatch ---------------------------------------------------------------------------------
  @Index()
  @ForeignKey(() => ProviderEntity)
  @Column({ type: 'uuid', nullable: true })
  providerId: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  offerExpiresAt: Date | null;

  /** Providers holding an OPEN offer (`order_offer` rows); empty unless OFFERED. */
  @Column({ type: 'uuid', array: true, default: () => `'{}'` })
  offeredTo: string[];

  @Index()
  @ForeignKey(() => WorkerEntity)
  @Column({ type: 'uuid', nullable: true })
  workerId: string | null;

  // --- evidence ---------------------------------------------------------------------------------
  @Column({ type: 'timestamptz', nullable: true })
  checkInAt: Date | null;

  @Column({ type: 'double precision', nullable: true })
  checkInLat: number | null;

  @Column({ type: 'double precision', nullable: true })
  checkInLng: number | null;

  @Column({ type: 'integer', nullable: true })
  checkInDistanceM: number | null;

  @Column({ type: 'timestamptz', nullable: true })
  checkOutAt: Date | null;

  @Column({ type: 'double precision', nullable: true })
  checkOutLat: number | null;

  @Column({ type: 'double precision', nullable: true })
  checkOutLng: number | null;

  @Column({ type: 'integer', nullable: true })
  checkOutDistanceM: number | null;

  /** SHA-256 hashes of the evidence photos (the files themselves live in object storage). */
  @Column({ type: 'varchar', array: true, default: () => `'{}'` })
  photoHashes: string[];

  /** Hash of the one-time confirmation code sent to the elder/family at check-out. */
  @Column({ type: 'bytea', nullable: true })
  confirmCodeHash: Buffer | null;

  @Column({ type: 'timestamptz', nullable: true })
  confirmCodeExpiresAt: Date | null;

  @Column({ type: 'integer', default: 0 })
  confirmAttempts: number;

  @Column({ type: 'uuid', nullable: true })
  confirmedBy: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  confirmedAt: Date | null;

  @Column({ type: 'smallint', nullable: true })
  rating: number | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  ratingComment: string | null;

  /** Reason of the side exit (cancel, exception, complaint, resolution). */
  @Column({ type: 'varchar', length: 500, nullable: true })
  closeReason: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

/**
 * Append-only lifecycle log, written in the same transaction as the state change (the outbox
 * real-time delivery reads). The bigserial `id` alone is NOT a safe cursor (it is taken at insert,
 * not at commit): readers order by `(xid, id)` and read below the oldest running transaction —
 * see `OrderEventsFeed` (order-events.feed.ts).
 */
@Entity('order_event')
@Index(['orderId', 'seq'], { unique: true })
@Index('IDX_order_event_xid_id', ['xid', 'id'])
export class OrderEventEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  @ForeignKey(() => ServiceOrderEntity)
  @Column({ type: 'uuid' })
  orderId: string;

  /** The order's version after this event. */
  @Column({ type: 'integer' })
  seq: number;

  @Column({ type: 'varchar', length: 24 })
  type: string;

  @Column({ type: 'varchar', length: 20, nullable: true })
  fromState: string | null;

  @Column({ type: 'varchar', length: 20 })
  toState: string;

  @Column({ type: 'uuid' })
  actorUserId: string;

  @Column({ type: 'varchar', length: 24 })
  actorRole: string;

  @Column({ type: 'double precision', nullable: true })
  lat: number | null;

  @Column({ type: 'double precision', nullable: true })
  lng: number | null;

  @Column({ type: 'jsonb', default: () => `'{}'` })
  payload: Record<string, unknown>;

  /** Scope snapshot so real-time fan-out needs no join. */
  @Column({ type: 'varchar', length: 80, collation: 'C' })
  regionPath: string;

  /**
   * The writing transaction's id, `pg_current_xact_id()` (an xid8, epoch-extended so it never wraps,
   * kept as bigint: TypeORM has no xid8; the default is the migration's `current_xact_id_bigint()`).
   * First half of the feed's `(xid, id)` order.
   */
  @Column({ type: 'bigint', default: () => 'current_xact_id_bigint()' })
  xid: string;

  /** Routing snapshot as of this event (after the transition): the order's elder… */
  @Column({ type: 'uuid' })
  elderId: string;

  /** …its provider (null while none holds the order)… */
  @Column({ type: 'uuid', nullable: true })
  providerId: string | null;

  /** …the provider this transition took the order from (REJECT, EXPIRE), so it can be told… */
  @Column({ type: 'uuid', nullable: true })
  formerProviderId: string | null;

  /** …its worker… */
  @Column({ type: 'uuid', nullable: true })
  workerId: string | null;

  /** …and the providers holding an open offer after it (an emergency is offered to several at once). */
  @Column({ type: 'uuid', array: true, default: () => `'{}'` })
  offeredTo: string[];

  @CreateDateColumn({ type: 'timestamptz' })
  at: Date;
}
