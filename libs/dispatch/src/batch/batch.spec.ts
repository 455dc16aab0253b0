import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Highs } from 'highs';
import { config, KM_PER_MINUTE, local } from '../testing/fixtures.js';
import { bOrder, bProvider, bWorker, rng, syntheticCity } from '../testing/batch-fixtures.js';
import { buildBatchProblem, occupancy, startTimes } from './batch-problem.js';
import { greedyBatch, loadBatchSolver, planBatch, planOf } from './batch-solve.js';
import type { BatchInput } from './batch-types.js';
import { validateBatchPlan } from './batch-validate.js';

let highs: Highs;
beforeAll(async () => {
  highs = await loadBatchSolver();
});

const c = config();
const plan = (input: BatchInput, cfg = c) => planBatch(input, cfg, KM_PER_MINUTE, highs);
const valid = (input: BatchInput, p: { assignments: never[] } | Parameters<typeof validateBatchPlan>[1], cfg = c) =>
  validateBatchPlan(input, p, cfg, KM_PER_MINUTE);
const who = (p: { assignments: Array<{ orderId: string; workerId: string }> }) =>
  Object.fromEntries(p.assignments.map((a) => [a.orderId, a.workerId]));

describe('batch assignment: optimum against greedy', () => {
  // on one line (km = minutes): W1 at 0, W2 at 6; order a at 2, order b at −3; the same hour, so one
  // worker cannot do both. Greedy gives a its nearest (W1, 2 min) and b what is left (W2, 9 min) = 11;
  // the optimum swaps: a → W2 (4) and b → W1 (3) = 7.
  const input: BatchInput = {
    providers: [bProvider('p1', 0), bProvider('p2', 6)],
    workers: [bWorker('w1', 'p1'), bWorker('w2', 'p2')],
    orders: [bOrder('a', 2, '10:00', '11:00', 60), bOrder('b', -3, '10:00', '11:00', 60)],
  };

  it('greedy is provably worse on travel: 11 min against the optimum 7 min', async () => {
    const r = await plan(input);
    expect(r.greedy.totalTravelMinutes).toBe(11);
    expect(who(r.greedy)).toEqual({ a: 'w1', b: 'w2' });
    expect(r.optimised).toMatchObject({ status: 'OPTIMAL', totalTravelMinutes: 7, unassigned: [] });
    expect(who(r.optimised)).toEqual({ a: 'w2', b: 'w1' });
    expect(valid(input, r.greedy)).toEqual([]);
    expect(valid(input, r.optimised)).toEqual([]);
    expect(r.model).toMatchObject({ orders: 2, workers: 2, components: 1, solvedComponents: 1 });
  });

  it('greedy leaves an order unassigned that the optimum serves', async () => {
    // W2 at 14 reaches a (12 min) but not b (17 min > 15-minute circle)
    const lopsided: BatchInput = { ...input, providers: [bProvider('p1', 0), bProvider('p2', 14)] };
    const r = await plan(lopsided);
    expect(r.greedy.unassigned).toEqual([{ orderId: 'b', reason: 'NO_CAPACITY_LEFT' }]);
    expect(r.greedy.objective).toBe(2 + c.batch.unassignedPenaltyMinutes);
    expect(r.optimised.unassigned).toEqual([]);
    expect(r.optimised.totalTravelMinutes).toBe(15);
    expect(valid(lopsided, r.optimised)).toEqual([]);
  });

  it('a solver failure keeps the greedy plan for that component (FEASIBLE), it does not fail the batch', async () => {
    const broken = {
      ...highs,
      createModel: () => {
        throw new Error('out of memory');
      },
    } as unknown as Highs;
    const r = await planBatch(input, c, KM_PER_MINUTE, broken);
    expect(r.optimised).toMatchObject({ status: 'FEASIBLE', totalTravelMinutes: 11 });
    expect(r.model.solverFailures).toBe(1);
    expect(valid(input, r.optimised)).toEqual([]);
  });

  it('the greedy baseline is also available on its own, without the solver', () => {
    expect(greedyBatch(input, c, KM_PER_MINUTE).totalTravelMinutes).toBe(11);
  });
});

describe('batch assignment: the model’s rules', () => {
  it('time windows: one worker serves two orders one after the other', async () => {
    const input: BatchInput = {
      providers: [bProvider('p1', 0), bProvider('p2', 10)],
      workers: [bWorker('w1', 'p1'), bWorker('w2', 'p2')],
      orders: [bOrder('a', 1, '09:00', '10:00', 45), bOrder('b', 1, '10:00', '11:00', 45)],
    };
    const r = await plan(input);
    expect(who(r.optimised)).toEqual({ a: 'w1', b: 'w1' });
    expect(r.optimised.totalTravelMinutes).toBe(2);
  });

  it('a window wider than the service lets the later start avoid a clash', async () => {
    const input: BatchInput = {
      providers: [bProvider('p1', 0), bProvider('p2', 10)],
      workers: [bWorker('w1', 'p1'), bWorker('w2', 'p2')],
      orders: [bOrder('a', 1, '09:00', '10:00', 45), bOrder('b', 1, '09:00', '11:00', 45)],
    };
    const r = await plan(input);
    expect(who(r.optimised)).toEqual({ a: 'w1', b: 'w1' });
    const b = r.optimised.assignments.find((x) => x.orderId === 'b')!;
    expect(new Date(b.start).getTime()).toBeGreaterThanOrEqual(local('10:00').getTime());
    expect(valid(input, r.optimised)).toEqual([]);
  });

  it('qualifications: an order needing a nurse goes to the nurse, even if farther', async () => {
    const input: BatchInput = {
      providers: [bProvider('p1', 0)],
      workers: [
        bWorker('carer', 'p1', { location: bProvider('x', 1).base }),
        bWorker('nurse', 'p1', { qualifications: ['NURSE'] }),
      ],
      orders: [bOrder('a', 1, '09:00', '10:00', 30, { requiredQualification: 'NURSE' })],
    };
    expect(who((await plan(input)).optimised)).toEqual({ a: 'nurse' });
  });

  it('nobody eligible: NO_ELIGIBLE_WORKER (qualification, circle, contract or window too short)', async () => {
    const input: BatchInput = {
      providers: [bProvider('p1', 0), bProvider('p2', 1, { contracts: [] })],
      workers: [bWorker('w1', 'p1'), bWorker('w2', 'p2', { qualifications: ['NURSE'] })],
      orders: [
        bOrder('nurse', 1, '09:00', '10:00', 30, { requiredQualification: 'NURSE' }),
        bOrder('far', 40, '09:00', '10:00', 30),
        bOrder('short', 1, '09:00', '09:20', 30),
      ],
    };
    const r = await plan(input);
    expect(r.optimised.unassigned).toEqual([
      { orderId: 'far', reason: 'NO_ELIGIBLE_WORKER' },
      { orderId: 'nurse', reason: 'NO_ELIGIBLE_WORKER' },
      { orderId: 'short', reason: 'NO_ELIGIBLE_WORKER' },
    ]);
    expect(r.model.solvedComponents).toBe(0);
  });

  it('shifts include the travel: a worker starting at 09:00 cannot be at a 09:00 visit 5 minutes away', async () => {
    const input: BatchInput = {
      // early-bird is nearer (5 min against 7) but would have to leave at 08:55
      providers: [bProvider('p1', 0), bProvider('p2', 12)],
      workers: [bWorker('early-bird', 'p1', { shifts: { '1': ['09:00-17:00'] } }), bWorker('w2', 'p2')],
      orders: [bOrder('a', 5, '09:00', '10:00', 60)],
    };
    expect(who((await plan(input)).optimised)).toEqual({ a: 'w2' });
  });

  it('provider capacity: at most `capacity` orders in progress at once across its workers', async () => {
    const input: BatchInput = {
      providers: [bProvider('p1', 0, { capacity: 1 }), bProvider('p2', 5)],
      workers: [bWorker('w1', 'p1'), bWorker('w1b', 'p1'), bWorker('w2', 'p2')],
      orders: [bOrder('a', 1, '09:00', '10:00', 60), bOrder('b', 1, '09:00', '10:00', 60)],
    };
    const r = await plan(input);
    const providers = r.optimised.assignments.map((a) => a.providerId).sort();
    expect(providers).toEqual(['p1', 'p2']);
    expect(valid(input, r.optimised)).toEqual([]);
  });

  it('existing commitments block the worker’s time; maxOrders limits the worker', async () => {
    const input: BatchInput = {
      providers: [bProvider('p1', 0), bProvider('p2', 6)],
      workers: [
        bWorker('w1', 'p1', { commitments: [{ orderId: 'old', from: local('09:30'), to: local('10:30') }] }),
        bWorker('w2', 'p2', { maxOrders: 1 }),
      ],
      orders: [
        bOrder('a', 1, '10:00', '11:00', 60),
        bOrder('b', 5, '12:00', '13:00', 60),
        bOrder('c', 5, '14:00', '15:00', 60),
      ],
    };
    const r = await plan(input);
    expect(who(r.optimised).a).toBe('w2');
    expect(r.optimised.assignments.filter((x) => x.workerId === 'w2')).toHaveLength(1);
    expect(valid(input, r.optimised)).toEqual([]);
  });

  it('identical workers form one group and still get distinct workers for overlapping orders', async () => {
    const input: BatchInput = {
      providers: [bProvider('p1', 0)],
      workers: ['w1', 'w2', 'w3'].map((id) => bWorker(id, 'p1')),
      orders: ['a', 'b', 'c'].map((id) => bOrder(id, 1, '09:00', '10:00', 60)),
    };
    const r = await plan(input);
    expect(r.model.workerGroups).toBe(1);
    expect(new Set(r.optimised.assignments.map((a) => a.workerId)).size).toBe(3);
    expect(valid(input, r.optimised)).toEqual([]);
  });

  it('independent areas are separate components', async () => {
    const input: BatchInput = {
      providers: [bProvider('p1', 0), bProvider('p2', 100)],
      workers: [bWorker('w1', 'p1'), bWorker('w2', 'p2')],
      orders: [bOrder('a', 1, '09:00', '10:00', 60), bOrder('b', 101, '09:00', '10:00', 60)],
    };
    expect((await plan(input)).model.components).toBe(2);
  });

  it('the occupancy of a visit runs from leaving (start − travel) to the end, rounded out to buckets', () => {
    const bucket = 15 * 60_000;
    const start = local('10:05').getTime();
    const [first, last] = occupancy(start, 7, 20, bucket);
    expect(new Date(first * bucket).toISOString()).toBe(local('09:45').toISOString());
    expect(new Date(last * bucket).toISOString()).toBe(local('10:15').toISOString());
  });

  it('start times: the window start, then the bucket grid, thinned to maxStarts', () => {
    const o = bOrder('a', 0, '08:05', '18:00', 120);
    const starts = startTimes(o, 15 * 60_000, 4).map((t) => new Date(t).toISOString());
    expect(starts).toHaveLength(4);
    expect(starts[0]).toBe(local('08:05').toISOString());
    expect(starts[3]).toBe(local('16:00').toISOString());
    expect(startTimes(bOrder('b', 0, '09:00', '09:30', 45), 15 * 60_000, 4)).toEqual([]);
  });

  it('refuses a window that ends before it starts', () => {
    const input: BatchInput = { providers: [], workers: [], orders: [bOrder('a', 0, '10:00', '09:00', 30)] };
    expect(() => buildBatchProblem(input, c, KM_PER_MINUTE)).toThrow(RangeError);
  });
});

describe('the plan checker', () => {
  it('catches a double-booked worker and a provider over capacity', () => {
    const input: BatchInput = {
      providers: [bProvider('p1', 0, { capacity: 1 })],
      workers: [bWorker('w1', 'p1'), bWorker('w2', 'p1')],
      orders: [bOrder('a', 1, '09:00', '10:00', 60), bOrder('b', 1, '09:00', '10:00', 60)],
    };
    const base = {
      providerId: 'p1',
      start: local('09:00').toISOString(),
      end: local('10:00').toISOString(),
      travelMinutes: 1,
    };
    expect(
      valid(input, {
        assignments: [
          { ...base, orderId: 'a', workerId: 'w1' },
          { ...base, orderId: 'b', workerId: 'w1' },
        ],
      }),
    ).toContain('b: worker w1 double-booked');
    expect(
      valid(input, {
        assignments: [
          { ...base, orderId: 'a', workerId: 'w1' },
          { ...base, orderId: 'b', workerId: 'w2' },
        ],
      }),
    ).toContain('b: provider p1 over capacity');
  });
});

describe('optimality on small random instances (exhaustive search)', () => {
  it.each([1, 2, 3, 4, 5, 6])('seed %i: the solver’s objective equals the best of all feasible plans', async (seed) => {
    const r = rng(seed);
    const input: BatchInput = {
      providers: [bProvider('p1', r() * 6, { capacity: 2 }), bProvider('p2', r() * 6)],
      workers: ['w1', 'w2', 'w3'].map((id, i) =>
        bWorker(id, i === 2 ? 'p2' : 'p1', {
          location: bProvider('x', r() * 8).base,
          qualifications: r() < 0.5 ? ['NURSE'] : [],
        }),
      ),
      orders: ['a', 'b', 'c', 'd'].map((id) =>
        bOrder(id, r() * 8, r() < 0.5 ? '09:00' : '09:30', '11:00', 30 + Math.floor(r() * 3) * 15, {
          requiredQualification: r() < 0.3 ? 'NURSE' : null,
        }),
      ),
    };
    const cfg = config({ batch: { maxCandidatesPerOrder: 100, maxStartsPerOrder: 3, mipRelativeGap: 0 } });
    const problem = buildBatchProblem(input, cfg, KM_PER_MINUTE);
    let best = Infinity;
    const choice: Array<{ option: number; member: number } | null> = problem.orders.map(() => null);
    const search = (i: number) => {
      if (i === problem.orders.length) {
        const p = planOf(problem, choice);
        if (p.objective < best && validateBatchPlan(input, p, cfg, KM_PER_MINUTE).length === 0) best = p.objective;
        return;
      }
      choice[i] = null;
      search(i + 1);
      for (const opt of problem.allOptions(i)) {
        choice[i] = { option: opt, member: 0 };
        search(i + 1);
      }
      choice[i] = null;
    };
    search(0);
    const result = await plan(input, cfg);
    expect(valid(input, result.optimised, cfg)).toEqual([]);
    expect(valid(input, result.greedy, cfg)).toEqual([]);
    expect(result.optimised.objective).toBeCloseTo(best, 6);
    expect(result.optimised.objective).toBeLessThanOrEqual(result.greedy.objective);
  });
});

describe('a synthetic district day', () => {
  it('both plans are feasible and the optimum is never worse than greedy', async () => {
    const input = syntheticCity(7, 80, 120, 8, 6);
    const r = await plan(input);
    expect(valid(input, r.optimised)).toEqual([]);
    expect(valid(input, r.greedy)).toEqual([]);
    expect(r.optimised.objective).toBeLessThanOrEqual(r.greedy.objective);
    expect(r.model.workerGroups).toBeLessThan(r.model.workers);
  });
});
