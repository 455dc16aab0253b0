import { describe, expect, it } from '@jest/globals';
import { FacilityLevel, RegionLevel } from './region.entity.js';
import { buildRegionTree, facilityFitsRegion, type RegionView } from './region-tree.js';

const r = (code: string, level: RegionLevel, parentCode: string | null): RegionView => ({
  code,
  level,
  name: code,
  nameEn: null,
  parentCode,
  path: '',
  lat: 0,
  lng: 0,
});

describe('buildRegionTree', () => {
  it('nests children under their parents, ordered by code, whatever the input order', () => {
    const tree = buildRegionTree([
      r('150302001201', RegionLevel.VILLAGE, '150302001'),
      r('150303', RegionLevel.DISTRICT, '150300'),
      r('150302001', RegionLevel.STREET, '150302'),
      r('150300', RegionLevel.CITY, null),
      r('150302', RegionLevel.DISTRICT, '150300'),
      r('150302001001', RegionLevel.COMMUNITY, '150302001'),
    ]);
    expect(tree.map((n) => n.code)).toEqual(['150300']);
    expect(tree[0].children.map((n) => n.code)).toEqual(['150302', '150303']);
    expect(tree[0].children[0].children[0].children.map((n) => n.code)).toEqual(['150302001001', '150302001201']);
    expect(tree[0].children[1].children).toEqual([]);
  });

  it('keeps an orphan (parent missing) as a root rather than dropping it', () => {
    expect(buildRegionTree([r('150302001', RegionLevel.STREET, '150302')]).map((n) => n.code)).toEqual(['150302001']);
  });
});

describe('facilityFitsRegion', () => {
  it('puts each of the three service levels on its region level', () => {
    expect(facilityFitsRegion(FacilityLevel.DISTRICT_CENTRE, RegionLevel.DISTRICT)).toBe(true);
    expect(facilityFitsRegion(FacilityLevel.STREET_HUB, RegionLevel.STREET)).toBe(true);
    expect(facilityFitsRegion(FacilityLevel.COMMUNITY_STATION, RegionLevel.COMMUNITY)).toBe(true);
    expect(facilityFitsRegion(FacilityLevel.COMMUNITY_STATION, RegionLevel.VILLAGE)).toBe(true);
    expect(facilityFitsRegion(FacilityLevel.DISTRICT_CENTRE, RegionLevel.COMMUNITY)).toBe(false);
    expect(facilityFitsRegion(FacilityLevel.STREET_HUB, RegionLevel.CITY)).toBe(false);
  });
});
