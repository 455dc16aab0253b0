// Test fixtures for the dispatch unit tests (not exported from the lib's index).
import type { GeoPoint } from '#lib/kernel';
import type { WeeklyHours } from '#lib/providers';
import { dispatchConfig, type DispatchConfigOverrides } from '../config.js';
import { StraightLineTravelTime } from '../travel-time.js';
import type { DispatchRequest, ProviderSnapshot, WorkerSnapshot } from '../types.js';

/** Wuhai city centre. */
export const ORIGIN: GeoPoint = { lat: 39.655, lng: 106.825 };

/** A point `eastKm` east and `northKm` north of `from` (small distances, spherical Earth). */
export function offset(from: GeoPoint, eastKm: number, northKm = 0): GeoPoint {
  const dLat = northKm / 111.195;
  const dLng = eastKm / (111.195 * Math.cos((from.lat * Math.PI) / 180));
  return { lat: from.lat + dLat, lng: from.lng + dLng };
}

/** Local time (UTC+8) on Monday 4 May 2026 (or `day` days later) → the instant. */
export function local(hhmm: string, day = 0): Date {
  const [h, m] = hhmm.split(':').map(Number);
  return new Date(Date.UTC(2026, 4, 4 + day, h - 8, m));
}

export const ALL_WEEK = (ranges: string[]): WeeklyHours =>
  Object.fromEntries(['1', '2', '3', '4', '5', '6', '7'].map((d) => [d, ranges])) as WeeklyHours;

export const config = (overrides: DispatchConfigOverrides = {}) => dispatchConfig(overrides);

/** One minute per straight-line km in both areas: travel minutes = km, easy to reason about. */
export const KM_PER_MINUTE = new StraightLineTravelTime({
  URBAN: { speedKmh: 60, detourFactor: 1 },
  RURAL: { speedKmh: 60, detourFactor: 1 },
});

export function worker(id: string, overrides: Partial<WorkerSnapshot> = {}): WorkerSnapshot {
  return {
    id,
    status: 'ACTIVE',
    qualifications: ['CAREGIVER'],
    shifts: ALL_WEEK(['00:00-24:00']),
    commitments: [],
    ...overrides,
  };
}

export function provider(id: string, overrides: Partial<ProviderSnapshot> = {}): ProviderSnapshot {
  return {
    id,
    status: 'ACTIVE',
    base: offset(ORIGIN, 1),
    openingHours: ALL_WEEK(['00:00-24:00']),
    capacity: 10,
    openOffers: 0,
    activeOrders: 0,
    contracts: [
      {
        serviceTypes: ['BATH', 'MEAL'],
        communityCodes: ['150302001001'],
        validFrom: '2026-01-01',
        validTo: '2026-12-31',
      },
    ],
    workers: [worker(`${id}-w1`)],
    stats: {
      ordersThisMonth: 0,
      ratingSum: 0,
      ratingCount: 0,
      offersAccepted: 0,
      offersRejected: 0,
      offersExpired: 0,
      priceCents: null,
    },
    ...overrides,
  };
}

export function request(overrides: Partial<DispatchRequest> = {}): DispatchRequest {
  return {
    orderId: 'order-1',
    serviceType: 'BATH',
    communityCode: '150302001001',
    areaType: 'URBAN',
    home: ORIGIN,
    at: local('10:00'),
    durationMinutes: 60,
    requiredQualification: 'CAREGIVER',
    priceCents: 8000,
    previousProviderId: null,
    ...overrides,
  };
}
