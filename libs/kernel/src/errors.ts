/**
 * Coded domain errors. Libraries throw subclasses of DomainError, never HttpException;
 * the API edge maps `kind` to an HTTP status in exactly one place (apps/api/src/http/domain-error.filter.ts).
 */
export type ErrorKind =
  | 'INVALID' // 400: the input is wrong
  | 'UNAUTHENTICATED' // 401
  | 'FORBIDDEN' // 403: the actor may see the object but not do this
  | 'NOT_FOUND' // 404: unknown, or out of the actor's scope (never leak existence)
  | 'CONFLICT' // 409: state or version conflict, duplicate
  | 'LOCKED' // 423: account locked
  | 'RATE_LIMITED' // 429
  | 'UNAVAILABLE'; // 503: a shared resource (e.g. the database pool) is exhausted; retry later

export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly kind: ErrorKind,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  constructor(objectType: string, id?: string) {
    super(`${objectType.toUpperCase()}_NOT_FOUND`, 'NOT_FOUND', `${objectType} not found`, id ? { id } : undefined);
  }
}

export class AccessDeniedError extends DomainError {
  constructor(action: string) {
    super('ACCESS_DENIED', 'FORBIDDEN', `not allowed to ${action}`);
  }
}

export class InvalidInputError extends DomainError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(code, 'INVALID', message, details);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a value is a UUID (ids from paths and bodies are checked before they reach SQL). */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
