/**
 * The batch routes' body and answers. The answer classes are the OpenAPI schemas (the e2e contract
 * check validates every answer against them); each `implements` the view type of batch-record.ts, so
 * a field added to one and not the other fails to compile.
 */
import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { IsCalendarDate } from '#lib/kernel';
import type { BatchResult } from '../batch/batch-types.js';
import { MAX_DAYS_AHEAD } from './batch-input.js';
import {
  BATCH_STATES,
  BATCH_UNASSIGNED_REASONS,
  COMMIT_SKIP_REASONS,
  type BatchState,
  type BatchUnassignedReason,
  type BatchView,
  type CommitOffer,
  type CommitResult,
  type CommitSkip,
  type CommitSkipReason,
  type PlanView,
  type SolverFigures,
  type StoredAssignment,
  type StoredUnassigned,
} from './batch-record.js';

export class CreateBatchDto {
  @ApiProperty({
    example: '150302001',
    description:
      'the street (街道) or district (区) whose scheduled orders to plan: hub staff their street, district ' +
      'dispatchers their district or a street in it, platform admins any',
  })
  @Matches(/^\d{6,12}$/, { message: 'regionCode must be a 6 to 12 digit region code' })
  regionCode: string;

  @ApiProperty({
    example: '2026-05-05',
    description: `the local day (UTC+8) whose orders to plan: today up to ${MAX_DAYS_AHEAD} days ahead`,
  })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'date must be a date YYYY-MM-DD' })
  @IsCalendarDate()
  date: string;
}

export class BatchAssignmentDto implements StoredAssignment {
  @ApiProperty({ format: 'uuid' }) orderId: string;
  @ApiProperty({ example: 'SO202605050001' }) orderNo: string;
  @ApiProperty({ format: 'uuid' }) providerId: string;
  @ApiProperty({ format: 'uuid', description: 'the worker the plan chose (a suggestion the provider sees)' })
  workerId: string;
  @ApiProperty({ format: 'date-time', description: 'planned start of the service (travel happens before)' })
  start: string;
  @ApiProperty({ format: 'date-time', description: 'start + the visit’s duration' }) end: string;
  @ApiProperty({ description: 'from the worker’s start point to the home, minutes (0.1)' }) travelMinutes: number;
}

export class BatchUnassignedDto implements StoredUnassigned {
  @ApiProperty({ format: 'uuid' }) orderId: string;
  @ApiProperty() orderNo: string;
  @ApiProperty({
    enum: BATCH_UNASSIGNED_REASONS,
    enumName: 'BatchUnassignedReason',
    description:
      'NO_ELIGIBLE_WORKER: no worker of a contracted provider can serve it (qualification, service circle, ' +
      'shift, window, opening hours); NO_CAPACITY_LEFT: some could, but their time or their provider’s ' +
      'capacity went to other orders; WINDOW_PASSED (today only): the visit no longer fits in its window',
  })
  reason: BatchUnassignedReason;
}

export class BatchPlanDto implements PlanView {
  @ApiProperty({ type: [BatchAssignmentDto], description: 'by order id' }) assignments: BatchAssignmentDto[];
  @ApiProperty({ type: [BatchUnassignedDto], description: 'by order id' }) unassigned: BatchUnassignedDto[];
  @ApiProperty({ description: 'sum of the assignments’ travel, minutes' }) totalTravelMinutes: number;
  @ApiProperty({ description: 'total travel + 1000 min per unassigned order: what the optimiser minimises' })
  objective: number;
  @ApiProperty({ type: 'integer' }) assignedCount: number;
  @ApiProperty({ type: 'integer' }) unassignedCount: number;
}

export class OptimisedBatchPlanDto extends BatchPlanDto {
  @ApiProperty({
    enum: ['OPTIMAL', 'FEASIBLE'],
    description: 'OPTIMAL: proven optimal on the candidate graph; FEASIBLE: the solver’s time limit stopped it',
  })
  status: 'OPTIMAL' | 'FEASIBLE';
}

export class BatchModelDto implements Readonly<BatchResult['model']> {
  @ApiProperty({ type: 'integer' }) orders: number;
  @ApiProperty({ type: 'integer', description: 'active workers of active providers' }) workers: number;
  @ApiProperty({ type: 'integer', description: 'interchangeable workers form one group' }) workerGroups: number;
  @ApiProperty({ type: 'integer' }) optionsBuilt: number;
  @ApiProperty({ type: 'integer', description: 'binary variables given to HiGHS' }) variables: number;
  @ApiProperty({ type: 'integer' }) rows: number;
  @ApiProperty({ type: 'integer', description: 'independent sub-problems' }) components: number;
  @ApiProperty({ type: 'integer', description: 'components greedy did not already solve optimally' })
  solvedComponents: number;
  @ApiProperty({ type: 'integer', description: 'components where greedy’s plan was kept after a solver error' })
  solverFailures: number;
}

export class BatchSolverDto implements SolverFigures {
  @ApiProperty({ enum: ['OPTIMAL', 'FEASIBLE'] }) status: 'OPTIMAL' | 'FEASIBLE';
  @ApiProperty({ type: 'integer', description: 'planning time in the solver thread, ms (0: nothing to solve)' })
  solveMs: number;
  @ApiProperty({ type: 'integer', description: 'queueing + copying + planning as the API saw it, ms' })
  wallMs: number;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'the worker thread that planned it (never the API’s main thread); null: nothing to solve',
  })
  threadId: number | null;
  @ApiProperty({ type: BatchModelDto }) model: BatchModelDto;
}

export class BatchCountsDto {
  @ApiProperty({ type: 'integer', description: 'scheduled orders of the day waiting for dispatch in the region' })
  orders: number;
  @ApiProperty({ type: 'integer', description: 'providers contracted on the day for one of their communities' })
  providers: number;
  @ApiProperty({ type: 'integer', description: 'those providers’ workers (any status)' }) workers: number;
  @ApiProperty({ type: 'integer' }) assigned: number;
  @ApiProperty({ type: 'integer' }) unassigned: number;
}

export class BatchComparisonDto {
  @ApiProperty({ description: 'greedy’s total travel − the optimised plan’s, minutes' }) travelMinutesSaved: number;
  @ApiProperty({ type: 'integer', description: 'greedy’s unassigned orders − the optimised plan’s' })
  unassignedAvoided: number;
  @ApiProperty({ description: 'greedy’s objective − the optimised plan’s (≥ 0)' }) objectiveSaved: number;
}

export class BatchOfferDto implements CommitOffer {
  @ApiProperty({ format: 'uuid' }) orderId: string;
  @ApiProperty() orderNo: string;
  @ApiProperty({ format: 'uuid' }) providerId: string;
  @ApiProperty({ format: 'uuid' }) workerId: string;
  @ApiProperty({ format: 'date-time' }) plannedStart: string;
  @ApiProperty({ format: 'date-time', description: 'commit time + the item’s acceptance SLA' }) expiresAt: string;
}

export class BatchSkipDto implements CommitSkip {
  @ApiProperty({ format: 'uuid' }) orderId: string;
  @ApiProperty() orderNo: string;
  @ApiProperty({ example: 'CANCELLED', description: 'its state at commit time' }) state: string;
  @ApiProperty({
    enum: COMMIT_SKIP_REASONS,
    enumName: 'BatchCommitSkipReason',
    description:
      'NO_LONGER_PENDING: offered, cancelled (…) since the plan was made; PROVIDER_ALREADY_OFFERED: it came ' +
      'back to dispatch after the planned provider had it (a provider is never offered an order twice)',
  })
  reason: CommitSkipReason;
}

export class BatchCommitResultDto implements CommitResult {
  @ApiProperty({ type: [BatchOfferDto], description: 'one OPEN offer per assignment, to the planned provider' })
  offered: BatchOfferDto[];
  @ApiProperty({
    type: [BatchSkipDto],
    description: 'planned orders no longer waiting for dispatch when the plan was committed (not offered)',
  })
  skipped: BatchSkipDto[];
}

export class BatchDto implements BatchView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '150302001' }) regionCode: string;
  @ApiProperty({ example: '新华街道' }) regionName: string;
  @ApiProperty({ enum: ['STREET', 'DISTRICT'] }) regionLevel: string;
  @ApiProperty({ example: '2026-05-05', description: 'the local day planned' }) date: string;
  @ApiProperty({
    enum: BATCH_STATES,
    enumName: 'BatchState',
    description: 'DRAFT: planned, not yet committed; COMMITTED: its offers were made',
  })
  state: BatchState;
  @ApiProperty({ format: 'uuid' }) createdBy: string;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) committedAt: Date | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) committedBy: string | null;
  @ApiProperty({ type: BatchCountsDto }) counts: BatchCountsDto;
  @ApiProperty({ type: OptimisedBatchPlanDto, description: 'the optimised plan (HiGHS)' })
  plan: OptimisedBatchPlanDto;
  @ApiProperty({
    type: BatchPlanDto,
    description: 'greedy on the same input: orders in time order, each to its cheapest free option',
  })
  greedy: BatchPlanDto;
  @ApiProperty({ type: BatchComparisonDto }) comparison: BatchComparisonDto;
  @ApiProperty({ type: BatchSolverDto }) solver: BatchSolverDto;
  @ApiProperty({ type: BatchCommitResultDto, nullable: true, description: 'what the commit did; null while DRAFT' })
  result: BatchCommitResultDto | null;
}
