import { describe, expect, it } from '@jest/globals';
import { coversInterval, localDate, localMonthStart } from './local-time.js';
import { ALL_WEEK, local } from './testing/fixtures.js';

describe('local time (UTC+8)', () => {
  it('the local date changes at 16:00 UTC', () => {
    expect(localDate(new Date('2026-05-03T15:59:59Z'))).toBe('2026-05-03');
    expect(localDate(new Date('2026-05-03T16:00:00Z'))).toBe('2026-05-04');
  });

  it('the local month starts at local midnight of the 1st', () => {
    expect(localMonthStart(local('10:00')).toISOString()).toBe('2026-04-30T16:00:00.000Z');
  });
});

describe('coversInterval', () => {
  const day = { '1': ['08:00-12:00', '12:00-17:00'] };

  it('covers an interval inside one range, and across two adjacent ranges', () => {
    expect(coversInterval(day, local('08:00'), local('09:00'))).toBe(true);
    expect(coversInterval(day, local('11:00'), local('13:00'))).toBe(true);
  });

  it('the end is exclusive: up to 17:00 is covered, a minute more is not', () => {
    expect(coversInterval(day, local('16:00'), local('17:00'))).toBe(true);
    expect(coversInterval(day, local('16:00'), local('17:01'))).toBe(false);
    expect(coversInterval(day, local('07:59'), local('09:00'))).toBe(false);
  });

  it('a gap inside the interval breaks it', () => {
    const split = { '1': ['08:00-12:00', '13:00-17:00'] };
    expect(coversInterval(split, local('11:00'), local('14:00'))).toBe(false);
  });

  it('works across midnight (a night shift 19:00-24:00 + 00:00-07:00)', () => {
    const night = ALL_WEEK(['00:00-07:00', '19:00-24:00']);
    expect(coversInterval(night, local('23:00'), local('01:00', 1))).toBe(true);
    expect(coversInterval(night, local('06:00', 1), local('07:30', 1))).toBe(false);
  });

  it('uses the weekday: Monday hours do not cover Tuesday', () => {
    expect(coversInterval(day, local('09:00', 1), local('10:00', 1))).toBe(false);
  });
});
