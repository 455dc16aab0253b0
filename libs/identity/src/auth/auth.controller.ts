import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ALL_ROLES, CurrentActor, Public, Role, Roles, type Actor } from '#lib/kernel';
import { RateLimit } from '../access/rate-limit.guard.js';
import { AuthService } from './auth.service.js';
import {
  ChangePasswordDto,
  CodeRequestDto,
  CodeSentDto,
  CodeVerifyDto,
  LoginDto,
  ProfileDto,
  RefreshDto,
  TokenPairDto,
} from './auth.dto.js';

const PEOPLE: Role[] = ALL_ROLES.filter((r) => r !== Role.SOS_DEVICE);

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @HttpCode(200)
  @Public()
  @RateLimit('auth')
  @ApiOkResponse({
    type: TokenPairDto,
    description: '401 BAD_CREDENTIALS (unknown phone or wrong password), 423 ACCOUNT_LOCKED, 429',
  })
  login(@Body() body: LoginDto) {
    return this.auth.login(body.phone, body.password);
  }

  @Post('refresh')
  @HttpCode(200)
  @Public()
  @RateLimit('auth')
  @ApiOkResponse({
    type: TokenPairDto,
    description: 'rotates the refresh token; 401 REFRESH_TOKEN_REUSED ends the session',
  })
  refresh(@Body() body: RefreshDto) {
    return this.auth.refresh(body.refreshToken);
  }

  @Post('logout')
  @HttpCode(204)
  @Public()
  @ApiNoContentResponse({ description: 'ends the session of this refresh token, its access tokens included' })
  async logout(@Body() body: RefreshDto): Promise<void> {
    await this.auth.logout(body.refreshToken);
  }

  @Post('code/request')
  @HttpCode(200)
  @Public()
  @RateLimit('auth')
  @ApiOkResponse({ type: CodeSentDto, description: 'elders and family: a 6-digit code by SMS, valid 5 minutes' })
  requestCode(@Body() body: CodeRequestDto) {
    return this.auth.requestCode(body.phone);
  }

  @Post('code/verify')
  @HttpCode(200)
  @Public()
  @RateLimit('auth')
  @ApiOkResponse({ type: TokenPairDto, description: '401 CODE_INVALID; 5 wrong tries end the code' })
  verifyCode(@Body() body: CodeVerifyDto) {
    return this.auth.verifyCode(body.phone, body.code);
  }

  @Post('password')
  @HttpCode(200)
  @Roles(...PEOPLE)
  @ApiBearerAuth()
  @ApiOkResponse({ type: TokenPairDto, description: 'every other session ends; a new one starts for this client' })
  changePassword(@CurrentActor() actor: Actor, @Body() body: ChangePasswordDto) {
    return this.auth.changePassword(actor, body.currentPassword, body.newPassword);
  }

  @Get('me')
  @Roles(...PEOPLE)
  @ApiBearerAuth()
  @ApiOkResponse({ type: ProfileDto })
  me(@CurrentActor() actor: Actor) {
    return this.auth.me(actor);
  }
}
