import { describe, expect, it } from '@jest/globals';
import {
  findCandidates,
  ruleAvailableWorker,
  ruleContract,
  ruleNotAlreadyOffered,
  ruleOpen,
  ruleProviderActive,
  ruleServiceCircle,
  ruleUnderCapacity,
  workerProblems,
} from './candidates.js';
import { KM_PER_MINUTE, ORIGIN, config, local, offset, provider, request, worker } from './testing/fixtures.js';

const codeOf = (v: { pass: boolean; reason?: { code: string } }) => (v.pass ? 'PASS' : v.reason!.code);

describe('candidate rule: provider ACTIVE', () => {
  it('passes an active provider, fails a suspended one', () => {
    expect(codeOf(ruleProviderActive(provider('p')))).toBe('PASS');
    const v = ruleProviderActive(provider('p', { status: 'SUSPENDED' }));
    expect(v).toEqual({ pass: false, reason: { code: 'PROVIDER_NOT_ACTIVE', detail: 'provider is SUSPENDED' } });
  });
});

describe('candidate rule: not already offered this order', () => {
  it('fails a provider in the set of providers already offered (declined, expired, open)', () => {
    expect(codeOf(ruleNotAlreadyOffered(provider('p'), new Set(['q'])))).toBe('PASS');
    expect(codeOf(ruleNotAlreadyOffered(provider('p'), new Set(['p'])))).toBe('ALREADY_OFFERED');
  });
});

describe('candidate rule: contract covers service type and community on the date', () => {
  const contract = {
    serviceTypes: ['BATH'],
    communityCodes: ['150302001001'],
    validFrom: '2026-05-04',
    validTo: '2026-05-10',
  };
  const p = provider('p', { contracts: [contract] });

  it('passes on the first and the last day of the contract (both inclusive)', () => {
    expect(codeOf(ruleContract(p, request({ at: local('00:00') })))).toBe('PASS');
    expect(codeOf(ruleContract(p, request({ at: local('23:59', 6) })))).toBe('PASS');
  });

  it('fails the day before and the day after', () => {
    expect(codeOf(ruleContract(p, request({ at: local('23:59', -1) })))).toBe('NO_CONTRACT');
    expect(codeOf(ruleContract(p, request({ at: local('00:00', 7) })))).toBe('NO_CONTRACT');
  });

  it('the date is the local (UTC+8) date: 00:30 local on the 11th is still the 10th in UTC, and fails', () => {
    const at = local('00:30', 7);
    expect(at.toISOString().slice(0, 10)).toBe('2026-05-10');
    expect(ruleContract(p, request({ at }))).toEqual({
      pass: false,
      reason: { code: 'NO_CONTRACT', detail: 'no contract covers BATH in 150302001001 on 2026-05-11' },
    });
  });

  it('fails another service type or another community', () => {
    expect(codeOf(ruleContract(p, request({ serviceType: 'MEAL' })))).toBe('NO_CONTRACT');
    expect(codeOf(ruleContract(p, request({ communityCode: '150302001002' })))).toBe('NO_CONTRACT');
  });

  it('any one of several contracts is enough', () => {
    const other = { ...contract, serviceTypes: ['MEAL'], validFrom: '2026-01-01', validTo: '2026-12-31' };
    expect(
      codeOf(ruleContract(provider('p', { contracts: [contract, other] }), request({ serviceType: 'MEAL' }))),
    ).toBe('PASS');
  });
});

describe('candidate rule: open at the requested time', () => {
  const p = provider('p', { openingHours: { '1': ['08:00-17:00'] } });
  it('open from the first minute, closed at the closing minute (end exclusive), closed on other days', () => {
    expect(codeOf(ruleOpen(p, local('08:00')))).toBe('PASS');
    expect(codeOf(ruleOpen(p, local('16:59')))).toBe('PASS');
    expect(codeOf(ruleOpen(p, local('07:59')))).toBe('CLOSED');
    expect(codeOf(ruleOpen(p, local('17:00')))).toBe('CLOSED');
    expect(codeOf(ruleOpen(p, local('10:00', 1)))).toBe('CLOSED');
  });
});

describe('candidate rule: under capacity (open offers + active orders < capacity)', () => {
  it('passes one below the capacity, fails at it; both counts add up', () => {
    expect(codeOf(ruleUnderCapacity(provider('p', { capacity: 3, openOffers: 1, activeOrders: 1 })))).toBe('PASS');
    const v = ruleUnderCapacity(provider('p', { capacity: 3, openOffers: 1, activeOrders: 2 }));
    expect(v).toEqual({
      pass: false,
      reason: { code: 'AT_CAPACITY', detail: '1 open offers + 2 active orders ≥ capacity 3' },
    });
    expect(codeOf(ruleUnderCapacity(provider('p', { capacity: 3, openOffers: 3, activeOrders: 0 })))).toBe(
      'AT_CAPACITY',
    );
  });
});

describe('candidate rule: a qualified worker on shift and not busy', () => {
  const order = request({ at: local('10:00'), durationMinutes: 60, requiredQualification: 'NURSE' });

  it('passes with one free qualified worker among others', () => {
    const p = provider('p', { workers: [worker('a'), worker('b', { qualifications: ['NURSE'] })] });
    expect(codeOf(ruleAvailableWorker(p, order))).toBe('PASS');
  });

  it('fails when nobody holds the qualification', () => {
    const v = ruleAvailableWorker(provider('p', { workers: [worker('a')] }), order);
    expect(v).toEqual({
      pass: false,
      reason: { code: 'NO_AVAILABLE_WORKER', detail: '0 active workers with NURSE, 0 of them on shift, none free' },
    });
  });

  it('fails when the qualified worker is off shift at that time', () => {
    const w = worker('a', { qualifications: ['NURSE'], shifts: { '1': ['14:00-22:00'] } });
    expect(workerProblems(w, order).map((r) => r.code)).toEqual(['OFF_SHIFT']);
    expect(ruleAvailableWorker(provider('p', { workers: [w] }), order)).toMatchObject({
      reason: { detail: '1 active workers with NURSE, 0 of them on shift, none free' },
    });
  });

  it('fails when the qualified worker is busy during the service; a commitment ending at the start is fine', () => {
    const busy = worker('a', {
      qualifications: ['NURSE'],
      commitments: [{ orderId: 'o-9', from: local('10:30'), to: local('11:30') }],
    });
    expect(workerProblems(busy, order)).toEqual([{ code: 'BUSY', detail: 'busy with order o-9' }]);
    const before = worker('a', {
      qualifications: ['NURSE'],
      commitments: [{ orderId: 'o-8', from: local('09:00'), to: local('10:00') }],
    });
    expect(workerProblems(before, order)).toEqual([]);
    const after = worker('a', {
      qualifications: ['NURSE'],
      commitments: [{ orderId: 'o-7', from: local('11:00'), to: local('12:00') }],
    });
    expect(workerProblems(after, order)).toEqual([]);
  });

  it('an order in progress (open-ended commitment) keeps the worker busy', () => {
    const w = worker('a', {
      qualifications: ['NURSE'],
      commitments: [{ orderId: 'o-1', from: local('08:00'), to: null }],
    });
    expect(workerProblems(w, order).map((r) => r.code)).toEqual(['BUSY']);
  });

  it('a worker who is not ACTIVE does not count, whatever else holds', () => {
    const w = worker('a', { qualifications: ['NURSE'], status: 'OFF_DUTY' });
    expect(workerProblems(w, order).map((r) => r.code)).toEqual(['WORKER_NOT_ACTIVE']);
    expect(codeOf(ruleAvailableWorker(provider('p', { workers: [w] }), order))).toBe('NO_AVAILABLE_WORKER');
  });

  it('an item without a required qualification takes any active, on-shift, free worker', () => {
    const p = provider('p', { workers: [worker('a', { qualifications: [] })] });
    expect(codeOf(ruleAvailableWorker(p, request({ requiredQualification: null })))).toBe('PASS');
  });
});

describe('candidate rule: within the service circle', () => {
  const c = config();
  it('urban: 15.0 minutes passes, 15.1 fails', () => {
    expect(codeOf(ruleServiceCircle(15, request({ areaType: 'URBAN' }), c))).toBe('PASS');
    expect(ruleServiceCircle(15.1, request({ areaType: 'URBAN' }), c)).toEqual({
      pass: false,
      reason: { code: 'OUTSIDE_SERVICE_CIRCLE', detail: '15.1 min travel > 15 min urban service circle' },
    });
  });

  it('rural: 30 minutes', () => {
    expect(codeOf(ruleServiceCircle(30, request({ areaType: 'RURAL' }), c))).toBe('PASS');
    expect(codeOf(ruleServiceCircle(30.1, request({ areaType: 'RURAL' }), c))).toBe('OUTSIDE_SERVICE_CIRCLE');
  });

  it('the circle comes from configuration', () => {
    const wide = config({ serviceCircleMinutes: { URBAN: 20 } });
    expect(codeOf(ruleServiceCircle(19, request({ areaType: 'URBAN' }), wide))).toBe('PASS');
  });
});

describe('findCandidates', () => {
  const c = config();
  const order = request({ home: ORIGIN });

  it('keeps the providers that pass every rule, with travel time and their free workers', () => {
    const p = provider('p', {
      base: offset(ORIGIN, 2),
      workers: [worker('w1'), worker('w2', { status: 'LEFT' }), worker('w3')],
    });
    const r = findCandidates({ order, providers: [p], alreadyOffered: [] }, c, KM_PER_MINUTE);
    expect(r.filteredOut).toEqual([]);
    expect(r.candidates).toHaveLength(1);
    expect(r.candidates[0]).toMatchObject({ travelMinutes: 2, availableWorkerIds: ['w1', 'w3'] });
    expect(r.candidates[0].distanceMeters).toBeGreaterThan(1990);
  });

  it('lists every failed rule of a provider, not only the first', () => {
    const bad = provider('bad', {
      status: 'SUSPENDED',
      base: offset(ORIGIN, 20),
      capacity: 1,
      activeOrders: 1,
      openingHours: {},
      contracts: [],
      workers: [],
    });
    const r = findCandidates({ order, providers: [bad], alreadyOffered: ['bad'] }, c, KM_PER_MINUTE);
    expect(r.candidates).toEqual([]);
    expect(r.filteredOut[0].reasons.map((x) => x.code)).toEqual([
      'PROVIDER_NOT_ACTIVE',
      'ALREADY_OFFERED',
      'NO_CONTRACT',
      'CLOSED',
      'AT_CAPACITY',
      'NO_AVAILABLE_WORKER',
      'OUTSIDE_SERVICE_CIRCLE',
    ]);
  });

  it('does not report the worker rule for a provider whose workers were not loaded (ruled out by another rule)', () => {
    const uncontracted = provider('u', { contracts: [], workers: null });
    const r = findCandidates({ order, providers: [uncontracted], alreadyOffered: [] }, c, KM_PER_MINUTE);
    expect(r.filteredOut[0].reasons.map((x) => x.code)).toEqual(['NO_CONTRACT']);
    // a provider that would otherwise pass is never let through for lack of loaded workers
    const unloaded = findCandidates(
      { order, providers: [provider('p', { workers: null })], alreadyOffered: [] },
      c,
      KM_PER_MINUTE,
    );
    expect(unloaded.candidates).toEqual([]);
    expect(unloaded.filteredOut[0].reasons).toEqual([{ code: 'NO_AVAILABLE_WORKER', detail: 'workers not loaded' }]);
  });

  it('is deterministic: providers come out sorted by id whatever the input order', () => {
    const ps = ['c', 'a', 'b'].map((id) => provider(id));
    const r = findCandidates({ order, providers: ps, alreadyOffered: [] }, c, KM_PER_MINUTE);
    expect(r.candidates.map((x) => x.provider.id)).toEqual(['a', 'b', 'c']);
  });
});
