import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Role, type Actor } from '#lib/kernel';
import { Access, CurrentActor, Roles } from '#lib/kernel';
import { OrdersService } from './orders.service.js';
import {
  AcceptOrderDto,
  CheckOutDto,
  ConfirmOrderDto,
  CreateOrderDto,
  ListOrdersQuery,
  LocationDto,
  OfferOrderDto,
  RateOrderDto,
  ReasonDto,
  SosDto,
  VersionDto,
} from './orders.dto.js';
import { OrderError, OrderErrorCode } from './orders.errors.js';

const REQUESTERS = [
  Role.ELDER,
  Role.FAMILY,
  Role.STATION_STAFF,
  Role.HUB_STAFF,
  Role.DISTRICT_DISPATCHER,
  Role.PLATFORM_ADMIN,
];
const STAFF = [Role.STATION_STAFF, Role.HUB_STAFF, Role.DISTRICT_DISPATCHER, Role.PLATFORM_ADMIN];
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

@ApiTags('orders 服务工单')
@ApiBearerAuth()
@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Post()
  @Roles(...REQUESTERS)
  @ApiOperation({ summary: 'Request a service for an elder (待派单)' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: '8–80 characters; a retry with the same key and body returns the same order',
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
  list(@CurrentActor() actor: Actor, @Query() q: ListOrdersQuery) {
    return this.orders.list(actor, q);
  }

  @Get(':id')
  @Roles(...VIEWERS)
  get(@CurrentActor() actor: Actor, @Param('id', Id()) id: string) {
    return this.orders.get(actor, id);
  }

  @Get(':id/events')
  @Roles(...VIEWERS)
  @ApiOperation({ summary: 'The order’s lifecycle events (append-only)' })
  events(@CurrentActor() actor: Actor, @Param('id', Id()) id: string) {
    return this.orders.events(actor, id);
  }

  @Post(':id/offer')
  @HttpCode(200)
  @Roles(...STAFF)
  @ApiOperation({ summary: 'Dispatch to a provider with an acceptance deadline (已派单)' })
  offer(@CurrentActor() actor: Actor, @Param('id', Id()) id: string, @Body() dto: OfferOrderDto) {
    return this.orders.offer(actor, id, dto);
  }

  @Post(':id/accept')
  @HttpCode(200)
  @Roles(Role.PROVIDER_ADMIN)
  @ApiOperation({ summary: 'Provider accepts and assigns a worker (已接单)' })
  accept(@CurrentActor() actor: Actor, @Param('id', Id()) id: string, @Body() dto: AcceptOrderDto) {
    return this.orders.accept(actor, id, dto);
  }

  @Post(':id/reject')
  @HttpCode(200)
  @Roles(Role.PROVIDER_ADMIN)
  reject(@CurrentActor() actor: Actor, @Param('id', Id()) id: string, @Body() dto: ReasonDto) {
    return this.orders.reject(actor, id, dto);
  }

  @Post(':id/depart')
  @HttpCode(200)
  @Roles(Role.WORKER)
  @ApiOperation({ summary: 'Worker sets off (已出发)' })
  depart(@CurrentActor() actor: Actor, @Param('id', Id()) id: string, @Body() dto: VersionDto) {
    return this.orders.depart(actor, id, dto);
  }

  @Post(':id/check-in')
  @HttpCode(200)
  @Roles(Role.WORKER)
  @ApiOperation({ summary: 'Worker on site, with GPS (服务中)' })
  checkIn(@CurrentActor() actor: Actor, @Param('id', Id()) id: string, @Body() dto: LocationDto) {
    return this.orders.checkIn(actor, id, dto);
  }

  @Post(':id/check-out')
  @HttpCode(200)
  @Roles(Role.WORKER)
  @ApiOperation({ summary: 'Worker done, with GPS and photo hashes; sends the confirmation code (已完成)' })
  checkOut(@CurrentActor() actor: Actor, @Param('id', Id()) id: string, @Body() dto: CheckOutDto) {
    return this.orders.checkOut(actor, id, dto);
  }

  @Post(':id/confirm')
  @HttpCode(200)
  @Roles(Role.ELDER, Role.FAMILY, Role.STATION_STAFF)
  @ApiOperation({ summary: 'Elder/family confirm with the one-time code, optionally rating (已评价)' })
  confirm(@CurrentActor() actor: Actor, @Param('id', Id()) id: string, @Body() dto: ConfirmOrderDto) {
    return this.orders.confirm(actor, id, dto);
  }

  @Post(':id/rate')
  @HttpCode(200)
  @Roles(Role.ELDER, Role.FAMILY)
  rate(@CurrentActor() actor: Actor, @Param('id', Id()) id: string, @Body() dto: RateOrderDto) {
    return this.orders.rate(actor, id, dto);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Roles(...REQUESTERS)
  cancel(@CurrentActor() actor: Actor, @Param('id', Id()) id: string, @Body() dto: ReasonDto) {
    return this.orders.cancel(actor, id, dto);
  }

  @Post(':id/exception')
  @HttpCode(200)
  @Roles(Role.WORKER, Role.PROVIDER_ADMIN, Role.HUB_STAFF, Role.DISTRICT_DISPATCHER, Role.PLATFORM_ADMIN)
  @ApiOperation({ summary: 'Service not possible (elder not home …)' })
  reportException(@CurrentActor() actor: Actor, @Param('id', Id()) id: string, @Body() dto: ReasonDto) {
    return this.orders.reportException(actor, id, dto);
  }

  @Post(':id/complaint')
  @HttpCode(200)
  @Roles(...REQUESTERS)
  complain(@CurrentActor() actor: Actor, @Param('id', Id()) id: string, @Body() dto: ReasonDto) {
    return this.orders.complain(actor, id, dto);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @Roles(Role.DISTRICT_DISPATCHER, Role.PLATFORM_ADMIN)
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
  async raise(
    @CurrentActor() device: Actor,
    @Body() dto: SosDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { order, replayed } = await this.orders.raiseSos(device, dto, idempotencyKey(key));
    if (replayed) res.status(200).setHeader('Idempotent-Replayed', 'true');
    return { id: order.id, orderNo: order.orderNo, state: order.state };
  }
}
