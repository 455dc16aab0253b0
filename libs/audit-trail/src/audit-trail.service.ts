import { Injectable } from '@nestjs/common';
import { TransactionHost } from '#lib/database';
import type { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '#lib/kernel';
import {
  assertNoPersonalData,
  auditRowHash,
  ChainVerifier,
  GENESIS_HASH,
  type AuditRow,
  type ChainVerification,
} from './audit-chain.js';

/** Key of the transaction-scoped advisory lock that serialises appends to the chain. */
export const AUDIT_CHAIN_LOCK_KEY = 7_310_452_001;

export interface AuditEntry {
  actor?: Actor | null;
  action: string;
  objectType?: string;
  objectId?: string;
  /** ids, codes and counts only — never personal data in clear (checked). */
  details?: Record<string, unknown>;
}

/**
 * Appends rows to the tamper-evident audit log. Called inside a use case's transaction (the ambient
 * one of TransactionHost), the row is written in it and exists only if the change commits; outside
 * one, it gets a short transaction of its own. The chain lock is held until that transaction ends,
 * so keep such transactions short.
 */
@Injectable()
export class AuditTrailService {
  constructor(private readonly txHost: TransactionHost) {}

  async record(entry: AuditEntry): Promise<void> {
    assertNoPersonalData(entry.details ?? {});
    await this.txHost.withTransaction(() => this.append(entry));
  }

  private async append(entry: AuditEntry): Promise<void> {
    const tx = this.txHost.tx; // the transaction opened or joined above
    await tx.query(`SELECT pg_advisory_xact_lock($1)`, [AUDIT_CHAIN_LOCK_KEY]);
    const last: { seq: string; hash: string }[] = await tx.query(
      `SELECT seq::text AS seq, hash FROM audit_log a ORDER BY a.seq DESC LIMIT 1`,
    );
    const details = JSON.parse(JSON.stringify(entry.details ?? {})) as Record<string, unknown>;
    const row = {
      seq: String(last[0] ? BigInt(last[0].seq) + 1n : 1n),
      at: new Date(),
      actorUserId: entry.actor?.userId ?? null,
      actorRole: entry.actor?.role ?? null,
      action: entry.action,
      objectType: entry.objectType ?? null,
      objectId: entry.objectId ?? null,
      details,
      prevHash: last[0]?.hash ?? GENESIS_HASH,
    };
    const hash = auditRowHash(row);
    await tx.query(
      `INSERT INTO audit_log (seq, at, actor_user_id, actor_role, action, object_type, object_id, details, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10)`,
      [
        row.seq,
        row.at,
        row.actorUserId,
        row.actorRole,
        row.action,
        row.objectType,
        row.objectId,
        JSON.stringify(details),
        row.prevHash,
        hash,
      ],
    );
  }
}

/** Walks the whole audit log in seq order (in batches) and reports the first broken row. */
export async function verifyChain(ds: DataSource | EntityManager, batchSize = 2_000): Promise<ChainVerification> {
  const verifier = new ChainVerifier();
  let after = '0';
  for (;;) {
    const rows: (Omit<AuditRow, 'at'> & { at: Date })[] = await ds.query(
      `SELECT seq::text AS seq, at, actor_user_id AS "actorUserId", actor_role AS "actorRole", action,
              object_type AS "objectType", object_id AS "objectId", details, prev_hash AS "prevHash", hash
         FROM audit_log a WHERE a.seq > $1 ORDER BY a.seq LIMIT $2`,
      [after, batchSize],
    );
    for (const r of rows) verifier.add(r);
    if (rows.length < batchSize) break;
    after = rows[rows.length - 1].seq;
  }
  return verifier.result();
}
