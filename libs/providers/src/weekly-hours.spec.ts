import { describe, expect, it } from '@jest/globals';
import { weeklyHoursProblem, withinWeeklyHours } from './weekly-hours.js';
import { workerHasQualification } from './providers.service.js';

describe('weekly hours (opening hours and shifts)', () => {
  it('accepts weekday → ranges, including an empty object and 24:00 as an end', () => {
    expect(weeklyHoursProblem({})).toBeNull();
    expect(weeklyHoursProblem({ '1': ['08:00-12:00', '13:30-17:30'], '7': ['00:00-24:00'] })).toBeNull();
  });

  it.each([
    [[], 'must be an object'],
    [null, 'must be an object'],
    ['08:00-17:00', 'must be an object'],
    [{ '0': ['08:00-12:00'] }, 'ISO weekday'],
    [{ Mon: ['08:00-12:00'] }, 'ISO weekday'],
    [{ '1': '08:00-12:00' }, 'list of at most 6'],
    [{ '1': ['8:00-12:00'] }, 'must look like'],
    [{ '1': ['08:00-24:30'] }, 'must look like'],
    [{ '1': ['12:00-08:00'] }, 'start before it ends'],
    [{ '1': ['08:00-08:00'] }, 'start before it ends'],
  ])('rejects %j', (value, problem) => {
    expect(weeklyHoursProblem(value)).toContain(problem);
  });

  it('evaluates an instant in China time (UTC+8)', () => {
    const hours = { '1': ['08:00-12:00'] }; // Monday morning
    // 2026-11-23 is a Monday; 08:30 in China = 00:30 UTC
    expect(withinWeeklyHours(hours, new Date('2026-11-23T00:30:00Z'))).toBe(true);
    expect(withinWeeklyHours(hours, new Date('2026-11-23T04:00:00Z'))).toBe(false); // 12:00 China: end is exclusive
    expect(withinWeeklyHours(hours, new Date('2026-11-22T23:59:00Z'))).toBe(false); // 07:59 China
    // 2026-11-22 (Sunday) 15:59 UTC is 23:59 Sunday in China; 16:00 UTC is already Monday there
    expect(withinWeeklyHours({ '7': ['00:00-24:00'] }, new Date('2026-11-22T15:59:00Z'))).toBe(true);
    expect(withinWeeklyHours({ '7': ['00:00-24:00'] }, new Date('2026-11-22T16:00:00Z'))).toBe(false);
  });
});

describe('workerHasQualification', () => {
  it('needs the exact qualification when the item requires one', () => {
    expect(workerHasQualification({ qualifications: ['CAREGIVER'] }, 'NURSE')).toBe(false);
    expect(workerHasQualification({ qualifications: ['CAREGIVER', 'NURSE'] }, 'NURSE')).toBe(true);
    expect(workerHasQualification({ qualifications: [] }, null)).toBe(true);
  });
});
