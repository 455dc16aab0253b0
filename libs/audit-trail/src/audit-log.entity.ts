import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Tamper-evident log of security-relevant actions. Append-only (a trigger refuses UPDATE, DELETE
 * and TRUNCATE); each row's hash covers its content and the previous row's hash.
 */
@Entity('audit_log')
export class AuditLogEntity {
  /** Gap-free sequence assigned under an advisory lock: a deleted row leaves a visible gap. */
  @PrimaryColumn({ type: 'bigint' })
  seq: string;

  @Column({ type: 'timestamptz' })
  at: Date;

  @Index()
  @Column({ type: 'uuid', nullable: true })
  actorUserId: string | null;

  @Column({ type: 'varchar', length: 24, nullable: true })
  actorRole: string | null;

  @Index()
  @Column({ type: 'varchar', length: 48 })
  action: string;

  @Column({ type: 'varchar', length: 32, nullable: true })
  objectType: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  objectId: string | null;

  /** Never personal data in clear: ids and codes only. */
  @Column({ type: 'jsonb', default: () => `'{}'` })
  details: Record<string, unknown>;

  @Column({ type: 'char', length: 64 })
  prevHash: string;

  @Column({ type: 'char', length: 64 })
  hash: string;
}
