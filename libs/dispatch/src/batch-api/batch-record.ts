/**
 * What a `dispatch_batch` row holds (its jsonb columns) and how the API shows it. Pure: the solver's
 * result + the loaded orders → the stored plan; a stored row → the answer.
 */
import type { BatchAssignment, BatchPlan, BatchResult, UnassignedReason } from '../batch/batch-types.js';
import type { ExcludedOrder } from './batch-input.js';

export type BatchState = 'DRAFT' | 'COMMITTED' | 'DISCARDED';
export const BATCH_STATES: readonly BatchState[] = ['DRAFT', 'COMMITTED', 'DISCARDED'];

/** Why an order of the batch has no assignment: the core's reasons, or left out before solving. */
export type BatchUnassignedReason = UnassignedReason | ExcludedOrder['reason'];
export const BATCH_UNASSIGNED_REASONS: readonly BatchUnassignedReason[] = [
  'NO_ELIGIBLE_WORKER',
  'NO_CAPACITY_LEFT',
  'WINDOW_PASSED',
];

export interface StoredAssignment extends BatchAssignment {
  orderNo: string;
}

export interface StoredUnassigned {
  orderId: string;
  orderNo: string;
  reason: BatchUnassignedReason;
}

export interface StoredPlan {
  assignments: StoredAssignment[];
  unassigned: StoredUnassigned[];
  totalTravelMinutes: number;
  /** Travel + penalty × unassigned (what the optimiser minimises). */
  objective: number;
}

export interface SolverFigures {
  status: 'OPTIMAL' | 'FEASIBLE';
  /** planBatch's time in the worker thread, ms (0: nothing to solve). */
  solveMs: number;
  /** Queueing, copying and solving as the API saw it, ms. */
  wallMs: number;
  /** The worker thread that planned it; null when there was nothing to solve. */
  threadId: number | null;
  model: BatchResult['model'];
}

/** The `plan` column: the optimised plan with the solver's figures. */
export interface StoredOptimisedPlan extends StoredPlan {
  solver: SolverFigures;
}

/** The `input_summary` column. */
export interface InputSummary {
  /** PENDING_DISPATCH orders scheduled on the day in the region (incl. those left out before solving). */
  orders: number;
  providers: number;
  workers: number;
  /** The local day as instants. */
  dayStart: string;
  dayEnd: string;
  excluded: ExcludedOrder[];
}

export interface CommitOffer {
  orderId: string;
  orderNo: string;
  providerId: string;
  workerId: string;
  plannedStart: string;
  expiresAt: string;
}

export type CommitSkipReason = 'NO_LONGER_PENDING' | 'PROVIDER_ALREADY_OFFERED';
export const COMMIT_SKIP_REASONS: readonly CommitSkipReason[] = ['NO_LONGER_PENDING', 'PROVIDER_ALREADY_OFFERED'];

export interface CommitSkip {
  orderId: string;
  orderNo: string;
  /** The order's state at commit time. */
  state: string;
  /**
   * NO_LONGER_PENDING: offered, cancelled (…) since the plan was made; PROVIDER_ALREADY_OFFERED: the
   * order came back to dispatch after the planned provider had it (declined or let it expire), and a
   * provider is never offered the same order twice.
   */
  reason: CommitSkipReason;
}

/** The `result` column. */
export interface CommitResult {
  offered: CommitOffer[];
  skipped: CommitSkip[];
}

const EMPTY_MODEL: BatchResult['model'] = {
  orders: 0,
  workers: 0,
  workerGroups: 0,
  optionsBuilt: 0,
  variables: 0,
  rows: 0,
  components: 0,
  solvedComponents: 0,
  solverFailures: 0,
};

/** Nothing to solve (no orders, or all of them left out): both plans are empty. */
export function emptyBatchResult(): BatchResult {
  const plan: BatchPlan = { assignments: [], unassigned: [], totalTravelMinutes: 0, objective: 0 };
  return { optimised: { ...plan, status: 'OPTIMAL' }, greedy: plan, model: { ...EMPTY_MODEL } };
}

const round1 = (v: number) => Math.round(v * 10) / 10;

/**
 * One of the core's plans with order numbers, the orders left out before solving added as unassigned
 * (in both plans alike), and the objective counting them too.
 */
export function storedPlan(
  plan: BatchPlan,
  orderNos: ReadonlyMap<string, string>,
  excluded: readonly ExcludedOrder[],
  penaltyMinutes: number,
): StoredPlan {
  const no = (id: string) => orderNos.get(id) ?? '';
  const unassigned: StoredUnassigned[] = [
    ...plan.unassigned.map((u) => ({ orderId: u.orderId, orderNo: no(u.orderId), reason: u.reason })),
    ...excluded.map((e) => ({ orderId: e.orderId, orderNo: no(e.orderId), reason: e.reason })),
  ].sort((a, b) => (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0));
  return {
    assignments: plan.assignments.map((a) => ({ ...a, orderNo: no(a.orderId) })),
    unassigned,
    totalTravelMinutes: plan.totalTravelMinutes,
    objective: round1(plan.objective + penaltyMinutes * excluded.length),
  };
}

/**
 * Which planned assignments a commit offers: those whose order still waits for dispatch and whose
 * provider never had it; the others are reported as skipped, with the order's current state.
 */
export function splitCommit(
  planned: readonly StoredAssignment[],
  stateOf: ReadonlyMap<string, string>,
  offeredBefore: ReadonlySet<string>,
): { toOffer: StoredAssignment[]; skipped: CommitSkip[] } {
  const toOffer: StoredAssignment[] = [];
  const skipped: CommitSkip[] = [];
  for (const a of planned) {
    const state = stateOf.get(a.orderId) ?? 'UNKNOWN';
    const skip = (reason: CommitSkip['reason']) =>
      skipped.push({ orderId: a.orderId, orderNo: a.orderNo, state, reason });
    if (state !== 'PENDING_DISPATCH') skip('NO_LONGER_PENDING');
    else if (offeredBefore.has(`${a.orderId}|${a.providerId}`)) skip('PROVIDER_ALREADY_OFFERED');
    else toOffer.push(a);
  }
  return { toOffer, skipped };
}

/** A `dispatch_batch` row as read (with its region's name and level). */
export interface BatchRow {
  id: string;
  regionCode: string;
  regionName: string;
  regionLevel: string;
  regionPath: string;
  date: string;
  state: BatchState;
  createdBy: string;
  createdAt: Date;
  committedAt: Date | null;
  committedBy: string | null;
  inputSummary: InputSummary;
  plan: StoredOptimisedPlan;
  greedy: StoredPlan;
  result: CommitResult | null;
}

export interface PlanView extends StoredPlan {
  assignedCount: number;
  unassignedCount: number;
}

export interface BatchView {
  id: string;
  regionCode: string;
  regionName: string;
  regionLevel: string;
  date: string;
  state: BatchState;
  createdBy: string;
  createdAt: Date;
  committedAt: Date | null;
  committedBy: string | null;
  counts: { orders: number; providers: number; workers: number; assigned: number; unassigned: number };
  plan: PlanView & { status: 'OPTIMAL' | 'FEASIBLE' };
  greedy: PlanView;
  comparison: { travelMinutesSaved: number; unassignedAvoided: number; objectiveSaved: number };
  solver: SolverFigures;
  result: CommitResult | null;
}

const withCounts = (p: StoredPlan): PlanView => ({
  assignments: p.assignments,
  unassigned: p.unassigned,
  totalTravelMinutes: p.totalTravelMinutes,
  objective: p.objective,
  assignedCount: p.assignments.length,
  unassignedCount: p.unassigned.length,
});

export function batchView(row: BatchRow): BatchView {
  const { solver, ...plan } = row.plan;
  return {
    id: row.id,
    regionCode: row.regionCode,
    regionName: row.regionName,
    regionLevel: row.regionLevel,
    date: row.date,
    state: row.state,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    committedAt: row.committedAt,
    committedBy: row.committedBy,
    counts: {
      orders: row.inputSummary.orders,
      providers: row.inputSummary.providers,
      workers: row.inputSummary.workers,
      assigned: plan.assignments.length,
      unassigned: plan.unassigned.length,
    },
    plan: { ...withCounts(plan), status: solver.status },
    greedy: withCounts(row.greedy),
    comparison: {
      travelMinutesSaved: round1(row.greedy.totalTravelMinutes - plan.totalTravelMinutes),
      unassignedAvoided: row.greedy.unassigned.length - plan.unassigned.length,
      objectiveSaved: round1(row.greedy.objective - plan.objective),
    },
    solver,
    result: row.result,
  };
}
