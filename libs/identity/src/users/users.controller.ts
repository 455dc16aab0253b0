import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, CurrentActor, Role, Roles, VALIDATION_FAILED, type Actor } from '#lib/kernel';
import { UsersService } from './users.service.js';
import { CreateUserDto, ListUsersQuery, UserDto, UserPageDto } from './users.dto.js';

@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @Roles(Role.PLATFORM_ADMIN)
  @ApiCreatedResponse({ type: UserDto })
  @ApiErrors({
    400:
      `${VALIDATION_FAILED}; SCOPE_INVALID: names the field whose scope does not fit the role; ` +
      'WEAK_PASSWORD (details.field)',
    409: 'PHONE_TAKEN',
  })
  create(@CurrentActor() actor: Actor, @Body() body: CreateUserDto) {
    return this.users.create(actor, body);
  }

  @Get()
  @Roles(Role.PLATFORM_ADMIN)
  @ApiOkResponse({ type: UserPageDto })
  @ApiErrors({ 400: VALIDATION_FAILED })
  list(@CurrentActor() actor: Actor, @Query() query: ListUsersQuery) {
    return this.users.list(actor, query);
  }

  @Get(':id')
  @Roles(Role.PLATFORM_ADMIN)
  @ApiOkResponse({ type: UserDto })
  @ApiErrors({ 400: 'BAD_REQUEST: the id is not a UUID', 404: 'USER_NOT_FOUND' })
  get(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string) {
    return this.users.get(actor, id);
  }

  @Post(':id/disable')
  @HttpCode(200)
  @Roles(Role.PLATFORM_ADMIN)
  @ApiOkResponse({ type: UserDto, description: 'the account can no longer sign in; its tokens stop working' })
  @ApiErrors({
    400: 'BAD_REQUEST: the id is not a UUID',
    404: 'USER_NOT_FOUND',
    409: 'CANNOT_DISABLE_SELF',
  })
  disable(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string) {
    return this.users.disable(actor, id);
  }
}
