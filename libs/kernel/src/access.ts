import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Actor, Role } from './roles.js';

/**
 * Route access rules, as a port in the lowest lib so that every bounded context (regions, catalog,
 * providers, elders, …) can declare them without importing #lib/identity (which depends on those
 * contexts' entities: importing it from them would be a cycle). The AccessGuard of #lib/identity
 * reads the same metadata key. Same contract as libs/identity/src/access/access.decorators.ts:
 *  - { public: true }: no authentication
 *  - { roles: [...] }: an authenticated actor with one of these roles
 *  - { device: true }: an SOS device key
 */
export type RouteAccessRule = { public: true } | { roles: readonly Role[] } | { device: true };

export const ROUTE_ACCESS_RULE = 'eldercare:access-rule';

export const RouteAccess = (rule: RouteAccessRule) => SetMetadata(ROUTE_ACCESS_RULE, rule);
export const AllowRoles = (...roles: Role[]) => RouteAccess({ roles });

/** The authenticated actor of this request (set by the AccessGuard). */
export const RequestActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const req = ctx.switchToHttp().getRequest<{ actor?: Actor }>();
  if (!req.actor) throw new Error('RequestActor used on a route without authentication');
  return req.actor;
});
