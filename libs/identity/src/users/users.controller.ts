import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Role, Roles, type Actor } from '#lib/kernel';
import { UsersService } from './users.service.js';
import { CreateUserDto, ListUsersQuery, UserDto, UserPageDto } from './users.dto.js';

@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @Roles(Role.PLATFORM_ADMIN)
  @ApiCreatedResponse({
    type: UserDto,
    description: '400 SCOPE_INVALID names the field whose scope does not fit the role; 409 PHONE_TAKEN',
  })
  create(@CurrentActor() actor: Actor, @Body() body: CreateUserDto) {
    return this.users.create(actor, body);
  }

  @Get()
  @Roles(Role.PLATFORM_ADMIN)
  @ApiOkResponse({ type: UserPageDto })
  list(@CurrentActor() actor: Actor, @Query() query: ListUsersQuery) {
    return this.users.list(actor, query);
  }

  @Get(':id')
  @Roles(Role.PLATFORM_ADMIN)
  @ApiOkResponse({ type: UserDto })
  get(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string) {
    return this.users.get(actor, id);
  }

  @Post(':id/disable')
  @HttpCode(200)
  @Roles(Role.PLATFORM_ADMIN)
  @ApiOkResponse({ type: UserDto, description: 'the account can no longer sign in; its tokens stop working' })
  disable(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string) {
    return this.users.disable(actor, id);
  }
}
