import { FacilityLevel, RegionLevel } from './region.entity.js';
import type { RegionDto, RegionNodeDto } from './regions.dto.js';

/** A region and a node of the tree: the answers' classes, which are also their OpenAPI schemas. */
export type RegionView = RegionDto;
export type RegionNode = RegionNodeDto;

/** Builds the nested tree (children ordered by code) from a flat list; nodes whose parent is missing become roots. */
export function buildRegionTree(regions: readonly RegionView[]): RegionNode[] {
  const nodes = new Map<string, RegionNode>();
  for (const r of [...regions].sort((a, b) => a.code.localeCompare(b.code))) nodes.set(r.code, { ...r, children: [] });
  const roots: RegionNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parentCode ? nodes.get(node.parentCode) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}

/** A station-level node: an urban community or a rural village (where elders live and contracts apply). */
export function isCommunityLevel(level: RegionLevel): boolean {
  return level === RegionLevel.COMMUNITY || level === RegionLevel.VILLAGE;
}

/** Which region level each of the "3 levels" of service platforms sits on. */
export function facilityFitsRegion(facility: FacilityLevel, region: RegionLevel): boolean {
  switch (facility) {
    case FacilityLevel.DISTRICT_CENTRE:
      return region === RegionLevel.DISTRICT;
    case FacilityLevel.STREET_HUB:
      return region === RegionLevel.STREET;
    case FacilityLevel.COMMUNITY_STATION:
      return isCommunityLevel(region);
  }
}
