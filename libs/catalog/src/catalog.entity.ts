import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** The ten helps (十助). Codes are stable identifiers; names are data. */
export enum ServiceType {
  MEAL = 'MEAL',
  BATH = 'BATH',
  MEDICAL = 'MEDICAL',
  CLEAN = 'CLEAN',
  EMERGENCY = 'EMERGENCY',
  MOBILITY = 'MOBILITY',
  SHOPPING = 'SHOPPING',
  RECREATION = 'RECREATION',
  CHAT = 'CHAT',
  LEARNING = 'LEARNING',
}

export enum ServiceUnit {
  VISIT = 'VISIT',
  HOUR = 'HOUR',
  MEAL = 'MEAL',
  SESSION = 'SESSION',
  DAY = 'DAY',
}

@Entity('service_type')
export class ServiceTypeEntity {
  @PrimaryColumn({ type: 'varchar', length: 16 })
  code: ServiceType;

  @Column({ type: 'varchar', length: 32 })
  nameZh: string;

  @Column({ type: 'varchar', length: 64 })
  nameEn: string;

  @Column({ type: 'smallint' })
  sortOrder: number;
}

@Entity('service_item')
export class ServiceItemEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 40 })
  code: string;

  @Index()
  @Column({ type: 'varchar', length: 16 })
  serviceType: ServiceType;

  @Column({ type: 'varchar', length: 64 })
  nameZh: string;

  @Column({ type: 'varchar', length: 128 })
  nameEn: string;

  @Column({ type: 'varchar', length: 12 })
  unit: ServiceUnit;

  /** Standard price per unit, in fen (0.01 yuan). */
  @Column({ type: 'integer' })
  priceCents: number;

  @Column({ type: 'integer' })
  minDurationMinutes: number;

  /** Qualification code a worker must hold, e.g. "NURSE", "CAREGIVER_L3"; null when none. */
  @Column({ type: 'varchar', length: 40, nullable: true })
  requiredQualification: string | null;

  /** How fast an offer must be accepted. */
  @Column({ type: 'integer' })
  acceptSlaMinutes: number;

  /** How fast someone must be on site (EMERGENCY: 30 in one city's rule); null when not watched. */
  @Column({ type: 'integer', nullable: true })
  onsiteSlaMinutes: number | null;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @Column({ type: 'integer', default: 1 })
  version: number;
}
