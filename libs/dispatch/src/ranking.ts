import { RANKING_FACTORS, type DispatchConfig, type RankingFactor } from './config.js';
import type { Candidate, CandidateResult, FilterReason } from './candidates.js';
import type { AreaType } from './travel-time.js';
import type { DispatchRequest } from './types.js';

/** One factor of one candidate, as stored in the explanation. */
export interface FactorValue {
  /** The measured value, in the unit the factor's formula names. */
  raw: number;
  /** Mapped to [0, 1], 1 best. */
  normalised: number;
  weight: number;
  /** weight × normalised. */
  contribution: number;
}

export interface CandidateLine {
  providerId: string;
  /** 1 = best. */
  rank: number;
  score: number;
  travelMinutes: number;
  distanceMeters: number;
  availableWorkers: number;
  factors: Record<RankingFactor, FactorValue>;
}

export interface FilteredOutLine {
  providerId: string;
  reasons: FilterReason[];
}

/**
 * Why the engine offered what it offered: stored with every offer (JSON), read by dispatchers, hub and
 * station staff; a provider sees only its own line (`explanationForProvider`).
 */
export interface DispatchExplanation {
  version: 1;
  orderId: string;
  computedAt: string;
  areaType: AreaType;
  serviceCircleMinutes: number;
  /** Ranked, best first. */
  candidates: CandidateLine[];
  filteredOut: FilteredOutLine[];
}

/**
 * The factor formulas (raw → normalised, 1 best, clamped to [0, 1]):
 *
 * - travel: raw = travel minutes from the provider's base; 1 − raw / service-circle minutes.
 * - load: raw = (open offers + active orders) / capacity; 1 − raw.
 * - fairness: raw = orders accepted this month / capacity (work per unit of capacity);
 *   1 − raw / (2 × mean raw over the candidates): at the mean → 0.5, no work yet → 1, twice the mean → 0;
 *   all candidates at 0 → 1.
 * - rating: raw = Bayesian mean (sum + prior.mean × prior.weight) / (count + prior.weight) on 1..5;
 *   (raw − 1) / 4. A new provider sits at the prior instead of at 0 or 5.
 * - acceptance: raw = (accepted + 1) / (accepted + rejected + expired + 2) (Laplace-smoothed share of
 *   offers accepted); raw itself. A provider without history sits at 0.5.
 * - continuity: raw = 1 when the provider served the elder's previous order of this type, else 0.
 * - price: raw = the provider's price for the item (the catalogue price when it has none);
 *   lowest price among the candidates / raw (cheapest → 1; all free → 1).
 *
 * Ties on the score are broken by shorter travel, then by provider id, so the order is total.
 */
export const FACTOR_FORMULAS: Record<RankingFactor, string> = {
  travel: '1 − travelMinutes / serviceCircleMinutes',
  load: '1 − (openOffers + activeOrders) / capacity',
  fairness: '1 − (ordersThisMonth / capacity) / (2 × mean over candidates)',
  rating: '(bayesianMeanRating − 1) / 4',
  acceptance: '(accepted + 1) / (accepted + rejected + expired + 2)',
  continuity: '1 if the previous provider of the elder, else 0',
  price: 'lowest candidate price / price',
};

const clamp01 = (v: number) => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0);
const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

function rawFactors(c: Candidate, order: DispatchRequest, config: DispatchConfig): Record<RankingFactor, number> {
  const p = c.provider;
  const s = p.stats;
  const prior = config.ratingPrior;
  const ratingDen = s.ratingCount + prior.weight;
  return {
    travel: c.travelMinutes,
    load: (p.openOffers + p.activeOrders) / Math.max(1, p.capacity),
    fairness: s.ordersThisMonth / Math.max(1, p.capacity),
    rating: ratingDen > 0 ? (s.ratingSum + prior.mean * prior.weight) / ratingDen : prior.mean,
    acceptance: (s.offersAccepted + 1) / (s.offersAccepted + s.offersRejected + s.offersExpired + 2),
    continuity: order.previousProviderId === p.id ? 1 : 0,
    price: s.priceCents ?? order.priceCents,
  };
}

/** Normalises one candidate's raw factors against the candidate set (fairness and price are relative). */
function normalise(
  raw: Record<RankingFactor, number>,
  set: { meanFairness: number; minPrice: number; circle: number },
): Record<RankingFactor, number> {
  return {
    travel: clamp01(1 - raw.travel / set.circle),
    load: clamp01(1 - raw.load),
    fairness: set.meanFairness > 0 ? clamp01(1 - raw.fairness / (2 * set.meanFairness)) : 1,
    rating: clamp01((raw.rating - 1) / 4),
    acceptance: clamp01(raw.acceptance),
    continuity: clamp01(raw.continuity),
    price: raw.price > 0 ? clamp01(set.minPrice / raw.price) : 1,
  };
}

export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Scores and ranks the candidates; returns the explanation (JSON-serialisable, no Dates or Maps). */
export function rankCandidates(
  order: DispatchRequest,
  result: CandidateResult,
  config: DispatchConfig,
  now: Date,
): DispatchExplanation {
  const circle = config.serviceCircleMinutes[order.areaType];
  const raws = result.candidates.map((c) => rawFactors(c, order, config));
  const meanFairness = raws.length ? raws.reduce((s, r) => s + r.fairness, 0) / raws.length : 0;
  const minPrice = raws.length ? Math.min(...raws.map((r) => r.price)) : 0;
  const scored = result.candidates.map((c, i) => {
    const norm = normalise(raws[i], { meanFairness, minPrice, circle });
    let score = 0;
    const factors = {} as Record<RankingFactor, FactorValue>;
    for (const f of RANKING_FACTORS) {
      const weight = config.weights[f];
      const contribution = weight * norm[f];
      score += contribution;
      factors[f] = {
        raw: round6(raws[i][f]),
        normalised: round6(norm[f]),
        weight,
        contribution: round6(contribution),
      };
    }
    return { c, score, factors };
  });
  scored.sort(
    (a, b) =>
      Math.round(b.score * 1e9) - Math.round(a.score * 1e9) ||
      a.c.travelMinutes - b.c.travelMinutes ||
      compareIds(a.c.provider.id, b.c.provider.id),
  );
  return {
    version: 1,
    orderId: order.orderId,
    computedAt: now.toISOString(),
    areaType: order.areaType,
    serviceCircleMinutes: circle,
    candidates: scored.map(({ c, score, factors }, i) => ({
      providerId: c.provider.id,
      rank: i + 1,
      score: round6(score),
      travelMinutes: c.travelMinutes,
      distanceMeters: c.distanceMeters,
      availableWorkers: c.availableWorkerIds.length,
      factors,
    })),
    filteredOut: result.filteredOut.map((f) => ({
      providerId: f.providerId,
      reasons: f.reasons.map((r) => ({ ...r })),
    })),
  };
}

/** What a provider may see of an explanation: its own line or its own reasons, nothing about the others. */
export interface ProviderExplanationView {
  version: 1;
  orderId: string;
  computedAt: string;
  providerId: string;
  /** The provider's factors and score (its rank is left out: it would tell how many others were better). */
  line: Omit<CandidateLine, 'rank'> | null;
  /** Why the provider was not a candidate, when it was filtered out. */
  reasons: FilterReason[] | null;
}

export function explanationForProvider(e: DispatchExplanation, providerId: string): ProviderExplanationView {
  const line = e.candidates.find((l) => l.providerId === providerId);
  const out = e.filteredOut.find((l) => l.providerId === providerId);
  let own: ProviderExplanationView['line'] = null;
  if (line) {
    const { rank: _rank, ...rest } = line;
    own = structuredClone(rest);
  }
  return {
    version: 1,
    orderId: e.orderId,
    computedAt: e.computedAt,
    providerId,
    line: own,
    reasons: out ? structuredClone(out.reasons) : null,
  };
}
