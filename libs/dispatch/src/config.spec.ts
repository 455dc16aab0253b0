import { describe, expect, it } from '@jest/globals';
import { DEFAULT_DISPATCH_CONFIG, dispatchConfig, dispatchConfigProblems } from './config.js';

describe('dispatch configuration', () => {
  it('the defaults are valid: 15 min urban / 30 min rural circle, K = 3, weights sum to 1', () => {
    expect(dispatchConfigProblems(DEFAULT_DISPATCH_CONFIG)).toEqual([]);
    expect(DEFAULT_DISPATCH_CONFIG.serviceCircleMinutes).toEqual({ URBAN: 15, RURAL: 30 });
    expect(DEFAULT_DISPATCH_CONFIG.emergencyFanOut).toBe(3);
    const sum = Object.values(DEFAULT_DISPATCH_CONFIG.weights).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(1, 9);
  });

  it('merges overrides deeply and leaves the defaults untouched', () => {
    const c = dispatchConfig({
      weights: { price: 0.5 },
      serviceCircleMinutes: { RURAL: 40 },
      escalation: { NORMAL: { hubMinutes: 1 } },
    });
    expect(c.weights.price).toBe(0.5);
    expect(c.weights.travel).toBe(DEFAULT_DISPATCH_CONFIG.weights.travel);
    expect(c.serviceCircleMinutes).toEqual({ URBAN: 15, RURAL: 40 });
    expect(c.escalation.NORMAL).toEqual({ ...DEFAULT_DISPATCH_CONFIG.escalation.NORMAL, hubMinutes: 1 });
    expect(DEFAULT_DISPATCH_CONFIG.weights.price).toBe(0.05);
  });

  it('names every wrong setting', () => {
    expect(() => dispatchConfig({ weights: { travel: -1 } })).toThrow(/weights\.travel: must be ≥ 0/);
    expect(() =>
      dispatchConfig({
        weights: { travel: 0, load: 0, fairness: 0, rating: 0, acceptance: 0, continuity: 0, price: 0 },
      }),
    ).toThrow(/at least one weight/);
    expect(() => dispatchConfig({ emergencyFanOut: 0 })).toThrow(/emergencyFanOut/);
    expect(() => dispatchConfig({ batch: { bucketMinutes: 7 } })).toThrow(/batch\.bucketMinutes/);
    expect(() => dispatchConfig({ serviceCircleMinutes: { URBAN: 0 } })).toThrow(/serviceCircleMinutes\.URBAN/);
    expect(() => dispatchConfig({ escalation: { EMERGENCY: { acknowledgedMinutes: null } } })).not.toThrow();
  });

  it('refuses unknown settings (a typo must not be silently ignored)', () => {
    expect(() => dispatchConfig({ weigths: {} } as never)).toThrow(/unknown dispatch setting "weigths"/);
  });
});
