import { describe, expect, it } from '@jest/globals';
import { findCandidates } from './candidates.js';
import { RANKING_FACTORS, type DispatchConfig, type RankingFactor } from './config.js';
import { explanationForProvider, rankCandidates } from './ranking.js';
import { KM_PER_MINUTE, ORIGIN, config, local, offset, provider, request } from './testing/fixtures.js';
import type { DispatchRequest, ProviderSnapshot, ProviderStats } from './types.js';

const NOW = local('09:59');

/** Only one factor weighted: the ranking follows that factor alone. */
const only = (f: RankingFactor): DispatchConfig =>
  config({
    weights: Object.fromEntries(RANKING_FACTORS.map((x) => [x, x === f ? 1 : 0])) as Record<RankingFactor, number>,
  });

const stats = (s: Partial<ProviderStats>) => ({ stats: { ...provider('x').stats, ...s } });

function rank(providers: ProviderSnapshot[], c: DispatchConfig = config(), order: DispatchRequest = request()) {
  const result = findCandidates({ order, providers, alreadyOffered: [] }, c, KM_PER_MINUTE);
  return rankCandidates(order, result, c, NOW);
}
const line = (e: ReturnType<typeof rank>, id: string) => e.candidates.find((l) => l.providerId === id)!;

describe('ranking factor: travel time', () => {
  it('normalised = 1 − minutes / circle; the closer provider wins', () => {
    const e = rank(
      [provider('far', { base: offset(ORIGIN, 12) }), provider('near', { base: offset(ORIGIN, 3) })],
      only('travel'),
    );
    expect(e.candidates.map((l) => l.providerId)).toEqual(['near', 'far']);
    expect(line(e, 'near').factors.travel).toEqual({ raw: 3, normalised: 0.8, weight: 1, contribution: 0.8 });
    expect(line(e, 'far').factors.travel.normalised).toBeCloseTo(0.2, 9);
  });
});

describe('ranking factor: current load', () => {
  it('normalised = 1 − (open offers + active orders) / capacity', () => {
    const e = rank(
      [
        provider('busy', { capacity: 10, activeOrders: 6, openOffers: 2 }),
        provider('idle', { capacity: 10, activeOrders: 1 }),
      ],
      only('load'),
    );
    expect(e.candidates.map((l) => l.providerId)).toEqual(['idle', 'busy']);
    expect(line(e, 'busy').factors.load).toMatchObject({ raw: 0.8, normalised: 0.2 });
    expect(line(e, 'idle').factors.load).toMatchObject({ raw: 0.1, normalised: 0.9 });
  });
});

describe('ranking factor: fairness of the work shared over the month', () => {
  it('per unit of capacity, against twice the candidates’ mean: the one with less work this month wins', () => {
    const e = rank(
      [
        provider('a', { capacity: 10, ...stats({ ordersThisMonth: 30 }) }), // 3 per capacity
        provider('b', { capacity: 20, ...stats({ ordersThisMonth: 20 }) }), // 1 per capacity
      ],
      only('fairness'),
    );
    expect(e.candidates.map((l) => l.providerId)).toEqual(['b', 'a']);
    // mean 2 → a: 1 − 3/4, b: 1 − 1/4
    expect(line(e, 'a').factors.fairness).toMatchObject({ raw: 3, normalised: 0.25 });
    expect(line(e, 'b').factors.fairness).toMatchObject({ raw: 1, normalised: 0.75 });
  });

  it('nobody has worked yet: everyone gets 1', () => {
    const e = rank([provider('a'), provider('b')], only('fairness'));
    expect(e.candidates.map((l) => l.factors.fairness.normalised)).toEqual([1, 1]);
  });
});

describe('ranking factor: rating', () => {
  it('Bayesian mean with the configured prior (4.0 × 5): no ratings sit at the prior, not at 0 or 5', () => {
    const e = rank(
      [
        provider('new'),
        provider('good', stats({ ratingSum: 25, ratingCount: 5 })),
        provider('one-star-once', stats({ ratingSum: 1, ratingCount: 1 })),
      ],
      only('rating'),
    );
    expect(e.candidates.map((l) => l.providerId)).toEqual(['good', 'new', 'one-star-once']);
    expect(line(e, 'new').factors.rating).toMatchObject({ raw: 4, normalised: 0.75 });
    expect(line(e, 'good').factors.rating).toMatchObject({ raw: 4.5, normalised: 0.875 });
    expect(line(e, 'one-star-once').factors.rating.raw).toBeCloseTo(21 / 6, 6);
  });
});

describe('ranking factor: acceptance history', () => {
  it('(accepted + 1) / (accepted + rejected + expired + 2): expiries count like rejections', () => {
    const e = rank(
      [
        provider('reliable', stats({ offersAccepted: 8 })),
        provider('fresh'),
        provider('ignores', stats({ offersAccepted: 2, offersRejected: 1, offersExpired: 5 })),
      ],
      only('acceptance'),
    );
    expect(e.candidates.map((l) => l.providerId)).toEqual(['reliable', 'fresh', 'ignores']);
    expect(line(e, 'reliable').factors.acceptance.raw).toBeCloseTo(0.9, 6);
    expect(line(e, 'fresh').factors.acceptance.raw).toBe(0.5);
    expect(line(e, 'ignores').factors.acceptance.raw).toBeCloseTo(0.3, 6);
  });
});

describe('ranking factor: continuity with the elder’s previous provider', () => {
  it('1 for the previous provider, 0 for the others', () => {
    const e = rank([provider('a'), provider('b')], only('continuity'), request({ previousProviderId: 'b' }));
    expect(e.candidates.map((l) => l.providerId)).toEqual(['b', 'a']);
    expect(line(e, 'b').factors.continuity).toMatchObject({ raw: 1, normalised: 1 });
    expect(line(e, 'a').factors.continuity).toMatchObject({ raw: 0, normalised: 0 });
  });
});

describe('ranking factor: price', () => {
  it('lowest candidate price / price; no own price means the catalogue price', () => {
    const e = rank(
      [
        provider('dear', stats({ priceCents: 10000 })),
        provider('catalogue'),
        provider('cheap', stats({ priceCents: 6000 })),
      ],
      only('price'),
      request({ priceCents: 8000 }),
    );
    expect(e.candidates.map((l) => l.providerId)).toEqual(['cheap', 'catalogue', 'dear']);
    expect(line(e, 'catalogue').factors.price).toMatchObject({ raw: 8000, normalised: 0.75 });
    expect(line(e, 'dear').factors.price.normalised).toBe(0.6);
  });
});

describe('weights and tie-break', () => {
  const near = provider('near', { base: offset(ORIGIN, 2), ...stats({ ratingSum: 5, ratingCount: 5 }) });
  const rated = provider('rated', { base: offset(ORIGIN, 10), ...stats({ ratingSum: 50, ratingCount: 10 }) });

  it('the weights come from configuration and decide the trade-off', () => {
    expect(rank([near, rated], only('travel')).candidates[0].providerId).toBe('near');
    expect(rank([near, rated], only('rating')).candidates[0].providerId).toBe('rated');
  });

  it('a zero weight contributes nothing', () => {
    const e = rank([near, rated], only('travel'));
    for (const l of e.candidates) expect(l.factors.rating.contribution).toBe(0);
  });

  it('equal scores: shorter travel first, then provider id', () => {
    const c = only('rating');
    const e = rank(
      [
        provider('b', { base: offset(ORIGIN, 2) }),
        provider('c', { base: offset(ORIGIN, 1) }),
        provider('a', { base: offset(ORIGIN, 2) }),
      ],
      c,
    );
    expect(e.candidates.map((l) => l.providerId)).toEqual(['c', 'a', 'b']);
  });
});

describe('the explanation', () => {
  const c = config();
  const order = request({ orderId: 'o-42', previousProviderId: 'p2' });
  const providers = [
    provider('p1', { base: offset(ORIGIN, 1), ...stats({ ordersThisMonth: 5, ratingSum: 40, ratingCount: 9 }) }),
    provider('p2', { base: offset(ORIGIN, 6), activeOrders: 3 }),
    provider('p3', { status: 'SUSPENDED' }),
    provider('p4', { base: offset(ORIGIN, 40) }),
  ];
  const e = rankCandidates(order, findCandidates({ order, providers, alreadyOffered: [] }, c, KM_PER_MINUTE), c, NOW);

  it('lists every candidate with each factor’s raw value, normalised value, weight and contribution', () => {
    expect(e).toMatchObject({
      version: 1,
      orderId: 'o-42',
      computedAt: NOW.toISOString(),
      areaType: 'URBAN',
      serviceCircleMinutes: 15,
    });
    expect(e.candidates.map((l) => l.rank)).toEqual([1, 2]);
    for (const l of e.candidates) {
      expect(Object.keys(l.factors).sort()).toEqual([...RANKING_FACTORS].sort());
      let sum = 0;
      for (const f of RANKING_FACTORS) {
        const v = l.factors[f];
        expect(v.weight).toBe(c.weights[f]);
        expect(v.normalised).toBeGreaterThanOrEqual(0);
        expect(v.normalised).toBeLessThanOrEqual(1);
        expect(v.contribution).toBeCloseTo(v.weight * v.normalised, 5);
        sum += v.contribution;
      }
      expect(l.score).toBeCloseTo(sum, 5);
    }
    expect(e.candidates[0].score).toBeGreaterThanOrEqual(e.candidates[1].score);
  });

  it('lists the filtered-out providers with their reasons', () => {
    expect(e.filteredOut).toEqual([
      { providerId: 'p3', reasons: [{ code: 'PROVIDER_NOT_ACTIVE', detail: 'provider is SUSPENDED' }] },
      {
        providerId: 'p4',
        reasons: [{ code: 'OUTSIDE_SERVICE_CIRCLE', detail: '40 min travel > 15 min urban service circle' }],
      },
    ]);
  });

  it('is JSON-serialisable without loss', () => {
    expect(JSON.parse(JSON.stringify(e))).toEqual(e);
  });

  it('a provider sees only its own line (without its rank), or only its own reasons', () => {
    const own = explanationForProvider(e, 'p2');
    expect(own.line).toEqual((({ rank: _r, ...rest }) => rest)(e.candidates.find((l) => l.providerId === 'p2')!));
    expect(own.reasons).toBeNull();
    const text = JSON.stringify(own);
    for (const other of ['p1', 'p3', 'p4']) expect(text).not.toContain(other);
    expect(text).not.toContain('"rank"');

    const out = explanationForProvider(e, 'p3');
    expect(out.line).toBeNull();
    expect(out.reasons).toEqual([{ code: 'PROVIDER_NOT_ACTIVE', detail: 'provider is SUSPENDED' }]);
    expect(JSON.stringify(out)).not.toContain('p1');

    expect(explanationForProvider(e, 'nobody')).toMatchObject({ line: null, reasons: null });
  });

  it('the provider view is a copy: changing it does not change the stored explanation', () => {
    const own = explanationForProvider(e, 'p1');
    own.line!.factors.travel.raw = 999;
    expect(e.candidates.find((l) => l.providerId === 'p1')!.factors.travel.raw).toBe(1);
  });
});
