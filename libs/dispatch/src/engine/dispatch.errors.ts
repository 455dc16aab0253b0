import { DomainError, type ErrorKind } from '#lib/kernel';

export enum DispatchErrorCode {
  ORDER_NOT_FOUND = 'ORDER_NOT_FOUND',
  ALERT_NOT_FOUND = 'ALERT_NOT_FOUND',
  ALERT_CLOSED = 'ALERT_CLOSED',
  REGION_NOT_FOUND = 'REGION_NOT_FOUND',
  NOT_ALLOWED = 'NOT_ALLOWED',
  /** The chosen provider may not be picked by this caller for this order (the rule is in the message). */
  PROVIDER_NOT_CONTRACTED = 'PROVIDER_NOT_CONTRACTED',
  PROVIDER_OUTSIDE_DISTRICT = 'PROVIDER_OUTSIDE_DISTRICT',
  PROVIDER_NOT_AVAILABLE = 'PROVIDER_NOT_AVAILABLE',
  NO_WORKER_TO_SUGGEST = 'NO_WORKER_TO_SUGGEST',
  VALIDATION_FAILED = 'VALIDATION_FAILED',
}

const KIND: Record<DispatchErrorCode, ErrorKind> = {
  ORDER_NOT_FOUND: 'NOT_FOUND',
  ALERT_NOT_FOUND: 'NOT_FOUND',
  ALERT_CLOSED: 'CONFLICT',
  REGION_NOT_FOUND: 'NOT_FOUND',
  NOT_ALLOWED: 'FORBIDDEN',
  PROVIDER_NOT_CONTRACTED: 'CONFLICT',
  PROVIDER_OUTSIDE_DISTRICT: 'CONFLICT',
  PROVIDER_NOT_AVAILABLE: 'CONFLICT',
  NO_WORKER_TO_SUGGEST: 'CONFLICT',
  VALIDATION_FAILED: 'INVALID',
};

export class DispatchError extends DomainError {
  constructor(code: DispatchErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, KIND[code], message, details);
  }
}
