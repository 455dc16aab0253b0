import { describe, expect, it } from '@jest/globals';
import { isCalendarDate } from '#lib/kernel';
import type { BatchPlan } from '../batch/batch-types.js';
import {
  addDays,
  batchDateProblem,
  commitmentOf,
  isPlannableLevel,
  serviceDay,
  toBatchInput,
  visitMinutes,
  type BatchOrderRow,
  type BatchProviderRow,
  type BatchWorkerRow,
  type BusyRow,
} from './batch-input.js';
import {
  batchView,
  emptyBatchResult,
  splitCommit,
  storedPlan,
  type BatchRow,
  type StoredAssignment,
} from './batch-record.js';
import { compiledWorkerUrl } from './batch-solver.thread.js';

/** 2026-05-04 10:00 in UTC+8. */
const NOW = new Date('2026-05-04T02:00:00Z');
const local = (dateTime: string) => new Date(`${dateTime}:00+08:00`);

const order = (over: Partial<BatchOrderRow> = {}): BatchOrderRow => ({
  id: 'o1',
  orderNo: 'SO1',
  serviceType: 'CLEAN',
  communityCode: '150302001001',
  communityLevel: 'COMMUNITY',
  homeLat: 39.68,
  homeLng: 106.82,
  scheduledStart: local('2026-05-05T09:00'),
  scheduledEnd: local('2026-05-05T11:00'),
  minDurationMinutes: 60,
  unit: 'VISIT',
  quantity: '1.00',
  requiredQualification: null,
  ...over,
});
const provider: BatchProviderRow = {
  id: 'p1',
  status: 'ACTIVE',
  baseLat: 39.686,
  baseLng: 106.821,
  capacity: 5,
  openingHours: { '2': ['08:00-18:00'] },
  contracts: [
    { serviceTypes: ['CLEAN'], communityCodes: ['150302001001'], validFrom: '2026-01-01', validTo: '2026-12-31' },
  ],
};
const busy = (over: Partial<BusyRow> = {}): BusyRow => ({
  orderId: 'x1',
  scheduledStart: null,
  scheduledEnd: null,
  minDurationMinutes: 60,
  unit: 'VISIT',
  quantity: '1.00',
  ...over,
});

describe('batch API: dates and regions', () => {
  it('plans today up to 14 days ahead, in local time (UTC+8); a past or a too-far day is named', () => {
    expect(batchDateProblem('2026-05-04', NOW)).toBeNull();
    expect(batchDateProblem('2026-05-18', NOW)).toBeNull();
    expect(batchDateProblem('2026-05-03', NOW)).toBe('2026-05-03 is in the past (today is 2026-05-04, UTC+8)');
    expect(batchDateProblem('2026-05-19', NOW)).toMatch(/more than 14 days ahead .*2026-05-18/);
    // 23:30 UTC is already the next local day
    expect(batchDateProblem('2026-05-04', new Date('2026-05-04T16:30:00Z'))).toMatch(/in the past/);
  });

  it('knows calendar dates and local days', () => {
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(isCalendarDate('2026-02-29')).toBe(false);
    expect(isCalendarDate('2026-13-01')).toBe(false);
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(serviceDay('2026-05-05')).toEqual({
      date: '2026-05-05',
      start: new Date('2026-05-04T16:00:00Z'),
      end: new Date('2026-05-05T16:00:00Z'),
    });
  });

  it('a batch covers a street or a district, nothing above or below', () => {
    expect(['STREET', 'DISTRICT'].map(isPlannableLevel)).toEqual([true, true]);
    expect(['CITY', 'COMMUNITY', 'VILLAGE'].map(isPlannableLevel)).toEqual([false, false, false]);
  });
});

describe('batch API: rows → BatchInput', () => {
  const day = serviceDay('2026-05-05');

  it('a visit lasts the item’s minimum, or the hours ordered for an hourly item, at least a minute', () => {
    expect(visitMinutes({ minDurationMinutes: 45, unit: 'VISIT', quantity: '3.00' })).toBe(45);
    expect(visitMinutes({ minDurationMinutes: 60, unit: 'HOUR', quantity: '2.50' })).toBe(150);
    expect(visitMinutes({ minDurationMinutes: 60, unit: 'HOUR', quantity: '0.50' })).toBe(60);
    expect(visitMinutes({ minDurationMinutes: 0, unit: 'MEAL', quantity: 1 })).toBe(1);
  });

  it('maps windows (end, or start + visit), homes, area type, providers and workers', () => {
    const { input, excluded } = toBatchInput(
      {
        orders: [
          order(),
          order({ id: 'o2', scheduledEnd: null, communityLevel: 'VILLAGE', requiredQualification: 'NURSE' }),
        ],
        providers: [provider],
        workers: [{ id: 'w1', providerId: 'p1', status: 'ACTIVE', qualifications: ['NURSE'], shifts: {}, busy: null }],
      },
      day,
      NOW,
    );
    expect(excluded).toEqual([]);
    expect(input.orders).toEqual([
      expect.objectContaining({
        orderId: 'o1',
        areaType: 'URBAN',
        home: { lat: 39.68, lng: 106.82 },
        windowStart: local('2026-05-05T09:00'),
        windowEnd: local('2026-05-05T11:00'),
        durationMinutes: 60,
      }),
      expect.objectContaining({
        orderId: 'o2',
        areaType: 'RURAL',
        windowEnd: local('2026-05-05T10:00'),
        requiredQualification: 'NURSE',
      }),
    ]);
    expect(input.providers).toEqual([
      {
        providerId: 'p1',
        status: 'ACTIVE',
        base: { lat: 39.686, lng: 106.821 },
        capacity: 5,
        openingHours: provider.openingHours,
        contracts: provider.contracts,
      },
    ]);
    expect(input.workers).toEqual([
      { workerId: 'w1', providerId: 'p1', status: 'ACTIVE', qualifications: ['NURSE'], shifts: {}, commitments: [] },
    ]);
  });

  it('today: a window is cut at now; an order whose visit no longer fits is left out as WINDOW_PASSED', () => {
    const today = serviceDay('2026-05-04');
    const { input, excluded } = toBatchInput(
      {
        orders: [
          order({ id: 'late', scheduledStart: local('2026-05-04T09:00'), scheduledEnd: local('2026-05-04T12:00') }),
          order({ id: 'gone', scheduledStart: local('2026-05-04T09:00'), scheduledEnd: local('2026-05-04T10:30') }),
        ],
        providers: [],
        workers: [],
      },
      today,
      NOW,
    );
    expect(input.orders.map((o) => [o.orderId, o.windowStart.toISOString()])).toEqual([['late', NOW.toISOString()]]);
    expect(excluded).toEqual([{ orderId: 'gone', reason: 'WINDOW_PASSED' }]);
  });

  it('existing orders block a worker: scheduled ones their window, one being served now one visit from now', () => {
    expect(
      commitmentOf(
        busy({ scheduledStart: '2026-05-05T01:00:00.000Z', scheduledEnd: '2026-05-05T03:00:00.000Z' }),
        day,
        NOW,
      ),
    ).toEqual({ orderId: 'x1', from: new Date('2026-05-05T01:00:00Z'), to: new Date('2026-05-05T03:00:00Z') });
    expect(commitmentOf(busy({ scheduledStart: '2026-05-05T01:00:00.000Z' }), day, NOW)?.to).toEqual(
      new Date('2026-05-05T02:00:00Z'),
    );
    // planning today: the order in progress now takes the worker for one visit from now
    expect(commitmentOf(busy(), serviceDay('2026-05-04'), NOW)).toEqual({
      orderId: 'x1',
      from: NOW,
      to: new Date(NOW.getTime() + 3_600_000),
    });
    // it does not touch a day a week later, nor does a scheduled order of another week
    expect(commitmentOf(busy(), serviceDay('2026-05-11'), NOW)).toBeNull();
    expect(commitmentOf(busy({ scheduledStart: '2026-05-20T01:00:00.000Z' }), day, NOW)).toBeNull();
  });

  it('workers carry their commitments of the day', () => {
    const worker: BatchWorkerRow = {
      id: 'w1',
      providerId: 'p1',
      status: 'ACTIVE',
      qualifications: [],
      shifts: {},
      busy: [busy({ scheduledStart: '2026-05-05T01:00:00.000Z' }), busy({ orderId: 'x2' })],
    };
    const { input } = toBatchInput({ orders: [], providers: [], workers: [worker] }, day, NOW);
    expect(input.workers[0].commitments?.map((c) => c.orderId)).toEqual(['x1']);
  });
});

describe('batch API: stored plans and commits', () => {
  const plan: BatchPlan = {
    assignments: [
      {
        orderId: 'a',
        workerId: 'w1',
        providerId: 'p1',
        start: '2026-05-05T01:00:00.000Z',
        end: '2026-05-05T02:00:00.000Z',
        travelMinutes: 4.2,
      },
    ],
    unassigned: [{ orderId: 'c', reason: 'NO_ELIGIBLE_WORKER' }],
    totalTravelMinutes: 4.2,
    objective: 1004.2,
  };
  const nos = new Map([
    ['a', 'SO-A'],
    ['b', 'SO-B'],
    ['c', 'SO-C'],
  ]);

  it('adds order numbers, and the orders left out before solving as unassigned (counted in the objective)', () => {
    expect(storedPlan(plan, nos, [{ orderId: 'b', reason: 'WINDOW_PASSED' }], 1000)).toEqual({
      assignments: [{ ...plan.assignments[0], orderNo: 'SO-A' }],
      unassigned: [
        { orderId: 'b', orderNo: 'SO-B', reason: 'WINDOW_PASSED' },
        { orderId: 'c', orderNo: 'SO-C', reason: 'NO_ELIGIBLE_WORKER' },
      ],
      totalTravelMinutes: 4.2,
      objective: 2004.2,
    });
    expect(storedPlan(emptyBatchResult().optimised, nos, [], 1000)).toEqual({
      assignments: [],
      unassigned: [],
      totalTravelMinutes: 0,
      objective: 0,
    });
  });

  it('shows both plans with counts and what the optimised one saves against greedy', () => {
    const optimised = storedPlan(plan, nos, [], 1000);
    const greedy = storedPlan(
      {
        assignments: [],
        unassigned: [
          { orderId: 'a', reason: 'NO_CAPACITY_LEFT' },
          { orderId: 'c', reason: 'NO_ELIGIBLE_WORKER' },
        ],
        totalTravelMinutes: 0,
        objective: 2000,
      },
      nos,
      [],
      1000,
    );
    const row: BatchRow = {
      id: 'b1',
      regionCode: '150302001',
      regionName: '新华街道',
      regionLevel: 'STREET',
      regionPath: '/150300/150302/150302001/',
      date: '2026-05-05',
      state: 'DRAFT',
      createdBy: 'u1',
      createdAt: NOW,
      committedAt: null,
      committedBy: null,
      inputSummary: { orders: 2, providers: 1, workers: 3, dayStart: '', dayEnd: '', excluded: [] },
      plan: {
        ...optimised,
        solver: { status: 'OPTIMAL', solveMs: 12, wallMs: 15, threadId: 1, model: emptyBatchResult().model },
      },
      greedy,
      result: null,
    };
    const view = batchView(row);
    expect(view.counts).toEqual({ orders: 2, providers: 1, workers: 3, assigned: 1, unassigned: 1 });
    expect(view.plan).toMatchObject({ status: 'OPTIMAL', assignedCount: 1, unassignedCount: 1 });
    expect(view.plan).not.toHaveProperty('solver');
    expect(view.greedy).toMatchObject({ assignedCount: 0, unassignedCount: 2 });
    expect(view.comparison).toEqual({ travelMinutesSaved: -4.2, unassignedAvoided: 1, objectiveSaved: 995.8 });
    expect(view.solver.threadId).toBe(1);
  });

  it('a commit offers the orders still waiting whose provider never had them, and reports the others', () => {
    const a = (orderId: string, providerId = 'p1'): StoredAssignment => ({
      orderId,
      orderNo: `SO-${orderId}`,
      providerId,
      workerId: 'w1',
      start: '',
      end: '',
      travelMinutes: 1,
    });
    const { toOffer, skipped } = splitCommit(
      [a('a'), a('b'), a('c'), a('d')],
      new Map([
        ['a', 'PENDING_DISPATCH'],
        ['b', 'CANCELLED'],
        ['c', 'PENDING_DISPATCH'],
      ]),
      new Set(['c|p1', 'a|p2']),
    );
    expect(toOffer.map((x) => x.orderId)).toEqual(['a']);
    expect(skipped).toEqual([
      { orderId: 'b', orderNo: 'SO-b', state: 'CANCELLED', reason: 'NO_LONGER_PENDING' },
      { orderId: 'c', orderNo: 'SO-c', state: 'PENDING_DISPATCH', reason: 'PROVIDER_ALREADY_OFFERED' },
      { orderId: 'd', orderNo: 'SO-d', state: 'UNKNOWN', reason: 'NO_LONGER_PENDING' },
    ]);
  });
});

describe('batch API: the solver thread’s script', () => {
  it('is the compiled sibling when running from dist/, and the dist/ twin when running from source', () => {
    expect(compiledWorkerUrl('file:///app/dist/libs/dispatch/src/batch-api/batch-solver.thread.js').href).toBe(
      'file:///app/dist/libs/dispatch/src/batch-api/batch-solver.worker.js',
    );
    expect(compiledWorkerUrl('file:///repo/libs/dispatch/src/batch-api/batch-solver.thread.ts').href).toBe(
      'file:///repo/dist/libs/dispatch/src/batch-api/batch-solver.worker.js',
    );
    expect(() => compiledWorkerUrl('file:///elsewhere/thread.ts')).toThrow(/cannot locate/);
  });
});
