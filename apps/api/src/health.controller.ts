import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { ErrorBody, Public } from '#lib/kernel';

/** Each indicator's state (terminus's HealthIndicatorResult). */
const INDICATORS = {
  type: 'object',
  additionalProperties: {
    type: 'object',
    required: ['status'],
    properties: { status: { type: 'string', enum: ['up', 'degraded', 'down'] } },
    additionalProperties: true,
  },
  example: { database: { status: 'up' } },
};

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
  ) {}

  @Get()
  @Public()
  @HealthCheck() // its own OpenAPI decorators need require('@nestjs/swagger'), which is ESM-only: documented here
  @ApiOkResponse({
    description: 'every indicator is up',
    schema: {
      type: 'object',
      required: ['status', 'details'],
      properties: {
        status: { type: 'string', enum: ['ok'] },
        info: INDICATORS,
        error: INDICATORS,
        details: INDICATORS,
      },
    },
  })
  @ApiServiceUnavailableResponse({
    type: ErrorBody,
    description: 'an indicator is down: details holds each indicator’s state',
  })
  check() {
    return this.health.check([() => this.db.pingCheck('database', { timeout: 2000 })]);
  }
}
