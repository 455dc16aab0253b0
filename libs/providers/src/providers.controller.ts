import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles, Role, type Actor } from '#lib/kernel';
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
  show(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.providers.show(actor, id);
  }

  @Post()
  @Roles(Role.PLATFORM_ADMIN)
  @ApiOkResponse({ type: ProviderDto })
  create(@CurrentActor() actor: Actor, @Body() body: CreateProviderDto) {
    return this.providers.create(actor, body);
  }

  @Post(':id/contracts')
  @Roles(Role.PLATFORM_ADMIN)
  @ApiOkResponse({ type: ContractDto })
  addContract(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: CreateContractDto) {
    return this.providers.addContract(actor, id, body);
  }

  @Get(':id/workers')
  @Roles(Role.PROVIDER_ADMIN, Role.PLATFORM_ADMIN)
  @ApiOkResponse({ type: [WorkerDto] })
  workers(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.providers.listWorkers(actor, id);
  }

  @Post(':id/workers')
  @Roles(Role.PROVIDER_ADMIN)
  @ApiOkResponse({ type: WorkerDto })
  createWorker(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: CreateWorkerDto) {
    return this.providers.createWorker(actor, id, body);
  }

  @Patch(':id/workers/:workerId')
  @Roles(Role.PROVIDER_ADMIN)
  @ApiOkResponse({ type: WorkerDto })
  updateWorker(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('workerId') workerId: string,
    @Body() body: UpdateWorkerDto,
  ) {
    return this.providers.updateWorker(actor, id, workerId, body);
  }
}
