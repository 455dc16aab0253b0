import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsEnum,
  IsInt,
  IsLatitude,
  IsLongitude,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { Nullable } from '#lib/kernel';
import { ServiceType } from '#lib/catalog';
import { ProviderStatus, WorkerStatus, type WeeklyHours } from './provider.entity.js';
import { IsWeeklyHours } from './weekly-hours.js';

const WEEKLY_HOURS_DOC = {
  type: 'object',
  additionalProperties: { type: 'array', items: { type: 'string', example: '08:00-17:30' } },
  example: { '1': ['08:00-12:00', '13:30-17:30'], '6': ['09:00-12:00'] },
  description: 'ISO weekday (1 = Monday … 7 = Sunday) → "HH:MM-HH:MM" ranges, China time',
} as const;
const PHONE = /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/;
const QUALIFICATION = /^[A-Z][A-Z0-9_]{1,39}$/;
const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export class ContractDto {
  @ApiProperty() id: string;
  @ApiProperty() providerId: string;
  @ApiProperty({ enum: ServiceType, isArray: true }) serviceTypes: ServiceType[];
  @ApiProperty({ type: [String], example: ['150302001001'] }) communityCodes: string[];
  @ApiProperty({ example: '2026-01-01' }) validFrom: string;
  @ApiProperty({ example: '2026-12-31' }) validTo: string;
}

export class ProviderDto {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'unified social credit code' }) creditCode: string;
  @ApiProperty() districtCode: string;
  @ApiProperty({ nullable: true, type: String }) contactPhone: string | null;
  @ApiProperty() baseLat: number;
  @ApiProperty() baseLng: number;
  @ApiProperty(WEEKLY_HOURS_DOC) openingHours: WeeklyHours;
  @ApiProperty({ description: 'orders in progress at once' }) capacity: number;
  @ApiProperty({ enum: ProviderStatus }) status: ProviderStatus;
  @ApiProperty() createdAt: Date;
}

export class ProviderDetailDto extends ProviderDto {
  @ApiProperty({ type: [ContractDto] }) contracts: ContractDto[];
}

export class WorkerDto {
  @ApiProperty() id: string;
  @ApiProperty() providerId: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String, description: "clear only for the worker's own provider admin" }) phone:
    string | null;
  @ApiProperty({ type: [String], example: ['CAREGIVER', 'FIRST_AID'] }) qualifications: string[];
  @ApiProperty(WEEKLY_HOURS_DOC) shifts: WeeklyHours;
  @ApiProperty({ enum: WorkerStatus }) status: WorkerStatus;
  @ApiProperty() createdAt: Date;
}

export class CreateProviderDto {
  @ApiProperty({ example: '海勃湾区康乐居家养老服务中心' })
  @IsString()
  @Length(2, 128)
  name: string;

  @ApiProperty({ example: '91150302MA0000001A', description: 'unified social credit code, 18 characters' })
  @Matches(/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/, {
    message: 'creditCode must be an 18-character unified social credit code',
  })
  creditCode: string;

  @ApiProperty({ example: '150302' })
  @Matches(/^\d{6}$/, { message: 'districtCode must be a 6-digit district code' })
  districtCode: string;

  @ApiPropertyOptional({ example: '0473-3991234' })
  @IsOptional()
  @Matches(PHONE, { message: 'contactPhone must be a mobile or landline number' })
  contactPhone?: string;

  @ApiProperty({ example: 39.686 })
  @IsNumber()
  @IsLatitude()
  baseLat: number;

  @ApiProperty({ example: 106.821 })
  @IsNumber()
  @IsLongitude()
  baseLng: number;

  @ApiPropertyOptional(WEEKLY_HOURS_DOC)
  @IsOptional()
  @IsWeeklyHours()
  openingHours?: WeeklyHours;

  @ApiProperty({ example: 50 })
  @IsInt()
  @Min(1)
  @Max(100_000)
  capacity: number;
}

export class CreateContractDto {
  @ApiProperty({ enum: ServiceType, isArray: true, example: ['MEAL', 'CLEAN'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsEnum(ServiceType, { each: true })
  serviceTypes: ServiceType[];

  @ApiProperty({ type: [String], example: ['150302001001'], description: 'communities or villages' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ArrayUnique()
  @Matches(/^\d{12}$/, { each: true, message: 'communityCodes must hold 12-digit community or village codes' })
  communityCodes: string[];

  @ApiProperty({ example: '2026-01-01' })
  @Matches(ISO_DATE, { message: 'validFrom must be a date YYYY-MM-DD' })
  validFrom: string;

  @ApiProperty({ example: '2026-12-31' })
  @Matches(ISO_DATE, { message: 'validTo must be a date YYYY-MM-DD' })
  validTo: string;
}

export class CreateWorkerDto {
  @ApiProperty({ example: '王护理' })
  @IsString()
  @Length(1, 64)
  name: string;

  @ApiPropertyOptional({ example: '13912345678', description: 'stored encrypted' })
  @IsOptional()
  @Matches(PHONE, { message: 'phone must be a mobile or landline number' })
  phone?: string;

  @ApiPropertyOptional({ type: [String], example: ['CAREGIVER', 'FIRST_AID'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(QUALIFICATION, { each: true, message: 'qualifications must hold upper-case qualification codes' })
  qualifications?: string[];

  @ApiPropertyOptional(WEEKLY_HOURS_DOC)
  @IsOptional()
  @IsWeeklyHours()
  shifts?: WeeklyHours;

  @ApiPropertyOptional({ enum: WorkerStatus, default: WorkerStatus.ACTIVE })
  @IsOptional()
  @IsEnum(WorkerStatus)
  status?: WorkerStatus;
}

export class UpdateWorkerDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 64)
  name?: string;

  @ApiPropertyOptional({ nullable: true, type: String, description: 'null removes it' })
  @Nullable()
  @Matches(PHONE, { message: 'phone must be a mobile or landline number' })
  phone?: string | null;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(QUALIFICATION, { each: true, message: 'qualifications must hold upper-case qualification codes' })
  qualifications?: string[];

  @ApiPropertyOptional(WEEKLY_HOURS_DOC)
  @IsOptional()
  @IsWeeklyHours()
  shifts?: WeeklyHours;

  @ApiPropertyOptional({ enum: WorkerStatus })
  @IsOptional()
  @IsEnum(WorkerStatus)
  status?: WorkerStatus;
}
