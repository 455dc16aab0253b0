import { DomainError, type ErrorKind } from '#lib/kernel';

export enum OrderErrorCode {
  ORDER_NOT_FOUND = 'ORDER_NOT_FOUND',
  ELDER_NOT_FOUND = 'ELDER_NOT_FOUND',
  NOT_ALLOWED = 'NOT_ALLOWED',
  ILLEGAL_TRANSITION = 'ILLEGAL_TRANSITION',
  VERSION_CONFLICT = 'VERSION_CONFLICT',
  IDEMPOTENCY_KEY_REUSED = 'IDEMPOTENCY_KEY_REUSED',
  INVALID_IDEMPOTENCY_KEY = 'INVALID_IDEMPOTENCY_KEY',
  INVALID_SCHEDULE = 'INVALID_SCHEDULE',
  PROVIDER_NOT_AVAILABLE = 'PROVIDER_NOT_AVAILABLE',
  PROVIDER_NOT_CONTRACTED = 'PROVIDER_NOT_CONTRACTED',
  ELDER_NOT_ACTIVE = 'ELDER_NOT_ACTIVE',
  PROVIDER_OUTSIDE_DISTRICT = 'PROVIDER_OUTSIDE_DISTRICT',
  OFFER_EXPIRED = 'OFFER_EXPIRED',
  /** Another provider accepted first (emergency fan-out), or the order was reassigned or cancelled. */
  OFFER_WITHDRAWN = 'OFFER_WITHDRAWN',
  /** The offer command itself is wrong (no provider, the same provider twice, a deadline in the past). */
  INVALID_OFFER = 'INVALID_OFFER',
  WORKER_NOT_QUALIFIED = 'WORKER_NOT_QUALIFIED',
  CODE_INVALID = 'CODE_INVALID',
  CODE_EXPIRED = 'CODE_EXPIRED',
  CODE_ATTEMPTS_EXCEEDED = 'CODE_ATTEMPTS_EXCEEDED',
  ALREADY_RATED = 'ALREADY_RATED',
  /** A field of the body is wrong for this caller or this order (same shape as the validation pipe's 400). */
  VALIDATION_FAILED = 'VALIDATION_FAILED',
}

const KIND: Record<OrderErrorCode, ErrorKind> = {
  ORDER_NOT_FOUND: 'NOT_FOUND',
  ELDER_NOT_FOUND: 'NOT_FOUND',
  NOT_ALLOWED: 'FORBIDDEN',
  ILLEGAL_TRANSITION: 'CONFLICT',
  VERSION_CONFLICT: 'CONFLICT',
  IDEMPOTENCY_KEY_REUSED: 'CONFLICT',
  INVALID_IDEMPOTENCY_KEY: 'INVALID',
  INVALID_SCHEDULE: 'INVALID',
  PROVIDER_NOT_AVAILABLE: 'CONFLICT',
  PROVIDER_NOT_CONTRACTED: 'CONFLICT',
  ELDER_NOT_ACTIVE: 'CONFLICT',
  PROVIDER_OUTSIDE_DISTRICT: 'CONFLICT',
  OFFER_EXPIRED: 'CONFLICT',
  OFFER_WITHDRAWN: 'CONFLICT',
  INVALID_OFFER: 'INVALID',
  WORKER_NOT_QUALIFIED: 'CONFLICT',
  CODE_INVALID: 'INVALID',
  CODE_EXPIRED: 'CONFLICT',
  CODE_ATTEMPTS_EXCEEDED: 'CONFLICT',
  ALREADY_RATED: 'CONFLICT',
  VALIDATION_FAILED: 'INVALID',
};

export class OrderError extends DomainError {
  constructor(code: OrderErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, KIND[code], message, details);
  }
}

/** One wrong field and why, as in `details.fields[]` of every 400 VALIDATION_FAILED. */
export interface FieldProblem {
  field: string;
  problems: string[];
}

/** A 400 VALIDATION_FAILED naming each field, for rules that need the caller or the order. */
export function fieldsInvalid(fields: FieldProblem[]): OrderError {
  return new OrderError(
    OrderErrorCode.VALIDATION_FAILED,
    fields.map((f) => `${f.field}: ${f.problems.join(', ')}`).join('; '),
    { fields },
  );
}
