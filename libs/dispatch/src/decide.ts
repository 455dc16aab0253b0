import type { DispatchConfig } from './config.js';
import { findCandidates } from './candidates.js';
import { rankCandidates, type DispatchExplanation } from './ranking.js';
import type { TravelTimeModel } from './travel-time.js';
import type { CandidateInput } from './types.js';

/**
 * The best K providers of a ranked explanation, for a simultaneous emergency offer (助急): the first
 * acceptance wins, the others are withdrawn. Fewer than K when fewer candidates are left.
 */
export function pickEmergencyFanOut(explanation: DispatchExplanation, k: number): string[] {
  if (!Number.isInteger(k) || k < 1) throw new RangeError('the emergency fan-out must be an integer ≥ 1');
  return explanation.candidates.slice(0, k).map((c) => c.providerId);
}

export type DispatchDecision =
  | { outcome: 'OFFER'; offerTo: string[]; explanation: DispatchExplanation }
  /** Nobody is left: the caller raises a station alert (see escalation.ts). */
  | { outcome: 'NO_CANDIDATE'; offerTo: []; explanation: DispatchExplanation };

/**
 * One dispatch decision: candidates → ranking → who gets the offer (the best one, or the best K at once
 * for an emergency). The explanation is what the offer rows store.
 */
export function decideDispatch(
  input: CandidateInput & { emergency: boolean },
  config: DispatchConfig,
  travel: TravelTimeModel,
  now: Date,
): DispatchDecision {
  const explanation = rankCandidates(input.order, findCandidates(input, config, travel), config, now);
  if (explanation.candidates.length === 0) return { outcome: 'NO_CANDIDATE', offerTo: [], explanation };
  const offerTo = pickEmergencyFanOut(explanation, input.emergency ? config.emergencyFanOut : 1);
  return { outcome: 'OFFER', offerTo, explanation };
}

/** When an offer made at `now` expires: the item's acceptance SLA. */
export function offerDeadline(now: Date, acceptSlaMinutes: number): Date {
  if (!(acceptSlaMinutes > 0)) throw new RangeError('acceptSlaMinutes must be > 0');
  return new Date(now.getTime() + acceptSlaMinutes * 60_000);
}

/**
 * When a scheduled order should be dispatched: `leadMinutes` (per service type, configured by the wiring)
 * before its window starts, but never in the past.
 */
export function scheduledDispatchAt(scheduledStart: Date, leadMinutes: number, now: Date): Date {
  const at = scheduledStart.getTime() - leadMinutes * 60_000;
  return new Date(Math.max(at, now.getTime()));
}
