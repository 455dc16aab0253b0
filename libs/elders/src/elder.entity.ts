import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn, ForeignKey } from 'typeorm';
import { RegionEntity } from '#lib/regions';

export enum LivingSituation {
  ALONE = 'ALONE', // 独居
  EMPTY_NEST = 'EMPTY_NEST', // 空巢
  LEFT_BEHIND = 'LEFT_BEHIND', // 留守
  WITH_FAMILY = 'WITH_FAMILY',
}

/** Special-difficulty categories for government-purchased home care (DOMAIN.md "Subsidies"). */
export enum DifficultyCategory {
  EXTREME_POVERTY = 'EXTREME_POVERTY', // 特困人员
  MINIMUM_LIVING = 'MINIMUM_LIVING', // 最低生活保障家庭 (低保)
  ADVANCED_AGE = 'ADVANCED_AGE', // 高龄
  DISABLED_CARE = 'DISABLED_CARE', // 失能
  DISABILITY = 'DISABILITY', // 伤残
  FAMILY_PLANNING_SPECIAL = 'FAMILY_PLANNING_SPECIAL', // 计划生育特殊家庭
  ENTITLED_GROUP = 'ENTITLED_GROUP', // 重点优抚对象
  MODEL_WORKER = 'MODEL_WORKER', // economically struggling 市级以上劳动模范
}

/** GB/T 42195-2022 ability levels: 0 能力完好 … 4 完全失能. */
export enum AbilityLevel {
  INTACT = 0,
  MILD = 1,
  MODERATE = 2,
  SEVERE = 3,
  TOTAL = 4,
}

export enum ElderStatus {
  ACTIVE = 'ACTIVE',
  DECEASED = 'DECEASED',
  MOVED_AWAY = 'MOVED_AWAY',
}

@Entity('elder')
export class ElderEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'varchar', length: 64 })
  name: string;

  @Column({ type: 'varchar', length: 1 })
  gender: 'M' | 'F';

  @Column({ type: 'date' })
  birthDate: string;

  /** ID number (身份证号), AES-256-GCM. */
  @Column({ type: 'bytea' })
  idNumberEnc: Buffer;

  /** Keyed hash of the normalised ID number, to find an elder by ID without decrypting. */
  @Index({ unique: true })
  @Column({ type: 'bytea' })
  idNumberHash: Buffer;

  @Column({ type: 'bytea', nullable: true })
  phoneEnc: Buffer | null;

  @Index()
  @Column({ type: 'bytea', nullable: true })
  phoneHash: Buffer | null;

  @Column({ type: 'bytea' })
  addressEnc: Buffer;

  @Index()
  @ForeignKey(() => RegionEntity)
  @Column({ type: 'varchar', length: 12 })
  communityCode: string;

  @Index()
  @Column({ type: 'varchar', length: 80, collation: 'C' })
  regionPath: string;

  @Column({ type: 'double precision' })
  homeLat: number;

  @Column({ type: 'double precision' })
  homeLng: number;

  @Column({ type: 'varchar', length: 12 })
  livingSituation: LivingSituation;

  @Column({ type: 'varchar', array: true, default: () => `'{}'` })
  categories: DifficultyCategory[];

  @Column({ type: 'smallint', default: 0 })
  abilityLevel: AbilityLevel;

  /** Free-text health notes (sensitive under PIPL), encrypted. */
  @Column({ type: 'bytea', nullable: true })
  healthNotesEnc: Buffer | null;

  @Column({ type: 'varchar', length: 12, default: ElderStatus.ACTIVE })
  status: ElderStatus;

  @Column({ type: 'date', nullable: true })
  deceasedOn: string | null;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

@Entity('emergency_contact')
export class EmergencyContactEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Index()
  @ForeignKey(() => ElderEntity)
  @Column({ type: 'uuid' })
  elderId: string;

  @Column({ type: 'varchar', length: 64 })
  name: string;

  @Column({ type: 'varchar', length: 32 })
  relation: string;

  @Column({ type: 'bytea' })
  phoneEnc: Buffer;

  @Column({ type: 'smallint', default: 1 })
  priority: number;
}
