/**
 * What the order routes answer. These classes are both the TypeScript types the service returns
 * (`OrderView`, …) and the OpenAPI schemas of the answers, so the two cannot drift apart; the e2e
 * contract check validates every answer the tests receive against them.
 */
import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '#lib/kernel';
import { OrderChannel, OrderPriority, OrderState } from './order.entity.js';
import { OrderAction } from './order-state-machine.js';

export class OrderItemView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: 'item name at the time of ordering' }) nameZh: string;
  @ApiProperty({ example: 'HOUR' }) unit: string;
  @ApiProperty({ type: 'integer' }) unitPriceCents: number;
  @ApiProperty() quantity: number;
  @ApiProperty({ type: 'integer' }) totalCents: number;
  @ApiProperty({ type: 'integer' }) minDurationMinutes: number;
}

export class OrderElderView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, nullable: true, description: 'masked for those who do not serve or care for the elder' })
  name: string | null;
}

/** Check-in or check-out evidence. */
export class OrderVisitView {
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty() lat: number;
  @ApiProperty() lng: number;
  @ApiProperty({ description: 'metres from the elder’s home' }) distanceM: number;
}

export class OrderView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'SO20261122-8F3A2C' }) orderNo: string;
  @ApiProperty({ enum: OrderState, enumName: 'OrderState' }) state: OrderState;
  @ApiProperty({ type: 'integer', description: 'send it back with a transition to detect concurrent changes' })
  version: number;
  @ApiProperty({ enum: OrderChannel, enumName: 'OrderChannel' }) channel: OrderChannel;
  @ApiProperty({
    type: 'integer',
    enum: [OrderPriority.NORMAL, OrderPriority.URGENT, OrderPriority.EMERGENCY],
    description: '0 normal, 1 urgent, 2 emergency (higher first)',
  })
  priority: number;
  @ApiProperty({ example: 'HOUSEKEEPING' }) serviceType: string;
  @ApiProperty({ type: OrderItemView }) item: OrderItemView;
  @ApiProperty({ type: OrderElderView }) elder: OrderElderView;
  @ApiProperty() communityCode: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'full service address for those who serve or care for the elder; masked otherwise',
  })
  address: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) scheduledStart: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) scheduledEnd: string | null;
  @ApiProperty({ type: String, nullable: true }) note: string | null;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'the provider holding the order: the one it was accepted by, or the only one it is offered to',
  })
  providerId: string | null;
  @ApiProperty({
    type: [String],
    format: 'uuid',
    description: 'providers holding an open offer (several at once for an emergency); empty unless OFFERED',
  })
  offeredTo: string[];
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) offerExpiresAt: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) workerId: string | null;
  @ApiProperty({ type: OrderVisitView, nullable: true }) checkIn: OrderVisitView | null;
  @ApiProperty({ type: OrderVisitView, nullable: true }) checkOut: OrderVisitView | null;
  @ApiProperty({ type: [String], description: 'SHA-256 (hex) of the evidence photos' }) photoHashes: string[];
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) confirmedAt: string | null;
  @ApiProperty({ type: 'integer', nullable: true, minimum: 1, maximum: 5 }) rating: number | null;
  @ApiProperty({ type: String, nullable: true }) ratingComment: string | null;
  @ApiProperty({ type: String, nullable: true }) closeReason: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty({
    enum: OrderAction,
    enumName: 'OrderAction',
    isArray: true,
    description: 'what you may do next (for the consoles’ buttons)',
  })
  allowedActions: OrderAction[];
}

export class OrderPage extends PageOf(OrderView, 'OrderPage') {}

export class OrderEventView {
  @ApiProperty({ description: 'increasing over all orders (the real-time cursor)' }) id: string;
  @ApiProperty({ type: 'integer', description: 'the order’s version after this event' }) seq: number;
  @ApiProperty({ example: 'CREATED' }) type: string;
  @ApiProperty({ type: String, enum: OrderState, enumName: 'OrderState', nullable: true }) fromState: string | null;
  @ApiProperty({ enum: OrderState, enumName: 'OrderState' }) toState: string;
  @ApiProperty({ format: 'uuid' }) actorUserId: string;
  @ApiProperty() actorRole: string;
  @ApiProperty({ type: Number, nullable: true }) lat: number | null;
  @ApiProperty({ type: Number, nullable: true }) lng: number | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'what the transition recorded' })
  payload: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) at: string;
}

/** What an SOS device gets back: enough to show "help is on the way". */
export class SosReceipt {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() orderNo: string;
  @ApiProperty({ enum: OrderState, enumName: 'OrderState' }) state: OrderState;
}
