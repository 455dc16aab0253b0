import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, CurrentActor, Roles, Role, VALIDATION_FAILED, type Actor } from '#lib/kernel';
import { ProvidersService } from './providers.service.js';
import {
  ContractDto,
  CreateContractDto,
  CreateProviderDto,
  CreateWorkerDto,
  ProviderDetailDto,
  ProviderDto,
  UpdateWorkerDto,
  WorkerDto,
} from './providers.dto.js';

const NOT_FOUND = 'PROVIDER_NOT_FOUND: unknown, or not in your scope';

@ApiTags('providers')
@ApiBearerAuth()
@Controller('providers')
export class ProvidersController {
  constructor(private readonly providers: ProvidersService) {}

  @Get()
  @Roles(
    Role.STATION_STAFF,
    Role.HUB_STAFF,
    Role.DISTRICT_DISPATCHER,
    Role.AUDITOR,
    Role.PLATFORM_ADMIN,
    Role.PROVIDER_ADMIN,
  )
  @ApiOkResponse({ type: [ProviderDto], description: 'providers in your scope' })
  list(@CurrentActor() actor: Actor) {
    return this.providers.list(actor);
  }

  @Get(':id')
  @Roles(
    Role.STATION_STAFF,
    Role.HUB_STAFF,
    Role.DISTRICT_DISPATCHER,
    Role.AUDITOR,
    Role.PLATFORM_ADMIN,
    Role.PROVIDER_ADMIN,
  )
  @ApiOkResponse({ type: ProviderDetailDto })
  @ApiErrors({ 404: NOT_FOUND })
  show(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.providers.show(actor, id);
  }

  @Post()
  @Roles(Role.PLATFORM_ADMIN)
  @ApiCreatedResponse({ type: ProviderDto })
  @ApiErrors({
    400: `${VALIDATION_FAILED}; NOT_A_DISTRICT: districtCode is not a district`,
    409: 'CREDIT_CODE_TAKEN',
  })
  create(@CurrentActor() actor: Actor, @Body() body: CreateProviderDto) {
    return this.providers.create(actor, body);
  }

  @Post(':id/contracts')
  @Roles(Role.PLATFORM_ADMIN)
  @ApiCreatedResponse({ type: ContractDto })
  @ApiErrors({
    400:
      `${VALIDATION_FAILED}; CONTRACT_PERIOD_INVALID: validTo before validFrom; ` +
      'NOT_A_COMMUNITY: a communityCodes entry is not a community or village',
    404: NOT_FOUND,
  })
  addContract(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: CreateContractDto) {
    return this.providers.addContract(actor, id, body);
  }

  @Get(':id/workers')
  @Roles(Role.PROVIDER_ADMIN, Role.PLATFORM_ADMIN)
  @ApiOkResponse({ type: [WorkerDto] })
  @ApiErrors({ 404: NOT_FOUND })
  workers(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.providers.listWorkers(actor, id);
  }

  @Post(':id/workers')
  @Roles(Role.PROVIDER_ADMIN)
  @ApiCreatedResponse({ type: WorkerDto })
  @ApiErrors({ 400: VALIDATION_FAILED, 404: NOT_FOUND })
  createWorker(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: CreateWorkerDto) {
    return this.providers.createWorker(actor, id, body);
  }

  @Patch(':id/workers/:workerId')
  @Roles(Role.PROVIDER_ADMIN)
  @ApiOkResponse({ type: WorkerDto })
  @ApiErrors({ 400: VALIDATION_FAILED, 404: `${NOT_FOUND}; WORKER_NOT_FOUND` })
  updateWorker(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('workerId') workerId: string,
    @Body() body: UpdateWorkerDto,
  ) {
    return this.providers.updateWorker(actor, id, workerId, body);
  }
}
