import { describe, expect, it } from '@jest/globals';
import { Controller, Get } from '@nestjs/common';
import { ACCESS_RULE, Access, Public, Roles } from './access.js';
import { accessErrors, ApiErrors, ErrorBody, PageOf } from './openapi.js';
import { ALL_ROLES, Role } from './roles.js';

/** @nestjs/swagger's metadata key of @ApiResponse (its constants are not exported). */
const API_RESPONSE = 'swagger/apiResponse';
const PEOPLE = ALL_ROLES.filter((r) => r !== Role.SOS_DEVICE);

describe('the errors an access rule documents', () => {
  it('a public route: none', () => {
    expect(accessErrors({ public: true })).toEqual({});
  });

  it('a device route: 401 for a missing or unknown key', () => {
    expect(Object.keys(accessErrors({ device: true }))).toEqual(['401']);
  });

  it('a route every person may call: 401 only (the guard cannot answer 403)', () => {
    expect(Object.keys(accessErrors({ roles: PEOPLE }))).toEqual(['401']);
  });

  it('a route for some roles: 401 and a 403 that names them', () => {
    const errors = accessErrors({ roles: [Role.PLATFORM_ADMIN] });
    expect(Object.keys(errors)).toEqual(['401', '403']);
    expect(errors[403]).toBe('ROLE_NOT_ALLOWED: only PLATFORM_ADMIN');
  });
});

describe('decorators', () => {
  @Controller('x')
  class X {
    @Get('a')
    @Roles(Role.AUDITOR)
    @ApiErrors({ 403: 'ACCESS_DENIED: not yours', 404: 'X_NOT_FOUND' })
    a() {}

    @Get('b')
    @Public()
    b() {}

    @Get('c')
    @Access({ device: true })
    c() {}
  }
  const responses = (m: keyof X) =>
    Reflect.getMetadata(API_RESPONSE, X.prototype[m]) as
      Record<string, { type: unknown; description: string }> | undefined;

  it('Roles keeps the access rule and documents its errors as ErrorBody, joined with the route’s own', () => {
    expect(Reflect.getMetadata(ACCESS_RULE, X.prototype.a)).toEqual({ roles: [Role.AUDITOR] });
    const r = responses('a')!;
    expect(Object.keys(r).sort()).toEqual(['401', '403', '404']);
    expect(r[403].type).toBe(ErrorBody);
    expect(r[403].description).toContain('ROLE_NOT_ALLOWED');
    expect(r[403].description).toContain('ACCESS_DENIED');
  });

  it('Public documents no error; a device rule documents 401', () => {
    expect(Reflect.getMetadata(ACCESS_RULE, X.prototype.b)).toEqual({ public: true });
    expect(responses('b')).toBeUndefined();
    expect(Object.keys(responses('c')!)).toEqual(['401']);
  });

  it('PageOf names the page schema', () => {
    class ThingPage extends PageOf(ErrorBody, 'ThingPage') {}
    expect(ThingPage.name).toBe('ThingPage');
    expect(PageOf(ErrorBody, 'ErrorPage').name).toBe('ErrorPage');
  });
});
