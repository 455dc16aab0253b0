import { DomainError, type ErrorKind } from '#lib/kernel';

export enum CoverageErrorCode {
  /** A query field is wrong for reasons only the data knows (an unknown service type); same shape as the pipe's 400. */
  VALIDATION_FAILED = 'VALIDATION_FAILED',
}

const KIND: Record<CoverageErrorCode, ErrorKind> = {
  VALIDATION_FAILED: 'INVALID',
};

export class CoverageError extends DomainError {
  constructor(code: CoverageErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, KIND[code], message, details);
  }
}

/** A 400 VALIDATION_FAILED naming one field, like the validation pipe's (`details.fields[]`). */
export function fieldInvalid(field: string, problem: string): CoverageError {
  return new CoverageError(CoverageErrorCode.VALIDATION_FAILED, `${field}: ${problem}`, {
    fields: [{ field, problems: [problem] }],
  });
}
