import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ALL_ROLES, CurrentActor, Roles, Role, type Actor } from '#lib/kernel';
import { CatalogService } from './catalog.service.js';
import {
  CatalogItemDto,
  CatalogueQuery,
  CreateCatalogItemDto,
  ServiceTypeDto,
  UpdateCatalogItemDto,
} from './catalog.dto.js';

const SIGNED_IN_ROLES: Role[] = ALL_ROLES.filter((r) => r !== Role.SOS_DEVICE);

@ApiTags('catalog')
@ApiBearerAuth()
@Controller('catalog')
export class CatalogController {
  constructor(private readonly catalog: CatalogService) {}

  @Get()
  @Roles(...SIGNED_IN_ROLES)
  @ApiOkResponse({ type: [ServiceTypeDto], description: 'the ten helps (十助) with their active items' })
  catalogue(@CurrentActor() actor: Actor, @Query() query: CatalogueQuery) {
    return this.catalog.catalogue(actor, query.includeInactive);
  }

  @Get('items/:id')
  @Roles(...SIGNED_IN_ROLES)
  @ApiOkResponse({ type: CatalogItemDto })
  item(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.catalog.item(actor, id);
  }

  @Post('items')
  @Roles(Role.PLATFORM_ADMIN)
  @ApiOkResponse({ type: CatalogItemDto })
  create(@CurrentActor() actor: Actor, @Body() body: CreateCatalogItemDto) {
    return this.catalog.createItem(actor, body);
  }

  @Patch('items/:id')
  @Roles(Role.PLATFORM_ADMIN)
  @ApiOkResponse({ type: CatalogItemDto })
  update(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: UpdateCatalogItemDto) {
    return this.catalog.updateItem(actor, id, body);
  }
}
