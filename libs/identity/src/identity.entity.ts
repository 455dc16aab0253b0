import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, ForeignKey } from 'typeorm';
import { RegionEntity } from '#lib/regions';
import { ProviderEntity, WorkerEntity } from '#lib/providers';
import { ElderEntity } from '#lib/elders';
import { Role } from '#lib/kernel';

export enum UserStatus {
  ACTIVE = 'ACTIVE',
  DISABLED = 'DISABLED',
}

@Entity('app_user')
export class UserEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'varchar', length: 64 })
  displayName: string;

  @Column({ type: 'bytea' })
  phoneEnc: Buffer;

  /** Sign-in is by phone: keyed hash of the normalised number. */
  @Index({ unique: true })
  @Column({ type: 'bytea' })
  phoneHash: Buffer;

  /** argon2id; null for elders and family who only sign in with a one-time code. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  passwordHash: string | null;

  @Column({ type: 'varchar', length: 24 })
  role: Role;

  /** Region scope (station, hub, dispatcher, auditor, platform admin). */
  @ForeignKey(() => RegionEntity)
  @Column({ type: 'varchar', length: 12, nullable: true })
  regionCode: string | null;

  @Column({ type: 'varchar', length: 80, nullable: true, collation: 'C' })
  regionPath: string | null;

  @Index()
  @ForeignKey(() => ProviderEntity)
  @Column({ type: 'uuid', nullable: true })
  providerId: string | null;

  @Index()
  @ForeignKey(() => WorkerEntity)
  @Column({ type: 'uuid', nullable: true })
  workerId: string | null;

  /** ELDER role: the elder this account is. */
  @Index()
  @ForeignKey(() => ElderEntity)
  @Column({ type: 'uuid', nullable: true })
  elderId: string | null;

  @Column({ type: 'varchar', length: 12, default: UserStatus.ACTIVE })
  status: UserStatus;

  @Column({ type: 'integer', default: 0 })
  failedLogins: number;

  @Column({ type: 'timestamptz', nullable: true })
  lockedUntil: Date | null;

  /** Bumped on password change / disable: access tokens carrying an older value are refused. */
  @Column({ type: 'integer', default: 0 })
  tokenVersion: number;

  @Column({ type: 'varchar', length: 8, default: 'zh-CN' })
  locale: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/** A family member's link to an elder, with the relation (子女, 配偶 …). */
@Entity('user_elder_link')
@Index(['userId', 'elderId'], { unique: true })
export class UserElderLinkEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @ForeignKey(() => UserEntity)
  @Column({ type: 'uuid' })
  userId: string;

  @Index()
  @ForeignKey(() => ElderEntity)
  @Column({ type: 'uuid' })
  elderId: string;

  @Column({ type: 'varchar', length: 32 })
  relation: string;
}

/** Opaque rotating refresh token (stored hashed). A reused token revokes its whole family. */
@Entity('refresh_token')
export class RefreshTokenEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Index()
  @ForeignKey(() => UserEntity)
  @Column({ type: 'uuid' })
  userId: string;

  @Index()
  @Column({ type: 'uuid' })
  familyId: string;

  @Index({ unique: true })
  @Column({ type: 'bytea' })
  tokenHash: Buffer;

  @Column({ type: 'timestamptz' })
  expiresAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  usedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/** One-time sign-in code for elders and family, sent to their phone. */
@Entity('login_code')
export class LoginCodeEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  @Index()
  @Column({ type: 'bytea' })
  phoneHash: Buffer;

  @Column({ type: 'bytea' })
  codeHash: Buffer;

  @Column({ type: 'timestamptz' })
  expiresAt: Date;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ type: 'timestamptz', nullable: true })
  usedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/** A one-key-call device / smart watch bound to one elder; authenticates with its own key. */
@Entity('sos_device')
export class SosDeviceEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Index()
  @ForeignKey(() => ElderEntity)
  @Column({ type: 'uuid' })
  elderId: string;

  @Column({ type: 'varchar', length: 64 })
  serialNumber: string;

  /** SHA-256 of the device secret (high-entropy random, so a fast hash is enough). */
  @Column({ type: 'bytea' })
  keyHash: Buffer;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @Column({ type: 'timestamptz', nullable: true })
  lastSeenAt: Date | null;
}
