import { describe, expect, it } from '@jest/globals';
import { AssessmentError } from './assessment.errors.js';
import { addMonths, daysBetween, isCalendarDate } from './calendar-date.js';
import { dueStatus, reassessmentDue } from './reassessment.js';
import { buildGbT42195RuleSet, GB_T_42195_2022 } from './rule-sets/gb-t-42195-2022.js';
import { MZ_T_039_2013 } from './rule-sets/mz-t-039-2013.js';

describe('calendar dates', () => {
  it.each([
    ['2024-02-29', true],
    ['2023-02-29', false],
    ['2025-04-31', false],
    ['2025-00-10', false],
    ['2025-1-10', false],
    ['2025-01-10T00:00:00Z', false],
  ])('%s is a calendar date: %s', (d, ok) => expect(isCalendarDate(d)).toBe(ok));

  it.each([
    ['2025-01-15', 6, '2025-07-15'],
    ['2024-08-31', 6, '2025-02-28'],
    ['2023-08-31', 6, '2024-02-29'],
    ['2024-02-29', 12, '2025-02-28'],
    ['2025-10-31', 3, '2026-01-31'],
    ['2025-03-31', -1, '2025-02-28'],
  ])('%s + %i months = %s (clamped to the month end)', (d, m, expected) => expect(addMonths(d, m)).toBe(expected));

  it('counts days across a leap day', () => {
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
    expect(daysBetween('2024-03-01', '2024-02-28')).toBe(-2);
  });
});

describe('re-assessment due date', () => {
  it('MZ/T 039: routine every 6 months (4.3.5)', () => {
    const due = reassessmentDue(MZ_T_039_2013, { last: { assessedOn: '2025-01-31', finalLevel: 2 } });
    expect(due).toMatchObject({
      dueOn: '2025-07-31',
      reason: 'ROUTINE',
      routineDueOn: '2025-07-31',
      triggeredBy: null,
    });
    expect(due.source).toMatchObject({ clause: 'MZ/T 039-2013 4.3.5', certainty: '1' });
  });

  it('GB/T 42195: 12 months by default, marked as not found in the standard', () => {
    const due = reassessmentDue(GB_T_42195_2022, { last: { assessedOn: '2024-02-29', finalLevel: 0 } });
    expect(due).toMatchObject({ dueOn: '2025-02-28', reason: 'ROUTINE' });
    expect(due.source.certainty).toBe('none-found');
    expect(due.explanation).toContain('12 month(s) after the assessment of 2024-02-29');
  });

  it('follows a per-level schedule from the rule set, or one passed in', () => {
    const rs = buildGbT42195RuleSet({ reassessmentIntervalMonths: 12, reassessmentByLevel: { 3: 6, 4: 3 } });
    const last = (finalLevel: number) => ({ last: { assessedOn: '2025-01-10', finalLevel } });
    expect(reassessmentDue(rs, last(1)).dueOn).toBe('2026-01-10');
    expect(reassessmentDue(rs, last(3)).dueOn).toBe('2025-07-10');
    expect(reassessmentDue(rs, last(4)).dueOn).toBe('2025-04-10');
    expect(reassessmentDue(GB_T_42195_2022, last(1), { intervalMonths: 24 }).dueOn).toBe('2027-01-10');
    expect(reassessmentDue(GB_T_42195_2022, last(4), { byLevel: { 4: 1 } }).dueOn).toBe('2025-02-10');
  });

  it('a change of condition after the assessment makes an immediate assessment due that day', () => {
    const due = reassessmentDue(MZ_T_039_2013, {
      last: { assessedOn: '2025-01-31', finalLevel: 1 },
      conditionChanges: [
        { on: '2025-04-02', note: 'hip fracture' },
        { on: '2025-03-15', note: 'stroke' },
        { on: '2025-01-20', note: 'before the assessment' },
      ],
    });
    expect(due).toMatchObject({
      dueOn: '2025-03-15',
      reason: 'IMMEDIATE',
      routineDueOn: '2025-07-31',
      triggeredBy: { on: '2025-03-15', note: 'stroke' },
    });
    expect(due.explanation).toContain('condition changed on 2025-03-15 (stroke)');
  });

  it('a change recorded on the day of the assessment is covered by it', () => {
    const due = reassessmentDue(MZ_T_039_2013, {
      last: { assessedOn: '2025-01-31', finalLevel: 1 },
      conditionChanges: [{ on: '2025-01-31' }],
    });
    expect(due.reason).toBe('ROUTINE');
    const nextDay = reassessmentDue(MZ_T_039_2013, {
      last: { assessedOn: '2025-01-31', finalLevel: 1 },
      conditionChanges: [{ on: '2025-02-01' }],
    });
    expect(nextDay).toMatchObject({ reason: 'IMMEDIATE', dueOn: '2025-02-01' });
  });

  it('a change after the routine date leaves the (earlier) routine date', () => {
    const due = reassessmentDue(MZ_T_039_2013, {
      last: { assessedOn: '2025-01-31', finalLevel: 1 },
      conditionChanges: [{ on: '2025-09-01' }],
    });
    expect(due).toMatchObject({ reason: 'ROUTINE', dueOn: '2025-07-31' });
    const onTheDay = reassessmentDue(MZ_T_039_2013, {
      last: { assessedOn: '2025-01-31', finalLevel: 1 },
      conditionChanges: [{ on: '2025-07-31' }],
    });
    expect(onTheDay).toMatchObject({ reason: 'IMMEDIATE', dueOn: '2025-07-31' });
  });

  it('with no assessment yet, the first is due on enrolment', () => {
    const due = reassessmentDue(GB_T_42195_2022, {
      last: null,
      enrolledOn: '2025-05-05',
      conditionChanges: [{ on: '2025-06-01' }],
    });
    expect(due).toMatchObject({ dueOn: '2025-05-05', reason: 'FIRST', routineDueOn: null });
  });

  it.each([
    ['no last assessment and no enrolment date', { last: null }],
    ['a bad assessment date', { last: { assessedOn: '2025-02-30', finalLevel: 1 } }],
    ['a level the rule set does not have', { last: { assessedOn: '2025-02-01', finalLevel: 4 } }],
    ['a bad change date', { last: { assessedOn: '2025-02-01', finalLevel: 1 }, conditionChanges: [{ on: 'soon' }] }],
  ])('rejects %s', (_name, input) => {
    expect(() => reassessmentDue(MZ_T_039_2013, input)).toThrow(AssessmentError);
    expect(() => reassessmentDue(MZ_T_039_2013, input)).toThrow(expect.objectContaining({ code: 'INVALID_DUE_INPUT' }));
  });

  it('rejects a schedule that is not whole positive months', () => {
    const last = { last: { assessedOn: '2025-02-01', finalLevel: 1 } };
    expect(() => reassessmentDue(MZ_T_039_2013, last, { intervalMonths: 0 })).toThrow(AssessmentError);
    expect(() => reassessmentDue(MZ_T_039_2013, last, { byLevel: { 1: 1.5 } })).toThrow(AssessmentError);
  });
});

describe('due status for the due list', () => {
  it.each([
    ['2025-07-30', 'OVERDUE', -1],
    ['2025-07-31', 'DUE_TODAY', 0],
    ['2025-08-01', 'DUE_SOON', 1],
    ['2025-08-30', 'DUE_SOON', 30],
    ['2025-08-31', 'NOT_DUE', 31],
  ])('due %s seen on 2025-07-31 is %s', (dueOn, status, days) => {
    expect(dueStatus(dueOn, '2025-07-31')).toEqual({ status, daysUntilDue: days });
  });

  it('takes the "soon" window as a parameter', () => {
    expect(dueStatus('2025-08-08', '2025-08-01', 7).status).toBe('DUE_SOON');
    expect(dueStatus('2025-08-09', '2025-08-01', 7).status).toBe('NOT_DUE');
    expect(() => dueStatus('2025-08-09', 'today')).toThrow(AssessmentError);
  });
});
