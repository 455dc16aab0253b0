import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { AccessGuard } from './access/access.guard.js';
import { ActorResolver } from './access/actor.resolver.js';
import { DeviceAuthenticator } from './access/device.authenticator.js';
import { RateLimitGuard } from './access/rate-limit.guard.js';
import { IDENTITY_OPTIONS, TokenService, type IdentityOptions } from './access/token.service.js';

@Module({})
export class IdentityModule {
  static forRoot(options: IdentityOptions): DynamicModule {
    return {
      module: IdentityModule,
      global: true,
      imports: [JwtModule.register({})],
      providers: [
        { provide: IDENTITY_OPTIONS, useValue: options },
        TokenService,
        ActorResolver,
        DeviceAuthenticator,
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_GUARD, useClass: AccessGuard },
      ],
      exports: [TokenService, ActorResolver, IDENTITY_OPTIONS],
    };
  }
}
