import { contractCovers, overlaps, roundMinutes } from '../candidates.js';
import type { DispatchConfig } from '../config.js';
import { coversInterval, localDate } from '../local-time.js';
import type { TravelTimeModel } from '../travel-time.js';
import { occupancy } from './batch-problem.js';
import type { BatchInput, BatchPlan } from './batch-types.js';

const MINUTE = 60_000;

/**
 * Checks a plan against the raw input, independently of how it was made (greedy, solver, or a dispatcher's
 * edit before commit): every rule an option must satisfy, no worker doing two things in one bucket, no
 * provider over capacity in any bucket, every order at most once, per-worker limits. Returns the problems
 * found (empty: the plan is feasible).
 */
export function validateBatchPlan(
  input: BatchInput,
  plan: Pick<BatchPlan, 'assignments'>,
  config: DispatchConfig,
  travel: TravelTimeModel,
): string[] {
  const problems: string[] = [];
  const bucketMs = config.batch.bucketMinutes * MINUTE;
  const orders = new Map(input.orders.map((o) => [o.orderId, o]));
  const workers = new Map(input.workers.map((w) => [w.workerId, w]));
  const providers = new Map(input.providers.map((p) => [p.providerId, p]));
  const seen = new Set<string>();
  const workerBuckets = new Map<string, Set<number>>();
  const workerOrders = new Map<string, number>();
  const providerBuckets = new Map<string, Map<number, number>>();
  for (const w of input.workers)
    for (const c of w.commitments ?? []) {
      if (c.to === null) continue;
      const [first, last] = [Math.floor(c.from.getTime() / bucketMs), Math.ceil(c.to.getTime() / bucketMs) - 1];
      const pb = providerBuckets.get(w.providerId) ?? new Map<number, number>();
      providerBuckets.set(w.providerId, pb);
      for (let b = first; b <= last; b++) pb.set(b, (pb.get(b) ?? 0) + 1);
    }
  for (const a of plan.assignments) {
    const bad = (what: string) => problems.push(`${a.orderId}: ${what}`);
    const o = orders.get(a.orderId);
    const w = workers.get(a.workerId);
    const p = providers.get(a.providerId);
    if (!o || !w || !p) {
      bad('unknown order, worker or provider');
      continue;
    }
    if (seen.has(a.orderId)) bad('assigned twice');
    seen.add(a.orderId);
    const start = new Date(a.start);
    const end = new Date(start.getTime() + o.durationMinutes * MINUTE);
    if (a.end !== end.toISOString()) bad('end is not start + duration');
    if (w.providerId !== p.providerId) bad('worker is not of that provider');
    if (p.status !== 'ACTIVE') bad('provider not active');
    if (w.status !== 'ACTIVE') bad('worker not active');
    if (o.requiredQualification && !w.qualifications.includes(o.requiredQualification)) bad('worker not qualified');
    if (!p.contracts.some((c) => contractCovers(c, o.serviceType, o.communityCode, localDate(o.windowStart))))
      bad('provider not contracted');
    if (start < o.windowStart || end > o.windowEnd) bad('outside the window');
    const t = roundMinutes(travel.minutes(w.location ?? p.base, o.home, o.areaType));
    if (Math.abs(t - a.travelMinutes) > 1e-9) bad(`travel ${a.travelMinutes} ≠ ${t}`);
    if (t > config.serviceCircleMinutes[o.areaType]) bad('outside the service circle');
    const leave = new Date(start.getTime() - t * MINUTE);
    if (!coversInterval(w.shifts, leave, end)) bad('worker off shift');
    if (!coversInterval(p.openingHours, start, end)) bad('provider closed');
    if ((w.commitments ?? []).some((c) => overlaps(c, leave, end))) bad('worker already committed');
    const [first, last] = occupancy(start.getTime(), t, o.durationMinutes, bucketMs);
    const wb = workerBuckets.get(w.workerId) ?? new Set<number>();
    workerBuckets.set(w.workerId, wb);
    const pb = providerBuckets.get(p.providerId) ?? new Map<number, number>();
    providerBuckets.set(p.providerId, pb);
    for (let b = first; b <= last; b++) {
      if (wb.has(b)) bad(`worker ${w.workerId} double-booked`);
      wb.add(b);
      pb.set(b, (pb.get(b) ?? 0) + 1);
      if ((pb.get(b) ?? 0) > p.capacity) bad(`provider ${p.providerId} over capacity`);
    }
    const n = (workerOrders.get(w.workerId) ?? 0) + 1;
    workerOrders.set(w.workerId, n);
    if (w.maxOrders != null && n > w.maxOrders) bad(`worker ${w.workerId} over its limit`);
  }
  return [...new Set(problems)];
}
