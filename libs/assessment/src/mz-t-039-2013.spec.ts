import { describe, expect, it } from '@jest/globals';
import { buildMzT039RuleSet, MZ_T_039_2013 } from './rule-sets/mz-t-039-2013.js';
import { checkRuleSet, reachableSums } from './rule-set-check.js';
import { scoreAssessment } from './scoring.js';
import type { AssessmentInput, ConditionValue, RuleSet } from './types.js';

const MZ = MZ_T_039_2013;
const domain = (code: string) => MZ.domains.find((d) => d.code === code)!;

/** Best ability everywhere: ADL 100, every "higher is worse" item 0. */
function best(): Record<string, number> {
  return Object.fromEntries(
    MZ.domains.flatMap((d) =>
      d.items.map((it) => [it.code, d.direction === 'HIGHER_IS_BETTER' ? it.points[0] : 0] as const),
    ),
  );
}

/** ADL items adding up to `total` (a multiple of 5), lowering items from the last one backwards. */
function adlWithTotal(total: number): Record<string, number> {
  const items: Record<string, number> = {};
  let excess = 100 - total;
  for (const it of [...domain('ADL').items].reverse()) {
    const cut = Math.min(excess, it.points[0]);
    items[it.code] = it.points[0] - cut;
    excess -= cut;
  }
  expect(excess).toBe(0);
  return items;
}

/** "Higher is worse" items of a domain adding up to `total`, filling items from the first one. */
function worseWithTotal(code: string, total: number): Record<string, number> {
  const items: Record<string, number> = {};
  let left = total;
  for (const it of domain(code).items) {
    const add = Math.min(left, it.points[0]);
    items[it.code] = add;
    left -= add;
  }
  expect(left).toBe(0);
  return items;
}

function input(
  items: Record<string, number>,
  conditions: Partial<Record<'dementia' | 'mentalIllnesses' | 'accidents', ConditionValue>> = {},
): AssessmentInput {
  return {
    items,
    conditions: { dementia: 0, mentalIllnesses: [], accidents: {}, ...conditions },
    reason: 'FIRST',
    assessors: ['assessor-1', 'assessor-2'],
    assessedOn: '2025-03-01',
  };
}
const score = (i: AssessmentInput, rs: RuleSet = MZ) => scoreAssessment(rs, i);
const gradeOf = (i: AssessmentInput, code: string) => score(i).domains.find((d) => d.code === code)!.grade?.value;

/** Items that give each domain the wanted grade (perception through communication, so never a coma). */
const GRADE_ITEMS: Record<string, readonly Record<string, number>[]> = {
  ADL: [adlWithTotal(100), adlWithTotal(95), adlWithTotal(60), adlWithTotal(40)],
  MENTAL: [0, 1, 2, 4].map((t) => worseWithTotal('MENTAL', t)),
  PERCEPTION: [0, 1, 2, 3].map((c) => ({ 'B.3.1': 0, 'B.3.2': 0, 'B.3.3': 0, 'B.3.4': c })),
  SOCIAL: [0, 3, 8, 14].map((t) => worseWithTotal('SOCIAL', t)),
};
function withGrades(a: number, m: number, p: number, s: number): Record<string, number> {
  return { ...GRADE_ITEMS.ADL[a], ...GRADE_ITEMS.MENTAL[m], ...GRADE_ITEMS.PERCEPTION[p], ...GRADE_ITEMS.SOCIAL[s] };
}

/**
 * The reviewed reading of 表6 with 附录D (reference §2.7), written independently of the rule data:
 * A 3 → 3; A 2 → 3 if M, P, S all 2 or any 3, else 2; A 1 → 1 if any ≤ 1, else 2;
 * A 0 → 0 if M = P = 0 and S ≤ 1, else 1.
 */
function reviewedLevel(a: number, m: number, p: number, s: number): number {
  const others = [m, p, s];
  if (a === 3) return 3;
  if (a === 2) return others.every((g) => g === 2) || others.includes(3) ? 3 : 2;
  if (a === 1) return others.some((g) => g <= 1) ? 1 : 2;
  return m === 0 && p === 0 && s <= 1 ? 0 : 1;
}

/** The reviewed reading of 表4, worst grade first. c: 0 clear, 1 drowsy, 2 stupor, 3 coma. */
function reviewedPerceptionGrade(c: number, v: number, h: number, comm: number): number {
  const sense = Math.max(v, h);
  if (c >= 2) return 3;
  if (sense === 4 || comm === 3) return 3;
  if (c === 1) return 2;
  if (sense === 3 || comm === 2) return 2;
  if (sense === 2 || comm === 1) return 1;
  return 0;
}

describe('MZ/T 039-2013 rule data (internal consistency)', () => {
  it('has 4 domains and 22 items split 10 / 3 / 4 / 5', () => {
    expect(MZ.domains.map((d) => d.items.length)).toEqual([10, 3, 4, 5]);
    expect(MZ.domains.flatMap((d) => d.items)).toHaveLength(22);
  });

  it('ADL adds up to 100, mental state to 6, perception to 14, social participation to 20', () => {
    expect(MZ.domains.map((d) => [d.code, d.max, d.direction])).toEqual([
      ['ADL', 100, 'HIGHER_IS_BETTER'],
      ['MENTAL', 6, 'HIGHER_IS_WORSE'],
      ['PERCEPTION', 14, 'HIGHER_IS_WORSE'],
      ['SOCIAL', 20, 'HIGHER_IS_WORSE'],
    ]);
    expect(checkRuleSet(MZ)).toEqual([]);
  });

  it('ADL sums are multiples of 5, so the gaps between the 表2 bands cannot occur', () => {
    const sums = reachableSums(domain('ADL').items);
    expect(sums).toEqual(Array.from({ length: 21 }, (_, i) => i * 5));
    for (const gap of [41, 44, 61, 64, 96, 99]) expect(sums).not.toContain(gap);
  });

  it('labels levels and domain grades in Chinese and English', () => {
    expect(MZ.levels.map((l) => l.zh)).toEqual(['能力完好', '轻度失能', '中度失能', '重度失能']);
    expect(MZ.grades.map((g) => g.zh)).toEqual(['能力完好', '轻度受损', '中度受损', '重度受损']);
  });
});

describe('MZ/T 039-2013 domain grades at every band boundary', () => {
  it.each([
    [100, 0],
    [95, 1],
    [70, 1],
    [65, 1],
    [60, 2],
    [50, 2],
    [45, 2],
    [40, 3],
    [5, 3],
    [0, 3],
  ])('ADL total %i → grade %i (表2)', (total, grade) => {
    const i = input({ ...best(), ...adlWithTotal(total) });
    expect(score(i).domains[0].score).toBe(total);
    expect(gradeOf(i, 'ADL')).toBe(grade);
  });

  it.each([
    [0, 0],
    [1, 1],
    [2, 2],
    [3, 2],
    [4, 3],
    [5, 3],
    [6, 3],
  ])('mental state total %i → grade %i (表3)', (total, grade) => {
    expect(gradeOf(input({ ...best(), ...worseWithTotal('MENTAL', total) }), 'MENTAL')).toBe(grade);
  });

  it.each([
    [0, 0],
    [2, 0],
    [3, 1],
    [7, 1],
    [8, 2],
    [13, 2],
    [14, 3],
    [20, 3],
  ])('social participation total %i → grade %i (表5)', (total, grade) => {
    expect(gradeOf(input({ ...best(), ...worseWithTotal('SOCIAL', total) }), 'SOCIAL')).toBe(grade);
  });

  it('grades perception and communication by 表4 in all 400 combinations', () => {
    let checked = 0;
    for (const c of [0, 1, 2, 3]) {
      for (const v of [0, 1, 2, 3, 4]) {
        for (const h of [0, 1, 2, 3, 4]) {
          for (const comm of [0, 1, 2, 3]) {
            const items = { ...best(), 'B.3.1': c, 'B.3.2': v, 'B.3.3': h, 'B.3.4': comm };
            expect([c, v, h, comm, gradeOf(input(items), 'PERCEPTION')]).toEqual([
              c,
              v,
              h,
              comm,
              reviewedPerceptionGrade(c, v, h, comm),
            ]);
            checked++;
          }
        }
      }
    }
    expect(checked).toBe(400);
  });

  it.each([
    ['clear, vision 1, hearing 1, communication 0', [0, 1, 1, 0], 0],
    ['clear, hearing 2', [0, 0, 2, 0], 1],
    ['clear, communication 1', [0, 0, 0, 1], 1],
    ['clear, vision 2 and communication 2 (rows overlap: worst wins)', [0, 2, 0, 2], 2],
    ['drowsy with perfect senses', [1, 0, 0, 0], 2],
    ['drowsy, vision 3, communication 2', [1, 3, 0, 2], 2],
    ['drowsy, hearing 4', [1, 0, 4, 0], 3],
    ['clear, communication 3', [0, 0, 0, 3], 3],
    ['stupor (昏睡)', [2, 0, 0, 0], 3],
  ])('表4 row: %s → grade %i', (_name, [c, v, h, comm], grade) => {
    const items = { ...best(), 'B.3.1': c, 'B.3.2': v, 'B.3.3': h, 'B.3.4': comm };
    expect(gradeOf(input(items), 'PERCEPTION')).toBe(grade);
  });
});

describe('MZ/T 039-2013 initial level from the four grades (表6, 附录D)', () => {
  it('matches the reviewed reading in all 256 grade combinations', () => {
    let checked = 0;
    for (const a of [0, 1, 2, 3]) {
      for (const m of [0, 1, 2, 3]) {
        for (const p of [0, 1, 2, 3]) {
          for (const s of [0, 1, 2, 3]) {
            const r = score(input(withGrades(a, m, p, s)));
            expect(r.domains.map((d) => d.grade?.value)).toEqual([a, m, p, s]);
            expect([a, m, p, s, r.initialLevel?.value]).toEqual([a, m, p, s, reviewedLevel(a, m, p, s)]);
            expect(r.finalLevel.value).toBe(r.initialLevel?.value);
            checked++;
          }
        }
      }
    }
    expect(checked).toBe(256);
  });

  it.each([
    ['能力完好: all 0, social 1', [0, 0, 0, 1], 0],
    ['轻度 (a): ADL 0, mental 1', [0, 1, 0, 0], 1],
    ['轻度 (a): ADL 0, social 2', [0, 0, 0, 2], 1],
    ['gap: ADL 0, social 3 (no row; default 轻度)', [0, 0, 0, 3], 1],
    ['轻度 (b): ADL 1, one grade ≤ 1', [1, 2, 2, 1], 1],
    ['overlap 轻度 (b) / 中度 (a): ADL 1, mental 0, perception 3 (default 轻度)', [1, 0, 3, 0], 1],
    ['中度 (a): ADL 1, all others 2', [1, 2, 2, 2], 2],
    ['中度 (a): ADL 1, two others 3 (S2 leaves this unrated)', [1, 2, 3, 3], 2],
    ['中度 (b): ADL 2, two others in {1, 2}', [2, 1, 2, 0], 2],
    ['附录D note 3: ADL 2, others all 0', [2, 0, 0, 0], 2],
    ['附录D note 3: ADL 2, others 1, 1, 1', [2, 1, 1, 1], 2],
    ['重度 (b): all four 2', [2, 2, 2, 2], 3],
    ['重度 (c) over 中度 (b): ADL 2, mental 1, perception 3 (S2 gives 中度)', [2, 1, 3, 0], 3],
    ['重度 (a): ADL 3 with everything else intact', [3, 0, 0, 0], 3],
  ])('%s', (_name, [a, m, p, s], level) => {
    expect(score(input(withGrades(a, m, p, s))).initialLevel?.value).toBe(level);
  });

  it('resolves the open points the other way when configured', () => {
    const other = buildMzT039RuleSet({ adl1OverlapLevel: 2, adl0Social3Level: 2, version: 'alt' });
    expect(score(input(withGrades(1, 0, 3, 0)), other).initialLevel?.value).toBe(2);
    expect(score(input(withGrades(0, 0, 0, 3)), other).initialLevel?.value).toBe(2);
    // rows that are not open stay as they were
    expect(score(input(withGrades(1, 2, 2, 1)), other).initialLevel?.value).toBe(1);
    expect(score(input(withGrades(0, 0, 0, 2)), other).initialLevel?.value).toBe(1);
  });
});

describe('MZ/T 039-2013 level changes (表6 注, C.3)', () => {
  const mild = withGrades(1, 1, 0, 0); // level 1

  it.each([
    ['dementia 1 轻度', { dementia: 1 }, 2],
    ['dementia 3 重度', { dementia: 3 }, 2],
    ['no dementia', { dementia: 0 }, 1],
    ['mental illness 1 精神分裂症', { mentalIllnesses: [1] }, 2],
    ['mental illness 6', { mentalIllnesses: [6] }, 2],
    ['one fall', { accidents: { FALL: 1 } }, 1],
    ['two falls', { accidents: { FALL: 2 } }, 2],
    ['a fall and wandering off (summed)', { accidents: { FALL: 1, WANDERING: 1 } }, 2],
    ['choking and suicide attempt', { accidents: { CHOKING: 1, SUICIDE: 1 } }, 2],
    ['其他 does not count by default', { accidents: { OTHER: 3 } }, 1],
  ])('%s → level %i', (_name, conditions, level) => {
    expect(score(input(mild, conditions)).finalLevel.value).toBe(level);
  });

  it('raises once in total when several triggers hold ("有以下情况之一者…提高一个级别")', () => {
    const r = score(input(mild, { dementia: 2, mentalIllnesses: [1, 2], accidents: { FALL: 3 } }));
    expect(r.finalLevel.value).toBe(2);
    expect(r.adjustments.map((a) => [a.ruleId, a.applied])).toEqual([
      ['DEMENTIA', true],
      ['MENTAL_ILLNESS', false],
      ['ACCIDENTS', false],
    ]);
  });

  it('stacks diagnosis and accidents when configured, capped at 3 重度失能', () => {
    const stacking = buildMzT039RuleSet({ maxTotalRaise: null });
    expect(score(input(mild, { dementia: 1, accidents: { FALL: 2 } }), stacking).finalLevel.value).toBe(3);
    expect(
      score(input(withGrades(2, 0, 0, 0), { dementia: 1, accidents: { FALL: 2 } }), stacking).finalLevel.value,
    ).toBe(3);
  });

  it('does not raise past 重度失能', () => {
    const r = score(input(withGrades(3, 0, 0, 0), { dementia: 1 }));
    expect(r.finalLevel.value).toBe(3);
    expect(r.adjustments).toMatchObject([{ ruleId: 'DEMENTIA', applied: false }]);
  });

  it('a coma (B.3.1 = 3) is directly 重度失能, and the other items may be skipped', () => {
    const r = score(input({ 'B.3.1': 3 }));
    expect(r.initialLevel).toBeNull();
    expect(r.domains.every((d) => d.score === null && d.grade === null)).toBe(true);
    expect(r.finalLevel).toMatchObject({ value: 3, zh: '重度失能' });
    expect(r.adjustments).toMatchObject([{ ruleId: 'COMA', applied: true, evidence: 'B.3.1 = 3' }]);
  });

  it('a coma with every item scored still gives 重度失能', () => {
    const r = score(input({ ...best(), 'B.3.1': 3 }));
    expect(r.domains.find((d) => d.code === 'PERCEPTION')!.grade?.value).toBe(3);
    expect(r.initialLevel?.value).toBe(1);
    expect(r.finalLevel.value).toBe(3);
  });

  it('stupor (B.3.1 = 2) is not a coma: every item must be scored', () => {
    expect(() => score(input({ 'B.3.1': 2 }))).toThrow(/21 problem/);
  });
});

describe('MZ/T 039-2013 worked example', () => {
  it('a widow with mild ADL limits, a clock-drawing error and one fall', () => {
    const items = {
      ...best(),
      'B.1.2': 0, // bathing needs help
      'B.1.10': 5, // stairs with partial help → ADL 90
      'B.2.1': 1, // clock wrong → mental 1
      'B.3.2': 1, // large print only → perception 0
      'B.4.1': 1,
      'B.4.2': 2,
      'B.4.5': 1, // social 4
    };
    const r = scoreAssessment(MZ, { ...input(items, { accidents: { FALL: 1 } }), reason: 'ROUTINE' });
    expect(r.domains.map((d) => [d.code, d.score, d.grade?.value])).toEqual([
      ['ADL', 90, 1],
      ['MENTAL', 1, 1],
      ['PERCEPTION', 1, 0],
      ['SOCIAL', 4, 1],
    ]);
    expect(r.total).toBeNull(); // MZ/T 039 has no total: directions differ by domain
    expect(r.initialLevel?.zh).toBe('轻度失能');
    expect(r.finalLevel.value).toBe(1);
    expect(r.adjustments).toEqual([]);
    expect(r.explanation[4]).toBe(
      'grades ADL 1, MENTAL 1, PERCEPTION 0, SOCIAL 1 → MZ/T 039-2013 表6 轻度失能 (b): initial level 1 轻度失能',
    );
  });
});
