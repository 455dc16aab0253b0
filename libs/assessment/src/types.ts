/**
 * Ability assessment (老年人能力评估) as versioned rule data.
 *
 * A rule set is plain data: domains and items with their allowed option points, the bands that turn
 * scores into a domain grade or a level, and the adjustment rules that raise or set the final level.
 * The scoring functions in scoring.ts interpret it; nothing standard-specific lives in code.
 *
 * Every number that comes from a standard carries a `SourceNote` naming its clause and how sure the
 * reference (/work/shared/reference/ability-assessment.md) is about it.
 */

/**
 * How sure the reference is about a fact:
 * - '2+': two or more independent sources agree;
 * - '1': one source only;
 * - 'none-found': no source; the value is a configurable default (see the rule-set factory options).
 */
export type Certainty = '2+' | '1' | 'none-found';

export interface SourceNote {
  /** Clause of the standard, e.g. 'GB/T 42195-2022 C.3' or 'MZ/T 039-2013 表6'. */
  clause: string;
  certainty: Certainty;
  /** Source ids of the reference (S1 … S12). */
  sources: readonly string[];
  note?: string;
}

/** A level of the final result (0 = best). */
export interface LevelDef {
  value: number;
  code: 'INTACT' | 'MILD' | 'MODERATE' | 'SEVERE' | 'TOTAL';
  zh: string;
  en: string;
}

/** A grade of one domain (MZ/T 039 only; GB/T 42195 has no domain grades). */
export interface GradeDef {
  value: number;
  zh: string;
  en: string;
}

export interface ItemDef {
  /** The standard's item code, e.g. 'B.1.1'. Unique inside a rule set. */
  code: string;
  zh: string;
  en: string;
  /** The option points the form allows, descending. The item's maximum is the first. */
  points: readonly number[];
  source: SourceNote;
}

/** A closed score interval [min, max] that maps to `value` (a level, or a domain grade). */
export interface Band {
  min: number;
  max: number;
  value: number;
  source: SourceNote;
}

/**
 * One condition of a decision-table row: the values of the named subjects (item codes, or domain
 * codes) must lie in `in`, for ALL of them, for ANY of them, or for a COUNT between min and max.
 */
export interface Predicate {
  of: readonly string[];
  quantifier: 'ALL' | 'ANY' | { count: readonly [min: number, max: number] };
  in: readonly number[];
}

/** A decision-table row: `value` when any of the conjunctions in `anyOf` holds. */
export interface DecisionRow {
  value: number;
  anyOf: readonly (readonly Predicate[])[];
  source: SourceNote;
}

/**
 * A decision table. WORST: every matching row counts and the highest value wins.
 * FIRST_MATCH: rows are in precedence order and the first matching row wins (the order is the decision).
 */
export interface DecisionTable {
  resolution: 'WORST' | 'FIRST_MATCH';
  rows: readonly DecisionRow[];
  source: SourceNote;
}

export type DomainGrading =
  { kind: 'SCORE_BANDS'; bands: readonly Band[] } | { kind: 'ITEM_TABLE'; table: DecisionTable };

export interface DomainDef {
  code: string;
  zh: string;
  en: string;
  /** The form table, e.g. 'B.1'. */
  table: string;
  direction: 'HIGHER_IS_BETTER' | 'HIGHER_IS_WORSE';
  items: readonly ItemDef[];
  /** Stated maximum of the domain score; the rule-set check proves it equals the sum of item maxima. */
  max: number;
  maxSource: SourceNote;
  /** How the domain grade is derived (MZ/T 039); absent when the standard has no domain grades. */
  grading?: DomainGrading;
}

export type LevelMethod =
  /** GB/T 42195: the total of all items against fixed bands. */
  | { kind: 'TOTAL_BANDS'; maxTotal: number; maxTotalSource: SourceNote; bands: readonly Band[] }
  /** MZ/T 039: the domain grades combined through a decision table over domain codes. */
  | { kind: 'DOMAIN_GRADE_TABLE'; table: DecisionTable };

/** Inputs beyond the item scores that feed the adjustment rules, as the form records them. */
export type ConditionDef =
  | { key: string; formField: string; zh: string; en: string; kind: 'BOOLEAN' }
  /** A list of ICD-10 diagnoses, each `{ icd10: 'F03', psychiatrist?: boolean }`. */
  | { key: string; formField: string; zh: string; en: string; kind: 'DIAGNOSES' }
  | { key: string; formField: string; zh: string; en: string; kind: 'CHOICE'; options: readonly number[] }
  | { key: string; formField: string; zh: string; en: string; kind: 'MULTI_CHOICE'; options: readonly number[] }
  /** Counts per event type over the last 30 days; `maxCount` is the top option (e.g. 3 = "≥3次"). */
  | {
      key: string;
      formField: string;
      zh: string;
      en: string;
      kind: 'EVENT_COUNTS';
      types: readonly { code: string; zh: string; en: string }[];
      maxCount: number;
    };

export type Trigger =
  /** A BOOLEAN condition is true. `impliesItem`: the item must then score one of `in` (consistency check). */
  | { kind: 'CONDITION_TRUE'; condition: string; impliesItem?: { item: string; in: readonly number[] } }
  /** An item scored one of `in`. */
  | { kind: 'ITEM_POINTS'; item: string; in: readonly number[] }
  /** A DIAGNOSES condition holds a code in one of the ICD-10 ranges (inclusive, by category, e.g. F00–F03). */
  | {
      kind: 'DIAGNOSIS';
      condition: string;
      ranges: readonly (readonly [from: string, to: string])[];
      requiresPsychiatrist: boolean;
    }
  /** A CHOICE condition is at least `min`. */
  | { kind: 'CHOICE_AT_LEAST'; condition: string; min: number }
  /** A MULTI_CHOICE condition has at least one option selected. */
  | { kind: 'ANY_SELECTED'; condition: string }
  /** EVENT_COUNTS: the sum over `types` (SUM) or any single one of them (ANY_SINGLE_TYPE) is ≥ threshold. */
  | {
      kind: 'EVENT_COUNT';
      condition: string;
      types: readonly string[];
      threshold: number;
      counting: 'SUM' | 'ANY_SINGLE_TYPE';
    };

export type Effect =
  /**
   * The final level is at least `level` (a SET never lowers a worse scored level). When
   * `itemsMayBeSkipped`, the items need not be scored once the trigger holds.
   */
  | { kind: 'SET_LEVEL'; level: number; itemsMayBeSkipped: boolean }
  /** Raise the initial level by `levels`. Rules of one `group` raise at most once together. */
  | { kind: 'RAISE'; levels: number; group: string };

export interface AdjustmentRule {
  id: string;
  zh: string;
  en: string;
  trigger: Trigger;
  effect: Effect;
  source: SourceNote;
}

export interface Adjustments {
  rules: readonly AdjustmentRule[];
  /** Cap on the sum of RAISE effects (null: no cap other than the top level). */
  maxTotalRaise: number | null;
  maxTotalRaiseSource: SourceNote;
}

export type AssessmentReason = 'FIRST' | 'ROUTINE' | 'IMMEDIATE' | 'REASSESSMENT' | 'OTHER';

export interface ReasonDef {
  code: AssessmentReason;
  /** The value on the form (A.1.3). */
  formValue: number;
  zh: string;
  en: string;
}

export interface ReassessmentSchedule {
  /** Months from the last assessment to the next routine one. */
  intervalMonths: number;
  /** Per final level, overriding `intervalMonths`. */
  byLevel: Readonly<Partial<Record<number, number>>>;
  source: SourceNote;
}

export interface RuleSet {
  /** Stable id, stored with every assessment. */
  id: string;
  /** Revision of this rule data; bump it whenever a number changes. */
  version: string;
  standard: { code: string; zh: string; en: string; published: string; inForce: string; source: SourceNote };
  /** The factory options this rule set was built with (stored with every assessment). */
  options: Readonly<Record<string, unknown>>;
  levels: readonly LevelDef[];
  /** Domain grade labels (MZ/T 039); empty when there are none. */
  grades: readonly GradeDef[];
  domains: readonly DomainDef[];
  levelMethod: LevelMethod;
  conditions: readonly ConditionDef[];
  adjustments: Adjustments;
  reasons: readonly ReasonDef[];
  assessors: { required: number; source: SourceNote };
  reassessment: ReassessmentSchedule;
}

/** A diagnosis as recorded in the form. */
export interface DiagnosisInput {
  /** ICD-10 code, e.g. 'F03' or 'F03.9'. */
  icd10: string;
  /** Diagnosed by a psychiatric specialist (精神科专科医生). */
  psychiatrist?: boolean;
}

export type ConditionValue = boolean | number | readonly number[] | readonly DiagnosisInput[] | Record<string, number>;

export interface AssessmentInput {
  /** Item code → option points. */
  items: Readonly<Record<string, number>>;
  /** Condition key → value, for every condition the rule set declares. */
  conditions: Readonly<Record<string, ConditionValue>>;
  reason: AssessmentReason;
  /** Ids of the assessors, as many distinct ones as the rule set requires. */
  assessors: readonly string[];
  /** Calendar date of the assessment, YYYY-MM-DD. */
  assessedOn: string;
}

export interface DomainResult {
  code: string;
  zh: string;
  en: string;
  /** Sum of the domain's item points; null when items were skipped (coma). */
  score: number | null;
  max: number;
  direction: DomainDef['direction'];
  grade: GradeDef | null;
}

export interface AppliedAdjustment {
  ruleId: string;
  zh: string;
  en: string;
  effect: Effect;
  /** Whether it changed the level (a raise can be capped, a SET can be no worse than the score). */
  applied: boolean;
  fromLevel: number | null;
  toLevel: number;
  /** What triggered it, in words (codes, counts). */
  evidence: string;
  source: SourceNote;
}

export interface AssessmentResult {
  ruleSet: { id: string; version: string; options: Readonly<Record<string, unknown>> };
  reason: AssessmentReason;
  assessors: readonly string[];
  assessedOn: string;
  domains: readonly DomainResult[];
  /** The total of all items (GB/T 42195); null when the standard has no total or items were skipped. */
  total: number | null;
  /** The level from the scores alone; null when items were skipped. */
  initialLevel: LevelDef | null;
  finalLevel: LevelDef;
  /** Every rule that was triggered, in rule order. */
  adjustments: readonly AppliedAdjustment[];
  /** Human-readable steps, in English. */
  explanation: readonly string[];
}
