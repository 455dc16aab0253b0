import { AssessmentError, AssessmentErrorCode } from './assessment.errors.js';
import { GB_T_42195_2022 } from './rule-sets/gb-t-42195-2022.js';
import { MZ_T_039_2013 } from './rule-sets/mz-t-039-2013.js';
import type { RuleSet } from './types.js';

/** The built-in rule sets with their default reading, by id. */
export const RULE_SETS: Readonly<Record<string, RuleSet>> = Object.freeze({
  [GB_T_42195_2022.id]: GB_T_42195_2022,
  [MZ_T_039_2013.id]: MZ_T_039_2013,
});

/** The current national standard; new assessments default to it. */
export const DEFAULT_RULE_SET_ID = GB_T_42195_2022.id;

/** A built-in rule set by id (and version, when given); throws UNKNOWN_RULE_SET otherwise. */
export function getRuleSet(id: string, version?: string): RuleSet {
  const rs = Object.hasOwn(RULE_SETS, id) ? RULE_SETS[id] : undefined;
  if (!rs || (version !== undefined && rs.version !== version)) {
    throw new AssessmentError(
      AssessmentErrorCode.UNKNOWN_RULE_SET,
      `unknown rule set ${id}${version ? `@${version}` : ''}`,
      {
        known: Object.values(RULE_SETS).map((r) => `${r.id}@${r.version}`),
      },
    );
  }
  return rs;
}
