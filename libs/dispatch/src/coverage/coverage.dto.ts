/**
 * The coverage routes' query and answers. The answer classes are also the OpenAPI schemas (the e2e
 * contract check validates every answer against them); each `implements` the pure report's type, so
 * a field added to one and not the other fails to compile.
 */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { IsCalendarDate } from '#lib/kernel';
import { RegionLevel } from '#lib/regions';
import type {
  CoverageArea,
  CoverageCell,
  CoverageGap,
  CoverageRatio,
  CoverageReport,
  CoverageServiceType,
  CoverageStatus,
  ServiceTypeCoverage,
} from './coverage.js';
import { COVERAGE_STATUSES } from './coverage.js';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export class CoverageQuery {
  @ApiPropertyOptional({
    example: '150302',
    description:
      'the city, district, street, community or village to report on (default: your own region); ' +
      'one outside your region answers 404 like an unknown one',
  })
  @IsOptional()
  @Matches(/^\d{6,12}$/, { message: 'regionCode must be a 6 to 12 digit region code' })
  regionCode?: string;

  @ApiPropertyOptional({ example: 'MEAL', description: 'one service type (GET /catalog); default: all ten' })
  @IsOptional()
  @Matches(/^[A-Z][A-Z0-9_]{1,15}$/, { message: 'serviceType must be a service type code such as MEAL' })
  serviceType?: string;

  @ApiPropertyOptional({
    example: '2026-05-04',
    description: 'contracts valid on this local (UTC+8) date count; default: today in UTC+8',
  })
  @IsOptional()
  @Matches(ISO_DATE, { message: 'date must be a date YYYY-MM-DD' })
  @IsCalendarDate()
  date?: string;
}

export class CoverageRatioDto implements CoverageRatio {
  @ApiProperty({ type: 'integer' }) covered: number;
  @ApiProperty({ type: 'integer' }) total: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    minimum: 0,
    maximum: 1,
    description: 'covered ÷ total, 4 decimals; null when total is 0',
  })
  share: number | null;
}

export class CoverageServiceTypeDto implements CoverageServiceType {
  @ApiProperty({ example: 'MEAL' }) code: string;
  @ApiProperty({ example: '助餐' }) nameZh: string;
  @ApiProperty({ example: 'Meal assistance' }) nameEn: string;
}

export class ServiceCircleMinutesDto {
  @ApiProperty({ example: 15, description: 'urban communities' }) URBAN: number;
  @ApiProperty({ example: 30, description: 'rural villages' }) RURAL: number;
}

export class CoverageCellDto implements CoverageCell {
  @ApiProperty({ example: '150302001001' }) communityCode: string;
  @ApiProperty({ example: '新华东社区' }) communityName: string;
  @ApiProperty({ enum: [RegionLevel.COMMUNITY, RegionLevel.VILLAGE] }) level: string;
  @ApiProperty({ enum: ['URBAN', 'RURAL'] }) areaType: 'URBAN' | 'RURAL';
  @ApiProperty({ type: String, nullable: true, example: '150302001' }) streetCode: string | null;
  @ApiProperty({ type: String, nullable: true, example: '150302' }) districtCode: string | null;
  @ApiProperty({ example: 'MEAL' }) serviceType: string;
  @ApiProperty({ description: 'the service circle of the area type, minutes' }) limitMinutes: number;
  @ApiProperty({
    enum: COVERAGE_STATUSES,
    enumName: 'CoverageStatus',
    description:
      'COVERED: the nearest contracted active provider reaches the community centre within the circle; ' +
      'OUTSIDE_CIRCLE: it does not; NO_PROVIDER: no active provider holds a contract valid on the date',
  })
  status: CoverageStatus;
  @ApiProperty() withinCircle: boolean;
  @ApiProperty({ type: 'integer', description: 'active providers contracted for this community and type' })
  contractedProviders: number;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) nearestProviderId: string | null;
  @ApiProperty({ type: String, nullable: true }) nearestProviderName: string | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'from the nearest provider’s base to the community centre, 0.1 min; null without a provider',
  })
  travelMinutes: number | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'straight line, metres' })
  distanceMeters: number | null;
  @ApiProperty({
    type: CoverageRatioDto,
    description: 'active elders whose home some contracted active provider reaches within the circle',
  })
  elders: CoverageRatioDto;
}

export class CoverageGapDto implements CoverageGap {
  @ApiProperty() communityCode: string;
  @ApiProperty() communityName: string;
  @ApiProperty() serviceType: string;
  @ApiProperty({ enum: ['OUTSIDE_CIRCLE', 'NO_PROVIDER'] }) status: 'OUTSIDE_CIRCLE' | 'NO_PROVIDER';
  @ApiProperty() limitMinutes: number;
  @ApiProperty({ type: Number, nullable: true, description: 'null: no provider at all' })
  travelMinutes: number | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) nearestProviderId: string | null;
  @ApiProperty({ type: 'integer' }) eldersUncovered: number;
  @ApiProperty({ type: 'integer' }) eldersTotal: number;
}

export class ServiceTypeCoverageDto implements ServiceTypeCoverage {
  @ApiProperty() serviceType: string;
  @ApiProperty({ type: CoverageRatioDto, description: 'communities within the circle for this type' })
  cells: CoverageRatioDto;
  @ApiProperty({ type: CoverageRatioDto, description: 'active elders covered for this type' })
  elders: CoverageRatioDto;
}

export class CoverageAreaDto implements CoverageArea {
  @ApiProperty({ example: '150302' }) code: string;
  @ApiProperty({ enum: RegionLevel }) level: string;
  @ApiProperty({ example: '海勃湾区' }) name: string;
  @ApiProperty({ type: 'integer', description: 'communities and villages in the area' }) communities: number;
  @ApiProperty({ type: 'integer', description: 'active elders in the area' }) elders: number;
  @ApiProperty({ type: CoverageRatioDto, description: 'community × service-type cells within the circle' })
  cells: CoverageRatioDto;
  @ApiProperty({
    type: CoverageRatioDto,
    description: 'active elder × service-type pairs covered (with one service type: elders covered)',
  })
  elderServices: CoverageRatioDto;
  @ApiProperty({ type: [ServiceTypeCoverageDto] }) byServiceType: ServiceTypeCoverageDto[];
  @ApiProperty({
    type: [CoverageGapDto],
    description:
      'cells outside the circle or without a provider, worst first: no provider, then the larger ' +
      'overshoot (travel ÷ limit), then more elders uncovered',
  })
  gaps: CoverageGapDto[];
}

export class CoverageReportDto implements CoverageReport {
  @ApiProperty({ example: '150302' }) regionCode: string;
  @ApiProperty({ example: '海勃湾区' }) regionName: string;
  @ApiProperty({ enum: RegionLevel }) regionLevel: string;
  @ApiProperty({ example: '2026-05-04', description: 'contracts valid on this local date' }) date: string;
  @ApiProperty({ type: [CoverageServiceTypeDto], description: 'the service types reported, in catalogue order' })
  serviceTypes: CoverageServiceTypeDto[];
  @ApiProperty({ type: ServiceCircleMinutesDto }) serviceCircleMinutes: ServiceCircleMinutesDto;
  @ApiProperty({
    type: [CoverageAreaDto],
    description: 'the requested region first, then every street, district and city under it in tree order',
  })
  areas: CoverageAreaDto[];
  @ApiProperty({
    type: [CoverageCellDto],
    description: 'one row per community/village × service type, in tree and catalogue order',
  })
  cells: CoverageCellDto[];
}
