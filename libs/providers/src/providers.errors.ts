import { DomainError, type ErrorKind } from '#lib/kernel';

export enum ProvidersErrorCode {
  PROVIDER_NOT_FOUND = 'PROVIDER_NOT_FOUND',
  WORKER_NOT_FOUND = 'WORKER_NOT_FOUND',
  WORKER_NOT_ACTIVE = 'WORKER_NOT_ACTIVE',
  CREDIT_CODE_TAKEN = 'CREDIT_CODE_TAKEN',
  NOT_A_DISTRICT = 'NOT_A_DISTRICT',
  CONTRACT_PERIOD_INVALID = 'CONTRACT_PERIOD_INVALID',
}

const KIND: Record<ProvidersErrorCode, ErrorKind> = {
  PROVIDER_NOT_FOUND: 'NOT_FOUND',
  WORKER_NOT_FOUND: 'NOT_FOUND',
  WORKER_NOT_ACTIVE: 'INVALID',
  CREDIT_CODE_TAKEN: 'CONFLICT',
  NOT_A_DISTRICT: 'INVALID',
  CONTRACT_PERIOD_INVALID: 'INVALID',
};

export class ProvidersError extends DomainError {
  constructor(code: ProvidersErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, KIND[code], message, details);
  }
}
