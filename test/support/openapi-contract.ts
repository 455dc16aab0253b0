/**
 * The OpenAPI document is the contract: every response an e2e file receives is recorded on the server
 * side (so requests made with supertest, fetch or raw sockets all count) and checked, when the file
 * closes its app, against the document the app itself serves at /api/docs-json.
 *
 * The validator is openapi-backend (maintained, OpenAPI 3.0 and 3.1, Ajv underneath): it validates the
 * document itself, matches a request to its operation by path template, and validates a body against
 * the schema of the answered status. On top of it this file adds what a generated client relies on:
 *  - an answered status that the operation does not document is a mismatch;
 *  - a body where none is documented (or none where one is) is a mismatch;
 *  - object schemas are closed (a property the document does not name is a mismatch), and formats
 *    (uuid, date-time, …) are checked.
 * Failure messages name the operation, the status, the schema path and the rule broken — never a value
 * from the body, which may hold personal data.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import openapiBackend from 'openapi-backend';
import type { Document, Operation } from 'openapi-backend';

const { OpenAPIBackend } = openapiBackend;
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** One answer as the server sent it. */
export interface RecordedExchange {
  method: string;
  /** Path without the query string. */
  path: string;
  status: number;
  contentType: string | undefined;
  /** The raw body (parsed only when checked). */
  body: Buffer;
  /** Whether a route of the application handled it (an unrouted 404 is not an operation). */
  routed: boolean;
}

export interface Mismatch {
  /** `POST /orders/{id}/accept` (or the concrete path when no operation matched). */
  operation: string;
  status: number;
  problem: string;
}

/** Paths that are not part of the API (the document and its UI). */
const NOT_API = /^\/api\/docs(?:[-/]|$)/;

/** Express middleware that records every answer into `into`. Install it before the routes. */
export function recordExchanges(into: RecordedExchange[]) {
  return (req: IncomingMessage & { route?: unknown }, res: ServerResponse, next: () => void): void => {
    const path = (req.url ?? '/').split('?')[0];
    if (NOT_API.test(path)) return next();
    const chunks: Buffer[] = [];
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    const keep = (chunk: unknown, encoding: unknown) => {
      if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
      chunks.push(
        Buffer.isBuffer(chunk)
          ? chunk
          : Buffer.from(chunk as string, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'),
      );
    };
    res.write = ((chunk: unknown, encoding?: unknown, cb?: unknown) => {
      keep(chunk, encoding);
      return write(chunk, encoding, cb);
    }) as typeof res.write;
    res.end = ((chunk?: unknown, encoding?: unknown, cb?: unknown) => {
      keep(chunk, encoding);
      return end(chunk, encoding, cb);
    }) as typeof res.end;
    res.once('finish', () => {
      const type = res.getHeader('content-type');
      into.push({
        method: (req.method ?? 'GET').toUpperCase(),
        path,
        status: res.statusCode,
        contentType: typeof type === 'string' ? type : undefined,
        body: Buffer.concat(chunks),
        routed: req.route !== undefined,
      });
    });
    next();
  };
}

/**
 * The schemas as a generated client reads them, for validation only (the served document is not changed):
 *  - an object schema with named properties is closed (`additionalProperties: false`) unless it says
 *    otherwise, so an answered field the document does not describe is reported (a client would drop it);
 *  - `nullable: true` admits null for the whole schema, also around `allOf: [{$ref}]` and `enum`
 *    (how @nestjs/swagger writes a nullable reference, and how client generators read it; Ajv's
 *    OpenAPI 3.0.3 reading would refuse null there).
 */
export function asClientsReadIt<T>(node: T): T {
  if (Array.isArray(node)) return node.map((n) => asClientsReadIt(n as unknown)) as T;
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === 'example' || k === 'examples' ? v : asClientsReadIt(v);
  if (out.properties && typeof out.properties === 'object' && !('additionalProperties' in out))
    out.additionalProperties = false;
  if (out.nullable === true) {
    const { nullable: _nullable, ...rest } = out;
    return { anyOf: [rest, { type: 'null' }] } as T;
  }
  return out as T;
}

/** A validator for one document (built once per file). */
export class ContractChecker {
  private constructor(private readonly api: InstanceType<typeof OpenAPIBackend>) {}

  /** Fails if the document itself is not valid OpenAPI. */
  static async forDocument(document: unknown): Promise<ContractChecker> {
    const customizeAjv = (ajv: unknown) => addFormats(ajv as Ajv) as never;
    // The document itself must be valid OpenAPI (throws with the schema errors). Only this: a full
    // init() would also compile every request validator (seconds per e2e file, for nothing).
    const spec = new OpenAPIBackend({ definition: structuredClone(document) as Document, quick: true });
    await spec.loadDocument();
    spec.validateDefinition();
    // quick: the rewritten copy is for Ajv, not a document to validate again (`type: 'null'` is not 3.0).
    const api = new OpenAPIBackend({
      definition: asClientsReadIt(document) as Document,
      quick: true,
      strict: true,
      ajvOpts: { allErrors: true }, // every problem of an answer, not only the first
      customizeAjv,
    });
    await api.init();
    return new ContractChecker(api);
  }

  /** Every way the recorded answers disagree with the document (deduplicated, with a count). */
  check(exchanges: readonly RecordedExchange[]): Mismatch[] {
    const seen = new Map<string, Mismatch & { count: number }>();
    const add = (m: Mismatch) => {
      const key = `${m.operation}|${m.status}|${m.problem}`;
      const found = seen.get(key);
      if (found) found.count++;
      else seen.set(key, { ...m, count: 1 });
    };
    for (const x of exchanges) for (const m of this.checkOne(x)) add(m);
    return [...seen.values()].map(({ count, ...m }) => (count > 1 ? { ...m, problem: `${m.problem} (×${count})` } : m));
  }

  private checkOne(x: RecordedExchange): Mismatch[] {
    const op = this.api.router.matchOperation({ method: x.method, path: x.path, headers: {} });
    if (!op) {
      // Nest's own 404 for a path no controller serves is not an operation of the API.
      return x.routed
        ? [{ operation: `${x.method} ${x.path}`, status: x.status, problem: 'route is not in the document' }]
        : [];
    }
    const operation = `${op.method.toUpperCase()} ${op.path}`;
    const fail = (problem: string): Mismatch[] => [{ operation, status: x.status, problem }];
    const responses = (op.responses ?? {}) as Record<string, { content?: Record<string, { schema?: unknown }> }>;
    const documented = responses[String(x.status)] ?? responses[`${String(x.status)[0]}XX`] ?? responses.default;
    if (!documented)
      return fail(`status ${x.status} is not documented (documented: ${Object.keys(responses).join(', ')})`);
    const json = documented.content?.['application/json'];
    const hasBody = x.body.length > 0;
    // a download the status documents under its own media type (text/csv): a body of that type
    const media = x.contentType?.split(';')[0].trim().toLowerCase();
    if (!json && media && documented.content?.[media])
      return hasBody ? [] : fail('answered no body, the document describes one');
    if (!json) return hasBody ? fail('answered a body, the document describes none') : [];
    if (!hasBody) return fail('answered no body, the document describes one');
    if (!x.contentType?.startsWith('application/json'))
      return fail(`answered ${x.contentType ?? 'no content type'}, not JSON`);
    let body: unknown;
    try {
      body = JSON.parse(x.body.toString('utf8'));
    } catch {
      return fail('the body is not valid JSON');
    }
    if (!json.schema) return fail('the document has no schema for this body');
    const result = this.api.validator.validateResponse(body, op as Operation, x.status);
    // The null branch of a nullable schema (asClientsReadIt) failing is no news: the other branch's errors say it.
    const errors = (result.errors ?? []).filter(
      (e) => e.keyword !== 'anyOf' && !(e.keyword === 'type' && e.params.type === 'null'),
    );
    return errors.map((e) => {
      const where = e.instancePath.replace(/\/\d+(?=\/|$)/g, '/*') || '(body)'; // /items/3/x → /items/*/x
      const extra = e.keyword === 'additionalProperties' ? ` '${String(e.params.additionalProperty)}'` : '';
      // Ajv's messages name the rule ("must be string"), never the value.
      return { operation, status: x.status, problem: `${where} ${e.message ?? e.keyword}${extra}` };
    });
  }
}

/** A readable list for the failure message. */
export function formatMismatches(mismatches: readonly Mismatch[]): string {
  return mismatches.map((m) => `  ${m.operation} → ${m.status}: ${m.problem}`).join('\n');
}
