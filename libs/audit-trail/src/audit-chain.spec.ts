import { describe, expect, it } from '@jest/globals';
import {
  assertNoPersonalData,
  auditRowHash,
  canonicalJson,
  GENESIS_HASH,
  verifyAuditRows,
  type AuditRow,
} from './audit-chain.js';

function chain(n: number): AuditRow[] {
  const rows: AuditRow[] = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const content = {
      seq: String(i),
      at: new Date(Date.UTC(2026, 10, 22, 1, 0, i)),
      actorUserId: '6f1c3a52-8f57-4a39-9b0a-000000000001',
      actorRole: 'PLATFORM_ADMIN',
      action: i % 2 ? 'SIGN_IN' : 'USER_DISABLED',
      objectType: 'user',
      objectId: `u-${i}`,
      details: { n: i, nested: { b: 1, a: [1, 2] } },
      prevHash: prev,
    };
    const hash = auditRowHash(content);
    rows.push({ ...content, hash });
    prev = hash;
  }
  return rows;
}

describe('audit hash chain', () => {
  it('canonical JSON does not depend on key order and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"x":1,"y":2}]},"b":1}',
    );
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });

  it('hash covers every field, including the previous hash', () => {
    const [row] = chain(1);
    const base = auditRowHash(row);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    const variants: Partial<AuditRow>[] = [
      { seq: '2' },
      { at: new Date(Date.UTC(2026, 10, 22, 2)) },
      { actorUserId: null },
      { actorRole: 'AUDITOR' },
      { action: 'PII_VIEWED' },
      { objectType: 'elder' },
      { objectId: 'other' },
      { details: { n: 2, nested: { b: 1, a: [1, 2] } } },
      { prevHash: '1'.repeat(64) },
    ];
    for (const v of variants) expect(auditRowHash({ ...row, ...v })).not.toBe(base);
    // key order of details (jsonb reorders keys) does not matter
    expect(auditRowHash({ ...row, details: { nested: { a: [1, 2], b: 1 }, n: 1 } })).toBe(base);
    // the timestamp may come back as a string
    expect(auditRowHash({ ...row, at: (row.at as Date).toISOString() })).toBe(base);
  });

  it('accepts an intact chain and an empty one', () => {
    expect(verifyAuditRows(chain(5))).toEqual({ ok: true, rows: 5 });
    expect(verifyAuditRows([])).toEqual({ ok: true, rows: 0 });
  });

  it('names an edited row (hash mismatch)', () => {
    const rows = chain(5);
    rows[2] = { ...rows[2], objectId: 'forged' };
    const r = verifyAuditRows(rows);
    expect(r.ok).toBe(false);
    expect(r.rows).toBe(5);
    expect(r.firstBroken).toMatchObject({ seq: '3', reason: 'HASH_MISMATCH' });
  });

  it('names an edited row whose hash was recomputed (next row no longer links)', () => {
    const rows = chain(5);
    const forged = { ...rows[1], details: { n: 99 } };
    rows[1] = { ...forged, hash: auditRowHash(forged) };
    expect(verifyAuditRows(rows).firstBroken).toMatchObject({ seq: '3', reason: 'PREV_HASH_MISMATCH' });
  });

  it('names a deleted row (seq gap), also the first row', () => {
    const rows = chain(5);
    expect(verifyAuditRows([...rows.slice(0, 3), ...rows.slice(4)]).firstBroken).toMatchObject({
      seq: '4',
      reason: 'SEQ_GAP',
    });
    expect(verifyAuditRows(rows.slice(1)).firstBroken).toMatchObject({ seq: '1', reason: 'SEQ_GAP' });
  });

  it('names a deleted row whose successors were renumbered (link broken)', () => {
    const rows = chain(4);
    const renumbered = { ...rows[2], seq: '2' };
    const r = verifyAuditRows([rows[0], { ...renumbered, hash: auditRowHash(renumbered) }, rows[3]]);
    expect(r.firstBroken).toMatchObject({ seq: '2', reason: 'PREV_HASH_MISMATCH' });
  });

  it('refuses personal data in details', () => {
    expect(() => assertNoPersonalData({ phone: 'x' })).toThrow(/details\.phone/);
    expect(() => assertNoPersonalData({ note: 'call 13912345678' })).toThrow(/phone or ID number/);
    expect(() => assertNoPersonalData({ list: ['150302194503051222'] })).toThrow(/details\.list\[0\]/);
    expect(() => assertNoPersonalData({ nested: { idNumber: '1' } })).toThrow(/idNumber/);
    expect(() =>
      assertNoPersonalData({ userId: '6f1c3a52-8f57-4a39-9b0a-000000000001', attempts: 3, role: 'WORKER' }),
    ).not.toThrow();
  });
});
