// The dispatch engine's pure decision core: plain inputs (what the engine loads in one or two queries)
// → plain, JSON-serialisable outputs. No Nest module, no database, no clock (callers pass `now`).
export {
  dispatchConfig,
  dispatchConfigProblems,
  DEFAULT_DISPATCH_CONFIG,
  RANKING_FACTORS,
  WORKER_FACTORS,
  type DispatchConfig,
  type DispatchConfigOverrides,
  type RankingFactor,
  type WorkerFactor,
  type AlertLevel,
  type EscalationDelays,
  type BatchConfig,
} from './config.js';
export {
  StraightLineTravelTime,
  DEFAULT_SPEED_MODEL,
  areaTypeOfLevel,
  type AreaType,
  type TravelTimeModel,
  type SpeedModelConfig,
  type AreaSpeed,
} from './travel-time.js';
export type {
  CandidateInput,
  Commitment,
  ContractSnapshot,
  DispatchRequest,
  ProviderSnapshot,
  ProviderStats,
  WorkerSnapshot,
} from './types.js';
export {
  findCandidates,
  contractCovers,
  workerProblems,
  ruleProviderActive,
  ruleNotAlreadyOffered,
  ruleContract,
  ruleOpen,
  ruleUnderCapacity,
  ruleAvailableWorker,
  ruleServiceCircle,
  type Candidate,
  type CandidateResult,
  type CandidateRuleCode,
  type WorkerRuleCode,
  type FilterReason,
  type RuleVerdict,
} from './candidates.js';
export {
  rankCandidates,
  explanationForProvider,
  FACTOR_FORMULAS,
  type DispatchExplanation,
  type CandidateLine,
  type FactorValue,
  type FilteredOutLine,
  type ProviderExplanationView,
} from './ranking.js';
export {
  decideDispatch,
  pickEmergencyFanOut,
  offerDeadline,
  scheduledDispatchAt,
  type DispatchDecision,
} from './decide.js';
export {
  suggestWorker,
  type WorkerSuggestion,
  type WorkerSuggestionInput,
  type WorkerLine,
} from './worker-suggestion.js';
export {
  nextEscalation,
  initialAlertLevel,
  ALERT_LEVELS,
  type AlertState,
  type AlertReason,
  type EscalationStep,
} from './escalation.js';
export { localDate, localMonthStart, coversInterval } from './local-time.js';
export type {
  BatchInput,
  BatchOrder,
  BatchWorker,
  BatchProvider,
  BatchPlan,
  OptimisedPlan,
  BatchAssignment,
  BatchResult,
  UnassignedReason,
} from './batch/batch-types.js';
export { planBatch, greedyBatch, loadBatchSolver } from './batch/batch-solve.js';
export { validateBatchPlan } from './batch/batch-validate.js';
/** A seeded synthetic district day, for the batch benchmark (bench/dispatch-batch.ts) and tests. */
export { syntheticCity as syntheticBatchDay } from './testing/batch-fixtures.js';
