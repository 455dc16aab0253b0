import { describe, expect, it } from '@jest/globals';
import type { ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { Role, type AccessRule, type Actor } from '#lib/kernel';
import { AccessGuard } from './access.guard.js';
import type { TokenService, AccessTokenClaims } from './token.service.js';
import type { ActorResolver } from './actor.resolver.js';
import type { DeviceAuthenticator } from './device.authenticator.js';
import { IdentityErrorCode } from '../identity.errors.js';

function guardWith(rule: AccessRule | undefined, actorRole: Role = Role.WORKER) {
  const calls: string[] = [];
  const reflector = { getAllAndOverride: () => rule } as unknown as Reflector;
  const tokens = {
    verifyAccessToken: (t: string): AccessTokenClaims => {
      calls.push(`verify:${t}`);
      return { sub: 'u1', role: actorRole, tv: 0 };
    },
  } as unknown as TokenService;
  const actors = {
    resolve: async (c: AccessTokenClaims): Promise<Actor> => ({ userId: c.sub, role: c.role }),
  } as unknown as ActorResolver;
  const devices = {
    authenticate: async (key?: string): Promise<Actor> => {
      calls.push(`device:${key}`);
      return { userId: 'd1', role: Role.SOS_DEVICE, elderIds: ['e1'] };
    },
  } as unknown as DeviceAuthenticator;
  return { guard: new AccessGuard(reflector, tokens, actors, devices), calls };
}

function ctx(headers: Record<string, string> = {}, type = 'http') {
  const req: { headers: Record<string, string>; actor?: Actor } = { headers };
  const context = {
    getType: () => type,
    getHandler: () => function handler() {},
    getClass: () => class C {},
    switchToHttp: () => ({ getRequest: () => req }),
  } as unknown as ExecutionContext;
  return { context, req };
}

describe('AccessGuard', () => {
  it('refuses a route that declares no access rule, even with a valid token (fails closed)', async () => {
    const { guard, calls } = guardWith(undefined);
    await expect(guard.canActivate(ctx({ authorization: 'Bearer t' }).context)).rejects.toMatchObject({
      code: IdentityErrorCode.ROUTE_WITHOUT_ACCESS_RULE,
      kind: 'FORBIDDEN',
    });
    expect(calls).toEqual([]);
  });

  it.each(['ws', 'rpc'])(
    'refuses a %s handler it cannot authenticate, even on a public rule (fails closed)',
    async (type) => {
      for (const rule of [{ public: true }, { roles: [Role.WORKER] }, undefined] as (AccessRule | undefined)[]) {
        const { guard, calls } = guardWith(rule);
        await expect(guard.canActivate(ctx({ authorization: 'Bearer t' }, type).context)).rejects.toMatchObject({
          code: IdentityErrorCode.CONTEXT_NOT_GUARDED,
          kind: 'FORBIDDEN',
        });
        expect(calls).toEqual([]);
      }
    },
  );

  it('lets a public route through without authentication', async () => {
    const { guard } = guardWith({ public: true });
    await expect(guard.canActivate(ctx().context)).resolves.toBe(true);
  });

  it('asks for a bearer token on a role route', async () => {
    const { guard } = guardWith({ roles: [Role.WORKER] });
    await expect(guard.canActivate(ctx().context)).rejects.toMatchObject({ code: IdentityErrorCode.UNAUTHENTICATED });
    await expect(guard.canActivate(ctx({ authorization: 'Basic abc' }).context)).rejects.toMatchObject({
      code: IdentityErrorCode.UNAUTHENTICATED,
    });
  });

  it('refuses a role that the rule does not list and sets the actor for one it does', async () => {
    const denied = guardWith({ roles: [Role.PLATFORM_ADMIN] }, Role.WORKER);
    await expect(denied.guard.canActivate(ctx({ authorization: 'Bearer t' }).context)).rejects.toMatchObject({
      code: IdentityErrorCode.ROLE_NOT_ALLOWED,
      kind: 'FORBIDDEN',
    });
    const allowed = guardWith({ roles: [Role.WORKER] }, Role.WORKER);
    const { context, req } = ctx({ authorization: 'Bearer tok' });
    await expect(allowed.guard.canActivate(context)).resolves.toBe(true);
    expect(req.actor).toEqual({ userId: 'u1', role: Role.WORKER });
    expect(allowed.calls).toEqual(['verify:tok']);
  });

  it('authenticates a device route with the device key only (a bearer token is not looked at)', async () => {
    const { guard, calls } = guardWith({ device: true });
    const { context, req } = ctx({ 'x-device-key': 'k', authorization: 'Bearer t' });
    await expect(guard.canActivate(context)).resolves.toBe(true);
    expect(calls).toEqual(['device:k']);
    expect(req.actor?.role).toBe(Role.SOS_DEVICE);
  });
});
