import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageOf } from '#lib/kernel';

const ANY_OBJECT = { type: 'object', additionalProperties: true } as const;

export class OfferLineView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) orderId: string;
  @ApiProperty({ format: 'uuid' }) providerId: string;
  @ApiProperty({ type: 'integer', description: 'the dispatch round (1 = first offer)' }) round: number;
  @ApiProperty({ enum: ['OPEN', 'ACCEPTED', 'REJECTED', 'EXPIRED', 'WITHDRAWN'] }) state: string;
  @ApiProperty({ format: 'date-time' }) expiresAt: Date;
  @ApiProperty({ description: 'a person chose (else the dispatch engine)' }) manual: boolean;
  @ApiProperty({ description: 'who offered (user id; for a provider only STAFF or DISPATCH_ENGINE)' })
  offeredBy: string;
  @ApiProperty() offeredByRole: string;
  @ApiProperty({ type: String, nullable: true }) reason: string | null;
  @ApiProperty({
    ...ANY_OBJECT,
    nullable: true,
    description:
      'why: every candidate with each factor (raw, normalised, weight, contribution), the score and rank, and the ' +
      'providers filtered out with their reasons; a provider sees only its own line',
  })
  explanation: unknown;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) plannedWorkerId: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) plannedStart: Date | null;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) decidedAt: Date | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) decidedBy: string | null;
  @ApiProperty({ type: String, nullable: true }) decisionReason: string | null;
}

export class AlertHistoryView {
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ enum: ['RAISED', 'ESCALATED', 'ACKNOWLEDGED', 'RESOLVED'] }) event: string;
  @ApiProperty({ enum: ['STATION', 'HUB', 'DISTRICT'] }) level: string;
  @ApiProperty({ description: 'user id, or DISPATCH_ENGINE' }) by: string;
  @ApiPropertyOptional() note?: string;
}

export class AlertView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) orderId: string;
  @ApiProperty({ enum: ['NO_CANDIDATE', 'ACCEPT_SLA_BREACHED', 'ONSITE_SLA_BREACHED', 'EMERGENCY'] }) reason: string;
  @ApiProperty({
    enum: ['STATION', 'HUB', 'DISTRICT'],
    description: 'the level that must act now (every level above sees it too)',
  })
  level: string;
  @ApiProperty() emergency: boolean;
  @ApiProperty() regionPath: string;
  @ApiProperty({ format: 'date-time' }) raisedAt: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) escalatedAt: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) acknowledgedAt: Date | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) acknowledgedBy: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) resolvedAt: Date | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) resolvedBy: string | null;
  @ApiProperty({ type: String, nullable: true }) resolution: string | null;
  @ApiProperty({ ...ANY_OBJECT, nullable: true, description: 'the decision that found nobody (NO_CANDIDATE)' })
  explanation: unknown;
  @ApiProperty({ type: [AlertHistoryView] }) history: AlertHistoryView[];
}

export class AlertPage extends PageOf(AlertView, 'AlertPage') {}

export class DispatchRecordView {
  @ApiProperty({ format: 'uuid' }) orderId: string;
  @ApiProperty() state: string;
  @ApiProperty({ enum: ['AUTO', 'MANUAL'], description: 'the district’s dispatch mode' }) mode: string;
  @ApiProperty({ type: [OfferLineView] }) offers: OfferLineView[];
  @ApiProperty({ type: [AlertView], description: 'empty for a provider' }) alerts: AlertView[];
}

export class WorkerSuggestionView {
  @ApiProperty({ enum: [1] }) version: 1;
  @ApiProperty({ format: 'uuid' }) orderId: string;
  @ApiProperty({ format: 'date-time' }) computedAt: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'the best worker, or null' })
  suggestedWorkerId: string | null;
  @ApiProperty({
    type: 'array',
    items: ANY_OBJECT,
    description: 'available workers, best first, each factor explained',
  })
  ranked: unknown[];
  @ApiProperty({ type: 'array', items: ANY_OBJECT, description: 'workers who cannot take it, with reasons' })
  filteredOut: unknown[];
}

export class DispatchModeView {
  @ApiProperty() districtCode: string;
  @ApiProperty({ enum: ['AUTO', 'MANUAL'] }) mode: string;
}
