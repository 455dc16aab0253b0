import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';

/**
 * Limits checked on the raw request, before a body is parsed or validated (bootstrap.ts):
 * - JSON bodies: at most 64 KB (body-parser's `limit`, answered 413 PAYLOAD_TOO_LARGE) and at most
 *   MAX_JSON_DEPTH levels of nesting, counted on the raw bytes before JSON.parse (400 BODY_TOO_DEEP).
 *   The deepest DTO nests 3 levels (body → emergencyContacts[] → contact); without the limit, 30,000
 *   nested arrays (60 KB) parse fine and then overflow the stack of the validation pipe (a 500).
 * - A request that carries a body must say it is JSON (415 UNSUPPORTED_MEDIA_TYPE): otherwise the
 *   body is silently dropped and an all-optional DTO passes as {}.
 * - JSON must be UTF-8 (RFC 8259 §8.1), so the byte scan is exact.
 */
export const JSON_BODY_LIMIT = '64kb';
export const MAX_JSON_DEPTH = 32;

/** An http-errors-shaped error: Nest's Express adapter turns it into an HttpException with this status. */
export class BodyRejectedError extends Error {
  readonly expose = true;
  readonly statusCode: number;
  constructor(
    readonly status: number,
    readonly type: 'entity.too.deep' | 'charset.unsupported' | 'content-type.unsupported',
    message: string,
  ) {
    super(message);
    this.statusCode = status;
  }
}

/**
 * The deepest nesting of arrays and objects in a JSON text, scanning the raw UTF-8 bytes (brackets
 * inside strings do not count); stops as soon as `limit` is exceeded and returns limit + 1.
 */
export function jsonDepth(bytes: Uint8Array, limit = Infinity): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  let escaped = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (b === 0x5c) escaped = true;
      else if (b === 0x22) inString = false;
    } else if (b === 0x22) inString = true;
    else if (b === 0x7b || b === 0x5b) {
      depth += 1;
      if (depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (b === 0x7d || b === 0x5d) depth -= 1;
  }
  return max;
}

/** body-parser `verify` hook: runs on the raw bytes, before JSON.parse. */
export function verifyJsonBody(_req: IncomingMessage, _res: ServerResponse, buf: Buffer, encoding: string): void {
  if (encoding.toLowerCase().replace('-', '') !== 'utf8')
    throw new BodyRejectedError(415, 'charset.unsupported', 'JSON bodies must be UTF-8');
  if (jsonDepth(buf, MAX_JSON_DEPTH) > MAX_JSON_DEPTH)
    throw new BodyRejectedError(
      400,
      'entity.too.deep',
      `request body is nested deeper than ${MAX_JSON_DEPTH} levels of arrays and objects`,
    );
}

/** Refuses a body that is not JSON (it would be ignored: the handler would see no body at all). */
export function requireJsonBody(req: Request, _res: Response, next: NextFunction): void {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody || req.is(['application/json', 'application/*+json'])) return next();
  next(
    new BodyRejectedError(
      415,
      'content-type.unsupported',
      'send the request body as JSON (Content-Type: application/json)',
    ),
  );
}
