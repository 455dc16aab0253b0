import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, CurrentActor, Roles, VALIDATION_FAILED, type Actor } from '#lib/kernel';
import { BatchDto, CreateBatchDto } from './batch-api.dto.js';
import { batchNotFound } from './batch-api.errors.js';
import { BATCH_PLANNERS, BatchService } from './batch.service.js';

/** A malformed id cannot name a batch: 404 like any unknown id. */
const Id = () => new ParseUUIDPipe({ exceptionFactory: () => batchNotFound() });
const NOT_FOUND = 'BATCH_NOT_FOUND: unknown, malformed or outside your region (existence is never leaked)';
const SOLVER =
  'SOLVER_BUSY: other plans are being solved, retry (Retry-After); SOLVER_FAILED: the solver thread failed';

@ApiTags('dispatch 调度')
@ApiBearerAuth()
@Controller('dispatch/batches')
export class BatchController {
  constructor(private readonly batches: BatchService) {}

  @Post()
  @Roles(...BATCH_PLANNERS)
  @ApiOperation({
    summary: 'Plan a day’s scheduled orders of a street or district as one assignment problem (DRAFT)',
    description:
      'Every PENDING_DISPATCH order of the region scheduled on the local day, over the workers of the providers ' +
      'contracted for their communities on that day, with windows, shifts, opening hours, qualifications, ' +
      'provider capacities and existing commitments: the optimised plan (HiGHS, in a worker thread), its total ' +
      'travel and unassigned orders, and greedy’s on the same input. Nothing is offered until POST …/commit.',
  })
  @ApiCreatedResponse({ type: BatchDto, description: 'the stored draft' })
  @ApiErrors({
    400:
      `${VALIDATION_FAILED}; also date in the past or more than 14 days ahead (details.fields names date); ` +
      'REGION_NOT_PLANNABLE: the region is not a street or a district; BATCH_TOO_LARGE: more than 1,000 orders',
    404: 'REGION_NOT_FOUND: regionCode unknown, or outside your region (the same answer for both)',
    503: SOLVER,
  })
  plan(@CurrentActor() actor: Actor, @Body() dto: CreateBatchDto) {
    return this.batches.plan(actor, dto);
  }

  @Get(':id')
  @Roles(...BATCH_PLANNERS)
  @ApiOperation({ summary: 'A stored batch: its plans and, once committed, what the commit did' })
  @ApiOkResponse({ type: BatchDto })
  @ApiErrors({ 404: NOT_FOUND })
  get(@CurrentActor() actor: Actor, @Param('id', Id()) id: string) {
    return this.batches.get(actor, id);
  }

  @Post(':id/commit')
  @HttpCode(200)
  @Roles(...BATCH_PLANNERS)
  @ApiOperation({
    summary: 'Commit a draft: one offer per assignment, in one transaction',
    description:
      'Offers each planned order to its provider with the planned worker and start (the provider still ' +
      'accepts and names the worker); the deadline is now + the item’s acceptance SLA. Orders no longer ' +
      'waiting for dispatch are skipped and reported. The rest of the plan is checked against the current ' +
      'workers, providers and commitments first; if it no longer holds nothing is offered.',
  })
  @ApiOkResponse({ type: BatchDto, description: 'the batch, COMMITTED, with `result`' })
  @ApiErrors({
    404: NOT_FOUND,
    409:
      'BATCH_NOT_DRAFT: already committed; BATCH_PLAN_STALE: a worker, provider or commitment changed so the ' +
      'plan no longer holds (details.problems): plan again; PROVIDER_NOT_AVAILABLE: a provider was suspended',
  })
  commit(@CurrentActor() actor: Actor, @Param('id', Id()) id: string) {
    return this.batches.commit(actor, id);
  }
}
