import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsDateString,
  IsEnum,
  IsIn,
  IsInt,
  IsLatitude,
  IsLongitude,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { OrderChannel, OrderPriority, OrderState } from './order.entity.js';
import { INT4_MAX, PageQuery } from '#lib/kernel';

export class CreateOrderDto {
  @ApiProperty({ description: 'The elder to serve', format: 'uuid' })
  @IsUUID()
  elderId: string;

  @ApiProperty({ description: 'Catalogue item (GET /catalog)', format: 'uuid' })
  @IsUUID()
  itemId: string;

  @ApiPropertyOptional({
    enum: [OrderChannel.APP, OrderChannel.WALK_IN, OrderChannel.HOTLINE],
    description:
      'Elders and family: APP (the default when left out). Staff: WALK_IN or HOTLINE, required. ' +
      'SOS orders come from POST /sos. A channel that does not fit the caller is a 400 naming `channel`.',
  })
  @IsOptional()
  @IsIn([OrderChannel.APP, OrderChannel.WALK_IN, OrderChannel.HOTLINE])
  channel?: OrderChannel;

  @ApiPropertyOptional({
    description: 'Units of the item (hours, meals, visits); default 1',
    minimum: 0.5,
    maximum: 24,
  })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 2 })
  @Min(0.5)
  @Max(24)
  quantity?: number;

  @ApiPropertyOptional({ description: 'Start of the requested time window (ISO 8601); omit for "as soon as possible"' })
  @IsOptional()
  @IsDateString({ strict: true })
  scheduledStart?: string;

  @ApiPropertyOptional({ description: 'End of the requested time window (ISO 8601)' })
  @IsOptional()
  @IsDateString({ strict: true })
  scheduledEnd?: string;

  @ApiPropertyOptional({
    enum: [OrderPriority.NORMAL, OrderPriority.URGENT],
    description:
      'Staff may mark an order urgent (1); elders and family may only leave it out or send 0 (400 otherwise). EMERGENCY items are always emergency',
  })
  @IsOptional()
  @IsIn([OrderPriority.NORMAL, OrderPriority.URGENT])
  priority?: OrderPriority;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

export class SosDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsNumber()
  @IsLatitude()
  lat?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsNumber()
  @IsLongitude()
  lng?: number;
}

export class AcceptOrderDto {
  @ApiProperty({ format: 'uuid', description: 'The worker assigned to the order' })
  @IsUUID()
  workerId: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(INT4_MAX)
  version?: number;
}

export class ReasonDto {
  @ApiProperty({ minLength: 2, maxLength: 500 })
  @IsString()
  @MinLength(2)
  @MaxLength(500)
  reason: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(INT4_MAX)
  version?: number;
}

export class VersionDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(INT4_MAX)
  version?: number;
}

export class LocationDto {
  @ApiProperty({ example: 39.6845 })
  @IsNumber()
  @IsLatitude()
  lat: number;

  @ApiProperty({ example: 106.8205 })
  @IsNumber()
  @IsLongitude()
  lng: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(INT4_MAX)
  version?: number;
}

export class CheckOutDto extends LocationDto {
  @ApiProperty({ description: 'SHA-256 (hex) of each evidence photo', type: [String] })
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(/^[0-9a-f]{64}$/, { each: true, message: 'each photo hash must be 64 lowercase hex characters (SHA-256)' })
  photoHashes: string[];
}

export class ConfirmOrderDto {
  @ApiPropertyOptional({
    description:
      'The 6-digit code sent to the elder/family at check-out; required while it can be used. Station staff confirm ' +
      'on the elder’s behalf without a code once it is locked (too many wrong codes) or expired, and must then leave it out.',
  })
  @IsOptional()
  @IsString()
  @Matches(/^\d{6}$/, { message: 'code must be 6 digits' })
  code?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 5 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5)
  rating?: number;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  comment?: string;
}

export class RateOrderDto {
  @ApiProperty({ minimum: 1, maximum: 5 })
  @IsInt()
  @Min(1)
  @Max(5)
  rating: number;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  comment?: string;
}

export class ListOrdersQuery extends PageQuery {
  @ApiPropertyOptional({ enum: OrderState })
  @IsOptional()
  @IsEnum(OrderState)
  state?: OrderState;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(2, 16)
  serviceType?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  elderId?: string;
}
