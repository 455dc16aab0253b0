import { HttpException } from '@nestjs/common';
import { BodyRejectedError } from './input-limits.js';

/**
 * What the error filter says about errors that are not DomainErrors: refused bodies, PostgreSQL
 * errors that are the client's fault (a safety net: validation should have caught them first),
 * and the log line of anything else. Pure functions, unit-tested (server-errors.spec.ts).
 *
 * Personal data: a PostgreSQL message can carry values (`Key (phone_hash)=(…) already exists`,
 * `invalid input syntax for type uuid: "13912345678"`), a QueryFailedError carries the SQL and its
 * parameters, and an Error's stack starts with its message. None of those is ever logged or
 * answered: only the error class, the SQLSTATE, the constraint / table / column names (schema, not
 * data) and the stack frames.
 */

export interface ErrorSummary {
  errorClass: string;
  sqlState?: string;
  constraint?: string;
  table?: string;
  column?: string;
  routine?: string;
  /** "at …" lines of the stack, without the message line(s) above them */
  frames: string[];
}

interface PgFields {
  code?: unknown;
  constraint?: unknown;
  table?: unknown;
  column?: unknown;
  routine?: unknown;
}

/** The PostgreSQL error behind an exception (TypeORM's QueryFailedError wraps it as driverError). */
function pgFieldsOf(e: unknown): PgFields | undefined {
  if (!e || typeof e !== 'object') return undefined;
  // TypeORM's QueryFailedError (driverError), or node-postgres's own DatabaseError (severity + code)
  const driver = (e as { driverError?: unknown }).driverError;
  const fields = (driver && typeof driver === 'object' ? driver : e) as PgFields & { severity?: unknown };
  if (!driver && typeof fields.severity !== 'string') return undefined;
  return typeof fields.code === 'string' && /^[0-9A-Z]{5}$/.test(fields.code) ? fields : undefined;
}

const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);

export function summarizeError(e: unknown): ErrorSummary {
  const pg = pgFieldsOf(e);
  const stack = e instanceof Error ? (e.stack ?? '') : '';
  const frames = stack
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('at '))
    .slice(0, 15);
  const errorClass =
    e instanceof Error
      ? e.constructor.name || e.name
      : e === null
        ? 'null'
        : typeof e === 'object'
          ? 'object'
          : typeof e;
  return {
    errorClass,
    ...(pg
      ? {
          sqlState: pg.code as string,
          constraint: str(pg.constraint),
          table: str(pg.table),
          column: str(pg.column),
          routine: str(pg.routine),
        }
      : {}),
    frames,
  };
}

export interface ClientFault {
  statusCode: number;
  code: string;
  message: string;
}

/**
 * PostgreSQL errors caused by a value the client sent (SQLSTATE classes 22 data exception, 23502 /
 * 23514 / 23505 integrity, 54 program limit). Answered 4xx without the database's message.
 */
export function pgClientFault(e: unknown): ClientFault | undefined {
  const pg = pgFieldsOf(e);
  if (!pg) return undefined;
  const code = pg.code as string;
  const invalid = (c: string, message: string): ClientFault => ({ statusCode: 400, code: c, message });
  switch (code) {
    case '22001':
      return invalid('VALUE_TOO_LONG', 'a text in the request is too long');
    case '22003':
      return invalid('NUMBER_OUT_OF_RANGE', 'a number in the request is out of range');
    case '22021':
    case '22P05':
      return invalid('TEXT_NOT_ALLOWED', 'a text in the request holds characters that cannot be stored');
    case '22007':
    case '22008':
      return invalid('INVALID_DATE', 'a date or time in the request is not valid');
    case '23502':
      return invalid('MISSING_VALUE', 'a required value is missing (null)');
    case '23505':
      return { statusCode: 409, code: 'DUPLICATE', message: 'the request conflicts with an existing record' };
  }
  if (code.startsWith('22') || code === '23514') return invalid('INVALID_VALUE', 'a value in the request is not valid');
  if (code.startsWith('54')) return invalid('REQUEST_TOO_COMPLEX', 'the request is too large or too complex');
  return undefined;
}

const BODY_CODE: Record<BodyRejectedError['type'], string> = {
  'entity.too.deep': 'BODY_TOO_DEEP',
  'charset.unsupported': 'UNSUPPORTED_MEDIA_TYPE',
  'content-type.unsupported': 'UNSUPPORTED_MEDIA_TYPE',
};

/** A body refused before parsing (input-limits.ts), as Nest's Express adapter hands it over. */
export function rejectedBody(e: unknown): ClientFault | undefined {
  if (!(e instanceof HttpException) || !(e.cause instanceof BodyRejectedError)) return undefined;
  return { statusCode: e.cause.status, code: BODY_CODE[e.cause.type], message: e.cause.message };
}

/** The error-level log entry of an unexpected error (answered 5xx): traceable by request id, no personal data. */
export function serverErrorEntry(e: unknown, requestId: string | undefined, status: number) {
  return { msg: `unhandled error: answered ${status}`, requestId, error: summarizeError(e) };
}

/** The warning of a PostgreSQL error mapped to a 4xx: validation let the value through, so find the gap. */
export function clientFaultEntry(e: unknown, requestId: string | undefined, fault: ClientFault) {
  return {
    msg: `database refused a request value that validation let through: answered ${fault.statusCode} ${fault.code}`,
    requestId,
    error: summarizeError(e),
  };
}
