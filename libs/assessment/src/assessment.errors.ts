import { DomainError, type ErrorKind } from '#lib/kernel';

export enum AssessmentErrorCode {
  /** The assessment input is wrong; `details.problems` lists every problem. */
  ASSESSMENT_INVALID = 'ASSESSMENT_INVALID',
  UNKNOWN_RULE_SET = 'UNKNOWN_RULE_SET',
  /** Rule data that contradicts itself (a programming or configuration error, caught at build time). */
  RULE_SET_INCONSISTENT = 'RULE_SET_INCONSISTENT',
  INVALID_DUE_INPUT = 'INVALID_DUE_INPUT',
}

const KIND: Record<AssessmentErrorCode, ErrorKind> = {
  ASSESSMENT_INVALID: 'INVALID',
  UNKNOWN_RULE_SET: 'INVALID',
  RULE_SET_INCONSISTENT: 'INVALID',
  INVALID_DUE_INPUT: 'INVALID',
};

export class AssessmentError extends DomainError {
  constructor(code: AssessmentErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, KIND[code], message, details);
  }
}

/** One problem with an assessment input. `path` names the field, e.g. 'items.B.1.1' or 'assessors'. */
export interface AssessmentProblem {
  code:
    | 'MISSING_ITEM'
    | 'UNKNOWN_ITEM'
    | 'POINTS_NOT_INTEGER'
    | 'POINTS_OUT_OF_RANGE'
    | 'POINTS_NOT_AN_OPTION'
    | 'MISSING_CONDITION'
    | 'UNKNOWN_CONDITION'
    | 'INVALID_CONDITION'
    | 'INCONSISTENT_CONDITION'
    | 'INVALID_REASON'
    | 'INVALID_ASSESSORS'
    | 'INVALID_DATE'
    | 'DATE_IN_FUTURE';
  path: string;
  message: string;
  /** The allowed values, where a list makes sense. */
  allowed?: readonly (number | string)[];
}

/** Thrown by scoreAssessment: the input is rejected as a whole, never partly scored. */
export class AssessmentValidationError extends AssessmentError {
  constructor(readonly problems: readonly AssessmentProblem[]) {
    super(
      AssessmentErrorCode.ASSESSMENT_INVALID,
      `assessment input has ${problems.length} problem(s): ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
      { problems },
    );
  }
}
