import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ALL_ROLES, ApiErrors, CurrentActor, Public, Role, Roles, VALIDATION_FAILED, type Actor } from '#lib/kernel';
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
  @ApiOkResponse({ type: TokenPairDto, description: 'a new session' })
  @ApiErrors({
    400: VALIDATION_FAILED,
    401: 'BAD_CREDENTIALS: unknown phone or wrong password (the same answer for both); ACCOUNT_DISABLED',
    423: 'ACCOUNT_LOCKED: too many wrong passwords; try again later',
  })
  login(@Body() body: LoginDto) {
    return this.auth.login(body.phone, body.password);
  }

  @Post('refresh')
  @HttpCode(200)
  @Public()
  @RateLimit('auth')
  @ApiOkResponse({ type: TokenPairDto, description: 'rotates the refresh token' })
  @ApiErrors({
    400: VALIDATION_FAILED,
    401:
      'REFRESH_TOKEN_INVALID: unknown, expired or revoked; REFRESH_TOKEN_REUSED: used twice, the session ends; ' +
      'ACCOUNT_DISABLED',
  })
  refresh(@Body() body: RefreshDto) {
    return this.auth.refresh(body.refreshToken);
  }

  @Post('logout')
  @HttpCode(204)
  @Public()
  @ApiNoContentResponse({ description: 'ends the session of this refresh token, its access tokens included' })
  @ApiErrors({ 400: VALIDATION_FAILED })
  async logout(@Body() body: RefreshDto): Promise<void> {
    await this.auth.logout(body.refreshToken);
  }

  @Post('code/request')
  @HttpCode(200)
  @Public()
  @RateLimit('auth')
  @ApiOkResponse({ type: CodeSentDto, description: 'elders and family: a 6-digit code by SMS, valid 5 minutes' })
  @ApiErrors({ 400: VALIDATION_FAILED })
  requestCode(@Body() body: CodeRequestDto) {
    return this.auth.requestCode(body.phone);
  }

  @Post('code/verify')
  @HttpCode(200)
  @Public()
  @RateLimit('auth')
  @ApiOkResponse({ type: TokenPairDto, description: 'a new session' })
  @ApiErrors({
    400: VALIDATION_FAILED,
    401: 'CODE_INVALID: wrong, expired or used up (5 wrong tries end the code: request a new one)',
  })
  verifyCode(@Body() body: CodeVerifyDto) {
    return this.auth.verifyCode(body.phone, body.code);
  }

  @Post('password')
  @HttpCode(200)
  @Roles(...PEOPLE)
  @ApiBearerAuth()
  @ApiOkResponse({ type: TokenPairDto, description: 'every other session ends; a new one starts for this client' })
  @ApiErrors({
    400: `${VALIDATION_FAILED}; WEAK_PASSWORD (details.field); CURRENT_PASSWORD_WRONG`,
    423: 'ACCOUNT_LOCKED: wrong current passwords count towards the sign-in lockout',
  })
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
