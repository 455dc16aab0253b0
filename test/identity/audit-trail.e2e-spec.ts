import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { TransactionHost } from '#lib/database';
import { AuditAction, AuditTrailService, auditRowHash, verifyChain } from '#lib/audit-trail';
import { Role } from '#lib/kernel';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TEST_KEYS } from '../support/fixtures.js';

/** Runs statements as a superuser with triggers off (what an attacker with DB access could do). */
async function behindTheTriggersBack(url: string, sql: string, params: unknown[] = []): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('BEGIN');
    await c.query(`SET LOCAL session_replication_role = replica`);
    await c.query(sql, params);
    await c.query('COMMIT');
  } finally {
    await c.end();
  }
}

function runCli(databaseUrl: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, ['dist/scripts/audit-verify.js'], {
    env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: databaseUrl, ...TEST_KEYS, NODE_OPTIONS: '' },
    encoding: 'utf8',
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('audit trail (hash chain on PostgreSQL)', () => {
  let t: TestApp;
  let audit: AuditTrailService;
  const admin = () => ({ userId: t.city.users.admin.id, role: Role.PLATFORM_ADMIN });

  beforeAll(async () => {
    t = await startTestApp();
    audit = t.app.get(AuditTrailService);
  });
  afterAll(async () => t.close());

  it('20 concurrent record() calls produce a valid gap-free chain', async () => {
    const before = Number((await t.ds.query(`SELECT count(*)::int AS n FROM audit_log`))[0].n);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        audit.record({
          actor: admin(),
          action: AuditAction.USER_DISABLED,
          objectType: 'user',
          objectId: `u-${i}`,
          details: { i },
        }),
      ),
    );
    const rows: { seq: string }[] = await t.ds.query(`SELECT seq::text AS seq FROM audit_log a ORDER BY a.seq`);
    expect(rows.length).toBe(before + 20);
    expect(rows.map((r) => Number(r.seq))).toEqual(rows.map((_, i) => i + 1));
    const result = await verifyChain(t.ds);
    expect(result).toEqual({ ok: true, rows: before + 20 });
  });

  it('records inside the caller transaction (the ambient one): rolled back with it', async () => {
    const count = async () => Number((await t.ds.query(`SELECT count(*)::int AS n FROM audit_log`))[0].n);
    const txHost = t.app.get(TransactionHost);
    const before = await count();
    await expect(
      txHost.withTransaction(async () => {
        await audit.record({
          actor: admin(),
          action: AuditAction.SUBSIDY_POLICY_CHANGED,
          objectType: 'policy',
          objectId: 'p1',
        });
        throw new Error('use case failed');
      }),
    ).rejects.toThrow('use case failed');
    expect(await count()).toBe(before);
    await txHost.withTransaction(() =>
      audit.record({
        actor: admin(),
        action: AuditAction.SUBSIDY_POLICY_CHANGED,
        objectType: 'policy',
        objectId: 'p1',
      }),
    );
    expect(await count()).toBe(before + 1);
    expect((await verifyChain(t.ds)).ok).toBe(true);
  });

  it('refuses personal data in details and writes nothing', async () => {
    const before = (await t.ds.query(`SELECT count(*)::int AS n FROM audit_log`))[0].n;
    await expect(
      audit.record({ action: AuditAction.PII_VIEWED, details: { phone: t.city.elderPhone.a } }),
    ).rejects.toThrow(/personal data/);
    expect((await t.ds.query(`SELECT count(*)::int AS n FROM audit_log`))[0].n).toBe(before);
  });

  it('the database refuses a plain UPDATE, DELETE and TRUNCATE', async () => {
    const snapshot = async () => JSON.stringify(await t.ds.query(`SELECT * FROM audit_log ORDER BY seq`));
    const before = await snapshot();
    await expect(t.ds.query(`UPDATE audit_log SET object_id = 'forged' WHERE seq = 1`)).rejects.toThrow(/append-only/);
    await expect(t.ds.query(`DELETE FROM audit_log WHERE seq = 1`)).rejects.toThrow(/append-only/);
    await expect(t.ds.query(`TRUNCATE audit_log`)).rejects.toThrow(/append-only/);
    expect(await snapshot()).toBe(before);
    expect((await verifyChain(t.ds)).ok).toBe(true);
  });

  it('the CLI reports an intact chain with exit code 0', () => {
    const r = runCli(t.databaseUrl);
    expect(r.out).toContain('audit log intact');
    expect(r.status).toBe(0);
  });

  it('detects a row edited by a superuser behind the trigger, and names it (API and CLI)', async () => {
    const [orig] = await t.ds.query(`SELECT object_id FROM audit_log WHERE seq = 7`);
    await behindTheTriggersBack(t.databaseUrl, `UPDATE audit_log SET object_id = 'forged' WHERE seq = 7`);
    const result = await verifyChain(t.ds);
    expect(result.ok).toBe(false);
    expect(result.firstBroken).toMatchObject({ seq: '7', reason: 'HASH_MISMATCH' });
    const cli = runCli(t.databaseUrl);
    expect(cli.status).toBe(1);
    expect(cli.out).toMatch(/BROKEN at row 7 \(HASH_MISMATCH\)/);
    // put it back: the chain is intact again
    await behindTheTriggersBack(t.databaseUrl, `UPDATE audit_log SET object_id = $1 WHERE seq = 7`, [orig.object_id]);
    expect((await verifyChain(t.ds)).ok).toBe(true);
  });

  it('detects a row edited and re-hashed: the next row no longer links', async () => {
    const [row] = await t.ds.query(
      `SELECT seq::text AS seq, at, actor_user_id AS "actorUserId", actor_role AS "actorRole", action, object_type AS "objectType",
              object_id AS "objectId", details, prev_hash AS "prevHash" FROM audit_log WHERE seq = 9`,
    );
    const forged = { ...row, objectId: 'forged' };
    await behindTheTriggersBack(t.databaseUrl, `UPDATE audit_log SET object_id = 'forged', hash = $1 WHERE seq = 9`, [
      auditRowHash(forged),
    ]);
    const result = await verifyChain(t.ds);
    expect(result.firstBroken).toMatchObject({ seq: '10', reason: 'PREV_HASH_MISMATCH' });
  });

  it('detects a row deleted by a superuser behind the trigger, and names the missing row', async () => {
    await behindTheTriggersBack(t.databaseUrl, `DELETE FROM audit_log WHERE seq = 4`);
    const result = await verifyChain(t.ds);
    expect(result.ok).toBe(false);
    expect(result.firstBroken).toMatchObject({ seq: '4', reason: 'SEQ_GAP' });
    const cli = runCli(t.databaseUrl);
    expect(cli.status).toBe(1);
    expect(cli.out).toMatch(/BROKEN at row 4 \(SEQ_GAP\)/);
  });
});
