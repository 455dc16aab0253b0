import type { GeoPoint } from '#lib/kernel';
import { WORKER_FACTORS, type DispatchConfig, type WorkerFactor } from './config.js';
import { roundMinutes, workerProblems, type FilterReason, type WorkerRuleCode } from './candidates.js';
import { compareIds, type FactorValue } from './ranking.js';
import type { AreaType, TravelTimeModel } from './travel-time.js';
import type { DispatchRequest, WorkerSnapshot } from './types.js';

export interface WorkerLine {
  workerId: string;
  rank: number;
  score: number;
  travelMinutes: number;
  factors: Record<WorkerFactor, FactorValue>;
}

export interface WorkerSuggestion {
  version: 1;
  orderId: string;
  computedAt: string;
  /** The best worker, or null when none is available (the provider admin must pick or decline). */
  suggestedWorkerId: string | null;
  ranked: WorkerLine[];
  filteredOut: Array<{ workerId: string; reasons: FilterReason<WorkerRuleCode>[] }>;
}

export interface WorkerSuggestionInput {
  order: Pick<DispatchRequest, 'orderId' | 'home' | 'areaType' | 'at' | 'durationMinutes' | 'requiredQualification'>;
  /** The accepting provider's base: where a worker without a known location starts. */
  providerBase: GeoPoint;
  workers: readonly WorkerSnapshot[];
}

const clamp01 = (v: number) => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0);
const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

/**
 * The accepting provider's best worker: qualified, on shift and not busy (the same worker rules as the
 * candidate rule), then ranked by
 * - travel: raw = minutes from the worker's location (or the base) to the home; 1 − raw / service circle;
 * - load: raw = orders today; 1 − raw / (max over the available workers), all at 0 → 1;
 * score = weighted sum (config.workerWeights); ties: shorter travel, fewer orders, worker id.
 */
export function suggestWorker(
  input: WorkerSuggestionInput,
  config: DispatchConfig,
  travel: TravelTimeModel,
  now: Date,
): WorkerSuggestion {
  const { order } = input;
  const circle = config.serviceCircleMinutes[order.areaType as AreaType];
  const filteredOut: WorkerSuggestion['filteredOut'] = [];
  const available: Array<{ w: WorkerSnapshot; travelMinutes: number; load: number }> = [];
  for (const w of [...input.workers].sort((a, b) => compareIds(a.id, b.id))) {
    const reasons = workerProblems(w, order);
    if (reasons.length) filteredOut.push({ workerId: w.id, reasons });
    else
      available.push({
        w,
        travelMinutes: roundMinutes(travel.minutes(w.location ?? input.providerBase, order.home, order.areaType)),
        load: w.ordersToday ?? 0,
      });
  }
  const maxLoad = Math.max(0, ...available.map((a) => a.load));
  const lines = available.map((a) => {
    const norm: Record<WorkerFactor, number> = {
      travel: clamp01(1 - a.travelMinutes / circle),
      load: maxLoad > 0 ? clamp01(1 - a.load / maxLoad) : 1,
    };
    const raw: Record<WorkerFactor, number> = { travel: a.travelMinutes, load: a.load };
    let score = 0;
    const factors = {} as Record<WorkerFactor, FactorValue>;
    for (const f of WORKER_FACTORS) {
      const weight = config.workerWeights[f];
      score += weight * norm[f];
      factors[f] = { raw: raw[f], normalised: round6(norm[f]), weight, contribution: round6(weight * norm[f]) };
    }
    return { a, score, factors };
  });
  lines.sort(
    (x, y) =>
      Math.round(y.score * 1e9) - Math.round(x.score * 1e9) ||
      x.a.travelMinutes - y.a.travelMinutes ||
      x.a.load - y.a.load ||
      compareIds(x.a.w.id, y.a.w.id),
  );
  const ranked = lines.map((l, i) => ({
    workerId: l.a.w.id,
    rank: i + 1,
    score: round6(l.score),
    travelMinutes: l.a.travelMinutes,
    factors: l.factors,
  }));
  return {
    version: 1,
    orderId: order.orderId,
    computedAt: now.toISOString(),
    suggestedWorkerId: ranked[0]?.workerId ?? null,
    ranked,
    filteredOut,
  };
}
