import { DomainError, type ErrorKind } from '#lib/kernel';

export enum CatalogErrorCode {
  ITEM_NOT_FOUND = 'ITEM_NOT_FOUND',
  ITEM_INACTIVE = 'ITEM_INACTIVE',
  ITEM_CODE_TAKEN = 'ITEM_CODE_TAKEN',
  VERSION_CONFLICT = 'VERSION_CONFLICT',
}

const KIND: Record<CatalogErrorCode, ErrorKind> = {
  ITEM_NOT_FOUND: 'NOT_FOUND',
  ITEM_INACTIVE: 'INVALID',
  ITEM_CODE_TAKEN: 'CONFLICT',
  VERSION_CONFLICT: 'CONFLICT',
};

export class CatalogError extends DomainError {
  constructor(code: CatalogErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, KIND[code], message, details);
  }
}
