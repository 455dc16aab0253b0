import { distanceMeters } from '#lib/kernel';
import { withinWeeklyHours } from '#lib/providers';
import type { DispatchConfig } from './config.js';
import { localDate } from './local-time.js';
import type { TravelTimeModel } from './travel-time.js';
import type { CandidateInput, ContractSnapshot, DispatchRequest, ProviderSnapshot, WorkerSnapshot } from './types.js';

export type CandidateRuleCode =
  | 'PROVIDER_NOT_ACTIVE'
  | 'ALREADY_OFFERED'
  | 'NO_CONTRACT'
  | 'CLOSED'
  | 'AT_CAPACITY'
  | 'NO_AVAILABLE_WORKER'
  | 'OUTSIDE_SERVICE_CIRCLE';

export type WorkerRuleCode = 'WORKER_NOT_ACTIVE' | 'NOT_QUALIFIED' | 'OFF_SHIFT' | 'BUSY';

export interface FilterReason<C extends string = CandidateRuleCode> {
  code: C;
  detail: string;
}

/** A rule's verdict: pass, or the coded reason it failed. */
export type RuleVerdict<C extends string = CandidateRuleCode> =
  { pass: true } | { pass: false; reason: FilterReason<C> };

const PASS = { pass: true } as const;
const fail = <C extends string>(code: C, detail: string): RuleVerdict<C> => ({ pass: false, reason: { code, detail } });

const MINUTE = 60_000;
/** Travel minutes are reported with 0.1 min precision (explanations, comparisons with the circle). */
export const roundMinutes = (m: number): number => Math.round(m * 10) / 10;

// ---- provider rules ---------------------------------------------------------------------------

export function ruleProviderActive(p: ProviderSnapshot): RuleVerdict {
  return p.status === 'ACTIVE' ? PASS : fail('PROVIDER_NOT_ACTIVE', `provider is ${p.status}`);
}

export function ruleNotAlreadyOffered(p: ProviderSnapshot, alreadyOffered: ReadonlySet<string>): RuleVerdict {
  return alreadyOffered.has(p.id) ? fail('ALREADY_OFFERED', 'this order was already offered to the provider') : PASS;
}

/** A contract for the service type that covers the elder's community on the (local) date of the service. */
export function contractCovers(c: ContractSnapshot, serviceType: string, communityCode: string, date: string): boolean {
  return (
    c.serviceTypes.includes(serviceType) &&
    c.communityCodes.includes(communityCode) &&
    c.validFrom <= date &&
    date <= c.validTo
  );
}

export function ruleContract(p: ProviderSnapshot, order: DispatchRequest): RuleVerdict {
  const date = localDate(order.at);
  return p.contracts.some((c) => contractCovers(c, order.serviceType, order.communityCode, date))
    ? PASS
    : fail('NO_CONTRACT', `no contract covers ${order.serviceType} in ${order.communityCode} on ${date}`);
}

export function ruleOpen(p: ProviderSnapshot, at: Date): RuleVerdict {
  return withinWeeklyHours(p.openingHours, at) ? PASS : fail('CLOSED', `closed at ${at.toISOString()}`);
}

/** Open offers plus active orders must stay below the capacity (the new offer takes the last slot). */
export function ruleUnderCapacity(p: ProviderSnapshot): RuleVerdict {
  const load = p.openOffers + p.activeOrders;
  return load < p.capacity
    ? PASS
    : fail('AT_CAPACITY', `${p.openOffers} open offers + ${p.activeOrders} active orders ≥ capacity ${p.capacity}`);
}

export function ruleServiceCircle(travelMinutes: number, order: DispatchRequest, config: DispatchConfig): RuleVerdict {
  const limit = config.serviceCircleMinutes[order.areaType];
  return travelMinutes <= limit
    ? PASS
    : fail(
        'OUTSIDE_SERVICE_CIRCLE',
        `${travelMinutes} min travel > ${limit} min ${order.areaType === 'URBAN' ? 'urban' : 'rural'} service circle`,
      );
}

// ---- worker rules -----------------------------------------------------------------------------

/** Does a commitment overlap [from, to)? An open-ended commitment overlaps everything after its start. */
export function overlaps(c: { from: Date; to: Date | null }, from: Date, to: Date): boolean {
  return c.from.getTime() < to.getTime() && (c.to === null || c.to.getTime() > from.getTime());
}

/**
 * Every reason the worker cannot take the order (empty: available): active, holds the item's
 * qualification, on shift at the requested time, and no commitment overlapping the service.
 */
export function workerProblems(
  w: WorkerSnapshot,
  order: Pick<DispatchRequest, 'at' | 'durationMinutes' | 'requiredQualification'>,
): FilterReason<WorkerRuleCode>[] {
  const out: FilterReason<WorkerRuleCode>[] = [];
  if (w.status !== 'ACTIVE') out.push({ code: 'WORKER_NOT_ACTIVE', detail: `worker is ${w.status}` });
  if (order.requiredQualification && !w.qualifications.includes(order.requiredQualification))
    out.push({ code: 'NOT_QUALIFIED', detail: `lacks ${order.requiredQualification}` });
  if (!withinWeeklyHours(w.shifts, order.at))
    out.push({ code: 'OFF_SHIFT', detail: `off shift at ${order.at.toISOString()}` });
  const end = new Date(order.at.getTime() + order.durationMinutes * MINUTE);
  const clash = w.commitments.find((c) => overlaps(c, order.at, end));
  if (clash) out.push({ code: 'BUSY', detail: `busy with order ${clash.orderId}` });
  return out;
}

export function ruleAvailableWorker(p: ProviderSnapshot, order: DispatchRequest): RuleVerdict {
  if (p.workers === null) return fail('NO_AVAILABLE_WORKER', 'workers not loaded');
  const counts = { qualified: 0, onShift: 0 };
  let free = 0;
  for (const w of p.workers) {
    const codes = new Set(workerProblems(w, order).map((r) => r.code));
    if (codes.size === 0) free += 1;
    if (!codes.has('WORKER_NOT_ACTIVE') && !codes.has('NOT_QUALIFIED')) {
      counts.qualified += 1;
      if (!codes.has('OFF_SHIFT')) counts.onShift += 1;
    }
  }
  return free > 0
    ? PASS
    : fail(
        'NO_AVAILABLE_WORKER',
        `${counts.qualified} active workers with ${order.requiredQualification ?? 'no required qualification'}, ` +
          `${counts.onShift} of them on shift, none free`,
      );
}

// ---- the candidate set ------------------------------------------------------------------------

export interface Candidate {
  provider: ProviderSnapshot;
  travelMinutes: number;
  distanceMeters: number;
  availableWorkerIds: string[];
}

export interface CandidateResult {
  /** Providers that pass every rule, sorted by id (the ranking orders them). */
  candidates: Candidate[];
  /** Every provider that failed, with all the rules it failed (not only the first). */
  filteredOut: Array<{ providerId: string; reasons: FilterReason[] }>;
}

/** Applies every rule to every provider. Pure: same input, same output. */
export function findCandidates(
  input: CandidateInput,
  config: DispatchConfig,
  travel: TravelTimeModel,
): CandidateResult {
  const { order } = input;
  const offered = new Set(input.alreadyOffered);
  const candidates: Candidate[] = [];
  const filteredOut: CandidateResult['filteredOut'] = [];
  const providers = [...input.providers].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const p of providers) {
    const travelMinutes = roundMinutes(travel.minutes(p.base, order.home, order.areaType));
    const verdicts = [
      ruleProviderActive(p),
      ruleNotAlreadyOffered(p, offered),
      ruleContract(p, order),
      ruleOpen(p, order.at),
      ruleUnderCapacity(p),
      ruleServiceCircle(travelMinutes, order, config),
    ];
    // the worker rule is skipped when the workers were not loaded (another rule already rules the
    // provider out); never for a provider that would otherwise pass
    const others = verdicts.some((v) => !v.pass);
    if (p.workers !== null || !others) verdicts.splice(5, 0, ruleAvailableWorker(p, order));
    const reasons = verdicts.flatMap((v) => (v.pass ? [] : [v.reason]));
    if (reasons.length) {
      filteredOut.push({ providerId: p.id, reasons });
      continue;
    }
    candidates.push({
      provider: p,
      travelMinutes,
      distanceMeters: distanceMeters(p.base, order.home),
      availableWorkerIds: (p.workers ?? []).filter((w) => workerProblems(w, order).length === 0).map((w) => w.id),
    });
  }
  return { candidates, filteredOut };
}
