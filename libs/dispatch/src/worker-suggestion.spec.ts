import { describe, expect, it } from '@jest/globals';
import { suggestWorker, type WorkerSuggestionInput } from './worker-suggestion.js';
import { KM_PER_MINUTE, ORIGIN, config, local, offset, request, worker } from './testing/fixtures.js';

const NOW = local('09:59');
const order = request({ at: local('10:00'), durationMinutes: 60, requiredQualification: 'NURSE' });
const base = offset(ORIGIN, 5);
const input = (workers: WorkerSuggestionInput['workers']): WorkerSuggestionInput => ({
  order,
  providerBase: base,
  workers,
});

describe('worker suggestion for an accepting provider', () => {
  it('filters out the unqualified, the off-shift, the busy and the inactive, with reasons', () => {
    const s = suggestWorker(
      input([
        worker('a', { qualifications: ['CAREGIVER'] }),
        worker('b', { qualifications: ['NURSE'], shifts: { '1': ['14:00-22:00'] } }),
        worker('c', {
          qualifications: ['NURSE'],
          commitments: [{ orderId: 'o-1', from: local('10:30'), to: local('11:00') }],
        }),
        worker('d', { qualifications: ['NURSE'], status: 'SUSPENDED' }),
      ]),
      config(),
      KM_PER_MINUTE,
      NOW,
    );
    expect(s.suggestedWorkerId).toBeNull();
    expect(s.ranked).toEqual([]);
    expect(s.filteredOut.map((f) => [f.workerId, f.reasons.map((r) => r.code)])).toEqual([
      ['a', ['NOT_QUALIFIED']],
      ['b', ['OFF_SHIFT']],
      ['c', ['BUSY']],
      ['d', ['WORKER_NOT_ACTIVE']],
    ]);
  });

  it('the nearest to the elder’s home wins; a worker without a location starts from the base', () => {
    const s = suggestWorker(
      input([
        worker('at-base', { qualifications: ['NURSE'] }),
        worker('nearby', { qualifications: ['NURSE'], location: offset(ORIGIN, 1) }),
      ]),
      config(),
      KM_PER_MINUTE,
      NOW,
    );
    expect(s.suggestedWorkerId).toBe('nearby');
    expect(s.ranked.map((r) => [r.workerId, r.travelMinutes])).toEqual([
      ['nearby', 1],
      ['at-base', 5],
    ]);
  });

  it('at the same distance, the least loaded wins', () => {
    const s = suggestWorker(
      input([
        worker('busy', { qualifications: ['NURSE'], ordersToday: 4 }),
        worker('light', { qualifications: ['NURSE'], ordersToday: 1 }),
      ]),
      config(),
      KM_PER_MINUTE,
      NOW,
    );
    expect(s.suggestedWorkerId).toBe('light');
    expect(s.ranked[0].factors.load).toMatchObject({ raw: 1, normalised: 0.75 });
    expect(s.ranked[1].factors.load).toMatchObject({ raw: 4, normalised: 0 });
  });

  it('travel against load follows the configured worker weights, and is explained', () => {
    const ws = [
      worker('near-loaded', { qualifications: ['NURSE'], location: offset(ORIGIN, 1), ordersToday: 5 }),
      worker('far-idle', { qualifications: ['NURSE'], location: offset(ORIGIN, 12), ordersToday: 0 }),
    ];
    expect(suggestWorker(input(ws), config(), KM_PER_MINUTE, NOW).suggestedWorkerId).toBe('near-loaded');
    const loadFirst = config({ workerWeights: { travel: 0.1, load: 0.9 } });
    const s = suggestWorker(input(ws), loadFirst, KM_PER_MINUTE, NOW);
    expect(s.suggestedWorkerId).toBe('far-idle');
    for (const r of s.ranked)
      expect(r.score).toBeCloseTo(r.factors.travel.contribution + r.factors.load.contribution, 5);
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it('full tie: worker id decides (deterministic)', () => {
    const s = suggestWorker(
      input([worker('w2', { qualifications: ['NURSE'] }), worker('w1', { qualifications: ['NURSE'] })]),
      config(),
      KM_PER_MINUTE,
      NOW,
    );
    expect(s.ranked.map((r) => r.workerId)).toEqual(['w1', 'w2']);
  });
});
