import { describe, expect, it } from '@jest/globals';
import { AssessmentValidationError, type AssessmentProblem } from './assessment.errors.js';
import { GB_T_42195_2022 } from './rule-sets/gb-t-42195-2022.js';
import { MZ_T_039_2013 } from './rule-sets/mz-t-039-2013.js';
import { scoreAssessment } from './scoring.js';
import type { AssessmentInput, RuleSet } from './types.js';
import { validateAssessment } from './validation.js';

const GB = GB_T_42195_2022;

function valid(): AssessmentInput {
  return {
    items: Object.fromEntries(GB.domains.flatMap((d) => d.items).map((it) => [it.code, it.points[0]])),
    conditions: { coma: false, diagnoses: [], riskEvents: {} },
    reason: 'ROUTINE',
    assessors: ['a-1', 'a-2'],
    assessedOn: '2025-01-31',
  };
}

/** The problems scoreAssessment throws, as [code, path] pairs (and proof that it threw). */
function rejected(rs: RuleSet, input: unknown, today?: string): [string, string][] {
  let error: unknown;
  try {
    scoreAssessment(rs, input as AssessmentInput, { today });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(AssessmentValidationError);
  const e = error as AssessmentValidationError;
  expect(e).toMatchObject({ code: 'ASSESSMENT_INVALID', kind: 'INVALID' });
  expect(e.details?.problems).toBe(e.problems);
  expect(validateAssessment(rs, input as AssessmentInput, today)).toEqual(e.problems);
  return e.problems.map((p: AssessmentProblem) => [p.code, p.path]);
}

describe('assessment input validation', () => {
  it('accepts a complete, well-formed input', () => {
    expect(validateAssessment(GB, valid())).toEqual([]);
    expect(validateAssessment(GB, valid(), '2025-01-31')).toEqual([]);
  });

  it('lists every missing item, never scoring the rest', () => {
    const input = valid();
    const items = { ...input.items };
    delete items['B.1.3'];
    delete items['B.4.5'];
    expect(rejected(GB, { ...input, items })).toEqual([
      ['MISSING_ITEM', 'items.B.1.3'],
      ['MISSING_ITEM', 'items.B.4.5'],
    ]);
  });

  it('rejects an empty assessment with all 26 items missing', () => {
    expect(rejected(GB, { ...valid(), items: {} })).toHaveLength(26);
  });

  it.each([
    ['an unknown item', { 'B.5.1': 3 }, 'UNKNOWN_ITEM'],
    ['MZ/T numbering on a GB/T form', { 'B.1.10': 10 }, 'UNKNOWN_ITEM'],
    ['fractional points', { 'B.1.1': 2.5 }, 'POINTS_NOT_INTEGER'],
    ['points as a string', { 'B.1.1': '4' }, 'POINTS_NOT_INTEGER'],
    ['NaN', { 'B.1.1': Number.NaN }, 'POINTS_NOT_INTEGER'],
    ['above the maximum', { 'B.1.1': 5 }, 'POINTS_OUT_OF_RANGE'],
    ['B.2.4 stairs at 4 (max 3)', { 'B.2.4': 4 }, 'POINTS_OUT_OF_RANGE'],
    ['B.4.4 transport at 4 (max 3)', { 'B.4.4': 4 }, 'POINTS_OUT_OF_RANGE'],
    ['B.3.7 aggression at 2 (max 1)', { 'B.3.7': 2 }, 'POINTS_OUT_OF_RANGE'],
    ['negative points', { 'B.3.1': -1 }, 'POINTS_OUT_OF_RANGE'],
  ])('rejects %s', (_name, items, code) => {
    const input = valid();
    const problems = rejected(GB, { ...input, items: { ...input.items, ...items } });
    expect(problems).toEqual([[code, `items.${Object.keys(items)[0]}`]]);
  });

  it('rejects points inside the range that are not an option (MZ/T 进食 7)', () => {
    const mz: AssessmentInput = {
      items: Object.fromEntries(
        MZ_T_039_2013.domains.flatMap((d) =>
          d.items.map((it) => [it.code, d.direction === 'HIGHER_IS_BETTER' ? it.points[0] : 0]),
        ),
      ),
      conditions: { dementia: 0, mentalIllnesses: [], accidents: {} },
      reason: 'FIRST',
      assessors: ['a-1', 'a-2'],
      assessedOn: '2025-01-31',
    };
    expect(validateAssessment(MZ_T_039_2013, mz)).toEqual([]);
    const problems = validateAssessment(MZ_T_039_2013, { ...mz, items: { ...mz.items, 'B.1.1': 7, 'B.1.8': 12 } });
    expect(problems).toEqual([
      { code: 'POINTS_NOT_AN_OPTION', path: 'items.B.1.1', message: '进食: 7 is not an option', allowed: [10, 5, 0] },
      {
        code: 'POINTS_NOT_AN_OPTION',
        path: 'items.B.1.8',
        message: '床椅转移: 12 is not an option',
        allowed: [15, 10, 5, 0],
      },
    ]);
    // MZ/T 039 has no reason 5 其他, and needs its own conditions
    expect(
      rejected(MZ_T_039_2013, { ...mz, reason: 'OTHER', conditions: { dementia: 4, mentalIllnesses: [1, 1, 7] } }),
    ).toEqual([
      ['INVALID_CONDITION', 'conditions.dementia'],
      ['INVALID_CONDITION', 'conditions.mentalIllnesses'],
      ['MISSING_CONDITION', 'conditions.accidents'],
      ['INVALID_REASON', 'reason'],
    ]);
  });

  it('requires every condition the raising rules read, and nothing else', () => {
    expect(rejected(GB, { ...valid(), conditions: { dementia: true } })).toEqual([
      ['UNKNOWN_CONDITION', 'conditions.dementia'],
      ['MISSING_CONDITION', 'conditions.coma'],
      ['MISSING_CONDITION', 'conditions.diagnoses'],
      ['MISSING_CONDITION', 'conditions.riskEvents'],
    ]);
  });

  it('checks the form of each condition', () => {
    const conditions = {
      coma: 'no',
      diagnoses: [{ icd10: 'F03' }, { icd10: 'dementia' }, { icd10: 'F20', psychiatrist: 'yes' }, 'F01'],
      riskEvents: { FALL: 4, CHOKING: -1, FIRE: 1, WANDERING: 1.5, OTHER: 3 },
    };
    expect(rejected(GB, { ...valid(), conditions })).toEqual([
      ['INVALID_CONDITION', 'conditions.coma'],
      ['INVALID_CONDITION', 'conditions.diagnoses[1]'],
      ['INVALID_CONDITION', 'conditions.diagnoses[2]'],
      ['INVALID_CONDITION', 'conditions.diagnoses[3]'],
      ['INVALID_CONDITION', 'conditions.riskEvents.FALL'],
      ['INVALID_CONDITION', 'conditions.riskEvents.CHOKING'],
      ['INVALID_CONDITION', 'conditions.riskEvents.FIRE'],
      ['INVALID_CONDITION', 'conditions.riskEvents.WANDERING'],
    ]);
  });

  it('rejects coma together with a consciousness score other than 0', () => {
    const input = valid();
    expect(rejected(GB, { ...input, conditions: { ...input.conditions, coma: true } })).toEqual([
      ['INCONSISTENT_CONDITION', 'items.B.3.9'],
    ]);
  });

  it('still checks the items that are given when a coma lets the rest be skipped', () => {
    const input = {
      ...valid(),
      items: { 'B.1.1': 9, 'X.1': 0 },
      conditions: { coma: true, diagnoses: [], riskEvents: {} },
    };
    expect(rejected(GB, input)).toEqual([
      ['POINTS_OUT_OF_RANGE', 'items.B.1.1'],
      ['UNKNOWN_ITEM', 'items.X.1'],
    ]);
  });

  it.each([
    ['one assessor', ['a-1']],
    ['the same assessor twice', ['a-1', 'a-1']],
    ['three assessors', ['a-1', 'a-2', 'a-3']],
    ['a blank id', ['a-1', ' ']],
    ['an id with spaces around it', ['a-1', ' a-2']],
    ['a number', ['a-1', 2]],
    ['no list', 'a-1,a-2'],
  ])('requires two distinct assessors: rejects %s', (_name, assessors) => {
    expect(rejected(GB, { ...valid(), assessors })).toEqual([['INVALID_ASSESSORS', 'assessors']]);
  });

  it('takes the number of assessors from the rule set', () => {
    const one = { ...GB, assessors: { ...GB.assessors, required: 1 } };
    expect(validateAssessment(one, { ...valid(), assessors: ['a-1'] })).toEqual([]);
  });

  it.each(['2025-02-29', '2025-13-01', '2025-1-5', '20250105', '', undefined])('rejects the date %p', (assessedOn) => {
    expect(rejected(GB, { ...valid(), assessedOn })).toEqual([['INVALID_DATE', 'assessedOn']]);
  });

  it('rejects a date after today when today is given', () => {
    expect(rejected(GB, { ...valid(), assessedOn: '2025-02-01' }, '2025-01-31')).toEqual([
      ['DATE_IN_FUTURE', 'assessedOn'],
    ]);
    expect(validateAssessment(GB, { ...valid(), assessedOn: '2024-02-29' }, '2025-01-31')).toEqual([]);
    expect(() => scoreAssessment(GB, valid(), { today: '31/01/2025' })).toThrow(RangeError);
  });

  it('rejects an unknown reason with the allowed ones', () => {
    const problems = validateAssessment(GB, { ...valid(), reason: 'YEARLY' as never });
    expect(problems).toEqual([
      {
        code: 'INVALID_REASON',
        path: 'reason',
        message: 'reason must be one of FIRST, ROUTINE, IMMEDIATE, REASSESSMENT, OTHER',
        allowed: ['FIRST', 'ROUTINE', 'IMMEDIATE', 'REASSESSMENT', 'OTHER'],
      },
    ]);
  });

  it('reports every kind of problem at once', () => {
    const input = valid();
    const items: Record<string, unknown> = { ...input.items, 'B.1.1': 5, 'B.9.9': 1 };
    delete items['B.2.1'];
    const problems = rejected(GB, {
      items,
      conditions: { coma: false, diagnoses: [], riskEvents: { FALL: 7 } },
      reason: 'SOMETIMES',
      assessors: [],
      assessedOn: 'yesterday',
    });
    expect(problems).toEqual([
      ['POINTS_OUT_OF_RANGE', 'items.B.1.1'],
      ['UNKNOWN_ITEM', 'items.B.9.9'],
      ['INVALID_CONDITION', 'conditions.riskEvents.FALL'],
      ['MISSING_ITEM', 'items.B.2.1'],
      ['INVALID_REASON', 'reason'],
      ['INVALID_ASSESSORS', 'assessors'],
      ['INVALID_DATE', 'assessedOn'],
    ]);
  });

  it('rejects input that is not an object at all', () => {
    expect(rejected(GB, null)).toHaveLength(1);
    expect(rejected(GB, { ...valid(), items: [4, 4, 4] }).slice(0, 1)).toEqual([['MISSING_ITEM', 'items']]);
  });
});
