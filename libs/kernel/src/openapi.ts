import { applyDecorators, type Type } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';
import { ALL_ROLES, Role } from './roles.js';
import type { AccessRule } from './access.js';

/**
 * The body of every error answer: apps/api/src/http/domain-error.filter.ts builds it from a
 * DomainError (or a framework exception). One schema component; every operation's 4xx/5xx refer to it.
 */
export class ErrorBody {
  @ApiProperty({ type: 'integer', example: 404, description: 'the HTTP status again' })
  statusCode: number;

  @ApiProperty({ example: 'ORDER_NOT_FOUND', description: 'stable machine-readable code; branch on this' })
  code: string;

  @ApiProperty({ example: 'order not found', description: 'for people; may change' })
  message: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'more about the problem, e.g. `fields[]` ({field, problems[]}) for VALIDATION_FAILED',
  })
  details?: unknown;

  @ApiPropertyOptional({ description: '5xx only: the request id of the log line (X-Request-Id), for a report' })
  requestId?: string;
}

/** Statuses an operation may answer with an ErrorBody. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 423 | 429 | 503;

/**
 * Documents the error answers of an operation: status → what causes it (name the codes).
 * Descriptions of the same status given twice (e.g. by the access rule and the route) are joined.
 */
export function ApiErrors(errors: Partial<Record<ErrorStatus, string>>): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...Object.entries(errors).map(([status, description]) =>
      ApiResponse({ status: Number(status), type: ErrorBody, description }),
    ),
  );
}

/** The 400 of an operation whose body, query or path the validation pipe checks (and of any body). */
export const VALIDATION_FAILED =
  'VALIDATION_FAILED: a field is missing, unknown or wrong (details.fields names each field and problem); ' +
  'MALFORMED_JSON / BODY_TOO_DEEP: the body is not JSON, or nested too deep';

const PEOPLE: readonly Role[] = ALL_ROLES.filter((r) => r !== Role.SOS_DEVICE);

/**
 * The error answers an access rule itself causes (used by `Access`, so every route documents them
 * from the same rule the AccessGuard enforces).
 */
export function accessErrors(rule: AccessRule): Partial<Record<ErrorStatus, string>> {
  if ('public' in rule) return {};
  if ('device' in rule) return { 401: 'DEVICE_KEY_INVALID: no or an unknown X-Device-Key' };
  const errors: Partial<Record<ErrorStatus, string>> = {
    401:
      'UNAUTHENTICATED: no bearer token; TOKEN_INVALID / TOKEN_EXPIRED: sign in or refresh; ' +
      'ACCOUNT_DISABLED: the account was disabled',
  };
  if (PEOPLE.some((r) => !rule.roles.includes(r))) errors[403] = `ROLE_NOT_ALLOWED: only ${rule.roles.join(', ')}`;
  return errors;
}

/** The page of a list route: `{ items, total, limit, offset }` (kernel `Page<T>`), as a schema. */
export function PageOf<T>(
  item: Type<T>,
  name: string,
): Type<{ items: T[]; total: number; limit: number; offset: number }> {
  class PageDto {
    @ApiProperty({ type: [item] })
    items: T[];

    @ApiProperty({ type: 'integer', description: 'matching rows in your scope (not only this page)' })
    total: number;

    @ApiProperty({ type: 'integer' })
    limit: number;

    @ApiProperty({ type: 'integer' })
    offset: number;
  }
  Object.defineProperty(PageDto, 'name', { value: name });
  return PageDto;
}
