import { RegionEntity, FacilityEntity } from './region.entity.js';

export * from './region.entity.js';
export const REGION_ENTITIES = [RegionEntity, FacilityEntity];
export * from './regions.module.js';
export * from './regions.errors.js';
export { RegionsService, type FacilityView, type CreateFacilityInput } from './regions.service.js';
export {
  buildRegionTree,
  isCommunityLevel,
  facilityFitsRegion,
  type RegionView,
  type RegionNode,
} from './region-tree.js';
