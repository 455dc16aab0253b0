import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { RegionsModule } from '#lib/regions';
import { ProvidersModule } from '#lib/providers';
import { EldersModule } from '#lib/elders';
import { AccessGuard } from './access/access.guard.js';
import { ActorResolver } from './access/actor.resolver.js';
import { DeviceAuthenticator } from './access/device.authenticator.js';
import { RateLimitGuard } from './access/rate-limit.guard.js';
import { IDENTITY_OPTIONS, TokenService, type IdentityOptions } from './access/token.service.js';
import { AuthController } from './auth/auth.controller.js';
import { AuthService } from './auth/auth.service.js';
import { SessionService } from './auth/sessions.js';
import { UsersController } from './users/users.controller.js';
import { UsersService } from './users/users.service.js';

/**
 * Sign-in, sessions, user administration and the global guards (rate limit, then access).
 * Needs the global AuditTrailModule and NotificationsModule, and KernelModule's PII cipher.
 */
@Module({})
export class IdentityModule {
  static forRoot(options: IdentityOptions): DynamicModule {
    return {
      module: IdentityModule,
      global: true,
      imports: [JwtModule.register({}), RegionsModule, ProvidersModule, EldersModule],
      controllers: [AuthController, UsersController],
      providers: [
        { provide: IDENTITY_OPTIONS, useValue: options },
        TokenService,
        ActorResolver,
        DeviceAuthenticator,
        SessionService,
        AuthService,
        UsersService,
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_GUARD, useClass: AccessGuard },
      ],
      exports: [TokenService, ActorResolver, DeviceAuthenticator, UsersService, IDENTITY_OPTIONS],
    };
  }
}
