import type { GeoPoint } from '#lib/kernel';
import { contractCovers, roundMinutes } from '../candidates.js';
import type { DispatchConfig } from '../config.js';
import { compileWeeklyHours, coversMs, localDate, type CompiledHours } from '../local-time.js';
import { compareIds } from '../ranking.js';
import type { TravelTimeModel } from '../travel-time.js';
import type { BatchInput, BatchOrder, BatchProvider, BatchWorker } from './batch-types.js';

const MINUTE = 60_000;

/** Interchangeable workers: same provider, start point, relevant qualifications, shifts, no own limits. */
export interface WorkerGroup {
  key: string;
  providerIndex: number;
  /** Member worker ids, sorted. */
  workerIds: string[];
  location: GeoPoint;
  qualifications: ReadonlySet<string>;
  hours: CompiledHours;
  /** Buckets already taken by commitments (only singleton groups have any). */
  blocked: ReadonlySet<number>;
  maxOrders: number | null;
}

/** One way to serve an order: a worker group starting the service at `startMs`. */
export interface BatchOption {
  order: number;
  group: number;
  startMs: number;
  travelMinutes: number;
  /** Occupied buckets, inclusive: from leaving for the visit to the end of the service. */
  firstBucket: number;
  lastBucket: number;
}

/** A worker group that can reach an order in time (contract, qualification and circle hold). */
export interface Reach {
  group: number;
  travelMinutes: number;
}

/**
 * The eligible options of a batch, materialised lazily: per order, the reachable worker groups sorted by
 * travel, and for each only when asked, the start times that fit (shift incl. travel, opening hours,
 * commitments). Greedy and the sparse model only look at the nearest groups, so most of the
 * order × group × start space is never built.
 */
export class BatchProblem {
  readonly options: BatchOption[] = [];
  private readonly cache = new Map<number, number[]>();

  constructor(
    readonly orders: BatchOrder[],
    readonly providers: BatchProvider[],
    readonly groups: WorkerGroup[],
    /** Per order: reachable groups, by travel then group index. */
    readonly reach: Reach[][],
    /** Per order: candidate start times (epoch ms). */
    readonly starts: number[][],
    private readonly providerHours: CompiledHours[],
    /** Buckets already used per provider by commitments. */
    readonly providerUsed: Array<Map<number, number>>,
    readonly bucketMs: number,
    readonly penalty: number,
    readonly workerCount: number,
  ) {}

  /** Option indices of order `o` with its `r`-th reachable group, by start time. */
  optionsOf(o: number, r: number): number[] {
    const key = o * (this.groups.length + 1) + r;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const order = this.orders[o];
    const { group, travelMinutes: t } = this.reach[o][r];
    const g = this.groups[group];
    const out: number[] = [];
    for (const s of this.starts[o]) {
      const end = s + order.durationMinutes * MINUTE;
      if (!coversMs(this.providerHours[g.providerIndex], s, end)) continue;
      if (!coversMs(g.hours, s - t * MINUTE, end)) continue;
      const [first, last] = occupancy(s, t, order.durationMinutes, this.bucketMs);
      let free = true;
      for (let b = first; b <= last && free; b++) if (g.blocked.has(b)) free = false;
      if (!free) continue;
      out.push(this.options.length);
      this.options.push({ order: o, group, startMs: s, travelMinutes: t, firstBucket: first, lastBucket: last });
    }
    this.cache.set(key, out);
    return out;
  }

  /** Options of the order's `maxGroups` nearest groups that have any (the sparse candidate graph). */
  nearestOptions(o: number, maxGroups: number): number[] {
    const out: number[] = [];
    let groups = 0;
    for (let r = 0; r < this.reach[o].length && groups < maxGroups; r++) {
      const opts = this.optionsOf(o, r);
      if (opts.length) {
        groups += 1;
        out.push(...opts);
      }
    }
    return out;
  }

  /** Every eligible option of the order, cheapest first (travel, group, start). */
  allOptions(o: number): number[] {
    return this.nearestOptions(o, Infinity);
  }

  /** The cheapest eligible option, or undefined when nobody can serve the order. */
  cheapest(o: number): number | undefined {
    return this.nearestOptions(o, 1)[0];
  }
}

export const bucketOf = (ms: number, bucketMs: number): number => Math.floor(ms / bucketMs);

/** Occupied buckets of a visit: [start − travel, start + duration), rounded outwards to the bucket grid. */
export function occupancy(
  startMs: number,
  travelMinutes: number,
  durationMinutes: number,
  bucketMs: number,
): [number, number] {
  return [
    Math.floor((startMs - travelMinutes * MINUTE) / bucketMs),
    Math.ceil((startMs + durationMinutes * MINUTE) / bucketMs) - 1,
  ];
}

/**
 * Start times tried for an order: the window start, then the bucket grid up to the latest start that
 * still ends inside the window, thinned evenly to at most `maxStarts` (first and last kept).
 */
export function startTimes(o: BatchOrder, bucketMs: number, maxStarts: number): number[] {
  const s0 = o.windowStart.getTime();
  const latest = o.windowEnd.getTime() - o.durationMinutes * MINUTE;
  if (latest < s0) return [];
  const points = [s0];
  for (let t = (Math.floor(s0 / bucketMs) + 1) * bucketMs; t <= latest; t += bucketMs) points.push(t);
  if (points.length <= maxStarts) return points;
  if (maxStarts === 1) return [s0];
  const picked = new Set<number>();
  for (let i = 0; i < maxStarts; i++) picked.add(points[Math.round((i * (points.length - 1)) / (maxStarts - 1))]);
  return [...picked];
}

function commitmentBuckets(commitments: BatchWorker['commitments'], bucketMs: number, horizonEnd: number): Set<number> {
  const out = new Set<number>();
  for (const c of commitments ?? []) {
    const first = bucketOf(c.from.getTime(), bucketMs);
    const last = c.to === null ? horizonEnd : Math.ceil(c.to.getTime() / bucketMs) - 1;
    for (let b = first; b <= Math.min(last, horizonEnd); b++) out.add(b);
  }
  return out;
}

/**
 * Builds the eligible (order, worker group, start) options. An option is eligible when the worker's
 * provider is active and contracted for the order's service type and community on the order's date, open
 * during the service, the worker active, qualified, within the service circle, on shift from leaving
 * until the end of the service, and free of commitments then.
 */
export function buildBatchProblem(input: BatchInput, config: DispatchConfig, travel: TravelTimeModel): BatchProblem {
  const bucketMs = config.batch.bucketMinutes * MINUTE;
  const orders = [...input.orders].sort((a, b) => compareIds(a.orderId, b.orderId));
  for (const o of orders)
    if (!(o.durationMinutes > 0) || !(o.windowEnd.getTime() > o.windowStart.getTime()))
      throw new RangeError(`order ${o.orderId}: the window must end after it starts and the duration be > 0`);
  const providers = [...input.providers].sort((a, b) => compareIds(a.providerId, b.providerId));
  const providerIndex = new Map(providers.map((p, i) => [p.providerId, i]));
  const providerHours = providers.map((p) => compileWeeklyHours(p.openingHours));
  const relevant = new Set(orders.flatMap((o) => (o.requiredQualification ? [o.requiredQualification] : [])));
  const maxCircle = Math.max(config.serviceCircleMinutes.URBAN, config.serviceCircleMinutes.RURAL);
  const horizonStart = Math.min(...orders.map((o) => o.windowStart.getTime())) - maxCircle * MINUTE;
  const horizonEnd = bucketOf(Math.max(...orders.map((o) => o.windowEnd.getTime())), bucketMs);
  // the local weekdays the plan touches: shifts on other days do not make two workers different
  const days = new Set<number>();
  for (let t = horizonStart; t <= horizonEnd * bucketMs + bucketMs; t += 3_600_000)
    days.add(new Date(t + 8 * 3_600_000).getUTCDay());

  const groups: WorkerGroup[] = [];
  const byKey = new Map<string, WorkerGroup>();
  const providerUsed = providers.map(() => new Map<number, number>());
  let workerCount = 0;
  for (const w of [...input.workers].sort((a, b) => compareIds(a.workerId, b.workerId))) {
    const pi = providerIndex.get(w.providerId);
    if (pi === undefined || providers[pi].status !== 'ACTIVE' || w.status !== 'ACTIVE') continue;
    workerCount += 1;
    const p = providers[pi];
    const location = w.location ?? p.base;
    const hours = compileWeeklyHours(w.shifts);
    const quals = w.qualifications.filter((q) => relevant.has(q)).sort();
    const shiftSig = JSON.stringify([...days].sort().map((d) => hours[d === 0 ? 6 : d - 1]));
    const own = (w.commitments?.length ?? 0) > 0 || (w.maxOrders ?? null) !== null;
    const key = `${p.providerId}|${location.lat},${location.lng}|${quals.join(',')}|${shiftSig}${own ? `|${w.workerId}` : ''}`;
    const blocked = commitmentBuckets(w.commitments, bucketMs, horizonEnd);
    for (const b of blocked) providerUsed[pi].set(b, (providerUsed[pi].get(b) ?? 0) + 1);
    const existing = byKey.get(key);
    if (existing) {
      existing.workerIds.push(w.workerId);
      continue;
    }
    const g: WorkerGroup = {
      key,
      providerIndex: pi,
      workerIds: [w.workerId],
      location,
      qualifications: new Set(quals),
      hours,
      blocked,
      maxOrders: w.maxOrders ?? null,
    };
    byKey.set(key, g);
    groups.push(g);
  }

  const reach: Reach[][] = [];
  const starts: number[][] = [];
  for (const o of orders) {
    starts.push(startTimes(o, bucketMs, config.batch.maxStartsPerOrder));
    const date = localDate(o.windowStart);
    const circle = config.serviceCircleMinutes[o.areaType];
    const contracted = providers.map((p) =>
      p.contracts.some((c) => contractCovers(c, o.serviceType, o.communityCode, date)),
    );
    const travelFrom = new Map<GeoPoint, number>();
    const mine: Reach[] = [];
    groups.forEach((g, gi) => {
      if (!contracted[g.providerIndex]) return;
      if (o.requiredQualification && !g.qualifications.has(o.requiredQualification)) return;
      let t = travelFrom.get(g.location);
      if (t === undefined) {
        t = roundMinutes(travel.minutes(g.location, o.home, o.areaType));
        travelFrom.set(g.location, t);
      }
      if (t <= circle) mine.push({ group: gi, travelMinutes: t });
    });
    mine.sort((a, b) => a.travelMinutes - b.travelMinutes || a.group - b.group);
    reach.push(mine);
  }
  return new BatchProblem(
    orders,
    providers,
    groups,
    reach,
    starts,
    providerHours,
    providerUsed,
    bucketMs,
    config.batch.unassignedPenaltyMinutes,
    workerCount,
  );
}
