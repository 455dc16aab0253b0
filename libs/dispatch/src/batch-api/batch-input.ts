/**
 * Pure mapping between the database rows of a batch (what BatchLoader reads) and the batch core's
 * `BatchInput`, plus the small rules of the batch API that need no database: which dates may be
 * planned, which region levels, how long a visit takes, which existing orders block a worker.
 */
import type { WeeklyHours } from '#lib/providers';
import type { BatchInput, BatchOrder, BatchProvider, BatchWorker } from '../batch/batch-types.js';
import { localDate } from '../local-time.js';
import { areaTypeOfLevel } from '../travel-time.js';
import type { Commitment, ContractSnapshot } from '../types.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
/** China Standard Time: the platform's local dates (no DST). */
const OFFSET_MS = 8 * 3_600_000;

/** How far ahead a day may be planned (the issue: "a day's scheduled orders", e.g. tomorrow's). */
export const MAX_DAYS_AHEAD = 14;
/** One plan takes at most this many orders (500 are planned in ≤ 2 s; a district above this: street by street). */
export const MAX_BATCH_ORDERS = 1_000;
/** Region levels a batch covers: a street (its hub plans it) or a district (its dispatch centre). */
export const PLANNABLE_LEVELS = ['STREET', 'DISTRICT'] as const;
/** A visit is planned for at least this long (a canteen meal has a minimum duration of 0). */
export const MIN_VISIT_MINUTES = 1;

// ---- dates -------------------------------------------------------------------------------------

/** The local day `date` (YYYY-MM-DD, UTC+8) as instants: [start, end). */
export interface ServiceDay {
  date: string;
  start: Date;
  end: Date;
}

export function serviceDay(date: string): ServiceDay {
  const [y, m, d] = date.split('-').map(Number);
  const start = Date.UTC(y, m - 1, d) - OFFSET_MS;
  return { date, start: new Date(start), end: new Date(start + DAY) };
}

/** `date` plus `days` calendar days (YYYY-MM-DD). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d) + days * DAY).toISOString().slice(0, 10);
}

/** Why `date` cannot be planned at `now` (today counts: its remaining orders), or null. */
export function batchDateProblem(date: string, now: Date, maxDaysAhead = MAX_DAYS_AHEAD): string | null {
  const today = localDate(now);
  if (date < today) return `${date} is in the past (today is ${today}, UTC+8)`;
  const last = addDays(today, maxDaysAhead);
  if (date > last) return `${date} is more than ${maxDaysAhead} days ahead (the last day you can plan is ${last})`;
  return null;
}

export function isPlannableLevel(level: string): boolean {
  return (PLANNABLE_LEVELS as readonly string[]).includes(level);
}

// ---- rows ----------------------------------------------------------------------------------------

/** A PENDING_DISPATCH order scheduled on the day, with what the plan and the commit need. */
export interface BatchOrderRow {
  id: string;
  orderNo: string;
  serviceType: string;
  communityCode: string;
  /** `region.level` of the order's community: COMMUNITY (urban) or VILLAGE (rural). */
  communityLevel: string;
  homeLat: number;
  homeLng: number;
  scheduledStart: Date;
  scheduledEnd: Date | null;
  minDurationMinutes: number;
  unit: string;
  /** numeric(8,2): the driver returns a string. */
  quantity: string | number;
  requiredQualification: string | null;
}

export interface BatchProviderRow {
  id: string;
  status: string;
  baseLat: number;
  baseLng: number;
  capacity: number;
  openingHours: WeeklyHours;
  /** Contracts valid on the day that name one of the batch's communities. */
  contracts: ContractSnapshot[] | null;
}

/** One order a worker already holds (ACCEPTED, EN_ROUTE, IN_SERVICE), from a json aggregate. */
export interface BusyRow {
  orderId: string;
  /** ISO instants (json), or null for an order served "as soon as possible". */
  scheduledStart: string | null;
  scheduledEnd: string | null;
  minDurationMinutes: number;
  unit: string;
  quantity: string | number;
}

export interface BatchWorkerRow {
  id: string;
  providerId: string;
  status: string;
  qualifications: string[];
  shifts: WeeklyHours;
  busy: BusyRow[] | null;
}

export interface BatchRows {
  orders: readonly BatchOrderRow[];
  providers: readonly BatchProviderRow[];
  workers: readonly BatchWorkerRow[];
}

/** An order of the day that was not given to the solver, and why. */
export interface ExcludedOrder {
  orderId: string;
  /** Today only: its window ends before the service could still fit in it from now. */
  reason: 'WINDOW_PASSED';
}

export interface MappedBatch {
  input: BatchInput;
  excluded: ExcludedOrder[];
}

/**
 * How long a visit takes: the item's minimum, or for an hourly item the hours ordered if longer
 * (2 hours of cleaning take 120 minutes), and never less than MIN_VISIT_MINUTES.
 */
export function visitMinutes(o: { minDurationMinutes: number; unit: string; quantity: string | number }): number {
  const ordered = o.unit === 'HOUR' ? Math.round(Number(o.quantity) * 60) : 0;
  return Math.max(MIN_VISIT_MINUTES, o.minDurationMinutes, Number.isFinite(ordered) ? ordered : 0);
}

/**
 * The time an existing order takes from a worker, or null when it cannot touch the day:
 * scheduled → its window (start .. end, or start + visit); unscheduled (being served now) → from now
 * for one visit's length (an estimate; it does not block a later day).
 */
export function commitmentOf(b: BusyRow, day: ServiceDay, now: Date): Commitment | null {
  const minutes = visitMinutes(b);
  const from = b.scheduledStart ? new Date(b.scheduledStart) : now;
  const to =
    b.scheduledStart && b.scheduledEnd ? new Date(b.scheduledEnd) : new Date(from.getTime() + minutes * MINUTE);
  // the plan's horizon: the day, plus the longest service circle before it and late windows after it
  const horizonStart = day.start.getTime() - DAY / 2;
  const horizonEnd = day.end.getTime() + DAY / 2;
  if (to.getTime() <= horizonStart || from.getTime() >= horizonEnd) return null;
  return { orderId: b.orderId, from, to };
}

/**
 * The rows of a day as the batch core's input. Windows: scheduled_start .. scheduled_end, or
 * start + the visit when the order has no end. On the current day a window is cut at `now`; an order
 * whose visit no longer fits is left out and reported (`WINDOW_PASSED`).
 */
export function toBatchInput(rows: BatchRows, day: ServiceDay, now: Date): MappedBatch {
  const excluded: ExcludedOrder[] = [];
  const orders: BatchOrder[] = [];
  for (const o of rows.orders) {
    const durationMinutes = visitMinutes(o);
    const start = o.scheduledStart.getTime();
    const end = o.scheduledEnd ? o.scheduledEnd.getTime() : start + durationMinutes * MINUTE;
    const windowStart = Math.max(start, now.getTime());
    if (end - durationMinutes * MINUTE < windowStart || end <= windowStart) {
      excluded.push({ orderId: o.id, reason: 'WINDOW_PASSED' });
      continue;
    }
    orders.push({
      orderId: o.id,
      serviceType: o.serviceType,
      communityCode: o.communityCode,
      areaType: areaTypeOfLevel(o.communityLevel),
      home: { lat: o.homeLat, lng: o.homeLng },
      windowStart: new Date(windowStart),
      windowEnd: new Date(end),
      durationMinutes,
      requiredQualification: o.requiredQualification,
    });
  }
  const providers: BatchProvider[] = rows.providers.map((p) => ({
    providerId: p.id,
    status: p.status as BatchProvider['status'],
    base: { lat: p.baseLat, lng: p.baseLng },
    capacity: p.capacity,
    openingHours: p.openingHours ?? {},
    contracts: p.contracts ?? [],
  }));
  const workers: BatchWorker[] = rows.workers.map((w) => ({
    workerId: w.id,
    providerId: w.providerId,
    status: w.status as BatchWorker['status'],
    qualifications: w.qualifications ?? [],
    shifts: w.shifts ?? {},
    commitments: (w.busy ?? []).flatMap((b) => commitmentOf(b, day, now) ?? []),
  }));
  return { input: { orders, providers, workers }, excluded };
}
