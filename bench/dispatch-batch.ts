/**
 * Batch assignment of a day's scheduled orders (issue "Dispatch engine", item 8): planning time and
 * the optimised plan against greedy on the same input.
 *
 *   npm run bench:dispatch-batch [-- --cases 1:12:40:2000,2:8:40:2000,3:12:100:2000 --orders 500]
 *
 * Each case is seed:sideKm:providers:workers on a synthetic district day (the pure core only: no
 * database). Target: 500 orders over 2,000 workers planned in ≤ 2 s.
 */
import { performance } from 'node:perf_hooks';
import {
  dispatchConfig,
  loadBatchSolver,
  planBatch,
  StraightLineTravelTime,
  syntheticBatchDay,
  validateBatchPlan,
} from '#lib/dispatch';
import { arg, machine } from './support/harness.js';

const travel = new StraightLineTravelTime();
const config = dispatchConfig();
const orders = Number(arg('orders', '500'));
const cases = arg('cases', '1:12:40:2000,2:8:40:2000,3:12:100:2000')
  .split(',')
  .map((x) => x.split(':').map(Number));

console.log(`# dispatch batch bench — ${new Date().toISOString()} — ${machine()}`);
const highs = await loadBatchSolver();
for (const [seed, sideKm, providers, workers] of cases) {
  const input = syntheticBatchDay(seed, orders, workers, providers, sideKm);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await planBatch(input, config, travel, highs);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const problems = validateBatchPlan(input, r.optimised, config, travel);
  console.log(
    JSON.stringify({
      seed,
      sideKm,
      providers,
      workers,
      orders,
      planMs: Math.round(ms),
      planCpuMs: Math.round((cpu.user + cpu.system) / 1000),
      status: r.optimised.status,
      optimised: { travelMin: r.optimised.totalTravelMinutes, unassigned: r.optimised.unassigned.length },
      greedy: { travelMin: r.greedy.totalTravelMinutes, unassigned: r.greedy.unassigned.length },
      model: r.model,
      valid: problems.length === 0,
    }),
  );
  if (problems.length) process.exitCode = 1;
}
