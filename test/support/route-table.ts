import 'reflect-metadata';
import { RequestMethod, type INestApplication, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { DiscoveryService, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { ACCESS_RULE, Role, type AccessRule } from '#lib/kernel';
import type { MiniCity } from './fixtures.js';

/** One route of the running application, read from Nest's own metadata (what the router serves). */
export interface AppRoute {
  /** "POST /orders/:id/offer" */
  key: string;
  method: string;
  /** Express-style path: /orders/:id/offer */
  path: string;
  /** OpenAPI-style path: /orders/{id}/offer */
  openApiPath: string;
  rule: AccessRule | undefined;
  controller: string;
  /** The handler's method name (offer, checkIn, …). */
  handlerName: string;
  /** The class of the @Body() parameter, if the handler takes one. */
  bodyType?: Type<unknown>;
  /** The class of the @Query() parameter, if the handler takes a whole query object. */
  queryType?: Type<unknown>;
}

/** Every controller route of a Nest application, with its access rule read the way the AccessGuard reads it. */
export function appRoutes(app: INestApplication): AppRoute[] {
  const discovery = new DiscoveryService(app.get(ModulesContainer));
  const scanner = new MetadataScanner();
  const reflector = new Reflector();
  const routes: AppRoute[] = [];
  for (const wrapper of discovery.getControllers()) {
    const { metatype, instance } = wrapper;
    if (!metatype || !instance) continue;
    const controllerPaths = ([] as string[]).concat(Reflect.getMetadata(PATH_METADATA, metatype) ?? '');
    const proto = Object.getPrototypeOf(instance) as Record<string, (...args: unknown[]) => unknown>;
    for (const name of scanner.getAllMethodNames(proto)) {
      const handler = proto[name];
      const methodPaths: string | string[] | undefined = Reflect.getMetadata(PATH_METADATA, handler);
      if (methodPaths === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
      const rule = reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [handler, metatype as never]);
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, metatype, name) ?? {}) as Record<
        string,
        { index: number; data?: unknown }
      >;
      const paramTypes = (Reflect.getMetadata('design:paramtypes', proto, name) ?? []) as Type<unknown>[];
      const argOf = (type: RouteParamtypes) =>
        Object.entries(args).find(([k, a]) => k.split(':')[0] === String(type) && a.data === undefined)?.[1];
      const body = argOf(RouteParamtypes.BODY);
      const query = argOf(RouteParamtypes.QUERY);
      for (const cp of controllerPaths)
        for (const mp of ([] as string[]).concat(methodPaths)) {
          const path =
            '/' +
            [cp, mp]
              .map((p) => p.replace(/^\/+|\/+$/g, ''))
              .filter(Boolean)
              .join('/');
          routes.push({
            key: `${method} ${path}`,
            method,
            path,
            openApiPath: path.replace(/:(\w+)/g, '{$1}'),
            rule,
            controller: metatype.name,
            handlerName: name,
            bodyType: body ? paramTypes[body.index] : undefined,
            queryType: query ? paramTypes[query.index] : undefined,
          });
        }
    }
  }
  return routes.sort((a, b) => a.key.localeCompare(b.key));
}

/** One A-side user of the mini city per role (auditor and admin: the district-A auditor, the city-wide admin). */
export const REPRESENTATIVE_USER: Record<Exclude<Role, Role.SOS_DEVICE>, keyof MiniCity['users']> = {
  ELDER: 'elderA',
  FAMILY: 'familyA',
  STATION_STAFF: 'stationA',
  HUB_STAFF: 'hubA',
  DISTRICT_DISPATCHER: 'dispatcherA',
  PROVIDER_ADMIN: 'providerAdminA',
  WORKER: 'workerA',
  AUDITOR: 'auditorA',
  PLATFORM_ADMIN: 'admin',
};
