import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { INT4_MAX } from './validation.js';

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export function clampLimit(limit: number | undefined, max = 200): number {
  if (!limit || limit < 1) return 50;
  return Math.min(limit, max);
}

/** `?limit=&offset=` of every list route (query strings arrive as text, hence the conversion). */
export class PageQuery {
  @ApiPropertyOptional({ default: 50, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ default: 0, maximum: INT4_MAX })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(INT4_MAX)
  offset?: number;
}
