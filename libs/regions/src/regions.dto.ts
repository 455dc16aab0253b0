import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsEnum,
  IsNumber,
  IsLatitude,
  IsLongitude,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
} from 'class-validator';
import { FacilityLevel, RegionLevel } from './region.entity.js';

export class RegionDto {
  @ApiProperty({ example: '150302001001', description: 'administrative division code' }) code: string;
  @ApiProperty({ enum: RegionLevel }) level: RegionLevel;
  @ApiProperty({ example: '新华东社区' }) name: string;
  @ApiProperty({ nullable: true, type: String }) nameEn: string | null;
  @ApiProperty({ nullable: true, type: String }) parentCode: string | null;
  @ApiProperty({ example: '/150300/150302/150302001/150302001001/' }) path: string;
  @ApiProperty() lat: number;
  @ApiProperty() lng: number;
}

export class RegionNodeDto extends RegionDto {
  @ApiProperty({ type: () => [RegionNodeDto] }) children: RegionNodeDto[];
}

export class RegionDetailDto extends RegionDto {
  @ApiProperty({ description: 'true for a rural village (30-minute service circle)' }) rural: boolean;
  @ApiProperty({ type: () => [RegionDto] }) children: RegionDto[];
}

export class FacilityDto {
  @ApiProperty() id: string;
  @ApiProperty() regionCode: string;
  @ApiProperty({ enum: FacilityLevel }) level: FacilityLevel;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) operatorProviderId: string | null;
  @ApiProperty({ nullable: true, type: String }) hotline: string | null;
  @ApiProperty() lat: number;
  @ApiProperty() lng: number;
}

export class ListFacilitiesQuery {
  @ApiPropertyOptional({ example: '150302', description: 'facilities of this region and everything below it' })
  @IsOptional()
  @Matches(/^\d{6,12}$/, { message: 'regionCode must be a 6 to 12 digit region code' })
  regionCode?: string;
}

export class CreateFacilityDto {
  @ApiProperty({ example: '150302001001' })
  @Matches(/^\d{6,12}$/, { message: 'regionCode must be a 6 to 12 digit region code' })
  regionCode: string;

  @ApiProperty({
    enum: FacilityLevel,
    description: 'must match the region level (district / street / community or village)',
  })
  @IsEnum(FacilityLevel)
  level: FacilityLevel;

  @ApiProperty({ example: '新华东社区居家养老服务站' })
  @IsString()
  @Length(2, 128)
  name: string;

  @ApiPropertyOptional({ description: 'provider that operates the facility' })
  @IsOptional()
  @IsUUID()
  operatorProviderId?: string;

  @ApiPropertyOptional({ example: '0473-12349' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  hotline?: string;

  @ApiPropertyOptional({ description: 'defaults to the region centre' })
  @IsOptional()
  @IsNumber()
  @IsLatitude()
  lat?: number;

  @ApiPropertyOptional({ description: 'defaults to the region centre' })
  @IsOptional()
  @IsNumber()
  @IsLongitude()
  lng?: number;
}
