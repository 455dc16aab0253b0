import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Actor, Role } from './roles.js';
import { accessErrors, ApiErrors } from './openapi.js';

/**
 * Route access rules. They live in the lowest lib so every bounded context can declare them
 * without importing #lib/identity (whose entities reference those contexts: that would be a cycle).
 * The AccessGuard of #lib/identity reads them and fails closed: a route without a rule is refused.
 *  - { public: true }: no authentication (sign-in, health, docs)
 *  - { roles: [...] }: an authenticated actor with one of these roles
 *  - { device: true }: an SOS device key
 * Object-level checks happen inside the use case.
 */
export type AccessRule = { public: true } | { roles: readonly Role[] } | { device: true };

export const ACCESS_RULE = 'eldercare:access-rule';

/** Declares the rule and documents the 401/403 it causes in the OpenAPI document. */
export const Access = (rule: AccessRule) =>
  applyDecorators(SetMetadata(ACCESS_RULE, rule), ApiErrors(accessErrors(rule)));
export const Public = () => Access({ public: true });
export const Roles = (...roles: Role[]) => Access({ roles });

/** The authenticated actor of this request (set by the AccessGuard). */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const req = ctx.switchToHttp().getRequest<{ actor?: Actor }>();
  if (!req.actor) throw new Error('CurrentActor used on a route without authentication');
  return req.actor;
});
