import { Catch, HttpException, HttpStatus, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError, type ErrorBody, type ErrorKind } from '#lib/kernel';
import { DatabaseBusyError } from '#lib/database';
import { clientFaultEntry, pgClientFault, rejectedBody, serverErrorEntry } from './server-errors.js';

/** The one place where domain error kinds become HTTP statuses. Exhaustive over ErrorKind. */
export const STATUS_OF_KIND: Record<ErrorKind, number> = {
  INVALID: HttpStatus.BAD_REQUEST,
  UNAUTHENTICATED: HttpStatus.UNAUTHORIZED,
  FORBIDDEN: HttpStatus.FORBIDDEN,
  NOT_FOUND: HttpStatus.NOT_FOUND,
  CONFLICT: HttpStatus.CONFLICT,
  LOCKED: HttpStatus.LOCKED,
  RATE_LIMITED: HttpStatus.TOO_MANY_REQUESTS,
  UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
};

@Catch()
export class DomainErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const body = toErrorBody(exception);
    const requestId = requestIdOf(host);
    const retryAfter = exception instanceof DomainError ? exception.details?.retryAfterSeconds : undefined;
    if (typeof retryAfter === 'number') res.setHeader('Retry-After', String(retryAfter));
    if (exception instanceof DatabaseBusyError) this.logger.warn(databaseBusyLine(exception, requestId));
    else if (body.statusCode >= 500) {
      this.logger.error(serverErrorEntry(exception, requestId, body.statusCode));
      if (requestId) body.requestId = requestId;
    } else if (!(exception instanceof DomainError) && !(exception instanceof HttpException) && pgClientFault(exception))
      this.logger.warn(clientFaultEntry(exception, requestId, body));
    res.status(body.statusCode).json(body);
  }
}

/** One line per refused request: pool figures only (no SQL, no parameters, no request data). */
export function databaseBusyLine(e: DatabaseBusyError, requestId?: string): string {
  const pool = `${e.pool.inUse}/${e.pool.size} in use, ${e.pool.waiting} waiting`;
  return `${e.code}: no database connection became free within ${e.timeoutMs} ms (${pool}): answered 503${requestId ? ` to request ${requestId}` : ''}`;
}

export function toErrorBody(exception: unknown): ErrorBody {
  if (exception instanceof DomainError) {
    return {
      statusCode: STATUS_OF_KIND[exception.kind],
      code: exception.code,
      message: exception.message,
      ...(exception.details ? { details: exception.details } : {}),
    };
  }
  if (exception instanceof HttpException && exception.cause instanceof SyntaxError)
    return { statusCode: 400, code: 'MALFORMED_JSON', message: 'request body is not valid JSON' };
  const refused = rejectedBody(exception);
  if (refused) return refused;
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse() as { message?: unknown; code?: string; details?: unknown } | string;
    const message = typeof response === 'string' ? response : response.message;
    return {
      statusCode: status,
      code: (typeof response === 'object' && response.code) || HTTP_CODE[status] || 'HTTP_ERROR',
      message: Array.isArray(message) ? message.join('; ') : String(message ?? exception.message),
      ...(typeof response === 'object' && response.details ? { details: response.details } : {}),
    };
  }
  return pgClientFault(exception) ?? { statusCode: 500, code: 'INTERNAL', message: 'internal error' };
}

/** pino-http's id of this request (also sent as the X-Request-Id header). */
function requestIdOf(host: ArgumentsHost): string | undefined {
  const id = host.switchToHttp().getRequest<{ id?: unknown }>()?.id;
  return id === undefined || id === null ? undefined : String(id);
}

const HTTP_CODE: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE', // e.g. /health when an indicator is down
};
