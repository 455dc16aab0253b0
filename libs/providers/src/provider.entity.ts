import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, ForeignKey } from 'typeorm';
import { RegionEntity } from '#lib/regions';

export enum ProviderStatus {
  ACTIVE = 'ACTIVE',
  SUSPENDED = 'SUSPENDED',
}

/** Weekly opening hours / shifts: ISO weekday (1 = Monday … 7) → list of "HH:MM-HH:MM" ranges. */
export type WeeklyHours = Partial<Record<'1' | '2' | '3' | '4' | '5' | '6' | '7', string[]>>;

@Entity('provider')
export class ProviderEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'varchar', length: 128 })
  name: string;

  /** Unified social credit code (统一社会信用代码). */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 18 })
  creditCode: string;

  @Index()
  @ForeignKey(() => RegionEntity)
  @Column({ type: 'varchar', length: 12 })
  districtCode: string;

  @Column({ type: 'varchar', length: 40, nullable: true })
  contactPhone: string | null;

  @Column({ type: 'double precision' })
  baseLat: number;

  @Column({ type: 'double precision' })
  baseLng: number;

  @Column({ type: 'jsonb', default: () => `'{}'` })
  openingHours: WeeklyHours;

  /** Orders the provider can have in progress at once. */
  @Column({ type: 'integer' })
  capacity: number;

  @Column({ type: 'varchar', length: 12, default: ProviderStatus.ACTIVE })
  status: ProviderStatus;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/** Which service types the provider may serve in which communities, for which period. */
@Entity('provider_contract')
@Index('IDX_provider_contract_communities_gin', { synchronize: false })
export class ProviderContractEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Index()
  @ForeignKey(() => ProviderEntity)
  @Column({ type: 'uuid' })
  providerId: string;

  @Column({ type: 'varchar', array: true })
  serviceTypes: string[];

  @Index()
  @Column({ type: 'varchar', array: true })
  communityCodes: string[];

  @Column({ type: 'date' })
  validFrom: string;

  @Column({ type: 'date' })
  validTo: string;
}

export enum WorkerStatus {
  ACTIVE = 'ACTIVE',
  OFF_DUTY = 'OFF_DUTY',
  SUSPENDED = 'SUSPENDED',
  LEFT = 'LEFT',
}

@Entity('worker')
export class WorkerEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Index()
  @ForeignKey(() => ProviderEntity)
  @Column({ type: 'uuid' })
  providerId: string;

  @Column({ type: 'varchar', length: 64 })
  name: string;

  @Column({ type: 'bytea', nullable: true })
  phoneEnc: Buffer | null;

  @Column({ type: 'varchar', array: true, default: () => `'{}'` })
  qualifications: string[];

  @Column({ type: 'jsonb', default: () => `'{}'` })
  shifts: WeeklyHours;

  @Column({ type: 'varchar', length: 12, default: WorkerStatus.ACTIVE })
  status: WorkerStatus;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
