import { DEFAULT_SPEED_MODEL, type AreaType, type SpeedModelConfig } from './travel-time.js';

/** The ranking factors, each normalised to [0, 1] where 1 is best (formulas in ranking.ts). */
export const RANKING_FACTORS = ['travel', 'load', 'fairness', 'rating', 'acceptance', 'continuity', 'price'] as const;
export type RankingFactor = (typeof RANKING_FACTORS)[number];

export const WORKER_FACTORS = ['travel', 'load'] as const;
export type WorkerFactor = (typeof WORKER_FACTORS)[number];

export type AlertLevel = 'STATION' | 'HUB' | 'DISTRICT';

export interface EscalationDelays {
  /** Minutes an unacknowledged alert stays at the community station before it goes to the street hub. */
  stationMinutes: number;
  /** Minutes at the street hub before it goes to the district dispatch centre. */
  hubMinutes: number;
  /**
   * Minutes an acknowledged but unresolved alert may stay at its level before it escalates anyway;
   * null: an acknowledgement stops the ladder until someone resolves the alert.
   */
  acknowledgedMinutes: number | null;
}

export interface BatchConfig {
  /** Time grid of the batch model: a worker does at most one visit per bucket (occupancy is rounded out). */
  bucketMinutes: number;
  /** Candidate start times tried inside an order's window (spread evenly, aligned to the bucket grid). */
  maxStartsPerOrder: number;
  /** Sparse candidate graph: each order keeps its N cheapest eligible worker groups (plus greedy's choice). */
  maxCandidatesPerOrder: number;
  /** Cost of leaving an order unassigned, in minutes of travel. */
  unassignedPenaltyMinutes: number;
  /** Solver time limit for the whole batch, seconds; the best plan found so far is returned with its gap. */
  timeLimitSeconds: number;
  /** Relative optimality gap at which the solver may stop (0 = prove optimality; 1e-4 ≈ 0.1 min on 700 min). */
  mipRelativeGap: number;
}

export interface DispatchConfig {
  speedModel: SpeedModelConfig;
  /** The service circle: maximum travel minutes from the provider to the elder's home. */
  serviceCircleMinutes: Record<AreaType, number>;
  weights: Record<RankingFactor, number>;
  /** Bayesian prior for ratings (1..5): `weight` virtual ratings of `mean` are added to every provider. */
  ratingPrior: { mean: number; weight: number };
  workerWeights: Record<WorkerFactor, number>;
  /** Providers offered at once for an emergency (助急). */
  emergencyFanOut: number;
  escalation: { NORMAL: EscalationDelays; EMERGENCY: EscalationDelays };
  batch: BatchConfig;
}

export const DEFAULT_DISPATCH_CONFIG: DispatchConfig = {
  speedModel: DEFAULT_SPEED_MODEL,
  serviceCircleMinutes: { URBAN: 15, RURAL: 30 },
  weights: { travel: 0.3, load: 0.15, fairness: 0.15, rating: 0.15, acceptance: 0.1, continuity: 0.1, price: 0.05 },
  ratingPrior: { mean: 4, weight: 5 },
  workerWeights: { travel: 0.7, load: 0.3 },
  emergencyFanOut: 3,
  escalation: {
    NORMAL: { stationMinutes: 10, hubMinutes: 15, acknowledgedMinutes: 30 },
    EMERGENCY: { stationMinutes: 2, hubMinutes: 3, acknowledgedMinutes: 5 },
  },
  batch: {
    bucketMinutes: 15,
    maxStartsPerOrder: 4,
    maxCandidatesPerOrder: 4,
    unassignedPenaltyMinutes: 1000,
    timeLimitSeconds: 1.5,
    mipRelativeGap: 1e-4,
  },
};

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };
export type DispatchConfigOverrides = DeepPartial<DispatchConfig>;

function merge<T>(base: T, over: unknown): T {
  if (over === undefined) return base;
  if (typeof base !== 'object' || base === null || typeof over !== 'object' || over === null) return over as T;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over)) {
    if (!(k in out)) throw new RangeError(`unknown dispatch setting "${k}"`);
    out[k] = merge(out[k], v);
  }
  return out as T;
}

const nonNegative = (v: number) => Number.isFinite(v) && v >= 0;
const positive = (v: number) => Number.isFinite(v) && v > 0;

/** Every setting that is wrong, as "path: problem"; empty when the configuration is usable. */
export function dispatchConfigProblems(c: DispatchConfig): string[] {
  const problems: string[] = [];
  const need = (ok: boolean, path: string, what: string) => {
    if (!ok) problems.push(`${path}: ${what}`);
  };
  for (const a of ['URBAN', 'RURAL'] as const) {
    need(positive(c.speedModel[a].speedKmh), `speedModel.${a}.speedKmh`, 'must be > 0');
    need(
      Number.isFinite(c.speedModel[a].detourFactor) && c.speedModel[a].detourFactor >= 1,
      `speedModel.${a}.detourFactor`,
      'must be ≥ 1',
    );
    need(positive(c.serviceCircleMinutes[a]), `serviceCircleMinutes.${a}`, 'must be > 0');
  }
  for (const f of RANKING_FACTORS) need(nonNegative(c.weights[f]), `weights.${f}`, 'must be ≥ 0');
  need(
    RANKING_FACTORS.some((f) => c.weights[f] > 0),
    'weights',
    'at least one weight must be > 0',
  );
  for (const f of WORKER_FACTORS) need(nonNegative(c.workerWeights[f]), `workerWeights.${f}`, 'must be ≥ 0');
  need(c.ratingPrior.mean >= 1 && c.ratingPrior.mean <= 5, 'ratingPrior.mean', 'must be within 1..5');
  need(nonNegative(c.ratingPrior.weight), 'ratingPrior.weight', 'must be ≥ 0');
  need(Number.isInteger(c.emergencyFanOut) && c.emergencyFanOut >= 1, 'emergencyFanOut', 'must be an integer ≥ 1');
  for (const p of ['NORMAL', 'EMERGENCY'] as const) {
    const e = c.escalation[p];
    need(nonNegative(e.stationMinutes), `escalation.${p}.stationMinutes`, 'must be ≥ 0');
    need(nonNegative(e.hubMinutes), `escalation.${p}.hubMinutes`, 'must be ≥ 0');
    need(
      e.acknowledgedMinutes === null || nonNegative(e.acknowledgedMinutes),
      `escalation.${p}.acknowledgedMinutes`,
      'must be ≥ 0 or null',
    );
  }
  const b = c.batch;
  need(
    Number.isInteger(b.bucketMinutes) && b.bucketMinutes >= 1 && 1440 % b.bucketMinutes === 0,
    'batch.bucketMinutes',
    'must divide a day (e.g. 5, 10, 15, 30, 60)',
  );
  need(
    Number.isInteger(b.maxStartsPerOrder) && b.maxStartsPerOrder >= 1,
    'batch.maxStartsPerOrder',
    'must be an integer ≥ 1',
  );
  need(
    Number.isInteger(b.maxCandidatesPerOrder) && b.maxCandidatesPerOrder >= 1,
    'batch.maxCandidatesPerOrder',
    'must be an integer ≥ 1',
  );
  need(positive(b.unassignedPenaltyMinutes), 'batch.unassignedPenaltyMinutes', 'must be > 0');
  need(positive(b.timeLimitSeconds), 'batch.timeLimitSeconds', 'must be > 0');
  need(b.mipRelativeGap >= 0 && b.mipRelativeGap < 1, 'batch.mipRelativeGap', 'must be within [0, 1)');
  return problems;
}

/** Defaults with the given overrides applied (deeply), validated: a wrong setting throws a RangeError naming it. */
export function dispatchConfig(overrides: DispatchConfigOverrides = {}): DispatchConfig {
  const config = merge(DEFAULT_DISPATCH_CONFIG, overrides);
  const problems = dispatchConfigProblems(config);
  if (problems.length) throw new RangeError(`invalid dispatch configuration: ${problems.join('; ')}`);
  return config;
}
