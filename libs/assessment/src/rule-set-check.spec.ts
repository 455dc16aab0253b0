import { describe, expect, it } from '@jest/globals';
import { AssessmentError } from './assessment.errors.js';
import { getRuleSet, RULE_SETS, DEFAULT_RULE_SET_ID } from './registry.js';
import { buildGbT42195RuleSet, GB_T_42195_2022 } from './rule-sets/gb-t-42195-2022.js';
import { buildMzT039RuleSet, MZ_T_039_2013 } from './rule-sets/mz-t-039-2013.js';
import { checkRuleSet, defineRuleSet } from './rule-set-check.js';
import type { RuleSet } from './types.js';

const GB = GB_T_42195_2022;
const MZ = MZ_T_039_2013;

function withTotalBands(rs: RuleSet, bands: [number, number, number][]): RuleSet {
  if (rs.levelMethod.kind !== 'TOTAL_BANDS') throw new Error('bands expected');
  const source = rs.levelMethod.bands[0].source;
  return {
    ...rs,
    levelMethod: { ...rs.levelMethod, bands: bands.map(([min, max, value]) => ({ min, max, value, source })) },
  };
}

describe('rule-set consistency check', () => {
  it('finds no contradiction in the built-in rule sets', () => {
    expect(checkRuleSet(GB)).toEqual([]);
    expect(checkRuleSet(MZ)).toEqual([]);
  });

  it('names its source clause and certainty for every cut-off, item and rule', () => {
    for (const rs of [GB, MZ]) {
      const notes = [
        rs.standard.source,
        rs.assessors.source,
        rs.reassessment.source,
        rs.adjustments.maxTotalRaiseSource,
        ...rs.domains.flatMap((d) => [d.maxSource, ...d.items.map((it) => it.source)]),
        ...rs.domains.flatMap((d) =>
          d.grading?.kind === 'SCORE_BANDS'
            ? d.grading.bands.map((b) => b.source)
            : d.grading?.kind === 'ITEM_TABLE'
              ? d.grading.table.rows.map((r) => r.source)
              : [],
        ),
        ...(rs.levelMethod.kind === 'TOTAL_BANDS'
          ? rs.levelMethod.bands.map((b) => b.source)
          : rs.levelMethod.table.rows.map((r) => r.source)),
        ...rs.adjustments.rules.map((r) => r.source),
      ];
      for (const n of notes) {
        expect(n.clause).toMatch(/^(GB\/T 42195-2022|MZ\/T 039-2013) /);
        expect(['2+', '1', 'none-found']).toContain(n.certainty);
        if (n.certainty === 'none-found') expect(n.note).toBeTruthy();
      }
    }
  });

  it('marks as none-found exactly the values that are factory options', () => {
    const none = (rs: RuleSet) =>
      [
        rs.assessors.source,
        rs.reassessment.source,
        rs.adjustments.maxTotalRaiseSource,
        ...(rs.levelMethod.kind === 'DOMAIN_GRADE_TABLE' ? rs.levelMethod.table.rows.map((r) => r.source) : []),
      ]
        .filter((n) => n.certainty === 'none-found')
        .map((n) => n.clause);
    expect(none(GB)).toEqual(['GB/T 42195-2022 (not found)', 'GB/T 42195-2022 (not found)', 'GB/T 42195-2022 C.4']);
    expect(none(MZ)).toEqual(['MZ/T 039-2013 表6 轻度失能 (b)', 'MZ/T 039-2013 表6 (gap)']);
  });

  it('rejects a domain maximum that its items do not add up to', () => {
    const bad = { ...GB, domains: GB.domains.map((d, i) => (i === 0 ? { ...d, max: 36 } : d)) };
    expect(checkRuleSet(bad)).toContain('domain SELF_CARE: max 36 but its items add up to 32');
    expect(checkRuleSet(bad)).toContain('total: max 90 but the domains add up to 94');
  });

  it('rejects bands with a gap or an overlap', () => {
    const gap = withTotalBands(GB, [
      [90, 90, 0],
      [67, 89, 1],
      [46, 65, 2],
      [30, 45, 3],
      [0, 29, 4],
    ]);
    expect(checkRuleSet(gap)).toEqual(['total bands: reachable score 66 falls in 0 bands']);
    const overlap = withTotalBands(GB, [
      [90, 90, 0],
      [66, 89, 1],
      [45, 65, 2],
      [30, 45, 3],
      [0, 29, 4],
    ]);
    expect(checkRuleSet(overlap)).toEqual(['total bands: reachable score 45 falls in 2 bands']);
  });

  it('rejects a decision table that leaves a combination without a row', () => {
    if (MZ.levelMethod.kind !== 'DOMAIN_GRADE_TABLE') throw new Error('table expected');
    const rows = MZ.levelMethod.table.rows.filter((r) => r.source.clause !== 'MZ/T 039-2013 表6 (gap)');
    const bad: RuleSet = { ...MZ, levelMethod: { ...MZ.levelMethod, table: { ...MZ.levelMethod.table, rows } } };
    expect(checkRuleSet(bad)).toEqual(['level table: no row matches ADL=0, MENTAL=0, PERCEPTION=0, SOCIAL=3']);
  });

  it('rejects rules that refer to conditions or items that do not exist', () => {
    const rules = GB.adjustments.rules.map((r) =>
      r.id === 'COMA' ? { ...r, trigger: { kind: 'CONDITION_TRUE' as const, condition: 'unconscious' } } : r,
    );
    expect(checkRuleSet({ ...GB, adjustments: { ...GB.adjustments, rules } })).toEqual([
      'adjustment COMA: needs a BOOLEAN condition "unconscious"',
    ]);
    const mzRules = MZ.adjustments.rules.map((r) =>
      r.id === 'COMA' ? { ...r, trigger: { kind: 'ITEM_POINTS' as const, item: 'B.3.1', in: [4] } } : r,
    );
    expect(checkRuleSet({ ...MZ, adjustments: { ...MZ.adjustments, rules: mzRules } })).toEqual([
      'adjustment COMA: B.3.1 cannot score 4',
    ]);
  });

  it('refuses to build a rule set from inconsistent options', () => {
    expect(() => buildGbT42195RuleSet({ reassessmentIntervalMonths: 0 })).toThrow(AssessmentError);
    expect(() => buildGbT42195RuleSet({ requiredAssessors: 0 })).toThrow(/assessors.required/);
    expect(() => buildGbT42195RuleSet({ riskEventTypes: ['FIRE' as never] })).toThrow(/unknown event type FIRE/);
    expect(() => buildMzT039RuleSet({ reassessmentByLevel: { 4: 6 } as never })).toThrow(/unknown level 4/);
    expect(() => defineRuleSet(withTotalBands(GB, [[0, 90, 7]]))).toThrow(
      expect.objectContaining({ code: 'RULE_SET_INCONSISTENT', kind: 'INVALID' }),
    );
  });
});

describe('rule-set registry', () => {
  it('knows both standards and defaults to the current national one', () => {
    expect(Object.keys(RULE_SETS)).toEqual(['GB_T_42195_2022', 'MZ_T_039_2013']);
    expect(DEFAULT_RULE_SET_ID).toBe('GB_T_42195_2022');
    expect(getRuleSet('MZ_T_039_2013')).toBe(MZ);
    expect(getRuleSet('GB_T_42195_2022', '1')).toBe(GB);
  });

  it.each([['NANJING_2014'], ['toString'], ['__proto__']])('rejects unknown rule set %s', (id) => {
    expect(() => getRuleSet(id)).toThrow(expect.objectContaining({ code: 'UNKNOWN_RULE_SET', kind: 'INVALID' }));
  });

  it('rejects a version it does not have', () => {
    expect(() => getRuleSet('GB_T_42195_2022', '0')).toThrow(AssessmentError);
  });
});
