import { Controller, Get, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, CurrentActor, Roles, VALIDATION_FAILED, type Actor } from '#lib/kernel';
import { CoverageQuery, CoverageReportDto } from './coverage.dto.js';
import { COVERAGE_READERS, CoverageService } from './coverage.service.js';

const ERRORS = ApiErrors({
  400:
    `${VALIDATION_FAILED}; also serviceType not a service type of the catalogue, ` +
    'date not a calendar date YYYY-MM-DD (details.fields names the field)',
  404: 'REGION_NOT_FOUND: unknown, or outside your region (existence is never leaked)',
});

@ApiTags('dispatch 调度')
@ApiBearerAuth()
@Controller('dispatch')
export class CoverageController {
  constructor(private readonly coverage: CoverageService) {}

  @Get('coverage')
  @Roles(...COVERAGE_READERS)
  @ApiOperation({
    summary: 'Service-circle coverage (15 min urban, 30 min rural) per community × service type',
    description:
      'For every community/village of the region and service type: the nearest active provider with a ' +
      'contract valid on the date, its travel time to the community centre, whether that is within the ' +
      'circle, and the share of active elders some contracted provider reaches within the circle; ' +
      'aggregated per street, district and city with the gaps, worst first.',
  })
  @ApiOkResponse({ type: CoverageReportDto })
  @ERRORS
  report(@CurrentActor() actor: Actor, @Query() query: CoverageQuery) {
    return this.coverage.report(actor, query);
  }

  @Get('coverage.csv')
  @Roles(...COVERAGE_READERS)
  @ApiOperation({
    summary: 'The same report as a spreadsheet: one row per community × service type',
    description:
      'CSV, UTF-8 with a byte order mark (Excel shows the Chinese names), CRLF, a header row of English ' +
      'column codes; Chinese names (district, street, community, service type, provider) are columns.',
  })
  @ApiOkResponse({
    description: 'an attachment (Content-Disposition) named coverage-<regionCode>-<date>[-<serviceType>].csv',
    content: { 'text/csv': { schema: { type: 'string' } } },
  })
  @ERRORS
  async csv(@CurrentActor() actor: Actor, @Query() query: CoverageQuery): Promise<StreamableFile> {
    const { fileName, body } = await this.coverage.csv(actor, query);
    return new StreamableFile(body, {
      type: 'text/csv; charset=utf-8',
      disposition: `attachment; filename="${fileName}"`,
      length: body.length,
    });
  }
}
