// Ability assessment (老年人能力评估): versioned rule data and pure scoring. No Nest module, no tables yet.
export * from './types.js';
export {
  AssessmentError,
  AssessmentErrorCode,
  AssessmentValidationError,
  type AssessmentProblem,
} from './assessment.errors.js';
export { GB_T_42195_2022, GB_T_42195_2022_ID, buildGbT42195RuleSet } from './rule-sets/gb-t-42195-2022.js';
export type { GbT42195Options, GbRiskEventType } from './rule-sets/gb-t-42195-2022.js';
export { MZ_T_039_2013, MZ_T_039_2013_ID, buildMzT039RuleSet } from './rule-sets/mz-t-039-2013.js';
export type { MzT039Options, MzAccidentType } from './rule-sets/mz-t-039-2013.js';
export { RULE_SETS, DEFAULT_RULE_SET_ID, getRuleSet } from './registry.js';
export { checkRuleSet, defineRuleSet } from './rule-set-check.js';
export { scoreAssessment, type ScoreContext } from './scoring.js';
export { validateAssessment } from './validation.js';
export {
  reassessmentDue,
  dueStatus,
  intervalMonthsFor,
  type ReassessmentInput,
  type ReassessmentDue,
  type ConditionChange,
  type DueStatus,
} from './reassessment.js';
export { isCalendarDate, addMonths, daysBetween } from './calendar-date.js';
