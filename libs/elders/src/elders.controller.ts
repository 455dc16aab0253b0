import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ALL_ROLES, ApiErrors, CurrentActor, Roles, Role, VALIDATION_FAILED, type Actor } from '#lib/kernel';
import { EldersService } from './elders.service.js';
import { CreateElderDto, ElderDto, ElderPageDto, ElderPiiDto, ListEldersQuery, UpdateElderDto } from './elders.dto.js';

const SIGNED_IN_ROLES: Role[] = ALL_ROLES.filter((r) => r !== Role.SOS_DEVICE);
const NOT_FOUND = 'ELDER_NOT_FOUND: unknown, or not in your scope';
const COMMUNITY_ERRORS = {
  400: `${VALIDATION_FAILED}; NOT_A_COMMUNITY: communityCode is not a community or village`,
  403: 'COMMUNITY_OUT_OF_SCOPE: the community is outside your region',
} as const;
const WRITERS = [Role.STATION_STAFF, Role.HUB_STAFF, Role.DISTRICT_DISPATCHER, Role.PLATFORM_ADMIN];

@ApiTags('elders')
@ApiBearerAuth()
@Controller('elders')
export class EldersController {
  constructor(private readonly elders: EldersService) {}

  @Post()
  @Roles(...WRITERS)
  @ApiOperation({ summary: 'Register an elder in a community of your region (duplicate ID number → 409)' })
  @ApiCreatedResponse({ type: ElderDto })
  @ApiErrors(COMMUNITY_ERRORS)
  @ApiErrors({
    400: 'INVALID_ID_NUMBER; GENDER_MISMATCH: gender does not fit the ID number',
    409: 'DUPLICATE_ID_NUMBER',
  })
  register(@CurrentActor() actor: Actor, @Body() body: CreateElderDto) {
    return this.elders.register(actor, body);
  }

  @Get()
  @Roles(
    Role.STATION_STAFF,
    Role.HUB_STAFF,
    Role.DISTRICT_DISPATCHER,
    Role.AUDITOR,
    Role.PLATFORM_ADMIN,
    Role.ELDER,
    Role.FAMILY,
  )
  @ApiOperation({ summary: 'Elders in your region (elder/family: their own), masked by role' })
  @ApiOkResponse({ type: ElderPageDto })
  @ApiErrors({ 400: VALIDATION_FAILED })
  list(@CurrentActor() actor: Actor, @Query() query: ListEldersQuery) {
    return this.elders.list(actor, query);
  }

  @Get(':id')
  // Providers and workers are let through to get the same 404 as an unknown id: they see elders only via their orders.
  @Roles(...SIGNED_IN_ROLES)
  @ApiOkResponse({ type: ElderDto })
  @ApiErrors({ 404: NOT_FOUND })
  show(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.elders.show(actor, id);
  }

  @Patch(':id')
  @Roles(...WRITERS)
  @ApiOperation({ summary: 'Edit an elder (send the version you read; a concurrent edit → 409)' })
  @ApiOkResponse({ type: ElderDto })
  @ApiErrors(COMMUNITY_ERRORS)
  @ApiErrors({
    400: 'DECEASED_DATE_REQUIRED',
    404: NOT_FOUND,
    409: 'VERSION_CONFLICT: changed since the version you sent',
  })
  update(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: UpdateElderDto) {
    return this.elders.update(actor, id, body);
  }

  @Get(':id/pii')
  @Roles(Role.STATION_STAFF, Role.HUB_STAFF, Role.DISTRICT_DISPATCHER, Role.AUDITOR, Role.PLATFORM_ADMIN)
  @ApiOperation({
    summary: 'Unmasked ID number, phone, address and health notes; every view is written to the audit trail',
  })
  @ApiOkResponse({ type: ElderPiiDto })
  @ApiErrors({ 404: NOT_FOUND })
  pii(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.elders.viewPii(actor, id);
  }
}
