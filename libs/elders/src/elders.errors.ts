import { DomainError, type ErrorKind } from '#lib/kernel';

export enum EldersErrorCode {
  ELDER_NOT_FOUND = 'ELDER_NOT_FOUND',
  DUPLICATE_ID_NUMBER = 'DUPLICATE_ID_NUMBER',
  VERSION_CONFLICT = 'VERSION_CONFLICT',
  COMMUNITY_OUT_OF_SCOPE = 'COMMUNITY_OUT_OF_SCOPE',
  GENDER_MISMATCH = 'GENDER_MISMATCH',
  INVALID_ID_NUMBER = 'INVALID_ID_NUMBER',
  DECEASED_DATE_REQUIRED = 'DECEASED_DATE_REQUIRED',
}

const KIND: Record<EldersErrorCode, ErrorKind> = {
  ELDER_NOT_FOUND: 'NOT_FOUND',
  DUPLICATE_ID_NUMBER: 'CONFLICT',
  VERSION_CONFLICT: 'CONFLICT',
  COMMUNITY_OUT_OF_SCOPE: 'FORBIDDEN',
  GENDER_MISMATCH: 'INVALID',
  INVALID_ID_NUMBER: 'INVALID',
  DECEASED_DATE_REQUIRED: 'INVALID',
};

export class EldersError extends DomainError {
  constructor(code: EldersErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, KIND[code], message, details);
  }
}
