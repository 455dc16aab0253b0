import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DISPATCH_ENGINE_ACTOR, regionCovers, Role, type Actor, type Page } from '#lib/kernel';
import { returning, TransactionHost } from '#lib/database';
import { JobScheduler } from '#lib/scheduler';
import { OrderPriority, OrderState, type OrderForDispatch } from '#lib/orders';
import type { AlertLevel, DispatchConfig } from '../config.js';
import { initialAlertLevel, nextEscalation, type AlertReason } from '../escalation.js';
import type { DispatchExplanation } from '../ranking.js';
import { DISPATCH_CONFIG } from './dispatch-options.js';
import { DispatchError, DispatchErrorCode as E } from './dispatch.errors.js';

export interface AlertHistoryEntry {
  at: string;
  event: 'RAISED' | 'ESCALATED' | 'ACKNOWLEDGED' | 'RESOLVED';
  level: AlertLevel;
  by: string;
  note?: string;
}

export interface AlertRecord {
  id: string;
  orderId: string;
  reason: AlertReason;
  level: AlertLevel;
  emergency: boolean;
  regionPath: string;
  raisedAt: Date;
  escalatedAt: Date | null;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  resolution: string | null;
  explanation: DispatchExplanation | null;
  history: AlertHistoryEntry[];
}

export const ALERT_JOB = 'dispatch.alert-escalation';

const COLUMNS = `id, order_id AS "orderId", reason, level, emergency, region_path AS "regionPath", raised_at AS "raisedAt",
  escalated_at AS "escalatedAt", acknowledged_at AS "acknowledgedAt", acknowledged_by AS "acknowledgedBy",
  resolved_at AS "resolvedAt", resolved_by AS "resolvedBy", resolution, explanation, history`;

/** The level each staff role answers for. */
export const LEVEL_OF_ROLE: Partial<Record<Role, AlertLevel>> = {
  [Role.STATION_STAFF]: 'STATION',
  [Role.HUB_STAFF]: 'HUB',
  [Role.DISTRICT_DISPATCHER]: 'DISTRICT',
};

/** States in which nobody taking the order is no longer a problem (someone accepted, or it is over). */
const TAKEN: readonly string[] = [
  OrderState.ACCEPTED,
  OrderState.EN_ROUTE,
  OrderState.IN_SERVICE,
  OrderState.COMPLETED,
  OrderState.CONFIRMED,
  OrderState.DISPUTED,
  OrderState.RESOLVED,
];
/** States in which a worker has reached the elder (or the service is over). */
const ON_SITE: readonly string[] = [
  OrderState.IN_SERVICE,
  OrderState.COMPLETED,
  OrderState.CONFIRMED,
  OrderState.DISPUTED,
  OrderState.RESOLVED,
];
const CLOSED: readonly string[] = [OrderState.CANCELLED, OrderState.EXCEPTION];

/** Whether the order's current state settles an open alert, and how. */
export function alertSettledBy(reason: AlertReason, state: string): string | null {
  if (CLOSED.includes(state)) return `order ${state.toLowerCase()}`;
  if (reason === 'ONSITE_SLA_BREACHED' || reason === 'EMERGENCY')
    return ON_SITE.includes(state) ? 'worker on site' : null;
  return TAKEN.includes(state) ? 'order accepted' : null;
}

/**
 * Escalation alerts (issue 8 item 5): stored rows, raised at the community station (on-site breaches
 * and emergencies at the district), moved up STATION → HUB → DISTRICT by a durable job when nobody
 * acts in time (`nextEscalation`), acknowledged and resolved by staff whose region covers the order.
 * An alert whose cause is gone (the order was accepted, cancelled, the worker reached the elder) is
 * resolved by the engine the next time its job runs, or at once when a person assigns the order.
 */
@Injectable()
export class AlertsService implements OnModuleInit {
  constructor(
    private readonly txHost: TransactionHost,
    private readonly jobs: JobScheduler,
    @Inject(DISPATCH_CONFIG) private readonly config: DispatchConfig,
  ) {}

  onModuleInit(): void {
    this.jobs.handle(ALERT_JOB, (job) => this.escalate(job.key));
  }

  /**
   * Raises an alert about the order (once per open reason: raising it again changes nothing) and
   * schedules its first escalation. Part of the caller's transaction.
   */
  async raise(
    order: Pick<OrderForDispatch, 'id' | 'regionPath' | 'priority'>,
    reason: AlertReason,
    explanation: DispatchExplanation | null = null,
  ): Promise<AlertRecord | null> {
    const level = initialAlertLevel(reason);
    const emergency = order.priority === OrderPriority.EMERGENCY;
    const history: AlertHistoryEntry[] = [
      { at: new Date().toISOString(), event: 'RAISED', level, by: DISPATCH_ENGINE_ACTOR.system! },
    ];
    const [row] = (await this.txHost.tx.query(
      `INSERT INTO dispatch_alert (id, order_id, reason, level, emergency, region_path, explanation, history)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8)
       ON CONFLICT (order_id, reason) WHERE resolved_at IS NULL DO NOTHING
       RETURNING ${COLUMNS}`,
      [
        randomUUID(),
        order.id,
        reason,
        level,
        emergency,
        order.regionPath,
        explanation && JSON.stringify(explanation),
        JSON.stringify(history),
      ],
    )) as AlertRecord[];
    if (row) await this.scheduleNext(row, new Date());
    return row ?? null;
  }

  /** Resolves the order's open alerts (a person assigned it, or its cause is gone). */
  async resolveForOrder(orderId: string, by: Actor, resolution: string): Promise<void> {
    const open = await this.openForOrder(orderId);
    for (const a of open) await this.close(a, by, resolution);
  }

  async list(
    actor: Actor,
    q: { open?: boolean; level?: AlertLevel; orderId?: string; limit: number; offset: number },
  ): Promise<Page<AlertRecord>> {
    if (!actor.regionPath) return { items: [], total: 0, limit: q.limit, offset: q.offset };
    const where = [`region_path LIKE $1 || '%'`];
    const params: unknown[] = [actor.regionPath];
    if (q.open !== false) where.push('resolved_at IS NULL');
    if (q.level) where.push(`level = $${params.push(q.level)}`);
    if (q.orderId) where.push(`order_id = $${params.push(q.orderId)}`);
    const rows: (AlertRecord & { total: string })[] = await this.txHost.tx.query(
      `SELECT ${COLUMNS}, count(*) OVER () AS total FROM dispatch_alert WHERE ${where.join(' AND ')}
        ORDER BY emergency DESC, raised_at DESC, id LIMIT $${params.push(q.limit)} OFFSET $${params.push(q.offset)}`,
      params,
    );
    return {
      items: rows.map(({ total: _t, ...r }) => r),
      total: rows[0] ? Number(rows[0].total) : 0,
      limit: q.limit,
      offset: q.offset,
    };
  }

  async forOrder(orderId: string): Promise<AlertRecord[]> {
    return this.txHost.tx.query(`SELECT ${COLUMNS} FROM dispatch_alert WHERE order_id = $1 ORDER BY raised_at, id`, [
      orderId,
    ]);
  }

  /** Staff at or above the alert's level take it on: the ladder waits (see nextEscalation). */
  acknowledge(actor: Actor, id: string, note?: string): Promise<AlertRecord> {
    return this.txHost.withTransaction(async () => {
      const alert = await this.lockVisible(actor, id);
      if (alert.resolvedAt) throw new DispatchError(E.ALERT_CLOSED, 'the alert is already resolved');
      const at = new Date();
      const entry: AlertHistoryEntry = {
        at: at.toISOString(),
        event: 'ACKNOWLEDGED',
        level: alert.level,
        by: actor.userId,
        ...(note ? { note } : {}),
      };
      const [row] = await returning<AlertRecord>(
        this.txHost.tx,
        `UPDATE dispatch_alert SET acknowledged_at = $2, acknowledged_by = $3, history = history || $4::jsonb
          WHERE id = $1 RETURNING ${COLUMNS}`,
        [id, at, actor.userId, JSON.stringify([entry])],
      );
      await this.scheduleNext(row, at);
      return row;
    });
  }

  resolve(actor: Actor, id: string, resolution: string): Promise<AlertRecord> {
    return this.txHost.withTransaction(async () => {
      const alert = await this.lockVisible(actor, id);
      if (alert.resolvedAt) throw new DispatchError(E.ALERT_CLOSED, 'the alert is already resolved');
      return this.close(alert, actor, resolution);
    });
  }

  // --- the ladder --------------------------------------------------------------------------------

  /** The escalation job of one alert: settle it, move it up one level, or wait for its next due time. */
  private async escalate(alertId: string): Promise<void> {
    const [alert] = (await this.txHost.tx.query(`SELECT ${COLUMNS} FROM dispatch_alert WHERE id = $1 FOR UPDATE`, [
      alertId,
    ])) as AlertRecord[];
    if (!alert || alert.resolvedAt) return;
    const [order] = (await this.txHost.tx.query(`SELECT state FROM service_order WHERE id = $1`, [alert.orderId])) as {
      state: string;
    }[];
    const settled = order ? alertSettledBy(alert.reason, order.state) : 'order gone';
    if (settled) {
      await this.close(alert, DISPATCH_ENGINE_ACTOR, settled);
      return;
    }
    const now = new Date();
    const step = nextEscalation(this.ladderState(alert), now, this.config);
    if (step.action === 'WAIT') {
      await this.jobs.schedule(ALERT_JOB, alert.id, step.dueAt);
      return;
    }
    if (step.action === 'NONE') return;
    const entry: AlertHistoryEntry = {
      at: now.toISOString(),
      event: 'ESCALATED',
      level: step.to,
      by: DISPATCH_ENGINE_ACTOR.system!,
    };
    const [row] = await returning<AlertRecord>(
      this.txHost.tx,
      `UPDATE dispatch_alert SET level = $2, escalated_at = $3, history = history || $4::jsonb WHERE id = $1 RETURNING ${COLUMNS}`,
      [alert.id, step.to, now, JSON.stringify([entry])],
    );
    await this.scheduleNext(row, now);
  }

  private ladderState(a: AlertRecord) {
    return {
      level: a.level,
      emergency: a.emergency,
      raisedAt: a.raisedAt,
      lastEscalatedAt: a.escalatedAt,
      acknowledgedAt: a.acknowledgedAt,
      resolvedAt: a.resolvedAt,
    };
  }

  /**
   * Schedules the alert's next check: when it would escalate, or — at the top level, or when an
   * acknowledgement stops the ladder — a periodic check that resolves it once its cause is gone.
   */
  private async scheduleNext(alert: AlertRecord, now: Date): Promise<void> {
    const step = nextEscalation(this.ladderState(alert), now, this.config);
    const dueAt = step.action === 'NONE' ? new Date(now.getTime() + 60_000) : step.dueAt;
    if (step.action === 'NONE' && step.reason === 'RESOLVED') return this.jobs.cancel(ALERT_JOB, alert.id);
    await this.jobs.schedule(ALERT_JOB, alert.id, dueAt);
  }

  private async close(alert: AlertRecord, by: Actor, resolution: string): Promise<AlertRecord> {
    const at = new Date();
    const entry: AlertHistoryEntry = {
      at: at.toISOString(),
      event: 'RESOLVED',
      level: alert.level,
      by: by.system ?? by.userId,
      note: resolution,
    };
    const [row] = await returning<AlertRecord>(
      this.txHost.tx,
      `UPDATE dispatch_alert SET resolved_at = $2, resolved_by = $3, resolution = $4, history = history || $5::jsonb
        WHERE id = $1 RETURNING ${COLUMNS}`,
      [alert.id, at, by.userId, resolution, JSON.stringify([entry])],
    );
    await this.jobs.cancel(ALERT_JOB, alert.id);
    return row;
  }

  private async openForOrder(orderId: string): Promise<AlertRecord[]> {
    return this.txHost.tx.query(
      `SELECT ${COLUMNS} FROM dispatch_alert WHERE order_id = $1 AND resolved_at IS NULL FOR UPDATE`,
      [orderId],
    );
  }

  /** The alert, locked for the caller's transaction; outside the actor's region: "not found". */
  private async lockVisible(actor: Actor, id: string): Promise<AlertRecord> {
    const [row] = (await this.txHost.tx.query(`SELECT ${COLUMNS} FROM dispatch_alert WHERE id = $1 FOR UPDATE`, [
      id,
    ])) as AlertRecord[];
    if (!row || !regionCovers(actor.regionPath, row.regionPath))
      throw new DispatchError(E.ALERT_NOT_FOUND, 'alert not found', { id });
    return row;
  }
}
