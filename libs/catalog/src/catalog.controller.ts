import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ALL_ROLES, ApiErrors, CurrentActor, Roles, Role, VALIDATION_FAILED, type Actor } from '#lib/kernel';
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
  @ApiErrors({ 400: VALIDATION_FAILED })
  catalogue(@CurrentActor() actor: Actor, @Query() query: CatalogueQuery) {
    return this.catalog.catalogue(actor, query.includeInactive);
  }

  @Get('items/:id')
  @Roles(...SIGNED_IN_ROLES)
  @ApiOkResponse({ type: CatalogItemDto })
  @ApiErrors({ 404: 'ITEM_NOT_FOUND: unknown, or inactive (only a platform admin sees inactive items)' })
  item(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.catalog.item(actor, id);
  }

  @Post('items')
  @Roles(Role.PLATFORM_ADMIN)
  @ApiCreatedResponse({ type: CatalogItemDto })
  @ApiErrors({ 400: VALIDATION_FAILED, 409: 'ITEM_CODE_TAKEN' })
  create(@CurrentActor() actor: Actor, @Body() body: CreateCatalogItemDto) {
    return this.catalog.createItem(actor, body);
  }

  @Patch('items/:id')
  @Roles(Role.PLATFORM_ADMIN)
  @ApiOkResponse({ type: CatalogItemDto })
  @ApiErrors({
    400: VALIDATION_FAILED,
    404: 'ITEM_NOT_FOUND',
    409: 'VERSION_CONFLICT: changed since the version you sent (details.currentVersion)',
  })
  update(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: UpdateCatalogItemDto) {
    return this.catalog.updateItem(actor, id, body);
  }
}
