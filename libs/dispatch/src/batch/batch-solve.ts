import highsModule, { type Highs } from 'highs';
import type { DispatchConfig } from '../config.js';
import { compareIds } from '../ranking.js';
import type { TravelTimeModel } from '../travel-time.js';
import { buildBatchProblem, type BatchProblem } from './batch-problem.js';
import type { BatchInput, BatchPlan, BatchResult, OptimisedPlan, UnassignedReason } from './batch-types.js';

const MINUTE = 60_000;
const round1 = (v: number) => Math.round(v * 10) / 10;

/** The chosen option and member (index into the group's workers) per order; null = unassigned. */
type Choice = Array<{ option: number; member: number } | null>;

let solver: Promise<Highs> | undefined;

/**
 * `highs` ships an ESM build (default export = the loader) and a CJS build (module.exports = the loader)
 * under one CommonJS-typed declaration, so TypeScript types the default import as the module object.
 */
function highsLoader(): () => Promise<Highs> {
  const m = highsModule as unknown as (() => Promise<Highs>) | { default: () => Promise<Highs> };
  return typeof m === 'function' ? m : m.default;
}

/** HiGHS (WebAssembly, MIT), loaded once per process (~0.1 s). */
export function loadBatchSolver(): Promise<Highs> {
  return (solver ??= highsLoader()());
}

/** Time and capacity already used while a plan is being built. */
class Usage {
  readonly memberBuckets: Array<Array<Set<number>>>;
  readonly memberOrders: number[][];
  readonly providerUsed: Array<Map<number, number>>;

  constructor(private readonly problem: BatchProblem) {
    this.memberBuckets = problem.groups.map((g) => g.workerIds.map(() => new Set<number>()));
    this.memberOrders = problem.groups.map((g) => g.workerIds.map(() => 0));
    this.providerUsed = problem.providerUsed.map((m) => new Map(m));
  }

  /** The first member of the option's group that is free for it, or −1; also −1 when the provider is full. */
  fit(optionIndex: number): number {
    const o = this.problem.options[optionIndex];
    const g = this.problem.groups[o.group];
    const cap = this.problem.providers[g.providerIndex].capacity;
    const used = this.providerUsed[g.providerIndex];
    for (let b = o.firstBucket; b <= o.lastBucket; b++) if ((used.get(b) ?? 0) + 1 > cap) return -1;
    members: for (let m = 0; m < g.workerIds.length; m++) {
      if (g.maxOrders !== null && this.memberOrders[o.group][m] >= g.maxOrders) continue;
      const busy = this.memberBuckets[o.group][m];
      for (let b = o.firstBucket; b <= o.lastBucket; b++) if (busy.has(b)) continue members;
      return m;
    }
    return -1;
  }

  take(optionIndex: number, member: number): void {
    const o = this.problem.options[optionIndex];
    const g = this.problem.groups[o.group];
    const used = this.providerUsed[g.providerIndex];
    for (let b = o.firstBucket; b <= o.lastBucket; b++) {
      used.set(b, (used.get(b) ?? 0) + 1);
      this.memberBuckets[o.group][member].add(b);
    }
    this.memberOrders[o.group][member] += 1;
  }
}

/**
 * The baseline: orders one by one in time order (window start, window end, id), each to its cheapest
 * option still free (shortest travel, then earliest start). It never revises an earlier choice.
 */
export function greedyChoice(problem: BatchProblem): Choice {
  const usage = new Usage(problem);
  const choice: Choice = problem.orders.map(() => null);
  const sequence = problem.orders
    .map((o, i) => ({ o, i }))
    .sort(
      (a, b) =>
        a.o.windowStart.getTime() - b.o.windowStart.getTime() ||
        a.o.windowEnd.getTime() - b.o.windowEnd.getTime() ||
        compareIds(a.o.orderId, b.o.orderId),
    );
  for (const { i } of sequence)
    search: for (let r = 0; r < problem.reach[i].length; r++)
      for (const opt of problem.optionsOf(i, r)) {
        const m = usage.fit(opt);
        if (m >= 0) {
          usage.take(opt, m);
          choice[i] = { option: opt, member: m };
          break search;
        }
      }
  return choice;
}

export function planOf(problem: BatchProblem, choice: Choice): BatchPlan {
  const assignments: BatchPlan['assignments'] = [];
  const unassigned: BatchPlan['unassigned'] = [];
  let travel = 0;
  problem.orders.forEach((o, i) => {
    const c = choice[i];
    if (!c) {
      const reason: UnassignedReason = problem.cheapest(i) !== undefined ? 'NO_CAPACITY_LEFT' : 'NO_ELIGIBLE_WORKER';
      unassigned.push({ orderId: o.orderId, reason });
      return;
    }
    const opt = problem.options[c.option];
    const g = problem.groups[opt.group];
    travel += opt.travelMinutes;
    assignments.push({
      orderId: o.orderId,
      workerId: g.workerIds[c.member],
      providerId: problem.providers[g.providerIndex].providerId,
      start: new Date(opt.startMs).toISOString(),
      end: new Date(opt.startMs + o.durationMinutes * MINUTE).toISOString(),
      travelMinutes: opt.travelMinutes,
    });
  });
  const totalTravelMinutes = round1(travel);
  return {
    assignments,
    unassigned,
    totalTravelMinutes,
    objective: round1(travel + problem.penalty * unassigned.length),
  };
}

/** The greedy baseline on its own (synchronous, no solver). */
export function greedyBatch(input: BatchInput, config: DispatchConfig, travel: TravelTimeModel): BatchPlan {
  const problem = buildBatchProblem(input, config, travel);
  return planOf(problem, greedyChoice(problem));
}

// ---- the optimisation model ----------------------------------------------------------------------

class UnionFind {
  private readonly parent: Int32Array;
  constructor(n: number) {
    this.parent = Int32Array.from({ length: n }, (_, i) => i);
  }
  find(x: number): number {
    while (this.parent[x] !== x) {
      this.parent[x] = this.parent[this.parent[x]];
      x = this.parent[x];
    }
    return x;
  }
  union(a: number, b: number): void {
    this.parent[this.find(a)] = this.find(b);
  }
}

/** Per order: the options of its N nearest worker groups (the sparse candidate graph), plus greedy's pick. */
function sparseOptions(problem: BatchProblem, greedy: Choice, maxGroups: number): number[][] {
  return problem.orders.map((_, i) => {
    const kept = problem.nearestOptions(i, maxGroups);
    const pick = greedy[i]?.option;
    if (pick !== undefined && !kept.includes(pick)) kept.push(pick);
    return kept;
  });
}

interface Rows {
  starts: number[];
  indices: number[];
  upper: number[];
}

function addRow(rows: Rows, cols: number[], upper: number): void {
  const sorted = [...new Set(cols)].sort((a, b) => a - b);
  rows.indices.push(...sorted);
  rows.starts.push(rows.indices.length);
  rows.upper.push(upper);
}

/**
 * One component as a 0/1 programme: x_j = option j chosen.
 *   min Σ (travel_j − penalty) x_j          (+ penalty × orders: unassigned orders cost the penalty)
 *   Σ_{j of order o} x_j ≤ 1                                   every order at most once
 *   Σ_{j of group g touching bucket b} x_j ≤ |g|               a worker does one visit at a time
 *   Σ_{j of group g} x_j ≤ maxOrders(g)                        per-worker limits (singleton groups)
 *   Σ_{j of provider p touching bucket b} x_j ≤ capacity − used the provider's capacity at every moment
 * Rows that cannot bind (fewer columns than the bound) are left out.
 */
function componentRows(problem: BatchProblem, cols: number[]): Rows {
  const rows: Rows = { starts: [0], indices: [], upper: [] };
  const byOrder = new Map<number, number[]>();
  const byGroupBucket = new Map<string, number[]>();
  const byGroup = new Map<number, number[]>();
  const byProviderBucket = new Map<string, number[]>();
  const push = <K>(m: Map<K, number[]>, k: K, c: number) => {
    const list = m.get(k);
    if (list) list.push(c);
    else m.set(k, [c]);
  };
  cols.forEach((j, c) => {
    const o = problem.options[j];
    const g = problem.groups[o.group];
    push(byOrder, o.order, c);
    push(byGroup, o.group, c);
    for (let b = o.firstBucket; b <= o.lastBucket; b++) {
      push(byGroupBucket, `${o.group}:${b}`, c);
      push(byProviderBucket, `${g.providerIndex}:${b}`, c);
    }
  });
  for (const list of byOrder.values()) if (list.length > 1) addRow(rows, list, 1);
  for (const [k, list] of byGroupBucket) {
    const n = problem.groups[Number(k.split(':')[0])].workerIds.length;
    if (list.length > n) addRow(rows, list, n);
  }
  for (const [g, list] of byGroup) {
    const max = problem.groups[g].maxOrders;
    if (max !== null && list.length > max) addRow(rows, list, max);
  }
  for (const [k, list] of byProviderBucket) {
    const [p, b] = k.split(':').map(Number);
    const left = Math.max(0, problem.providers[p].capacity - (problem.providerUsed[p].get(b) ?? 0));
    if (list.length > left) addRow(rows, list, left);
  }
  return rows;
}

function satisfies(rows: Rows, x: ArrayLike<number>): boolean {
  for (let r = 0; r < rows.upper.length; r++) {
    let sum = 0;
    for (let k = rows.starts[r]; k < rows.starts[r + 1]; k++) sum += x[rows.indices[k]];
    if (sum > rows.upper[r] + 1e-6) return false;
  }
  return true;
}

/** Gives each chosen option of a group a concrete member: interval colouring in start order (exact). */
function colour(problem: BatchProblem, picked: number[], into: Choice): boolean {
  const byGroup = new Map<number, number[]>();
  for (const j of picked) {
    const g = problem.options[j].group;
    byGroup.set(g, [...(byGroup.get(g) ?? []), j]);
  }
  for (const [gi, opts] of byGroup) {
    const g = problem.groups[gi];
    opts.sort(
      (a, b) =>
        problem.options[a].firstBucket - problem.options[b].firstBucket ||
        problem.options[a].lastBucket - problem.options[b].lastBucket ||
        problem.options[a].order - problem.options[b].order,
    );
    const lastUsed = g.workerIds.map(() => -Infinity);
    const count = g.workerIds.map(() => 0);
    for (const j of opts) {
      const o = problem.options[j];
      const m = lastUsed.findIndex((l, i) => l < o.firstBucket && (g.maxOrders === null || count[i] < g.maxOrders));
      if (m < 0) return false;
      lastUsed[m] = o.lastBucket;
      count[m] += 1;
      into[o.order] = { option: j, member: m };
    }
  }
  return true;
}

/**
 * Solves one component with HiGHS, starting from the greedy plan. 'FAILED' when the solver errs or ends
 * without a usable solution (the caller keeps greedy's plan for the component).
 */
function runSolver(
  highs: Highs,
  problem: BatchProblem,
  cols: number[],
  orderCount: number,
  rows: Rows,
  warm: number[],
  timeLimitSeconds: number,
  gap: number,
): { x: ArrayLike<number>; optimal: boolean } | 'FAILED' {
  const { optimal, timeLimit } = highs.constants.modelStatus;
  let model: ReturnType<Highs['createModel']> | undefined;
  try {
    model = highs.createModel({
      numCols: cols.length,
      numRows: rows.upper.length,
      // x-only form (no slack per order): cost travel − penalty, plus the constant penalty × orders, so the
      // reported objective (and the relative gap) is on the real scale: travel + penalty × unassigned
      colCost: cols.map((j) => problem.options[j].travelMinutes - problem.penalty),
      offset: problem.penalty * orderCount,
      colLower: cols.map(() => 0),
      colUpper: cols.map(() => 1),
      rowLower: rows.upper.map(() => -highs.infinity),
      rowUpper: rows.upper,
      matrix: {
        format: 'csr',
        numRows: rows.upper.length,
        numCols: cols.length,
        starts: rows.starts,
        indices: rows.indices,
        values: rows.indices.map(() => 1),
      },
      integrality: cols.map(() => highs.constants.variableType.integer),
    });
    model.options.set({
      output_flag: false,
      time_limit: timeLimitSeconds,
      mip_rel_gap: gap,
      // the greedy plan is given as the starting incumbent, so this first-solution heuristic only costs time
      mip_heuristic_run_feasibility_jump: false,
    });
    model.setSolution({ colValue: warm });
    const run = model.run();
    if (run.modelStatus !== optimal && run.modelStatus !== timeLimit) return 'FAILED';
    return { x: model.getSolution().colValue, optimal: run.modelStatus === optimal };
  } catch {
    return 'FAILED';
  } finally {
    model?.dispose();
  }
}

/**
 * Optimises a batch: greedy first (the baseline and the solver's starting solution), then the exact
 * model per independent component with HiGHS, on the sparse candidate graph. A component where greedy
 * already meets the lower bound (every order at its cheapest option) is not given to the solver.
 * The optimised plan is never worse than greedy's.
 */
export function solveBatchProblem(problem: BatchProblem, config: DispatchConfig, highs: Highs): BatchResult {
  const greedy = greedyChoice(problem);
  const kept = sparseOptions(problem, greedy, config.batch.maxCandidatesPerOrder);
  const O = problem.orders.length;
  // Exact decomposition: two orders interact only through a shared row (the same worker group or
  // provider in the same bucket, or a per-worker limit), so union orders through those rows' keys.
  const rowNode = new Map<string, number>();
  const links: Array<[number, number]> = [];
  const link = (i: number, key: string) => {
    let n = rowNode.get(key);
    if (n === undefined) rowNode.set(key, (n = O + rowNode.size));
    links.push([i, n]);
  };
  kept.forEach((opts, i) =>
    opts.forEach((j) => {
      const o = problem.options[j];
      const g = problem.groups[o.group];
      if (g.maxOrders !== null) link(i, `m${o.group}`);
      for (let b = o.firstBucket; b <= o.lastBucket; b++) {
        link(i, `g${o.group}:${b}`);
        link(i, `p${g.providerIndex}:${b}`);
      }
    }),
  );
  const uf = new UnionFind(O + rowNode.size);
  for (const [a, b] of links) uf.union(a, b);
  const components = new Map<number, number[]>();
  for (let i = 0; i < O; i++) {
    const root = uf.find(i);
    components.set(root, [...(components.get(root) ?? []), i]);
  }
  const cost = (i: number, c: Choice) => {
    const ch = c[i];
    return ch ? problem.options[ch.option].travelMinutes : problem.penalty;
  };
  const lowerBound = (i: number) => {
    const first = problem.cheapest(i);
    return first === undefined ? problem.penalty : Math.min(problem.penalty, problem.options[first].travelMinutes);
  };

  const result: Choice = [...greedy];
  const toSolve = [...components.values()].filter(
    (orders) => orders.reduce((s, i) => s + cost(i, greedy) - lowerBound(i), 0) > 1e-9,
  );
  const totalCols = toSolve.reduce((s, orders) => s + orders.reduce((t, i) => t + kept[i].length, 0), 0);
  let variables = 0;
  let rowCount = 0;
  let allOptimal = true;
  let solverFailures = 0;
  for (const orders of toSolve) {
    const cols = orders.flatMap((i) => kept[i]);
    const rows = componentRows(problem, cols);
    variables += cols.length;
    rowCount += rows.upper.length;
    const warm = cols.map((j) => (greedy[problem.options[j].order]?.option === j ? 1 : 0));
    const timeLimit = Math.max(0.05, (config.batch.timeLimitSeconds * cols.length) / totalCols);
    const solved = runSolver(highs, problem, cols, orders.length, rows, warm, timeLimit, config.batch.mipRelativeGap);
    if (solved === 'FAILED') solverFailures += 1;
    const x = solved === 'FAILED' ? null : solved.x;
    if (solved === 'FAILED' || !solved.optimal) allOptimal = false;
    if (!x || x.length !== cols.length || !satisfies(rows, x)) {
      allOptimal = false;
      continue; // keep greedy for this component
    }
    const picked = cols.filter((_, c) => x[c] > 0.5);
    const candidate: Choice = [...result];
    for (const i of orders) candidate[i] = null;
    if (!colour(problem, picked, candidate)) throw new Error('batch: colouring a feasible solution failed');
    const before = orders.reduce((s, i) => s + cost(i, result), 0);
    const after = orders.reduce((s, i) => s + cost(i, candidate), 0);
    if (after <= before + 1e-9) for (const i of orders) result[i] = candidate[i];
  }

  const optimised: OptimisedPlan = { ...planOf(problem, result), status: allOptimal ? 'OPTIMAL' : 'FEASIBLE' };
  return {
    optimised,
    greedy: planOf(problem, greedy),
    model: {
      orders: O,
      workers: problem.workerCount,
      workerGroups: problem.groups.length,
      optionsBuilt: problem.options.length,
      variables,
      rows: rowCount,
      components: components.size,
      solvedComponents: toSolve.length,
      solverFailures,
    },
  };
}

/** Plans a day's scheduled orders: the optimised plan and the greedy baseline on the same input. */
export async function planBatch(
  input: BatchInput,
  config: DispatchConfig,
  travel: TravelTimeModel,
  highs?: Highs,
): Promise<BatchResult> {
  const problem = buildBatchProblem(input, config, travel);
  return solveBatchProblem(problem, config, highs ?? (await loadBatchSolver()));
}
