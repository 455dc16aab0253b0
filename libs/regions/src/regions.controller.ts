import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ALL_ROLES, ApiErrors, CurrentActor, Roles, Role, VALIDATION_FAILED, type Actor } from '#lib/kernel';
import { RegionsService } from './regions.service.js';
import { CreateFacilityDto, FacilityDto, ListFacilitiesQuery, RegionDetailDto, RegionNodeDto } from './regions.dto.js';

/** Every signed-in person (not SOS devices). */
export const SIGNED_IN_ROLES: Role[] = ALL_ROLES.filter((r) => r !== Role.SOS_DEVICE);

@ApiTags('regions')
@ApiBearerAuth()
@Controller()
export class RegionsController {
  constructor(private readonly regions: RegionsService) {}

  @Get('regions/tree')
  @Roles(...SIGNED_IN_ROLES)
  @ApiOkResponse({ type: [RegionNodeDto], description: 'the whole region tree with codes, levels and coordinates' })
  tree(@CurrentActor() actor: Actor) {
    return this.regions.tree(actor);
  }

  @Get('regions/:code')
  @Roles(...SIGNED_IN_ROLES)
  @ApiOkResponse({ type: RegionDetailDto })
  @ApiErrors({ 404: 'REGION_NOT_FOUND' })
  show(@CurrentActor() actor: Actor, @Param('code') code: string) {
    return this.regions.show(actor, code);
  }

  @Get('facilities')
  @Roles(...SIGNED_IN_ROLES)
  @ApiOkResponse({ type: [FacilityDto] })
  @ApiErrors({ 400: VALIDATION_FAILED, 404: 'REGION_NOT_FOUND' })
  facilities(@CurrentActor() actor: Actor, @Query() query: ListFacilitiesQuery) {
    return this.regions.listFacilities(actor, query.regionCode);
  }

  @Post('facilities')
  @Roles(Role.PLATFORM_ADMIN)
  @ApiCreatedResponse({ type: FacilityDto })
  @ApiErrors({
    400:
      `${VALIDATION_FAILED}; FACILITY_LEVEL_MISMATCH: the level does not fit the region's level; ` +
      'OPERATOR_NOT_FOUND: unknown operatorProviderId',
    404: 'REGION_NOT_FOUND: unknown regionCode',
  })
  createFacility(@CurrentActor() actor: Actor, @Body() body: CreateFacilityDto) {
    return this.regions.createFacility(actor, body);
  }
}
