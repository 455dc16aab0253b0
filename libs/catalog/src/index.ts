import { ServiceTypeEntity, ServiceItemEntity } from './catalog.entity.js';

export * from './catalog.entity.js';
export const CATALOG_ENTITIES = [ServiceTypeEntity, ServiceItemEntity];
export * from './catalog.module.js';
export * from './standard-catalogue.js';
export * from './catalog.errors.js';
export {
  CatalogService,
  CatalogAuditAction,
  type CatalogItemView,
  type CatalogItemSnapshot,
  type ServiceTypeView,
  type CreateItemInput,
  type UpdateItemInput,
} from './catalog.service.js';
