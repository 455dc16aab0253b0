import { DomainError, type ErrorKind } from '#lib/kernel';

export enum RegionsErrorCode {
  REGION_NOT_FOUND = 'REGION_NOT_FOUND',
  NOT_A_COMMUNITY = 'NOT_A_COMMUNITY',
  FACILITY_LEVEL_MISMATCH = 'FACILITY_LEVEL_MISMATCH',
  OPERATOR_NOT_FOUND = 'OPERATOR_NOT_FOUND',
}

const KIND: Record<RegionsErrorCode, ErrorKind> = {
  REGION_NOT_FOUND: 'NOT_FOUND',
  NOT_A_COMMUNITY: 'INVALID',
  FACILITY_LEVEL_MISMATCH: 'INVALID',
  OPERATOR_NOT_FOUND: 'INVALID',
};

export class RegionsError extends DomainError {
  constructor(code: RegionsErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, KIND[code], message, details);
  }
}
