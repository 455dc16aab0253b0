import { Column, Entity, Index, PrimaryColumn, ForeignKey } from 'typeorm';

/** CITY → DISTRICT (dispatch centre) → STREET (street/town hub) → COMMUNITY (urban) | VILLAGE (rural station). */
export enum RegionLevel {
  CITY = 'CITY',
  DISTRICT = 'DISTRICT',
  STREET = 'STREET',
  COMMUNITY = 'COMMUNITY',
  VILLAGE = 'VILLAGE',
}

@Entity('region')
export class RegionEntity {
  /** Administrative division code (6 digits city/district, 9 street, 12 community/village). */
  @PrimaryColumn({ type: 'varchar', length: 12 })
  code: string;

  @Column({ type: 'varchar', length: 12 })
  level: RegionLevel;

  @Column({ type: 'varchar', length: 64 })
  name: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  nameEn: string | null;

  @Index()
  @ForeignKey(() => RegionEntity)
  @Column({ type: 'varchar', length: 12, nullable: true })
  parentCode: string | null;

  /** Materialised path of codes, e.g. "/150300/150302/150302001/"; "C" collation so LIKE 'prefix%' uses the index. */
  @Column({ type: 'varchar', length: 80, collation: 'C', unique: true })
  path: string;

  @Column({ type: 'double precision' })
  lat: number;

  @Column({ type: 'double precision' })
  lng: number;
}

export enum FacilityLevel {
  DISTRICT_CENTRE = 'DISTRICT_CENTRE',
  STREET_HUB = 'STREET_HUB',
  COMMUNITY_STATION = 'COMMUNITY_STATION',
}

/** A service platform of the "3 levels"; a provider may operate it. */
@Entity('facility')
export class FacilityEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Index()
  @ForeignKey(() => RegionEntity)
  @Column({ type: 'varchar', length: 12 })
  regionCode: string;

  @Column({ type: 'varchar', length: 20 })
  level: FacilityLevel;

  @Column({ type: 'varchar', length: 128 })
  name: string;

  @Column({ type: 'uuid', nullable: true })
  operatorProviderId: string | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  hotline: string | null;

  @Column({ type: 'double precision' })
  lat: number;

  @Column({ type: 'double precision' })
  lng: number;
}
