import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { INT4_MAX, PageQuery } from '#lib/kernel';

export class ManualOfferDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  providerId: string;

  @ApiPropertyOptional({
    description: 'Acceptance deadline in minutes; default: the item’s acceptance SLA',
    minimum: 1,
    maximum: 1440,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1440)
  expiresInMinutes?: number;

  @ApiPropertyOptional({
    description: 'District dispatcher override: a provider of the district without a contract (audited)',
  })
  @IsOptional()
  @IsBoolean()
  override?: boolean;

  @ApiPropertyOptional({ description: 'Required with override (400 naming `reason` otherwise)', maxLength: 500 })
  @ValidateIf((o: ManualOfferDto) => o.override === true || o.reason !== undefined)
  @IsDefined({ message: 'reason is required when override is true' })
  @IsString()
  @MinLength(2)
  @MaxLength(500)
  reason?: string;

  @ApiPropertyOptional({
    description: 'The order version you read (409 when it changed)',
    minimum: 1,
    maximum: INT4_MAX,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(INT4_MAX)
  version?: number;
}

export class ReassignDto extends ManualOfferDto {
  @ApiProperty({
    description: 'Why the order is taken from its provider (recorded in the event and the audit trail)',
    maxLength: 500,
  })
  @IsString()
  @MinLength(2)
  @MaxLength(500)
  declare reason: string;
}

export class ListAlertsQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'false: resolved alerts too (default true: open only)', type: Boolean })
  @IsOptional()
  @Type(() => String)
  @IsIn(['true', 'false'])
  open?: 'true' | 'false';

  @ApiPropertyOptional({ enum: ['STATION', 'HUB', 'DISTRICT'] })
  @IsOptional()
  @IsIn(['STATION', 'HUB', 'DISTRICT'])
  level?: 'STATION' | 'HUB' | 'DISTRICT';

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  orderId?: string;
}

export class AcknowledgeAlertDto {
  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  note?: string;
}

export class ResolveAlertDto {
  @ApiProperty({ description: 'What was done', maxLength: 500 })
  @IsString()
  @MinLength(2)
  @MaxLength(500)
  resolution: string;
}

export class DispatchModeDto {
  @ApiProperty({ enum: ['AUTO', 'MANUAL'] })
  @IsIn(['AUTO', 'MANUAL'])
  mode: 'AUTO' | 'MANUAL';
}
