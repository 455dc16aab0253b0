import {
  UserEntity,
  UserElderLinkEntity,
  RefreshTokenEntity,
  LoginCodeEntity,
  SosDeviceEntity,
} from './identity.entity.js';

export * from './identity.entity.js';
export * from './identity.errors.js';
export * from './identity.module.js';
export { TokenService, type AccessTokenClaims, type IdentityOptions } from './access/token.service.js';
export { ActorResolver } from './access/actor.resolver.js';
export { UsersService } from './users/users.service.js';
export const IDENTITY_ENTITIES = [
  UserEntity,
  UserElderLinkEntity,
  RefreshTokenEntity,
  LoginCodeEntity,
  SosDeviceEntity,
];
export * from './access/rate-limit.guard.js';
export { AccessGuard } from './access/access.guard.js';
export { DeviceAuthenticator } from './access/device.authenticator.js';
export { IDENTITY_OPTIONS } from './access/token.service.js';
export { hashPassword } from './auth/passwords.js';
