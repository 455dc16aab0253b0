import { UserEntity, UserElderLinkEntity, RefreshTokenEntity, LoginCodeEntity, SosDeviceEntity } from './identity.entity.js';

export * from './identity.entity.js';
export const IDENTITY_ENTITIES = [UserEntity, UserElderLinkEntity, RefreshTokenEntity, LoginCodeEntity, SosDeviceEntity];
