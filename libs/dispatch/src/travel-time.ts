import { distanceMeters, type GeoPoint } from '#lib/kernel';
import { RegionLevel } from '#lib/regions';

/** Urban community (社区) or rural village (行政村): speeds, detours and the service circle differ. */
export type AreaType = 'URBAN' | 'RURAL';

/**
 * Estimated travel time between two points. The straight-line model below is the default; a real routing
 * engine (road graph, live traffic) can implement the same interface later without touching the decisions.
 */
export interface TravelTimeModel {
  minutes(from: GeoPoint, to: GeoPoint, areaType: AreaType): number;
}

export interface AreaSpeed {
  /** Average door-to-door speed of a worker (e-bike / car mix), km/h. */
  speedKmh: number;
  /** Road distance ÷ straight-line distance. */
  detourFactor: number;
}

export type SpeedModelConfig = Record<AreaType, AreaSpeed>;

/**
 * Defaults: urban 18 km/h with a 1.4 detour (e-bike in city traffic, grid streets), rural 35 km/h with a
 * 1.3 detour (car or motorbike on county roads). With these, the 15-minute urban circle is about 3.2 km
 * straight-line and the 30-minute rural circle about 13.5 km.
 */
export const DEFAULT_SPEED_MODEL: SpeedModelConfig = {
  URBAN: { speedKmh: 18, detourFactor: 1.4 },
  RURAL: { speedKmh: 35, detourFactor: 1.3 },
};

/** minutes = straight-line km × detour factor ÷ speed (km/h) × 60, per area type. */
export class StraightLineTravelTime implements TravelTimeModel {
  constructor(private readonly config: SpeedModelConfig = DEFAULT_SPEED_MODEL) {
    for (const area of ['URBAN', 'RURAL'] as const) {
      const { speedKmh, detourFactor } = config[area];
      if (!(speedKmh > 0) || !Number.isFinite(speedKmh))
        throw new RangeError(`${area} speed must be a positive number`);
      if (!(detourFactor >= 1) || !Number.isFinite(detourFactor))
        throw new RangeError(`${area} detour factor must be ≥ 1`);
    }
  }

  minutes(from: GeoPoint, to: GeoPoint, areaType: AreaType): number {
    const { speedKmh, detourFactor } = this.config[areaType];
    return ((distanceMeters(from, to) / 1000) * detourFactor * 60) / speedKmh;
  }
}

/** COMMUNITY is urban, VILLAGE is rural; orders are always placed at one of these two levels. */
export function areaTypeOfLevel(level: RegionLevel | string): AreaType {
  if (level === RegionLevel.COMMUNITY) return 'URBAN';
  if (level === RegionLevel.VILLAGE) return 'RURAL';
  throw new RangeError(`region level ${level} is not a community or village`);
}
