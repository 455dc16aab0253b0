import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, CurrentActor, Role, Roles, VALIDATION_FAILED, type Actor } from '#lib/kernel';
import { OrderView } from '#lib/orders';
import { AlertsService } from './alerts.service.js';
import { DispatchDesk } from './dispatch-desk.js';
import {
  AcknowledgeAlertDto,
  DispatchModeDto,
  ListAlertsQuery,
  ManualOfferDto,
  ReassignDto,
  ResolveAlertDto,
} from './dispatch.dto.js';
import { DispatchError, DispatchErrorCode as E } from './dispatch.errors.js';
import { AlertPage, AlertView, DispatchModeView, DispatchRecordView, WorkerSuggestionView } from './dispatch.views.js';

const STAFF = [Role.STATION_STAFF, Role.HUB_STAFF, Role.DISTRICT_DISPATCHER, Role.PLATFORM_ADMIN];
const NOT_FOUND = 'ORDER_NOT_FOUND: unknown, malformed or outside your scope (existence is never leaked)';
const OrderId = () =>
  new ParseUUIDPipe({ exceptionFactory: () => new DispatchError(E.ORDER_NOT_FOUND, 'order not found') });
const AlertId = () =>
  new ParseUUIDPipe({ exceptionFactory: () => new DispatchError(E.ALERT_NOT_FOUND, 'alert not found') });
const MANUAL_ERRORS = {
  400: VALIDATION_FAILED,
  403: 'NOT_ALLOWED: only a district dispatcher may override the contract rule',
  404: `${NOT_FOUND}; PROVIDER_NOT_FOUND`,
  409:
    'PROVIDER_NOT_AVAILABLE: suspended; PROVIDER_NOT_CONTRACTED: outside what your level may pick (station: contracted ' +
    'for the community; hub: for the street; district: override with a reason); PROVIDER_OUTSIDE_DISTRICT; ' +
    'ILLEGAL_TRANSITION; VERSION_CONFLICT',
} as const;

@ApiTags('dispatch 派单')
@ApiBearerAuth()
@Controller()
export class DispatchController {
  constructor(
    private readonly desk: DispatchDesk,
    private readonly alerts: AlertsService,
  ) {}

  @Post('orders/:id/offer')
  @HttpCode(200)
  @Roles(...STAFF)
  @ApiOperation({ summary: 'Dispatch by hand to a provider with an acceptance deadline (人工派单)' })
  @ApiOkResponse({ type: OrderView })
  @ApiErrors(MANUAL_ERRORS)
  offer(@CurrentActor() actor: Actor, @Param('id', OrderId()) id: string, @Body() dto: ManualOfferDto) {
    return this.desk.offerByHand(actor, id, dto, false);
  }

  @Post('orders/:id/reassign')
  @HttpCode(200)
  @Roles(...STAFF)
  @ApiOperation({ summary: 'Take an accepted order from its provider and offer it to another, with a reason (改派)' })
  @ApiOkResponse({ type: OrderView })
  @ApiErrors(MANUAL_ERRORS)
  reassign(@CurrentActor() actor: Actor, @Param('id', OrderId()) id: string, @Body() dto: ReassignDto) {
    return this.desk.offerByHand(actor, id, dto, true);
  }

  @Get('orders/:id/dispatch')
  @Roles(...STAFF, Role.AUDITOR, Role.PROVIDER_ADMIN)
  @ApiOperation({ summary: 'The order’s dispatch record: every offer with its explanation, and its alerts' })
  @ApiOkResponse({ type: DispatchRecordView })
  @ApiErrors({ 404: NOT_FOUND })
  record(@CurrentActor() actor: Actor, @Param('id', OrderId()) id: string) {
    return this.desk.record(actor, id);
  }

  @Get('orders/:id/worker-suggestion')
  @Roles(Role.PROVIDER_ADMIN)
  @ApiOperation({ summary: 'Your best worker for an order offered to you: qualified, on shift, nearest, least loaded' })
  @ApiOkResponse({ type: WorkerSuggestionView })
  @ApiErrors({ 404: NOT_FOUND, 409: 'NO_WORKER_TO_SUGGEST: the order is no longer offered or accepted' })
  workerSuggestion(@CurrentActor() actor: Actor, @Param('id', OrderId()) id: string) {
    return this.desk.workerSuggestion(actor, id);
  }

  @Get('dispatch/alerts')
  @Roles(...STAFF, Role.AUDITOR)
  @ApiOperation({ summary: 'Escalation and emergency alerts in your region (open ones by default), emergencies first' })
  @ApiOkResponse({ type: AlertPage })
  @ApiErrors({ 400: VALIDATION_FAILED })
  listAlerts(@CurrentActor() actor: Actor, @Query() q: ListAlertsQuery) {
    return this.alerts.list(actor, {
      open: q.open !== 'false',
      level: q.level,
      orderId: q.orderId,
      limit: q.limit ?? 50,
      offset: q.offset ?? 0,
    });
  }

  @Post('dispatch/alerts/:id/acknowledge')
  @HttpCode(200)
  @Roles(...STAFF)
  @ApiOperation({ summary: 'Take an alert on (the ladder waits while you act)' })
  @ApiOkResponse({ type: AlertView })
  @ApiErrors({ 400: VALIDATION_FAILED, 404: 'ALERT_NOT_FOUND', 409: 'ALERT_CLOSED: already resolved' })
  acknowledge(@CurrentActor() actor: Actor, @Param('id', AlertId()) id: string, @Body() dto: AcknowledgeAlertDto) {
    return this.alerts.acknowledge(actor, id, dto.note);
  }

  @Post('dispatch/alerts/:id/resolve')
  @HttpCode(200)
  @Roles(...STAFF)
  @ApiOperation({ summary: 'Close an alert, saying what was done' })
  @ApiOkResponse({ type: AlertView })
  @ApiErrors({ 400: VALIDATION_FAILED, 404: 'ALERT_NOT_FOUND', 409: 'ALERT_CLOSED: already resolved' })
  resolve(@CurrentActor() actor: Actor, @Param('id', AlertId()) id: string, @Body() dto: ResolveAlertDto) {
    return this.alerts.resolve(actor, id, dto.resolution);
  }

  @Get('dispatch/settings/:districtCode')
  @Roles(...STAFF, Role.AUDITOR)
  @ApiOperation({ summary: 'Whether the district dispatches automatically (AUTO) or by hand (MANUAL)' })
  @ApiOkResponse({ type: DispatchModeView })
  @ApiErrors({ 404: 'REGION_NOT_FOUND: not a district you can see' })
  mode(@CurrentActor() actor: Actor, @Param('districtCode') code: string) {
    return this.desk.mode(actor, code);
  }

  @Put('dispatch/settings/:districtCode')
  @Roles(Role.DISTRICT_DISPATCHER, Role.PLATFORM_ADMIN)
  @ApiOperation({ summary: 'Switch the district between automatic and manual dispatch (audited)' })
  @ApiOkResponse({ type: DispatchModeView })
  @ApiErrors({ 400: VALIDATION_FAILED, 403: 'NOT_ALLOWED', 404: 'REGION_NOT_FOUND: not a district you can see' })
  setMode(@CurrentActor() actor: Actor, @Param('districtCode') code: string, @Body() dto: DispatchModeDto) {
    return this.desk.setMode(actor, code, dto.mode);
  }
}
