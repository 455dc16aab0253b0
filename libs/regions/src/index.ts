import { RegionEntity, FacilityEntity } from './region.entity.js';

export * from './region.entity.js';
export const REGION_ENTITIES = [RegionEntity, FacilityEntity];
export * from './regions.module.js';
