import { describe, expect, it } from '@jest/globals';
import { buildGbT42195RuleSet, GB_T_42195_2022 } from './rule-sets/gb-t-42195-2022.js';
import { checkRuleSet, reachableSums } from './rule-set-check.js';
import { scoreAssessment } from './scoring.js';
import type { AssessmentInput, ConditionValue, RuleSet } from './types.js';

const GB = GB_T_42195_2022;
const ALL_ITEMS = GB.domains.flatMap((d) => d.items);

/** Every item at its maximum (total 90). */
function allMax(): Record<string, number> {
  return Object.fromEntries(ALL_ITEMS.map((it) => [it.code, it.points[0]]));
}

/** Items adding up to exactly `total`, lowering items from the last one backwards. */
function itemsWithTotal(total: number): Record<string, number> {
  const items = allMax();
  let excess = 90 - total;
  for (const it of [...ALL_ITEMS].reverse()) {
    const cut = Math.min(excess, it.points[0]);
    items[it.code] -= cut;
    excess -= cut;
  }
  expect(excess).toBe(0);
  return items;
}

function input(
  items: Record<string, number>,
  conditions: Partial<Record<'coma' | 'diagnoses' | 'riskEvents', ConditionValue>> = {},
): AssessmentInput {
  return {
    items,
    conditions: { coma: false, diagnoses: [], riskEvents: {}, ...conditions },
    reason: 'FIRST',
    assessors: ['assessor-1', 'assessor-2'],
    assessedOn: '2025-03-01',
  };
}

const score = (i: AssessmentInput, rs: RuleSet = GB) => scoreAssessment(rs, i);

describe('GB/T 42195-2022 rule data (internal consistency)', () => {
  it('has 4 domains and 26 items split 8 / 4 / 9 / 5', () => {
    expect(GB.domains.map((d) => d.items.length)).toEqual([8, 4, 9, 5]);
    expect(ALL_ITEMS).toHaveLength(26);
    expect(new Set(ALL_ITEMS.map((i) => i.code)).size).toBe(26);
  });

  it('domain maxima 32 / 15 / 28 / 15 follow from the option points and sum to 90', () => {
    expect(GB.domains.map((d) => d.max)).toEqual([32, 15, 28, 15]);
    for (const d of GB.domains) expect(d.items.reduce((s, it) => s + it.points[0], 0)).toBe(d.max);
    expect(GB.domains.reduce((s, d) => s + d.max, 0)).toBe(90);
    expect(GB.levelMethod.kind === 'TOTAL_BANDS' && GB.levelMethod.maxTotal).toBe(90);
  });

  it('has the items whose maximum is not 4 as the reference lists them', () => {
    const max = Object.fromEntries(ALL_ITEMS.map((it) => [it.code, it.points[0]]));
    expect(Object.entries(max).filter(([, m]) => m !== 4)).toEqual([
      ['B.2.4', 3],
      ['B.3.7', 1],
      ['B.3.8', 1],
      ['B.3.9', 2],
      ['B.4.1', 2],
      ['B.4.2', 2],
      ['B.4.4', 3],
    ]);
    expect(ALL_ITEMS.every((it) => it.points[it.points.length - 1] === 0)).toBe(true);
  });

  it('bands cover every total 0–90 exactly once, and every total is reachable', () => {
    expect(checkRuleSet(GB)).toEqual([]);
    expect(reachableSums(ALL_ITEMS)).toEqual(Array.from({ length: 91 }, (_, i) => i));
    if (GB.levelMethod.kind !== 'TOTAL_BANDS') throw new Error('expected bands');
    const bands = GB.levelMethod.bands;
    for (let t = 0; t <= 90; t++) expect(bands.filter((b) => t >= b.min && t <= b.max)).toHaveLength(1);
    expect(bands.every((b) => b.source.clause.includes('C.3') && b.source.certainty === '2+')).toBe(true);
  });

  it('labels the five levels in Chinese and English', () => {
    expect(GB.levels.map((l) => [l.value, l.code, l.zh])).toEqual([
      [0, 'INTACT', '能力完好'],
      [1, 'MILD', '能力轻度受损（轻度失能）'],
      [2, 'MODERATE', '能力中度受损（中度失能）'],
      [3, 'SEVERE', '能力重度受损（重度失能）'],
      [4, 'TOTAL', '能力完全丧失（完全失能）'],
    ]);
    expect(GB.levels.every((l) => l.en.length > 0)).toBe(true);
  });

  it('is frozen: rule data cannot be changed at run time', () => {
    expect(() => {
      (GB.levels as unknown as { zh: string }[])[0].zh = 'x';
    }).toThrow(TypeError);
  });
});

describe('GB/T 42195-2022 initial level at every band boundary (C.3)', () => {
  it.each([
    [90, 0],
    [89, 1],
    [67, 1],
    [66, 1],
    [65, 2],
    [64, 2],
    [47, 2],
    [46, 2],
    [45, 3],
    [44, 3],
    [31, 3],
    [30, 3],
    [29, 4],
    [28, 4],
    [1, 4],
    [0, 4],
  ])('total %i → level %i', (total, level) => {
    const r = score(input(itemsWithTotal(total)));
    expect(r.total).toBe(total);
    expect(r.initialLevel?.value).toBe(level);
    expect(r.finalLevel.value).toBe(level);
    expect(r.adjustments).toEqual([]);
    expect(r.domains.reduce((s, d) => s + (d.score ?? 0), 0)).toBe(total);
  });
});

describe('GB/T 42195-2022 raising rules, each on its own (C.4)', () => {
  const mild = itemsWithTotal(70); // level 1

  it.each([
    ['F00', true],
    ['F03', true],
    ['F03.9', true],
    ['f01.1', true],
    ['G30', false], // Alzheimer's as a neurological code only: not in F00–F03
    ['F04', false], // F04–F99 needs a psychiatrist's diagnosis
  ])('dementia diagnosis %s raises: %s', (icd10, raises) => {
    const r = score(input(mild, { diagnoses: [{ icd10 }] }));
    expect(r.initialLevel?.value).toBe(1);
    expect(r.finalLevel.value).toBe(raises ? 2 : 1);
    if (raises) {
      expect(r.adjustments).toMatchObject([{ ruleId: 'DEMENTIA', applied: true, fromLevel: 1, toLevel: 2 }]);
      expect(r.adjustments[0].evidence).toContain(icd10.toUpperCase());
    }
  });

  it.each([
    ['F04', true, true],
    ['F20', true, true],
    ['F99', true, true],
    ['F20', false, false],
    ['F32.1', undefined, false],
  ])('other mental disorder %s (psychiatrist %s) raises: %s', (icd10, psychiatrist, raises) => {
    const r = score(input(mild, { diagnoses: [psychiatrist === undefined ? { icd10 } : { icd10, psychiatrist }] }));
    expect(r.finalLevel.value).toBe(raises ? 2 : 1);
    expect(r.adjustments.map((a) => a.ruleId)).toEqual(raises ? ['MENTAL_DISORDER'] : []);
  });

  it.each([
    [{ FALL: 1 }, false],
    [{ FALL: 2 }, true],
    [{ FALL: 3 }, true], // 3 = "≥3次"
    [{ FALL: 1, CHOKING: 1 }, true], // summed across types (default)
    [{ WANDERING: 1, SUICIDE_SELF_HARM: 1 }, true],
    [{ OTHER: 2 }, true], // 其他 counts by default ("等")
    [{ FALL: 0, CHOKING: 1 }, false],
    [{}, false],
  ])('care-risk events %j raise: %s', (riskEvents, raises) => {
    const r = score(input(mild, { riskEvents }));
    expect(r.finalLevel.value).toBe(raises ? 2 : 1);
    if (raises) expect(r.adjustments[0]).toMatchObject({ ruleId: 'RISK_EVENTS', applied: true });
  });

  it('counts events per type when configured so (open point: not in the text)', () => {
    const perType = buildGbT42195RuleSet({ riskEventCounting: 'ANY_SINGLE_TYPE', version: 'per-type' });
    expect(score(input(mild, { riskEvents: { FALL: 1, CHOKING: 1 } }), perType).finalLevel.value).toBe(1);
    expect(score(input(mild, { riskEvents: { FALL: 2 } }), perType).finalLevel.value).toBe(2);
    const namedOnly = buildGbT42195RuleSet({ riskEventTypes: ['FALL', 'WANDERING', 'CHOKING', 'SUICIDE_SELF_HARM'] });
    expect(score(input(mild, { riskEvents: { OTHER: 3 } }), namedOnly).finalLevel.value).toBe(1);
  });

  it('raises from each band edge into the next level', () => {
    expect(score(input(itemsWithTotal(66), { riskEvents: { FALL: 2 } })).finalLevel.value).toBe(2);
    expect(score(input(itemsWithTotal(65), { riskEvents: { FALL: 2 } })).finalLevel.value).toBe(3);
    expect(score(input(itemsWithTotal(90), { riskEvents: { FALL: 2 } })).finalLevel.value).toBe(1);
    expect(score(input(itemsWithTotal(30), { riskEvents: { FALL: 2 } })).finalLevel.value).toBe(4);
  });

  it('never raises past level 4', () => {
    const r = score(input(itemsWithTotal(29), { diagnoses: [{ icd10: 'F03' }] }));
    expect(r.finalLevel.value).toBe(4);
    expect(r.adjustments).toMatchObject([{ ruleId: 'DEMENTIA', applied: false, fromLevel: 4, toLevel: 4 }]);
    expect(r.explanation.join('\n')).toContain('already the top level');
  });
});

describe('GB/T 42195-2022 coma (A.5.11 → C.4)', () => {
  it('sets the level directly to 4 能力完全丧失 whatever the score', () => {
    const items = { ...itemsWithTotal(80), 'B.3.9': 0 };
    const r = score(input(items, { coma: true }));
    expect(r.initialLevel?.value).toBe(1);
    expect(r.finalLevel).toMatchObject({ value: 4, zh: '能力完全丧失（完全失能）' });
    expect(r.adjustments).toMatchObject([{ ruleId: 'COMA', applied: true, fromLevel: 1, toLevel: 4 }]);
  });

  it('lets the items be skipped (S6: 无需通过指标计分评估)', () => {
    const r = score(input({}, { coma: true }));
    expect(r.total).toBeNull();
    expect(r.initialLevel).toBeNull();
    expect(r.domains.every((d) => d.score === null)).toBe(true);
    expect(r.finalLevel.value).toBe(4);
    expect(r.adjustments).toMatchObject([{ ruleId: 'COMA', applied: true, fromLevel: null, toLevel: 4 }]);
  });

  it('scores the items that are given when some are skipped, without a total', () => {
    const r = score(input({ 'B.1.1': 0, 'B.3.9': 0 }, { coma: true }));
    expect(r.total).toBeNull();
    expect(r.finalLevel.value).toBe(4);
  });

  it('B.3.9 = 0 alone (昏睡 or 昏迷) is not the coma rule', () => {
    const r = score(input({ ...allMax(), 'B.3.9': 0 }));
    expect(r.total).toBe(88);
    expect(r.finalLevel.value).toBe(1);
  });

  it('with the B.3.9 form-note reading (重度失能) sets 3, and never lowers a worse score', () => {
    const severeComa = buildGbT42195RuleSet({ comaLevel: 3, version: 'coma-3' });
    expect(score(input({ ...itemsWithTotal(80), 'B.3.9': 0 }, { coma: true }), severeComa).finalLevel.value).toBe(3);
    const low = score(input({ ...itemsWithTotal(20), 'B.3.9': 0 }, { coma: true }), severeComa);
    expect(low.finalLevel.value).toBe(4);
    expect(low.adjustments).toMatchObject([{ ruleId: 'COMA', applied: false }]);
  });
});

describe('GB/T 42195-2022 raising rules combined', () => {
  const mild = itemsWithTotal(70);
  const everything = {
    diagnoses: [{ icd10: 'F03' }, { icd10: 'F20', psychiatrist: true }],
    riskEvents: { FALL: 1, CHOKING: 1 },
  };

  it('raises at most one level in total by default (S3; S6 "任一条件…上调一个能力等级")', () => {
    const r = score(input(mild, everything));
    expect(r.finalLevel.value).toBe(2);
    expect(r.adjustments.map((a) => [a.ruleId, a.applied])).toEqual([
      ['DEMENTIA', true],
      ['MENTAL_DISORDER', false],
      ['RISK_EVENTS', false],
    ]);
    expect(r.explanation.join('\n')).toMatch(/MENTAL_DISORDER.*not applied: same rule group as DEMENTIA/);
    expect(r.explanation.join('\n')).toMatch(/RISK_EVENTS.*capped at 1/);
  });

  it('stacks when configured, with dementia and mental disorder as one C.4 item', () => {
    const stacking = buildGbT42195RuleSet({ maxTotalRaise: null, version: 'stacking' });
    const r = score(input(mild, everything), stacking);
    expect(r.finalLevel.value).toBe(3);
    expect(r.adjustments.filter((a) => a.applied).map((a) => a.ruleId)).toEqual(['DEMENTIA', 'RISK_EVENTS']);
  });

  it('stacks dementia and mental disorder separately when they are two items', () => {
    const separate = buildGbT42195RuleSet({ maxTotalRaise: null, diagnosesAsOneItem: false });
    const r = score(input(mild, everything), separate);
    expect(r.finalLevel.value).toBe(4);
    expect(r.adjustments.every((a) => a.applied)).toBe(true);
  });

  it('caps stacked raises at the top level', () => {
    const stacking = buildGbT42195RuleSet({ maxTotalRaise: null });
    expect(score(input(itemsWithTotal(40), everything), stacking).finalLevel.value).toBe(4);
  });

  it('coma wins over every raise', () => {
    const r = score(input({ ...mild, 'B.3.9': 0 }, { ...everything, coma: true }));
    expect(r.finalLevel.value).toBe(4);
    expect(r.adjustments.map((a) => a.ruleId)).toEqual(['DEMENTIA', 'MENTAL_DISORDER', 'RISK_EVENTS', 'COMA']);
  });
});

describe('GB/T 42195-2022 worked examples', () => {
  it('an 82-year-old who needs guidance on stairs, reads large print only, takes only taxis', () => {
    const items = { ...allMax(), 'B.2.4': 2, 'B.4.1': 1, 'B.4.4': 2, 'B.4.5': 3 };
    const r = score(input(items));
    expect(r.domains.map((d) => [d.code, d.score, d.max])).toEqual([
      ['SELF_CARE', 32, 32],
      ['MOBILITY', 14, 15],
      ['MENTAL', 28, 28],
      ['PERCEPTION_SOCIAL', 12, 15],
    ]);
    expect(r.total).toBe(86);
    expect(r.finalLevel.zh).toBe('能力轻度受损（轻度失能）');
    expect(r.domains.every((d) => d.grade === null)).toBe(true);
  });

  it('after a stroke: much help with self-care and walking, two falls this month', () => {
    // self-care: eating 3, grooming 2, bathing 1, upper 2, lower 1, bladder 3, bowel 3, toilet 2 = 17
    // mobility: bed 2, transfer 2, walking 1, stairs 0 = 5
    // mental: orientation 4/4/4, memory 3, understanding 4, expression 2, aggression 1, depression 0, clear 2 = 24
    // perception/social: vision 2, hearing 1, affairs 1, transport 0, social 3 = 7
    // prettier-ignore
    const items = {
      'B.1.1': 3, 'B.1.2': 2, 'B.1.3': 1, 'B.1.4': 2, 'B.1.5': 1, 'B.1.6': 3, 'B.1.7': 3, 'B.1.8': 2,
      'B.2.1': 2, 'B.2.2': 2, 'B.2.3': 1, 'B.2.4': 0,
      'B.3.1': 4, 'B.3.2': 4, 'B.3.3': 4, 'B.3.4': 3, 'B.3.5': 4, 'B.3.6': 2, 'B.3.7': 1, 'B.3.8': 0, 'B.3.9': 2,
      'B.4.1': 2, 'B.4.2': 1, 'B.4.3': 1, 'B.4.4': 0, 'B.4.5': 3,
    };
    const r = scoreAssessment(GB, {
      ...input(items, { diagnoses: [{ icd10: 'I63' }], riskEvents: { FALL: 2 } }),
      reason: 'IMMEDIATE',
      assessedOn: '2025-06-10',
    });
    expect(r.domains.map((d) => d.score)).toEqual([17, 5, 24, 7]);
    expect(r.total).toBe(53);
    expect(r.initialLevel?.value).toBe(2);
    expect(r.finalLevel).toMatchObject({ value: 3, code: 'SEVERE', zh: '能力重度受损（重度失能）' });
    expect(r.adjustments).toMatchObject([{ ruleId: 'RISK_EVENTS', evidence: 'riskEvents: FALL 2 = 2 (≥ 2)' }]);
    expect(r).toMatchObject({
      ruleSet: { id: 'GB_T_42195_2022', version: '1' },
      reason: 'IMMEDIATE',
      assessors: ['assessor-1', 'assessor-2'],
      assessedOn: '2025-06-10',
    });
    expect(r.explanation).toEqual([
      '自理能力 Self-care: 17/32',
      '基础运动能力 Basic mobility: 5/15',
      '精神状态 Mental state: 24/28',
      '感知觉与社会参与 Perception and social participation: 7/15',
      'total 53/90 is in 46–65 (GB/T 42195-2022 C.3 初步等级 (总分)): initial level 2 能力中度受损（中度失能）',
      'RISK_EVENTS (riskEvents: FALL 2 = 2 (≥ 2); GB/T 42195-2022 C.4 能力等级变更依据): raised 1 level(s)',
      'final level 3 能力重度受损（重度失能） (Severely impaired (severe disability))',
    ]);
  });

  it('records the options it was built with', () => {
    const custom = buildGbT42195RuleSet({ version: 'city-2', reassessmentIntervalMonths: 6 });
    const r = score(input(allMax()), custom);
    expect(r.ruleSet).toMatchObject({
      id: 'GB_T_42195_2022',
      version: 'city-2',
      options: { reassessmentIntervalMonths: 6 },
    });
  });
});
