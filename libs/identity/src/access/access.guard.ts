import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Actor } from '#lib/kernel';
import { IdentityError, IdentityErrorCode } from '../identity.errors.js';
import { ACCESS_RULE, type AccessRule } from '#lib/kernel';
import { TokenService } from './token.service.js';
import { ActorResolver } from './actor.resolver.js';
import { DeviceAuthenticator } from './device.authenticator.js';

interface RequestLike {
  headers: Record<string, string | string[] | undefined>;
  actor?: Actor;
}

/**
 * Global guard: reads the route's AccessRule, authenticates the caller and checks the role.
 * Fails closed: a route without a rule is refused, and so is every execution context it does not
 * know how to authenticate (a websocket or RPC handler must bring its own authentication and be
 * taught here first — it is never let through unchecked).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly actors: ActorResolver,
    private readonly devices: DeviceAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http')
      throw new IdentityError(
        IdentityErrorCode.CONTEXT_NOT_GUARDED,
        `the access guard does not handle ${context.getType()} handlers: refused`,
      );
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!rule)
      throw new IdentityError(IdentityErrorCode.ROUTE_WITHOUT_ACCESS_RULE, 'this route declares no access rule');
    if ('public' in rule) return true;
    const req = context.switchToHttp().getRequest<RequestLike>();
    if ('device' in rule) {
      req.actor = await this.devices.authenticate(header(req, 'x-device-key'));
      return true;
    }
    const auth = header(req, 'authorization');
    if (!auth?.startsWith('Bearer '))
      throw new IdentityError(IdentityErrorCode.UNAUTHENTICATED, 'sign in first: send Authorization: Bearer <token>');
    const actor = await this.actors.resolve(this.tokens.verifyAccessToken(auth.slice(7).trim()));
    if (!rule.roles.includes(actor.role))
      throw new IdentityError(IdentityErrorCode.ROLE_NOT_ALLOWED, `role ${actor.role} may not do this`);
    req.actor = actor;
    return true;
  }
}

function header(req: RequestLike, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
