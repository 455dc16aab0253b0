import 'reflect-metadata';
import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import { BadRequestException, HttpException, Logger, type ArgumentsHost, type LoggerService } from '@nestjs/common';
import pg from 'pg';
import { QueryFailedError } from 'typeorm';
import { DomainError } from '#lib/kernel';
import { DomainErrorFilter } from './domain-error.filter.js';
import { BodyRejectedError } from './input-limits.js';
import { pgClientFault, summarizeError } from './server-errors.js';

const PHONE = '13912345678';

/** A PostgreSQL error as TypeORM hands it over: the message and the parameters hold a phone number. */
function queryFailed(code: string, extra: Partial<pg.DatabaseError> = {}): QueryFailedError {
  const driver = new pg.DatabaseError(`invalid input syntax for type uuid: "${PHONE}"`, 0, 'error');
  Object.assign(driver, { code, severity: 'ERROR', routine: 'string_to_uuid', ...extra });
  return new QueryFailedError('SELECT * FROM elder WHERE id = $1', [PHONE], driver);
}

describe('summarizeError (what a 5xx log line may say)', () => {
  it('keeps the class, SQLSTATE, schema names and stack frames, never the message or the parameters', () => {
    const e = queryFailed('23505', { constraint: 'UQ_elder_phone_hash', table: 'elder', detail: `Key (x)=(${PHONE})` });
    const s = summarizeError(e);
    expect(s).toMatchObject({
      errorClass: 'QueryFailedError',
      sqlState: '23505',
      constraint: 'UQ_elder_phone_hash',
      table: 'elder',
      routine: 'string_to_uuid',
    });
    expect(s.frames.length).toBeGreaterThan(0);
    expect(s.frames.every((f) => f.startsWith('at '))).toBe(true);
    expect(JSON.stringify(s)).not.toContain(PHONE);
    expect(JSON.stringify(s)).not.toContain('SELECT');
  });

  it('describes a plain error and a thrown non-error without their messages', () => {
    expect(summarizeError(new TypeError(`cannot read ${PHONE}`))).toMatchObject({ errorClass: 'TypeError' });
    expect(JSON.stringify(summarizeError(new TypeError(`cannot read ${PHONE}`)))).not.toContain(PHONE);
    expect(summarizeError('boom')).toEqual({ errorClass: 'string', frames: [] });
  });
});

describe('pgClientFault (safety net for values validation let through)', () => {
  it.each([
    ['22P02', 400, 'INVALID_VALUE'],
    ['22003', 400, 'NUMBER_OUT_OF_RANGE'],
    ['22001', 400, 'VALUE_TOO_LONG'],
    ['22021', 400, 'TEXT_NOT_ALLOWED'],
    ['22P05', 400, 'TEXT_NOT_ALLOWED'],
    ['22008', 400, 'INVALID_DATE'],
    ['23502', 400, 'MISSING_VALUE'],
    ['23514', 400, 'INVALID_VALUE'],
    ['54001', 400, 'REQUEST_TOO_COMPLEX'],
    ['23505', 409, 'DUPLICATE'],
  ])('%s → %i %s, without the database message', (code, status, errorCode) => {
    const fault = pgClientFault(queryFailed(code));
    expect(fault).toMatchObject({ statusCode: status, code: errorCode });
    expect(fault!.message).not.toContain(PHONE);
  });

  it('leaves server faults and non-database errors alone', () => {
    for (const code of ['23503', '40P01', '57014', '42P01', 'XX000'])
      expect(pgClientFault(queryFailed(code))).toBeUndefined();
    expect(pgClientFault(new Error('x'))).toBeUndefined();
    // a domain error with a five-letter code is not a database error
    expect(pgClientFault(new DomainError('LOCKD', 'LOCKED', 'locked'))).toBeUndefined();
  });
});

describe('DomainErrorFilter: logging and request ids', () => {
  const logged: { level: string; entry: unknown }[] = [];
  const capture: LoggerService = {
    log: (m) => logged.push({ level: 'info', entry: m }),
    error: (m) => logged.push({ level: 'error', entry: m }),
    warn: (m) => logged.push({ level: 'warn', entry: m }),
  };
  Logger.overrideLogger(capture);
  afterAll(() => Logger.overrideLogger(new Logger()));
  beforeEach(() => {
    logged.length = 0;
  });

  function answer(exception: unknown, requestId = '6f1c0b7e-2f7a-4c1e-9a53-0d0c5f1e2a10') {
    const sent: { status?: number; body?: Record<string, unknown>; headers: Record<string, string> } = { headers: {} };
    const res = {
      status(code: number) {
        sent.status = code;
        return this;
      },
      json(body: Record<string, unknown>) {
        sent.body = body;
        return this;
      },
      setHeader(name: string, value: string) {
        sent.headers[name] = value;
      },
    };
    const host = {
      switchToHttp: () => ({ getResponse: () => res, getRequest: () => ({ id: requestId }) }),
    } as unknown as ArgumentsHost;
    new DomainErrorFilter().catch(exception, host);
    return sent;
  }

  it('a 500 is logged at error level with its request id, and the answer carries the id; no personal data', () => {
    const sent = answer(new TypeError(`cannot read property of ${PHONE}`));
    expect(sent.status).toBe(500);
    expect(sent.body).toEqual({
      statusCode: 500,
      code: 'INTERNAL',
      message: 'internal error',
      requestId: '6f1c0b7e-2f7a-4c1e-9a53-0d0c5f1e2a10',
    });
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      level: 'error',
      entry: { requestId: '6f1c0b7e-2f7a-4c1e-9a53-0d0c5f1e2a10', error: { errorClass: 'TypeError' } },
    });
    expect(JSON.stringify(logged)).not.toContain(PHONE);
  });

  it('an unmapped database error is a 500 with SQLSTATE and table in the log, not its message or parameters', () => {
    const sent = answer(queryFailed('42P01', { table: 'elder' }));
    expect(sent.status).toBe(500);
    expect(logged[0]).toMatchObject({ level: 'error', entry: { error: { sqlState: '42P01', table: 'elder' } } });
    expect(JSON.stringify(logged)).not.toContain(PHONE);
    expect(JSON.stringify(sent.body)).not.toContain(PHONE);
  });

  it('a database error that is the client’s fault answers 4xx and is logged as a warning (a validation gap)', () => {
    const sent = answer(queryFailed('22021'));
    expect(sent.status).toBe(400);
    expect(sent.body).toMatchObject({ code: 'TEXT_NOT_ALLOWED' });
    expect(sent.body).not.toHaveProperty('requestId');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      level: 'warn',
      entry: { requestId: '6f1c0b7e-2f7a-4c1e-9a53-0d0c5f1e2a10', error: { sqlState: '22021' } },
    });
    expect(JSON.stringify(logged)).not.toContain(PHONE);
  });

  it('a body refused before parsing answers its own status and code; domain and validation errors log nothing', () => {
    const tooDeep = new HttpException('too deep', 400, {
      cause: new BodyRejectedError(400, 'entity.too.deep', 'request body is nested deeper than 32 levels'),
    });
    expect(answer(tooDeep)).toMatchObject({ status: 400, body: { code: 'BODY_TOO_DEEP' } });
    const notJson = new HttpException('x', 415, {
      cause: new BodyRejectedError(415, 'content-type.unsupported', 'send JSON'),
    });
    expect(answer(notJson)).toMatchObject({ status: 415, body: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
    answer(new DomainError('ORDER_NOT_FOUND', 'NOT_FOUND', 'order not found'));
    answer(new BadRequestException({ code: 'VALIDATION_FAILED', message: 'x: bad' }));
    expect(logged).toEqual([]);
  });
});
