import type { AlertLevel, DispatchConfig } from './config.js';

/** The three levels of service platforms, bottom up. */
export const ALERT_LEVELS: readonly AlertLevel[] = ['STATION', 'HUB', 'DISTRICT'];

export type AlertReason =
  /** Every candidate declined or expired, or nobody qualified at all. */
  | 'NO_CANDIDATE'
  /** The order's acceptance SLA ran out while offers were still being tried. */
  | 'ACCEPT_SLA_BREACHED'
  /** Nobody was on site within the item's on-site SLA (emergencies). */
  | 'ONSITE_SLA_BREACHED'
  /** An emergency call (助急) was raised: every level is alerted at once. */
  | 'EMERGENCY';

/**
 * Where a new alert starts: on-site breaches and emergency calls at the district (everyone whose
 * region covers the order sees it, so the station and the hub too), the rest at the station.
 */
export function initialAlertLevel(reason: AlertReason): AlertLevel {
  return reason === 'ONSITE_SLA_BREACHED' || reason === 'EMERGENCY' ? 'DISTRICT' : 'STATION';
}

/** What the ladder needs to know about a stored alert row. */
export interface AlertState {
  level: AlertLevel;
  emergency: boolean;
  raisedAt: Date;
  /** When the alert reached its current level (null: still at the level it was raised at). */
  lastEscalatedAt: Date | null;
  acknowledgedAt: Date | null;
  resolvedAt: Date | null;
}

export type EscalationStep =
  /** Move the alert up now (the caller sets level = `to`, lastEscalatedAt = now, clears the acknowledgement). */
  | { action: 'ESCALATE'; from: AlertLevel; to: AlertLevel; dueAt: Date }
  /** Not yet: schedule the next check for `dueAt` (a durable job). */
  | { action: 'WAIT'; from: AlertLevel; to: AlertLevel; dueAt: Date }
  /** Nothing will happen by itself any more. */
  | { action: 'NONE'; reason: 'RESOLVED' | 'TOP_LEVEL' | 'ACKNOWLEDGED' };

/**
 * The escalation ladder STATION → HUB → DISTRICT as a pure function of the alert and `now`.
 * The clock of a level starts when the alert reached it; an acknowledgement counts only when made at the
 * current level (after reaching it). Unacknowledged: escalate after the level's delay. Acknowledged but
 * unresolved: escalate `acknowledgedMinutes` after the acknowledgement, or never when that is null.
 * Emergencies use their own (shorter) delays. One step per call: an overdue alert (e.g. after a restart)
 * goes up one level and the next level gets its full delay from the moment it was alerted.
 */
export function nextEscalation(alert: AlertState, now: Date, config: DispatchConfig): EscalationStep {
  if (alert.resolvedAt) return { action: 'NONE', reason: 'RESOLVED' };
  const i = ALERT_LEVELS.indexOf(alert.level);
  if (i < 0) throw new RangeError(`unknown alert level ${String(alert.level)}`);
  if (i === ALERT_LEVELS.length - 1) return { action: 'NONE', reason: 'TOP_LEVEL' };
  const delays = config.escalation[alert.emergency ? 'EMERGENCY' : 'NORMAL'];
  const since = (alert.lastEscalatedAt ?? alert.raisedAt).getTime();
  const ack = alert.acknowledgedAt !== null && alert.acknowledgedAt.getTime() >= since ? alert.acknowledgedAt : null;
  let due: number;
  if (ack) {
    if (delays.acknowledgedMinutes === null) return { action: 'NONE', reason: 'ACKNOWLEDGED' };
    due = ack.getTime() + delays.acknowledgedMinutes * 60_000;
  } else {
    due = since + (alert.level === 'STATION' ? delays.stationMinutes : delays.hubMinutes) * 60_000;
  }
  const step = { from: alert.level, to: ALERT_LEVELS[i + 1], dueAt: new Date(due) };
  return now.getTime() >= due ? { action: 'ESCALATE', ...step } : { action: 'WAIT', ...step };
}
