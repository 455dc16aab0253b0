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
// ---- the engine wired into the app (engine/): jobs, alerts, manual dispatch, dispatch record
export { DispatchModule, type DispatchModuleOptions } from './engine/dispatch.module.js';
export { DispatchEngine, ENGINE_JOBS, type DistrictMode } from './engine/dispatch-engine.js';
export { AlertsService, ALERT_JOB, alertSettledBy, type AlertRecord } from './engine/alerts.service.js';
export {
  parseLeadMinutes,
  leadMinutesFor,
  DEFAULT_LEAD_MINUTES,
  type DispatchOptions,
} from './engine/dispatch-options.js';
export { manualChoice, type ManualChoice, type ManualChoiceInput } from './engine/manual-choice.js';
export { ProviderStatsRefresher, STATS_JOB } from './engine/provider-stats.js';
// ---- service-circle coverage report (coverage/): the pure report, its CSV, and the Nest module of its routes
export {
  serviceCircleCoverage,
  compareGaps,
  COVERAGE_STATUSES,
  type CoverageInput,
  type CoverageReport,
  type CoverageArea,
  type CoverageCell,
  type CoverageGap,
  type CoverageRatio,
  type CoverageRegion,
  type CoverageProvider,
  type CoverageElder,
  type CoverageServiceType,
  type CoverageStatus,
  type ServiceTypeCoverage,
} from './coverage/coverage.js';
export { coverageCsv, COVERAGE_CSV_HEADER, UTF8_BOM } from './coverage/coverage-csv.js';
export { CoverageModule } from './coverage/coverage.module.js';
export {
  CoverageService,
  COVERAGE_SETTINGS,
  COVERAGE_READERS,
  type CoverageSettings,
  type CoverageRequest,
} from './coverage/coverage.service.js';
// ---- batch assignment API (batch-api/): the Nest module of POST /dispatch/batches, its solver thread, pure mapping
export { BatchModule } from './batch-api/batch.module.js';
export { BatchService, BATCH_PLANNERS, BATCH_SETTINGS, type BatchSettings } from './batch-api/batch.service.js';
export {
  BatchSolverThread,
  BATCH_SOLVER_OPTIONS,
  compiledWorkerUrl,
  type BatchSolverOptions,
  type SolvedBatch,
} from './batch-api/batch-solver.thread.js';
export { BatchError, BatchErrorCode } from './batch-api/batch-api.errors.js';
