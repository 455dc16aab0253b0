import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { DISPATCH_ENGINE_ACTOR } from '#lib/kernel';
import { TransactionHost } from '#lib/database';
import { JobScheduler } from '#lib/scheduler';
import { CatalogService } from '#lib/catalog';
import { EldersService } from '#lib/elders';
import { UsersService } from '#lib/identity';
import { MessageTemplate, NotificationPort } from '#lib/notifications';
import { ORDER_JOBS, OrderOffers, OrderPriority, OrderState, type OrderForDispatch } from '#lib/orders';
import type { DispatchConfig } from '../config.js';
import { decideDispatch, offerDeadline, scheduledDispatchAt } from '../decide.js';
import { StraightLineTravelTime, type TravelTimeModel } from '../travel-time.js';
import { AlertsService } from './alerts.service.js';
import { DispatchInputs } from './dispatch-inputs.js';
import { DISPATCH_CONFIG, DISPATCH_OPTIONS, leadMinutesFor, type DispatchOptions } from './dispatch-options.js';

export const ENGINE_JOBS = {
  /** The order's acceptance SLA ran out (key: order id). */
  ACCEPT_SLA: 'dispatch.accept-sla',
  /** An emergency's on-site SLA ran out (key: order id). */
  ONSITE_SLA: 'dispatch.onsite-sla',
} as const;

/** While nobody can take an order, the engine looks again this often (workers come on shift, offers close). */
const RETRY_MINUTES = 5;
/** …for at most this long after creation (or after the scheduled window's end). */
const RETRY_HORIZON_HOURS = 24;

export type DistrictMode = 'AUTO' | 'MANUAL';

/**
 * The automatic side of dispatch (issue 8 items 1, 4, 5, 7). It runs as durable jobs (#lib/scheduler),
 * each in its own transaction and exactly once across instances:
 * - `order.needs-dispatch` (written by orders when an order is created or comes back from a rejection
 *   or expiry): a scheduled order waits until its lead time; in an AUTO district the engine loads the
 *   inputs, decides (pure `decideDispatch`) and offers — one provider, or the best K at once for an
 *   emergency — through the orders command API, or raises a NO_CANDIDATE alert and looks again later;
 * - the acceptance SLA of the order and the on-site SLA of an emergency, which raise alerts;
 * - emergencies alert the district at once and text the elder's phone and emergency contacts.
 */
@Injectable()
export class DispatchEngine implements OnModuleInit {
  readonly travel: TravelTimeModel;

  constructor(
    private readonly txHost: TransactionHost,
    private readonly jobs: JobScheduler,
    private readonly offers: OrderOffers,
    private readonly inputs: DispatchInputs,
    private readonly alerts: AlertsService,
    private readonly catalog: CatalogService,
    private readonly elders: EldersService,
    private readonly notifications: NotificationPort,
    private readonly users: UsersService,
    @Inject(DISPATCH_CONFIG) private readonly config: DispatchConfig,
    @Inject(DISPATCH_OPTIONS) private readonly options: DispatchOptions,
  ) {
    this.travel = new StraightLineTravelTime(config.speedModel);
  }

  onModuleInit(): void {
    this.jobs.handle(ORDER_JOBS.NEEDS_DISPATCH, (job) => this.dispatch(job.key));
    this.jobs.handle(ENGINE_JOBS.ACCEPT_SLA, (job) => this.acceptSlaRanOut(job.key));
    this.jobs.handle(ENGINE_JOBS.ONSITE_SLA, (job) => this.onsiteSlaRanOut(job.key));
  }

  /** AUTO unless the district was switched to MANUAL (or the engine is off on this deployment). */
  async modeOf(districtCode: string): Promise<DistrictMode> {
    if (!this.options.auto) return 'MANUAL';
    const [row] = (await this.txHost.tx.query(`SELECT mode FROM dispatch_setting WHERE district_code = $1`, [
      districtCode,
    ])) as { mode: DistrictMode }[];
    return row?.mode ?? 'AUTO';
  }

  /** One automatic dispatch decision for the order (the `order.needs-dispatch` job). */
  async dispatch(orderId: string, now = new Date()): Promise<void> {
    const order = await this.offers.forDispatch(orderId, { lock: true });
    if (!order || order.state !== OrderState.PENDING_DISPATCH) return;
    const item = await this.catalog.findItem(order.itemId);
    const acceptSla = item?.acceptSlaMinutes ?? 30;
    const emergency = order.priority === OrderPriority.EMERGENCY;
    const community = await this.inputs.community(order.communityCode);
    const first = order.version === 1;
    if (order.scheduledStart && !emergency) {
      const at = scheduledDispatchAt(order.scheduledStart, leadMinutesFor(this.options, order.serviceType), now);
      if (at.getTime() > now.getTime() + 1_000) {
        await this.jobs.schedule(ORDER_JOBS.NEEDS_DISPATCH, order.id, at);
        return;
      }
    }
    if (first) await this.firstLook(order, acceptSla, item?.onsiteSlaMinutes ?? null, emergency, now);
    if ((await this.modeOf(community.districtCode)) === 'MANUAL') return;

    const request = await this.inputs.request(order, community.areaType, now);
    const [providers, alreadyOffered] = await Promise.all([
      this.inputs.providers(request, community.districtCode, now),
      this.offers.offeredProviders(order.id),
    ]);
    const decision = decideDispatch(
      { order: request, providers, alreadyOffered, emergency },
      this.config,
      this.travel,
      now,
    );
    if (decision.outcome === 'OFFER') {
      const expiresAt = offerDeadline(now, acceptSla);
      await this.offers.offer(DISPATCH_ENGINE_ACTOR, order.id, {
        offers: decision.offerTo.map((providerId) => ({ providerId, expiresAt, explanation: decision.explanation })),
        manual: false,
      });
      return;
    }
    await this.alerts.raise(order, 'NO_CANDIDATE', decision.explanation);
    const horizon =
      Math.max(order.createdAt.getTime(), order.scheduledEnd?.getTime() ?? 0) + RETRY_HORIZON_HOURS * 3_600_000;
    const retryAt = now.getTime() + RETRY_MINUTES * 60_000;
    if (retryAt < horizon) await this.jobs.schedule(ORDER_JOBS.NEEDS_DISPATCH, order.id, new Date(retryAt));
  }

  /** The first time the engine sees an order: its SLA timers; for an emergency, the alerts of item 7. */
  private async firstLook(
    order: OrderForDispatch,
    acceptSlaMinutes: number,
    onsiteSlaMinutes: number | null,
    emergency: boolean,
    now: Date,
  ): Promise<void> {
    const from = order.scheduledStart && !emergency ? now : order.createdAt;
    await this.jobs.schedule(ENGINE_JOBS.ACCEPT_SLA, order.id, new Date(from.getTime() + acceptSlaMinutes * 60_000));
    if (!emergency) return;
    if (onsiteSlaMinutes)
      await this.jobs.schedule(
        ENGINE_JOBS.ONSITE_SLA,
        order.id,
        new Date(order.createdAt.getTime() + onsiteSlaMinutes * 60_000),
      );
    // raised once per emergency (a MANUAL district switched back to AUTO looks again): text only then
    if (!(await this.alerts.raise(order, 'EMERGENCY'))) return;
    // the elder's own phone, the emergency contacts and the linked family accounts (never logged)
    const phones = new Set([
      ...(await this.elders.getConfirmationPhones(order.elderId).catch(() => [] as string[])),
      ...(await this.users.familyPhonesOf(order.elderId)),
    ]);
    for (const phone of phones)
      await this.notifications.send(phone, MessageTemplate.EMERGENCY_RAISED, { orderNo: order.orderNo });
  }

  private async acceptSlaRanOut(orderId: string): Promise<void> {
    const order = await this.offers.forDispatch(orderId, { lock: true });
    if (!order || (order.state !== OrderState.PENDING_DISPATCH && order.state !== OrderState.OFFERED)) return;
    await this.alerts.raise(order, 'ACCEPT_SLA_BREACHED');
  }

  private async onsiteSlaRanOut(orderId: string): Promise<void> {
    const order = await this.offers.forDispatch(orderId, { lock: true });
    const pending: string[] = [
      OrderState.PENDING_DISPATCH,
      OrderState.OFFERED,
      OrderState.ACCEPTED,
      OrderState.EN_ROUTE,
    ];
    if (!order || !pending.includes(order.state)) return;
    await this.alerts.raise(order, 'ONSITE_SLA_BREACHED');
  }

  /** For tests and operators: run one decision now, outside the job (same transaction rules). */
  dispatchNow(orderId: string): Promise<void> {
    return this.txHost.withTransaction(() => this.dispatch(orderId));
  }
}
