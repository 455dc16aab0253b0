import { DomainError, type ErrorKind } from '#lib/kernel';

export enum BatchErrorCode {
  /** Unknown batch id, a malformed one, or a batch outside the caller's region (existence never leaked). */
  BATCH_NOT_FOUND = 'BATCH_NOT_FOUND',
  /** The regionCode is unknown or outside the caller's region (the same answer for both). */
  REGION_NOT_FOUND = 'REGION_NOT_FOUND',
  /** The region exists and is in scope but is not a street or a district. */
  REGION_NOT_PLANNABLE = 'REGION_NOT_PLANNABLE',
  /** A field is wrong for a reason only the clock or the data knows (a past date); same shape as the pipe's 400. */
  VALIDATION_FAILED = 'VALIDATION_FAILED',
  /** More scheduled orders than one plan takes: plan street by street. */
  BATCH_TOO_LARGE = 'BATCH_TOO_LARGE',
  /** The batch was already committed (or discarded): a plan creates its offers once. */
  BATCH_NOT_DRAFT = 'BATCH_NOT_DRAFT',
  /** Since the plan was made a worker, provider or commitment changed so that the plan no longer holds. */
  BATCH_PLAN_STALE = 'BATCH_PLAN_STALE',
  /** The solver thread has too many plans waiting: retry shortly. */
  SOLVER_BUSY = 'SOLVER_BUSY',
  /** The solver thread failed or timed out on this plan. */
  SOLVER_FAILED = 'SOLVER_FAILED',
}

const KIND: Record<BatchErrorCode, ErrorKind> = {
  BATCH_NOT_FOUND: 'NOT_FOUND',
  REGION_NOT_FOUND: 'NOT_FOUND',
  REGION_NOT_PLANNABLE: 'INVALID',
  VALIDATION_FAILED: 'INVALID',
  BATCH_TOO_LARGE: 'INVALID',
  BATCH_NOT_DRAFT: 'CONFLICT',
  BATCH_PLAN_STALE: 'CONFLICT',
  SOLVER_BUSY: 'UNAVAILABLE',
  SOLVER_FAILED: 'UNAVAILABLE',
};

export class BatchError extends DomainError {
  constructor(code: BatchErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, KIND[code], message, details);
  }
}

/** A 400 VALIDATION_FAILED naming one field, like the validation pipe's (`details.fields[]`). */
export function batchFieldInvalid(field: string, problem: string): BatchError {
  return new BatchError(BatchErrorCode.VALIDATION_FAILED, `${field}: ${problem}`, {
    fields: [{ field, problems: [problem] }],
  });
}

export const batchNotFound = () => new BatchError(BatchErrorCode.BATCH_NOT_FOUND, 'batch not found');
