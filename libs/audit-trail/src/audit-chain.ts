import { createHash } from 'node:crypto';

/** prev_hash of the first row of the chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** What the hash of one audit row covers (everything but the hash itself). */
export interface AuditRowContent {
  seq: string;
  at: Date | string;
  actorUserId: string | null;
  actorRole: string | null;
  action: string;
  objectType: string | null;
  objectId: string | null;
  details: Record<string, unknown>;
  prevHash: string;
}

export interface AuditRow extends AuditRowContent {
  hash: string;
}

export type ChainBreak = 'HASH_MISMATCH' | 'PREV_HASH_MISMATCH' | 'SEQ_GAP';

export interface ChainVerification {
  ok: boolean;
  /** rows checked */
  rows: number;
  firstBroken?: { seq: string; reason: ChainBreak; message: string };
}

/**
 * JSON with object keys sorted at every level, `undefined` members dropped (as JSON.stringify
 * does) — the same bytes whatever order the keys were written or jsonb returned them in.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined && typeof v !== 'function')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** sha256 (hex) over the canonical JSON of the row's content and the previous row's hash. */
export function auditRowHash(row: AuditRowContent): string {
  const content = {
    seq: String(row.seq),
    at: typeof row.at === 'string' ? new Date(row.at).toISOString() : row.at.toISOString(),
    actorUserId: row.actorUserId ?? null,
    actorRole: row.actorRole ?? null,
    action: row.action,
    objectType: row.objectType ?? null,
    objectId: row.objectId ?? null,
    details: row.details ?? {},
    prevHash: row.prevHash,
  };
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

/**
 * Incremental verifier: feed rows in seq order (in batches if the table is large). The first
 * problem found is kept; later rows are still counted.
 *  - a row whose content was edited no longer matches its hash (HASH_MISMATCH);
 *  - a deleted row leaves a gap in seq (SEQ_GAP) — the missing seq is named;
 *  - an edited row whose hash was recomputed breaks the next row's link (PREV_HASH_MISMATCH).
 * A deleted tail (the newest rows) cannot be seen from the chain alone: compare `rows` with an
 * externally kept count/hash when that matters.
 */
export class ChainVerifier {
  private expectedSeq = 1n;
  private prevHash = GENESIS_HASH;
  private count = 0;
  private broken?: ChainVerification['firstBroken'];

  add(row: AuditRow): void {
    this.count += 1;
    if (this.broken) return;
    const seq = BigInt(row.seq);
    if (seq !== this.expectedSeq) {
      const missing = this.expectedSeq;
      this.broken = {
        seq: String(missing),
        reason: 'SEQ_GAP',
        message:
          seq > missing
            ? `row ${missing} is missing (deleted?): row ${missing - 1n} is followed by row ${seq}`
            : `row ${seq} is out of order (expected ${missing})`,
      };
      return;
    }
    if (row.prevHash !== this.prevHash) {
      this.broken = {
        seq: String(seq),
        reason: 'PREV_HASH_MISMATCH',
        message: `row ${seq} does not link to the hash of row ${seq - 1n} (that row was edited and re-hashed, or replaced)`,
      };
      return;
    }
    if (auditRowHash(row) !== row.hash) {
      this.broken = {
        seq: String(seq),
        reason: 'HASH_MISMATCH',
        message: `row ${seq} was changed after it was written`,
      };
      return;
    }
    this.expectedSeq = seq + 1n;
    this.prevHash = row.hash;
  }

  result(): ChainVerification {
    return this.broken ? { ok: false, rows: this.count, firstBroken: this.broken } : { ok: true, rows: this.count };
  }
}

/** Verifies a whole chain held in memory. */
export function verifyAuditRows(rows: Iterable<AuditRow>): ChainVerification {
  const v = new ChainVerifier();
  for (const row of rows) v.add(row);
  return v.result();
}

const PII_KEYS =
  /^(phone|mobile|tel|telephone|idNumber|idCard|id_number|address|homeAddress|password|passwordHash|healthNotes|otp|oneTimeCode)$/i;
const PII_VALUES = [/(?<!\d)1[3-9]\d{9}(?!\d)/, /(?<!\d)\d{17}[\dXx](?!\d)/];

/**
 * Guards the rule "details never hold personal data in clear": refuses keys that name personal
 * data and values shaped like a mainland mobile number or ID number. Throws naming the key only.
 */
export function assertNoPersonalData(details: unknown, path = 'details'): void {
  if (details === null || details === undefined) return;
  if (typeof details === 'string') {
    if (PII_VALUES.some((re) => re.test(details)))
      throw new Error(`audit ${path} looks like a phone or ID number: record ids, not personal data`);
    return;
  }
  if (typeof details !== 'object') return;
  if (Array.isArray(details)) {
    details.forEach((v, i) => assertNoPersonalData(v, `${path}[${i}]`));
    return;
  }
  for (const [k, v] of Object.entries(details as Record<string, unknown>)) {
    if (PII_KEYS.test(k)) throw new Error(`audit ${path}.${k} would hold personal data: record ids, not personal data`);
    assertNoPersonalData(v, `${path}.${k}`);
  }
}
