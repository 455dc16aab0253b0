import { describe, expect, it } from '@jest/globals';
import { decideDispatch, offerDeadline, pickEmergencyFanOut, scheduledDispatchAt } from './decide.js';
import { KM_PER_MINUTE, ORIGIN, config, local, offset, provider, request } from './testing/fixtures.js';

const NOW = local('09:59');
const providers = [1, 2, 3, 4, 5].map((km) => provider(`p${km}`, { base: offset(ORIGIN, km) }));
const c = config({ weights: { travel: 1, load: 0, fairness: 0, rating: 0, acceptance: 0, continuity: 0, price: 0 } });

describe('a dispatch decision', () => {
  it('an ordinary order is offered to the single best candidate', () => {
    const d = decideDispatch(
      { order: request(), providers, alreadyOffered: [], emergency: false },
      c,
      KM_PER_MINUTE,
      NOW,
    );
    expect(d).toMatchObject({ outcome: 'OFFER', offerTo: ['p1'] });
    expect(d.explanation.candidates).toHaveLength(5);
  });

  it('never offers again to a provider that already had this order: the next one gets it', () => {
    const d = decideDispatch(
      { order: request(), providers, alreadyOffered: ['p1', 'p2'], emergency: false },
      c,
      KM_PER_MINUTE,
      NOW,
    );
    expect(d.offerTo).toEqual(['p3']);
    expect(d.explanation.filteredOut.map((f) => f.providerId)).toEqual(['p1', 'p2']);
  });

  it('an emergency is offered to the best K at once (default 3, configurable)', () => {
    const d = decideDispatch(
      { order: request(), providers, alreadyOffered: [], emergency: true },
      c,
      KM_PER_MINUTE,
      NOW,
    );
    expect(d.offerTo).toEqual(['p1', 'p2', 'p3']);
    const five = decideDispatch(
      { order: request(), providers, alreadyOffered: [], emergency: true },
      config({ ...c, emergencyFanOut: 5 }),
      KM_PER_MINUTE,
      NOW,
    );
    expect(five.offerTo).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
  });

  it('an emergency with fewer candidates than K gets all of them', () => {
    const d = decideDispatch(
      { order: request(), providers, alreadyOffered: ['p1', 'p2', 'p3'], emergency: true },
      c,
      KM_PER_MINUTE,
      NOW,
    );
    expect(d.offerTo).toEqual(['p4', 'p5']);
  });

  it('nobody left: NO_CANDIDATE, with the reasons in the explanation', () => {
    const d = decideDispatch(
      { order: request(), providers: [provider('p', { status: 'SUSPENDED' })], alreadyOffered: [], emergency: false },
      c,
      KM_PER_MINUTE,
      NOW,
    );
    expect(d.outcome).toBe('NO_CANDIDATE');
    expect(d.offerTo).toEqual([]);
    expect(d.explanation.filteredOut[0].reasons[0].code).toBe('PROVIDER_NOT_ACTIVE');
  });

  it('pickEmergencyFanOut refuses K < 1 or a fraction', () => {
    const e = decideDispatch(
      { order: request(), providers, alreadyOffered: [], emergency: false },
      c,
      KM_PER_MINUTE,
      NOW,
    ).explanation;
    expect(() => pickEmergencyFanOut(e, 0)).toThrow(RangeError);
    expect(() => pickEmergencyFanOut(e, 1.5)).toThrow(RangeError);
  });
});

describe('deadlines and lead times', () => {
  it('the offer deadline is now + the item’s acceptance SLA', () => {
    expect(offerDeadline(NOW, 5).getTime() - NOW.getTime()).toBe(5 * 60_000);
    expect(() => offerDeadline(NOW, 0)).toThrow(RangeError);
  });

  it('a scheduled order is dispatched the lead time before its window, never in the past', () => {
    expect(scheduledDispatchAt(local('14:00'), 120, NOW).toISOString()).toBe(local('12:00').toISOString());
    expect(scheduledDispatchAt(local('10:30'), 120, NOW).toISOString()).toBe(NOW.toISOString());
  });
});
