import { describe, expect, it } from '@jest/globals';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyRejectedError, jsonDepth, MAX_JSON_DEPTH, verifyJsonBody } from './input-limits.js';

const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('jsonDepth (raw bytes, before JSON.parse)', () => {
  it.each([
    ['a scalar', '42', 0],
    ['an empty object', '{}', 1],
    ['an object in an array', '[{"a":1}]', 2],
    ['the deepest DTO (elder with contacts)', '{"emergencyContacts":[{"name":"王"}]}', 3],
    ['siblings do not add up', '{"a":{"b":1},"c":{"d":[1]}}', 3],
  ])('%s', (_name, text, depth) => {
    expect(jsonDepth(bytes(text))).toBe(depth);
  });

  it('does not count brackets inside strings, nor escaped quotes', () => {
    expect(jsonDepth(bytes('{"a":"[[[{{{"}'))).toBe(1);
    expect(jsonDepth(bytes('{"a":"\\"[[[\\\\","b":["]]]"]}'))).toBe(2);
    expect(jsonDepth(bytes('{"名字":"【张】{秀英}"}'))).toBe(1);
  });

  it('stops at the limit (30,000 nested arrays: 60 KB, under the size limit)', () => {
    const deep = '['.repeat(30_000) + ']'.repeat(30_000);
    expect(jsonDepth(bytes(deep), MAX_JSON_DEPTH)).toBe(MAX_JSON_DEPTH + 1);
    expect(jsonDepth(bytes(deep))).toBe(30_000);
  });
});

describe('verifyJsonBody', () => {
  const req = {} as IncomingMessage;
  const res = {} as ServerResponse;
  const nested = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);

  it('lets a body of exactly the limit through and refuses one level more with a 400 that says why', () => {
    expect(() => verifyJsonBody(req, res, bytes(nested(MAX_JSON_DEPTH)), 'utf-8')).not.toThrow();
    let err: unknown;
    try {
      verifyJsonBody(req, res, bytes(nested(MAX_JSON_DEPTH + 1)), 'utf-8');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BodyRejectedError);
    expect(err).toMatchObject({ status: 400, statusCode: 400, expose: true, type: 'entity.too.deep' });
    expect((err as Error).message).toContain(`deeper than ${MAX_JSON_DEPTH} levels`);
  });

  it('refuses JSON that is not UTF-8 (415)', () => {
    expect(() => verifyJsonBody(req, res, bytes('{}'), 'utf-16le')).toThrow(
      expect.objectContaining({ status: 415, type: 'charset.unsupported' }),
    );
    expect(() => verifyJsonBody(req, res, bytes('{}'), 'utf8')).not.toThrow();
  });
});
