import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Messages handed to the notification port. The development adapter keeps them here (nothing is
 * sent); a production SMS adapter would record delivery status on the same row.
 */
@Entity('outbound_message')
export class OutboundMessageEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  @Column({ type: 'varchar', length: 12 })
  channel: 'SMS';

  /** Recipient phone, encrypted; looked up by its keyed hash. */
  @Column({ type: 'bytea' })
  recipientEnc: Buffer;

  @Index()
  @Column({ type: 'bytea' })
  recipientHash: Buffer;

  @Column({ type: 'varchar', length: 48 })
  template: string;

  /** Template parameters, encrypted (they may hold one-time codes). */
  @Column({ type: 'bytea' })
  paramsEnc: Buffer;

  @Column({ type: 'varchar', length: 12, default: 'RECORDED' })
  status: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
