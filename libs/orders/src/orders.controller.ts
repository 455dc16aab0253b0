import {
  applyDecorators,
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiErrors, Role, VALIDATION_FAILED, type Actor, type ErrorStatus } from '#lib/kernel';
import { Access, CurrentActor, Roles } from '#lib/kernel';
import { OrdersService } from './orders.service.js';
import {
  AcceptOrderDto,
  CheckOutDto,
  ConfirmOrderDto,
  CreateOrderDto,
  ListOrdersQuery,
  LocationDto,
  RateOrderDto,
  ReasonDto,
  SosDto,
  VersionDto,
} from './orders.dto.js';
import { OrderError, OrderErrorCode } from './orders.errors.js';
import { OrderEventView, OrderPage, OrderView, SosReceipt } from './orders.views.js';

const REQUESTERS = [
  Role.ELDER,
  Role.FAMILY,
  Role.STATION_STAFF,
  Role.HUB_STAFF,
  Role.DISTRICT_DISPATCHER,
  Role.PLATFORM_ADMIN,
];
const VIEWERS = [...REQUESTERS, Role.PROVIDER_ADMIN, Role.WORKER, Role.AUDITOR];
/** A malformed id cannot name an order: answer 404 like any unknown id. */
const Id = () =>
  new ParseUUIDPipe({ exceptionFactory: () => new OrderError(OrderErrorCode.ORDER_NOT_FOUND, 'order not found') });

function idempotencyKey(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (!/^[A-Za-z0-9_.:-]{8,80}$/.test(raw))
    throw new OrderError(
      OrderErrorCode.INVALID_IDEMPOTENCY_KEY,
      'Idempotency-Key must be 8–80 letters, digits or _.:-',
      {
        field: 'Idempotency-Key',
      },
    );
  return raw;
}

const NOT_FOUND = 'ORDER_NOT_FOUND: unknown, malformed or outside your scope (existence is never leaked)';
const IDEMPOTENCY = {
  name: 'Idempotency-Key',
  required: false,
  description: '8–80 characters; a retry with the same key and body returns the same order (200)',
};
const REPLAYED = {
  'Idempotent-Replayed': {
    description: '`true` when this answer replays an earlier request',
    schema: { type: 'string' },
  },
};

/**
 * What every transition answers: 200 with the order as it now is, or why not. `errors` adds the
 * action's own refusals (their descriptions join the common ones of the same status).
 */
function Transition(errors: Partial<Record<ErrorStatus, string>> = {}) {
  return applyDecorators(
    HttpCode(200),
    ApiOkResponse({ type: OrderView, description: 'the order after the transition' }),
    ApiErrors({
      400: VALIDATION_FAILED,
      403: 'NOT_ALLOWED: you may see this order but not do this to it',
      404: NOT_FOUND,
      409:
        'ILLEGAL_TRANSITION: not possible in the order’s state (details.state, details.action); ' +
        'VERSION_CONFLICT: the order changed since the version you sent, or at the same time',
    }),
    ApiErrors(errors),
  );
}

@ApiTags('orders 服务工单')
@ApiBearerAuth()
@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Post()
  @Roles(...REQUESTERS)
  @ApiOperation({ summary: 'Request a service for an elder (待派单)' })
  @ApiHeader(IDEMPOTENCY)
  @ApiCreatedResponse({ type: OrderView, description: 'the new order' })
  @ApiOkResponse({ type: OrderView, description: 'an idempotent replay: the order made earlier', headers: REPLAYED })
  @ApiErrors({
    400:
      `${VALIDATION_FAILED} (also a channel or priority your role may not set); INVALID_IDEMPOTENCY_KEY; ` +
      'INVALID_SCHEDULE (details.field); ITEM_INACTIVE: the item is no longer offered',
    404: 'ELDER_NOT_FOUND: unknown or not yours to order for; ITEM_NOT_FOUND',
    409: 'IDEMPOTENCY_KEY_REUSED: the key was used for a different request; ELDER_NOT_ACTIVE: deceased or moved away',
  })
  async create(
    @CurrentActor() actor: Actor,
    @Body() dto: CreateOrderDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { order, replayed } = await this.orders.create(actor, dto, idempotencyKey(key));
    if (replayed) res.status(200).setHeader('Idempotent-Replayed', 'true');
    return order;
  }

  @Get()
  @Roles(...VIEWERS)
  @ApiOperation({ summary: 'Orders in your scope' })
  @ApiOkResponse({ type: OrderPage })
  @ApiErrors({ 400: VALIDATION_FAILED })
  list(@CurrentActor() actor: Actor, @Query() q: ListOrdersQuery) {
    return this.orders.list(actor, q);
  }

  @Get(':id')
  @Roles(...VIEWERS)
  @ApiOkResponse({ type: OrderView })
  @ApiErrors({ 404: NOT_FOUND })
  get(@CurrentActor() actor: Actor, @Param('id', Id()) id: string) {
    return this.orders.get(actor, id);
  }

  @Get(':id/events')
  @Roles(...VIEWERS)
  @ApiOperation({ summary: 'The order’s lifecycle events (append-only)' })
  @ApiOkResponse({ type: [OrderEventView] })
  @ApiErrors({ 404: NOT_FOUND })
  events(@CurrentActor() actor: Actor, @Param('id', Id()) id: string) {
    return this.orders.events(actor, id);
  }

  @Post(':id/accept')
  @Roles(Role.PROVIDER_ADMIN)
  @ApiOperation({ summary: 'Provider accepts and assigns a worker (已接单)' })
  @Transition({
    400: 'WORKER_NOT_ACTIVE',
    404: 'WORKER_NOT_FOUND: not a worker of your organisation',
    409:
      'OFFER_EXPIRED: the acceptance deadline passed; OFFER_WITHDRAWN: another provider accepted first (or the order ' +
      'was reassigned or cancelled); WORKER_NOT_QUALIFIED: lacks the item’s qualification',
  })
  accept(@CurrentActor() actor: Actor, @Param('id', Id()) id: string, @Body() dto: AcceptOrderDto) {
    return this.orders.accept(actor, id, dto);
  }

  @Post(':id/reject')
  @Roles(Role.PROVIDER_ADMIN)
  @Transition()
  reject(@CurrentActor() actor: Actor, @Param('id', Id()) id: string, @Body() dto: ReasonDto) {
    return this.orders.reject(actor, id, dto);
  }

  @Post(':id/depart')
  @Roles(Role.WORKER)
  @ApiOperation({ summary: 'Worker sets off (已出发)' })
  @Transition()
  depart(@CurrentActor() actor: Actor, @Param('id', Id()) id: string, @Body() dto: VersionDto) {
    return this.orders.depart(actor, id, dto);
  }

  @Post(':id/check-in')
  @Roles(Role.WORKER)
  @ApiOperation({ summary: 'Worker on site, with GPS (服务中)' })
  @Transition()
  checkIn(@CurrentActor() actor: Actor, @Param('id', Id()) id: string, @Body() dto: LocationDto) {
    return this.orders.checkIn(actor, id, dto);
  }

  @Post(':id/check-out')
  @Roles(Role.WORKER)
  @ApiOperation({ summary: 'Worker done, with GPS and photo hashes; sends the confirmation code (已完成)' })
  @Transition()
  checkOut(@CurrentActor() actor: Actor, @Param('id', Id()) id: string, @Body() dto: CheckOutDto) {
    return this.orders.checkOut(actor, id, dto);
  }

  @Post(':id/confirm')
  @Roles(Role.ELDER, Role.FAMILY, Role.STATION_STAFF)
  @ApiOperation({
    summary:
      'Elder/family confirm with the one-time code, optionally rating (已评价); station staff confirm on the ' +
      'elder’s behalf, without a code once it is locked or expired',
  })
  @Transition({
    400: 'CODE_INVALID: wrong code (each wrong code counts, details.attemptsLeft)',
    409: 'CODE_EXPIRED; CODE_ATTEMPTS_EXCEEDED: 5 wrong codes — in both cases the station confirms on the elder’s behalf',
  })
  confirm(@CurrentActor() actor: Actor, @Param('id', Id()) id: string, @Body() dto: ConfirmOrderDto) {
    return this.orders.confirm(actor, id, dto);
  }

  @Post(':id/rate')
  @Roles(Role.ELDER, Role.FAMILY)
  @Transition({ 409: 'ALREADY_RATED' })
  rate(@CurrentActor() actor: Actor, @Param('id', Id()) id: string, @Body() dto: RateOrderDto) {
    return this.orders.rate(actor, id, dto);
  }

  @Post(':id/cancel')
  @Roles(...REQUESTERS)
  @Transition()
  cancel(@CurrentActor() actor: Actor, @Param('id', Id()) id: string, @Body() dto: ReasonDto) {
    return this.orders.cancel(actor, id, dto);
  }

  @Post(':id/exception')
  @Roles(Role.WORKER, Role.PROVIDER_ADMIN, Role.HUB_STAFF, Role.DISTRICT_DISPATCHER, Role.PLATFORM_ADMIN)
  @ApiOperation({ summary: 'Service not possible (elder not home …)' })
  @Transition()
  reportException(@CurrentActor() actor: Actor, @Param('id', Id()) id: string, @Body() dto: ReasonDto) {
    return this.orders.reportException(actor, id, dto);
  }

  @Post(':id/complaint')
  @Roles(...REQUESTERS)
  @Transition()
  complain(@CurrentActor() actor: Actor, @Param('id', Id()) id: string, @Body() dto: ReasonDto) {
    return this.orders.complain(actor, id, dto);
  }

  @Post(':id/resolve')
  @Roles(Role.DISTRICT_DISPATCHER, Role.PLATFORM_ADMIN)
  @Transition()
  resolve(@CurrentActor() actor: Actor, @Param('id', Id()) id: string, @Body() dto: ReasonDto) {
    return this.orders.resolve(actor, id, dto);
  }
}

@ApiTags('orders 服务工单')
@Controller('sos')
export class SosController {
  constructor(private readonly orders: OrdersService) {}

  @Post()
  @Access({ device: true })
  @ApiSecurity('device-key')
  @ApiOperation({ summary: 'One-key call (一键呼叫): the device raises an emergency for its elder' })
  @ApiHeader(IDEMPOTENCY)
  @ApiCreatedResponse({ type: SosReceipt, description: 'an EMERGENCY order was raised' })
  @ApiOkResponse({ type: SosReceipt, description: 'an idempotent replay: the call made earlier', headers: REPLAYED })
  @ApiErrors({
    400: `${VALIDATION_FAILED}; INVALID_IDEMPOTENCY_KEY`,
    404: 'ELDER_NOT_FOUND: the device’s elder is gone',
    409: 'IDEMPOTENCY_KEY_REUSED; ELDER_NOT_ACTIVE',
  })
  async raise(
    @CurrentActor() device: Actor,
    @Body() dto: SosDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { order, replayed } = await this.orders.raiseSos(device, dto, idempotencyKey(key));
    if (replayed) res.status(200).setHeader('Idempotent-Replayed', 'true');
    const receipt: SosReceipt = { id: order.id, orderNo: order.orderNo, state: order.state };
    return receipt;
  }
}
