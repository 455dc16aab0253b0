import { Catch, HttpException, HttpStatus, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError, type ErrorKind } from '#lib/kernel';

/** The one place where domain error kinds become HTTP statuses. Exhaustive over ErrorKind. */
export const STATUS_OF_KIND: Record<ErrorKind, number> = {
  INVALID: HttpStatus.BAD_REQUEST,
  UNAUTHENTICATED: HttpStatus.UNAUTHORIZED,
  FORBIDDEN: HttpStatus.FORBIDDEN,
  NOT_FOUND: HttpStatus.NOT_FOUND,
  CONFLICT: HttpStatus.CONFLICT,
  LOCKED: HttpStatus.LOCKED,
  RATE_LIMITED: HttpStatus.TOO_MANY_REQUESTS,
};

export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details?: unknown;
}

@Catch()
export class DomainErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const body = toErrorBody(exception);
    if (body.statusCode >= 500) this.logger.error(exception instanceof Error ? exception.stack : 'unhandled error');
    res.status(body.statusCode).json(body);
  }
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
  return { statusCode: 500, code: 'INTERNAL', message: 'internal error' };
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
};
