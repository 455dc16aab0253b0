import { describe, expect, it } from '@jest/globals';
import { distanceMeters } from '#lib/kernel';
import { RegionLevel } from '#lib/regions';
import { DEFAULT_SPEED_MODEL, StraightLineTravelTime, areaTypeOfLevel, type TravelTimeModel } from './travel-time.js';
import { ORIGIN, offset } from './testing/fixtures.js';

describe('straight-line travel-time model', () => {
  const model = new StraightLineTravelTime();
  const threeKm = offset(ORIGIN, 3);

  it('urban: km × detour ÷ speed, with the documented defaults (18 km/h, ×1.4)', () => {
    const km = distanceMeters(ORIGIN, threeKm) / 1000;
    expect(km).toBeCloseTo(3, 2);
    expect(model.minutes(ORIGIN, threeKm, 'URBAN')).toBeCloseTo((km * 1.4 * 60) / 18, 9);
    expect(model.minutes(ORIGIN, threeKm, 'URBAN')).toBeCloseTo(14, 1);
  });

  it('rural uses its own speed and detour (35 km/h, ×1.3): the same distance is quicker', () => {
    const km = distanceMeters(ORIGIN, threeKm) / 1000;
    expect(model.minutes(ORIGIN, threeKm, 'RURAL')).toBeCloseTo((km * 1.3 * 60) / 35, 9);
    expect(model.minutes(ORIGIN, threeKm, 'RURAL')).toBeLessThan(model.minutes(ORIGIN, threeKm, 'URBAN'));
  });

  it('is symmetric and zero at the same point', () => {
    expect(model.minutes(ORIGIN, ORIGIN, 'URBAN')).toBe(0);
    expect(model.minutes(threeKm, ORIGIN, 'URBAN')).toBe(model.minutes(ORIGIN, threeKm, 'URBAN'));
  });

  it('takes its speeds and detours from configuration', () => {
    const slow = new StraightLineTravelTime({ ...DEFAULT_SPEED_MODEL, URBAN: { speedKmh: 9, detourFactor: 1.4 } });
    expect(slow.minutes(ORIGIN, threeKm, 'URBAN')).toBeCloseTo(2 * model.minutes(ORIGIN, threeKm, 'URBAN'), 9);
    const straight = new StraightLineTravelTime({ ...DEFAULT_SPEED_MODEL, URBAN: { speedKmh: 18, detourFactor: 1 } });
    expect(straight.minutes(ORIGIN, threeKm, 'URBAN') * 1.4).toBeCloseTo(model.minutes(ORIGIN, threeKm, 'URBAN'), 9);
  });

  it('refuses a speed ≤ 0 or a detour below 1', () => {
    expect(
      () => new StraightLineTravelTime({ ...DEFAULT_SPEED_MODEL, RURAL: { speedKmh: 0, detourFactor: 1.3 } }),
    ).toThrow(/RURAL speed/);
    expect(
      () => new StraightLineTravelTime({ ...DEFAULT_SPEED_MODEL, URBAN: { speedKmh: 18, detourFactor: 0.9 } }),
    ).toThrow(/URBAN detour/);
  });

  it('is an interface a routing engine can implement', () => {
    const routed: TravelTimeModel = { minutes: (_a, _b, area) => (area === 'URBAN' ? 7 : 21) };
    expect(routed.minutes(ORIGIN, threeKm, 'RURAL')).toBe(21);
  });
});

describe('area type of a region level', () => {
  it('COMMUNITY is urban, VILLAGE is rural, anything else is refused', () => {
    expect(areaTypeOfLevel(RegionLevel.COMMUNITY)).toBe('URBAN');
    expect(areaTypeOfLevel(RegionLevel.VILLAGE)).toBe('RURAL');
    expect(() => areaTypeOfLevel(RegionLevel.STREET)).toThrow(/not a community or village/);
  });
});
