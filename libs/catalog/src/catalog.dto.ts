import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEnum, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { INT4_MAX, Nullable } from '#lib/kernel';
import { ServiceType, ServiceUnit } from './catalog.entity.js';

const QUALIFICATION = /^[A-Z][A-Z0-9_]{1,39}$/;

export class CatalogItemDto {
  @ApiProperty() id: string;
  @ApiProperty({ example: 'MEAL_DELIVERY' }) code: string;
  @ApiProperty({ enum: ServiceType }) serviceType: ServiceType;
  @ApiProperty({ example: '送餐上门' }) nameZh: string;
  @ApiProperty({ example: 'Home-delivered meal' }) nameEn: string;
  @ApiProperty({ enum: ServiceUnit }) unit: ServiceUnit;
  @ApiProperty({ description: 'standard price per unit in fen (0.01 yuan)', example: 1500 }) priceCents: number;
  @ApiProperty() minDurationMinutes: number;
  @ApiProperty({ nullable: true, type: String, example: 'CAREGIVER' }) requiredQualification: string | null;
  @ApiProperty({ description: 'minutes within which an offer must be accepted' }) acceptSlaMinutes: number;
  @ApiProperty({ nullable: true, type: Number, description: 'minutes within which someone must be on site' })
  onsiteSlaMinutes: number | null;
  @ApiProperty() active: boolean;
  @ApiProperty({ description: 'send it back with a change (optimistic concurrency)' }) version: number;
}

export class ServiceTypeDto {
  @ApiProperty({ enum: ServiceType }) code: ServiceType;
  @ApiProperty({ example: '助餐' }) nameZh: string;
  @ApiProperty({ example: 'Meals' }) nameEn: string;
  @ApiProperty({ type: [CatalogItemDto] }) items: CatalogItemDto[];
}

export class CatalogueQuery {
  @ApiPropertyOptional({ description: 'platform admin only: also list inactive items' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  includeInactive?: boolean;
}

export class CreateCatalogItemDto {
  @ApiProperty({ example: 'FOOT_CARE', description: 'stable code, upper case' })
  @Matches(/^[A-Z][A-Z0-9_]{1,39}$/, { message: 'code must be 2-40 upper-case letters, digits or _' })
  code: string;

  @ApiProperty({ enum: ServiceType })
  @IsEnum(ServiceType)
  serviceType: ServiceType;

  @ApiProperty({ example: '足部护理' })
  @IsString()
  @Length(1, 64)
  nameZh: string;

  @ApiProperty({ example: 'Foot care' })
  @IsString()
  @Length(1, 128)
  nameEn: string;

  @ApiProperty({ enum: ServiceUnit })
  @IsEnum(ServiceUnit)
  unit: ServiceUnit;

  @ApiProperty({ description: 'fen (0.01 yuan)', example: 3000 })
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  priceCents: number;

  @ApiProperty({ example: 30 })
  @IsInt()
  @Min(0)
  @Max(24 * 60)
  minDurationMinutes: number;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example: 'CAREGIVER',
    description: 'null: no qualification needed',
  })
  @Nullable()
  @Matches(QUALIFICATION, { message: 'requiredQualification must be an upper-case qualification code' })
  requiredQualification?: string | null;

  @ApiProperty({ example: 60 })
  @IsInt()
  @Min(1)
  @Max(7 * 24 * 60)
  acceptSlaMinutes: number;

  @ApiPropertyOptional({ nullable: true, type: Number, example: 30, description: 'null: on-site time not watched' })
  @Nullable()
  @IsInt()
  @Min(1)
  @Max(7 * 24 * 60)
  onsiteSlaMinutes?: number | null;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class UpdateCatalogItemDto {
  @ApiProperty({ description: 'the version you read; a newer one on the server answers 409' })
  @IsInt()
  @Min(1)
  @Max(INT4_MAX)
  version: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 64)
  nameZh?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 128)
  nameEn?: string;

  @ApiPropertyOptional({ description: 'fen (0.01 yuan)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  priceCents?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(24 * 60)
  minDurationMinutes?: number;

  @ApiPropertyOptional({ nullable: true, type: String, description: 'null: no qualification needed' })
  @Nullable()
  @Matches(QUALIFICATION, { message: 'requiredQualification must be an upper-case qualification code or null' })
  requiredQualification?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(7 * 24 * 60)
  acceptSlaMinutes?: number;

  @ApiPropertyOptional({ nullable: true, type: Number, description: 'null: on-site time not watched' })
  @Nullable()
  @IsInt()
  @Min(1)
  @Max(7 * 24 * 60)
  onsiteSlaMinutes?: number | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}
