// Batch-assignment fixtures and a seeded synthetic city for the unit tests and the timing run.
import type { GeoPoint } from '#lib/kernel';
import type { WeeklyHours } from '#lib/providers';
import type { BatchInput, BatchOrder, BatchProvider, BatchWorker } from '../batch/batch-types.js';
import { ALL_WEEK, ORIGIN, local, offset } from './fixtures.js';

export const COMMUNITY = '150302001001';

export function bProvider(providerId: string, eastKm: number, overrides: Partial<BatchProvider> = {}): BatchProvider {
  return {
    providerId,
    status: 'ACTIVE',
    base: offset(ORIGIN, eastKm),
    capacity: 10,
    openingHours: ALL_WEEK(['00:00-24:00']),
    contracts: [
      {
        serviceTypes: ['CLEAN', 'MEAL', 'BATH', 'MEDICAL'],
        communityCodes: [COMMUNITY],
        validFrom: '2026-01-01',
        validTo: '2026-12-31',
      },
    ],
    ...overrides,
  };
}

export function bWorker(workerId: string, providerId: string, overrides: Partial<BatchWorker> = {}): BatchWorker {
  return {
    workerId,
    providerId,
    status: 'ACTIVE',
    qualifications: ['CAREGIVER'],
    shifts: ALL_WEEK(['00:00-24:00']),
    ...overrides,
  };
}

export function bOrder(
  orderId: string,
  eastKm: number,
  from: string,
  to: string,
  durationMinutes: number,
  overrides: Partial<BatchOrder> = {},
): BatchOrder {
  return {
    orderId,
    serviceType: 'CLEAN',
    communityCode: COMMUNITY,
    areaType: 'URBAN',
    home: offset(ORIGIN, eastKm),
    windowStart: local(from),
    windowEnd: local(to),
    durationMinutes,
    requiredQualification: null,
    ...overrides,
  };
}

/** Deterministic pseudo-random numbers (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SHIFTS: WeeklyHours[] = [
  ALL_WEEK(['08:00-17:00']),
  ALL_WEEK(['06:00-14:00']),
  ALL_WEEK(['14:00-22:00']),
  ALL_WEEK(['08:00-20:00']),
];
const QUALS = ['CAREGIVER', 'NURSE', 'FIRST_AID', 'FOOD_HANDLER'];
const QUAL_P = [0.6, 0.15, 0.4, 0.3];

/**
 * A district-sized synthetic day: `providers` providers spread over a square of `sideKm`, `workers`
 * workers at their provider's base with seed-like qualifications and shifts, `orders` scheduled orders
 * (meals at lunch, baths, nurse visits, cleanings) spread over the square and the day.
 */
export function syntheticCity(
  seed: number,
  orders: number,
  workers: number,
  providers: number,
  sideKm = 12,
): BatchInput {
  const r = rng(seed);
  const communities = Array.from({ length: 12 }, (_, i) => `150302001${String(i + 1).padStart(3, '0')}`);
  const point = (): GeoPoint => offset(ORIGIN, r() * sideKm, r() * sideKm);
  const ps: BatchProvider[] = Array.from({ length: providers }, (_, i) => ({
    providerId: `p${String(i).padStart(3, '0')}`,
    status: 'ACTIVE',
    base: point(),
    capacity: 10 + Math.floor(r() * 40),
    openingHours: ALL_WEEK(['06:00-22:00']),
    contracts: [
      {
        serviceTypes: ['CLEAN', 'MEAL', 'BATH', 'MEDICAL'],
        communityCodes: communities.filter(() => r() < 0.7),
        validFrom: '2026-01-01',
        validTo: '2026-12-31',
      },
    ],
  }));
  const ws: BatchWorker[] = Array.from({ length: workers }, (_, i) => ({
    workerId: `w${String(i).padStart(4, '0')}`,
    providerId: ps[i % providers].providerId,
    status: 'ACTIVE',
    qualifications: QUALS.filter((_, q) => r() < QUAL_P[q]),
    shifts: SHIFTS[Math.floor(r() * SHIFTS.length)],
  }));
  const kinds = [
    { serviceType: 'MEAL', from: [11, 0], span: 90, duration: 15, qual: 'FOOD_HANDLER', share: 0.4 },
    { serviceType: 'BATH', from: [9, 0], span: 120, duration: 60, qual: 'CAREGIVER', share: 0.25 },
    { serviceType: 'MEDICAL', from: [8, 0], span: 60, duration: 30, qual: 'NURSE', share: 0.1 },
    { serviceType: 'CLEAN', from: [8, 0], span: 180, duration: 120, qual: null, share: 0.25 },
  ];
  const os: BatchOrder[] = Array.from({ length: orders }, (_, i) => {
    let x = r();
    const k = kinds.find((kind) => (x -= kind.share) < 0) ?? kinds[3];
    // windows start on the hour or half hour across the morning and afternoon
    const startMin = k.serviceType === 'MEAL' ? 11 * 60 : k.from[0] * 60 + 30 * Math.floor(r() * 16);
    const start = local(
      `${String(Math.floor(startMin / 60)).padStart(2, '0')}:${String(startMin % 60).padStart(2, '0')}`,
    );
    return {
      orderId: `o${String(i).padStart(4, '0')}`,
      serviceType: k.serviceType,
      communityCode: communities[Math.floor(r() * communities.length)],
      areaType: 'URBAN',
      home: point(),
      windowStart: start,
      windowEnd: new Date(start.getTime() + k.span * 60_000),
      durationMinutes: k.duration,
      requiredQualification: k.qual,
    };
  });
  return { orders: os, workers: ws, providers: ps };
}
