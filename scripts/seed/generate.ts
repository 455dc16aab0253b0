/**
 * Pure, deterministic generator of a city shaped like Wuhai (DOMAIN.md "Figures that make it real"):
 * regions, facilities, the catalogue, providers with contracts, workers, elders with emergency contacts,
 * users for every role, SOS devices and months of order history with their event logs.
 *
 * Everything here is plain data (personal data still in clear); scripts/seed/write.ts encrypts and
 * stores it. The same options (seed, sizes, `until`) give the same data, ids included.
 */
import { STANDARD_ITEMS, STANDARD_SERVICE_TYPES, type StandardItem } from '#lib/catalog';
import { DEFAULT_DISPATCH_CONFIG, StraightLineTravelTime, areaTypeOfLevel } from '#lib/dispatch';
import { DISPATCH_ENGINE_ACTOR, distanceMeters, Role } from '#lib/kernel';
import { ORDER_JOBS, type OrderEventRouting } from '#lib/orders';
import { createHash } from 'node:crypto';
import { apportion, Rng } from './random.js';
import {
  CITY,
  COMMUNITY_NAMES,
  DISTRICTS,
  ELDER_GIVEN_F,
  ELDER_GIVEN_M,
  HEALTH_CONDITIONS,
  PROVIDER_BRANDS,
  SURNAMES,
  YOUNG_GIVEN,
  type DistrictSpec,
  type StreetSpec,
} from './wuhai.js';

// ------------------------------------------------------------------------------------------------
// options and rows
// ------------------------------------------------------------------------------------------------

export interface SeedOptions {
  seed: number;
  elders: number;
  providers: number;
  workers: number;
  /** Months of order history before `until`. */
  months: number;
  /** Orders per (active) elder per month; 0.5 gives ~150k orders for 100k elders over 3 months. */
  orderRate: number;
  /** The "now" of the data set: the end of the order history. */
  until: Date;
}

export const FULL_CITY: Omit<SeedOptions, 'until'> = {
  seed: 42,
  elders: 100_000,
  providers: 40,
  workers: 1_000,
  months: 3,
  orderRate: 0.5,
};
export const DEMO_CITY: Omit<SeedOptions, 'until'> = {
  seed: 42,
  elders: 2_000,
  providers: 10,
  workers: 200,
  months: 3,
  orderRate: 0.5,
};

/** Password of every seeded staff account and of the listed demo accounts. */
export const DEMO_PASSWORD = 'Wuhai-Demo-2026!';

export type Level = 'CITY' | 'DISTRICT' | 'STREET' | 'COMMUNITY' | 'VILLAGE';
export type WeeklyHours = Partial<Record<'1' | '2' | '3' | '4' | '5' | '6' | '7', string[]>>;

export interface RegionRow {
  code: string;
  level: Level;
  name: string;
  nameEn: string | null;
  parentCode: string | null;
  path: string;
  lat: number;
  lng: number;
  districtCode: string;
}
export interface FacilityRow {
  id: string;
  regionCode: string;
  level: 'DISTRICT_CENTRE' | 'STREET_HUB' | 'COMMUNITY_STATION';
  name: string;
  operatorProviderId: string | null;
  hotline: string;
  lat: number;
  lng: number;
}
export interface ServiceTypeRow {
  code: string;
  nameZh: string;
  nameEn: string;
  sortOrder: number;
}
export interface ItemRow extends StandardItem {
  id: string;
}
export type ProviderProfile = 'GENERAL' | 'MEAL' | 'NURSING' | 'HOUSEKEEPING' | 'CULTURE';
export interface ProviderRow {
  id: string;
  name: string;
  creditCode: string;
  districtCode: string;
  contactPhone: string;
  baseLat: number;
  baseLng: number;
  openingHours: WeeklyHours;
  capacity: number;
  status: 'ACTIVE';
  profile: ProviderProfile;
  createdAt: Date;
}
export interface ContractRow {
  id: string;
  providerId: string;
  serviceTypes: string[];
  communityCodes: string[];
  validFrom: string;
  validTo: string;
}
export interface WorkerRow {
  id: string;
  providerId: string;
  name: string;
  phone: string;
  qualifications: string[];
  shifts: WeeklyHours;
  status: 'ACTIVE' | 'OFF_DUTY' | 'SUSPENDED' | 'LEFT';
  createdAt: Date;
}
export type LivingSituation = 'ALONE' | 'EMPTY_NEST' | 'LEFT_BEHIND' | 'WITH_FAMILY';
export interface ElderRow {
  id: string;
  name: string;
  gender: 'M' | 'F';
  birthDate: string;
  age: number;
  idNumber: string;
  phone: string | null;
  address: string;
  communityCode: string;
  regionPath: string;
  homeLat: number;
  homeLng: number;
  livingSituation: LivingSituation;
  categories: string[];
  abilityLevel: number;
  healthNotes: string | null;
  status: 'ACTIVE' | 'DECEASED' | 'MOVED_AWAY';
  deceasedOn: string | null;
  createdAt: Date;
}
export interface ContactRow {
  id: string;
  elderId: string;
  name: string;
  relation: string;
  phone: string;
  priority: number;
}
export interface UserRow {
  id: string;
  displayName: string;
  phone: string;
  /** Whether the account has the demo password (elders and family otherwise sign in with a one-time code). */
  password: boolean;
  role: Role;
  regionCode: string | null;
  regionPath: string | null;
  providerId: string | null;
  workerId: string | null;
  elderId: string | null;
}
export interface LinkRow {
  id: string;
  userId: string;
  elderId: string;
  relation: string;
}
export interface DeviceRow {
  id: string;
  elderId: string;
  serialNumber: string;
  /** The device secret; only its SHA-256 is stored. The key a device sends is `<id>.<secret>`. */
  secret: string;
}
export interface DemoAccount {
  role: Role;
  label: string;
  phone: string;
  displayName: string;
  scope: string;
  userId: string;
}

export interface City {
  options: SeedOptions;
  regions: RegionRow[];
  facilities: FacilityRow[];
  serviceTypes: ServiceTypeRow[];
  items: ItemRow[];
  providers: ProviderRow[];
  contracts: ContractRow[];
  workers: WorkerRow[];
  elders: ElderRow[];
  contacts: ContactRow[];
  users: UserRow[];
  links: LinkRow[];
  devices: DeviceRow[];
  demo: {
    accounts: DemoAccount[];
    deviceKey: string;
    elderId: string;
    elderName: string;
    /** The demo provider (open around the clock, next to the demo community; admin 13800000009). */
    providerId: string;
    providerName: string;
    /** The demo community's second provider (the next candidate; admin 13800000014). */
    secondProviderId: string;
    secondProviderName: string;
    communityCode: string;
    communityName: string;
  };
}

// ------------------------------------------------------------------------------------------------
// Chinese identifiers
// ------------------------------------------------------------------------------------------------

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** Check character of a resident ID number (GB 11643-1999, ISO 7064 MOD 11-2) from its first 17 digits. */
export function idCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11];
}

/** True when an 18-character resident ID number has a valid date and check character. */
export function isValidIdNumber(id: string): boolean {
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return false;
  return idCheckChar(id.slice(0, 17)) === id[17];
}

const CREDIT_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** Unified social credit code (GB 32100-2015) with its check character. */
export function creditCode(rng: Rng, regType: '91' | '52', adminCode: string): string {
  let body = regType + adminCode;
  for (let i = 0; i < 9; i++) body += CREDIT_CHARS[rng.int(0, i === 8 ? 9 : 30)];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_CHARS.indexOf(body[i]) * CREDIT_WEIGHTS[i];
  const c = 31 - (sum % 31);
  return body + CREDIT_CHARS[c === 31 ? 0 : c];
}

// ------------------------------------------------------------------------------------------------
// helpers
// ------------------------------------------------------------------------------------------------

const DAY = 86_400_000;
const MIN = 60_000;
/** China Standard Time offset: local wall-clock times are generated in UTC+8. */
const CST = 8 * 3_600_000;

const sha256 = (value: string): Buffer => createHash('sha256').update(value).digest();
/** A version-4-shaped UUID derived from a name (offer ids: no draw from the order stream). */
function uuidFrom(name: string): string {
  const b = sha256(name).subarray(0, 16);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
const clampLat = (x: number) => Math.min(39.8, Math.max(39.4, x));
const clampLng = (x: number) => Math.min(106.95, Math.max(106.7, x));
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** Local (UTC+8) calendar date of an instant. */
const localDate = (ms: number) => isoDate(ms + CST);

const SURNAME_LIST = SURNAMES.map(([n]) => n);
const SURNAME_WEIGHTS = SURNAMES.map(([, w]) => w);

function surname(rng: Rng): string {
  return rng.weighted(SURNAME_LIST, SURNAME_WEIGHTS);
}
function youngName(rng: Rng, family?: string): string {
  return (family ?? surname(rng)) + rng.pick(YOUNG_GIVEN);
}

/** Hands out unique mobile numbers; the 138000000xx block is reserved for the listed demo accounts. */
class PhoneBook {
  private readonly used = new Set<string>();
  private staffSeq = 0;
  constructor(private readonly rng: Rng) {}

  reserve(phone: string): string {
    this.used.add(phone);
    return phone;
  }
  /** Staff and workers: a sequential block, easy to recognise in a demo. */
  staff(): string {
    for (;;) {
      this.staffSeq += 1;
      const p = `1390000${String(this.staffSeq).padStart(4, '0')}`;
      if (!this.used.has(p)) return this.reserve(p);
    }
  }
  random(): string {
    const prefixes = [
      '130',
      '131',
      '132',
      '133',
      '135',
      '136',
      '137',
      '139',
      '150',
      '151',
      '152',
      '155',
      '156',
      '158',
      '159',
      '177',
      '180',
      '181',
      '182',
      '186',
      '187',
      '189',
      '199',
    ];
    for (;;) {
      const p = this.rng.pick(prefixes) + String(this.rng.int(0, 99_999_999)).padStart(8, '0');
      if (!p.startsWith('1390000') && !this.used.has(p)) return this.reserve(p);
    }
  }
}

/**
 * The demo anchor: the first community of 新华街道 (海勃湾区), where the demo elder lives, and the
 * district's first two providers, placed next to it (offsets of their bases in latitude from the
 * community's centre: ~0.2 km and ~2.4 km, ≈ 1 and 11 minutes of urban travel).
 */
const DEMO_ANCHOR = {
  districtCode: '150302',
  communityCode: '150302001001',
  baseOffsetLat: [0.0015, 0.0216],
} as const;

/**
 * A contract is "near" when the provider's base reaches the community's centre within this many
 * minutes: the service circle (15 urban, 30 rural) less a margin for homes away from the centre.
 */
const REACH_MINUTES = { URBAN: 11, RURAL: 25 } as const;

const ALL_DAYS = ['1', '2', '3', '4', '5', '6', '7'] as const;
function hours(days: readonly string[], ranges: string[]): WeeklyHours {
  return Object.fromEntries(days.map((d) => [d, ranges])) as WeeklyHours;
}

const PROFILE_TYPES: Record<ProviderProfile, string[]> = {
  GENERAL: STANDARD_SERVICE_TYPES.map((t) => t.code),
  MEAL: ['MEAL', 'SHOPPING', 'CHAT'],
  NURSING: ['MEDICAL', 'BATH', 'EMERGENCY', 'MOBILITY', 'CLEAN'],
  HOUSEKEEPING: ['CLEAN', 'SHOPPING', 'MOBILITY', 'CHAT'],
  CULTURE: ['RECREATION', 'LEARNING', 'CHAT'],
};
const PROFILE_SUFFIX: Record<ProviderProfile, string[]> = {
  GENERAL: ['居家养老服务中心', '养老服务有限公司', '社区养老服务中心'],
  MEAL: ['老年餐饮服务有限公司', '长者食堂', '助餐服务中心'],
  NURSING: ['护理服务有限公司', '医养结合服务中心', '居家护理站'],
  HOUSEKEEPING: ['家政服务有限公司', '家庭服务中心'],
  CULTURE: ['老年文化服务中心', '老年大学服务站'],
};
const QUAL_PROBS: Record<ProviderProfile, Record<string, number>> = {
  GENERAL: { CAREGIVER: 0.7, NURSE: 0.15, FIRST_AID: 0.45, FOOD_HANDLER: 0.25 },
  MEAL: { CAREGIVER: 0.2, NURSE: 0, FIRST_AID: 0.2, FOOD_HANDLER: 0.85 },
  NURSING: { CAREGIVER: 0.75, NURSE: 0.45, FIRST_AID: 0.6, FOOD_HANDLER: 0 },
  HOUSEKEEPING: { CAREGIVER: 0.3, NURSE: 0, FIRST_AID: 0.15, FOOD_HANDLER: 0.1 },
  CULTURE: { CAREGIVER: 0.1, NURSE: 0, FIRST_AID: 0.2, FOOD_HANDLER: 0 },
};
const QUALS = ['CAREGIVER', 'NURSE', 'FIRST_AID', 'FOOD_HANDLER'];

const SHIFT_PATTERNS: WeeklyHours[] = [
  hours(['1', '2', '3', '4', '5'], ['08:00-17:00']),
  hours(['1', '2', '3', '4', '5', '6'], ['06:00-14:00']),
  hours(['1', '2', '3', '4', '5', '6'], ['14:00-22:00']),
  hours(['3', '6', '7'], ['08:00-20:00']),
  hours(['2', '4', '6'], ['08:00-20:00']),
];
const NIGHT_SHIFT = hours(ALL_DAYS, ['00:00-07:00', '19:00-24:00']);

const toMinutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const hhmm = (m: number): string => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const rangesOf = (h: WeeklyHours, day: (typeof ALL_DAYS)[number]): [number, number][] =>
  (h[day] ?? []).map((r) => [toMinutes(r.slice(0, 5)), toMinutes(r.slice(6, 11))]);
const onShiftAt = (w: WorkerRow, day: (typeof ALL_DAYS)[number], minute: number): boolean =>
  rangesOf(w.shifts, day).some(([a, b]) => a <= minute && minute < b);

/** Adds [from, to) to a worker's shifts on one day (merging; the pattern objects are shared, so copied). */
function addShift(w: WorkerRow, day: (typeof ALL_DAYS)[number], from: number, to: number): void {
  const merged: [number, number][] = [];
  for (const r of [...rangesOf(w.shifts, day), [from, to] as [number, number]].sort((a, b) => a[0] - b[0])) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  w.shifts = { ...w.shifts, [day]: merged.map(([a, b]) => `${hhmm(a)}-${hhmm(b)}`) };
}

/**
 * What the dispatch engine asks of a provider's workers (libs/dispatch ruleAvailableWorker): at every
 * half hour the provider is open, some active worker is on shift, and for each qualification its items
 * need, some active worker on shift holds it. Gaps left by the random shift patterns (a Sunday morning,
 * the hour between the night and the day shift) are filled with a block of up to 8 hours for the
 * active worker with the fewest hours; a missing qualification goes to the on-shift worker with the
 * fewest. Deterministic (no random numbers), so the rest of the city stays as it was.
 */
function coverOpeningHours(p: ProviderRow, mine: WorkerRow[], needed: string[]): void {
  const active = mine.filter((w) => w.status === 'ACTIVE');
  if (active.length === 0) {
    mine[0].status = 'ACTIVE';
    active.push(mine[0]);
  }
  const weekly = (w: WorkerRow) =>
    ALL_DAYS.reduce((n, d) => n + rangesOf(w.shifts, d).reduce((m, [a, b]) => m + b - a, 0), 0);
  for (const day of ALL_DAYS)
    for (const [from, to] of rangesOf(p.openingHours, day))
      for (let m = from; m < to; m += 30) {
        let onShift = active.filter((w) => onShiftAt(w, day, m));
        if (onShift.length === 0) {
          const w = active.reduce((a, b) => (weekly(b) < weekly(a) ? b : a));
          addShift(w, day, m, Math.min(to, m + 8 * 60));
          onShift = [w];
        }
        for (const q of needed)
          if (!onShift.some((w) => w.qualifications.includes(q)))
            onShift
              .reduce((a, b) => (b.qualifications.length < a.qualifications.length ? b : a))
              .qualifications.push(q);
      }
}

// ------------------------------------------------------------------------------------------------
// the city
// ------------------------------------------------------------------------------------------------

export function generateCity(options: SeedOptions): City {
  const { seed } = options;
  const until = options.until.getTime();
  const phones = new PhoneBook(Rng.stream(seed, 'phones'));
  for (let i = 1; i <= 99; i++) phones.reserve(`138000000${String(i).padStart(2, '0')}`);

  // --- regions ---------------------------------------------------------------------------------
  const geo = Rng.stream(seed, 'regions');
  const regions: RegionRow[] = [];
  const cityPath = `/${CITY.code}/`;
  regions.push({
    code: CITY.code,
    level: 'CITY',
    name: CITY.name,
    nameEn: CITY.nameEn,
    parentCode: null,
    path: cityPath,
    lat: CITY.lat,
    lng: CITY.lng,
    districtCode: '',
  });
  let communityName = 0;
  const streetOf = new Map<string, StreetSpec>();
  const districtOf = new Map<string, DistrictSpec>();
  for (const d of DISTRICTS) {
    const dPath = `${cityPath}${d.code}/`;
    regions.push({
      code: d.code,
      level: 'DISTRICT',
      name: d.name,
      nameEn: d.nameEn,
      parentCode: CITY.code,
      path: dPath,
      lat: d.lat,
      lng: d.lng,
      districtCode: d.code,
    });
    for (const st of d.streets) {
      const sCode = d.code + st.suffix;
      const sPath = `${dPath}${sCode}/`;
      streetOf.set(sCode, st);
      districtOf.set(sCode, d);
      regions.push({
        code: sCode,
        level: 'STREET',
        name: st.name,
        nameEn: st.nameEn,
        parentCode: d.code,
        path: sPath,
        lat: st.lat,
        lng: st.lng,
        districtCode: d.code,
      });
      for (let i = 1; i <= st.communities; i++) {
        const code = sCode + String(i).padStart(3, '0');
        const spread = st.town ? 0.006 : 0.012;
        regions.push({
          code,
          level: 'COMMUNITY',
          name: COMMUNITY_NAMES[communityName++],
          nameEn: null,
          parentCode: sCode,
          path: `${sPath}${code}/`,
          lat: round6(clampLat(st.lat + geo.float(-spread, spread))),
          lng: round6(clampLng(st.lng + geo.float(-spread, spread))),
          districtCode: d.code,
        });
      }
      st.villages.forEach((name, i) => {
        const code = sCode + String(201 + i);
        regions.push({
          code,
          level: 'VILLAGE',
          name,
          nameEn: null,
          parentCode: sCode,
          path: `${sPath}${code}/`,
          lat: round6(clampLat(st.lat + geo.float(-0.035, 0.035))),
          lng: round6(clampLng(st.lng + geo.float(-0.035, 0.035))),
          districtCode: d.code,
        });
      });
    }
  }
  const regionByCode = new Map(regions.map((r) => [r.code, r]));
  const stations = regions.filter((r) => r.level === 'COMMUNITY' || r.level === 'VILLAGE');
  const stationsOfDistrict = (code: string) => stations.filter((r) => r.districtCode === code);

  // --- facilities (3 levels) ---------------------------------------------------------------------
  const fac = Rng.stream(seed, 'facilities');
  const hotline = () => `0473-${fac.int(2, 6)}${String(fac.int(0, 999_999)).padStart(6, '0')}`;
  const facilities: FacilityRow[] = regions
    .filter((r) => r.level !== 'CITY')
    .map((r) => {
      const level =
        r.level === 'DISTRICT' ? 'DISTRICT_CENTRE' : r.level === 'STREET' ? 'STREET_HUB' : 'COMMUNITY_STATION';
      const name =
        level === 'DISTRICT_CENTRE'
          ? `${r.name}养老服务指挥调度中心`
          : level === 'STREET_HUB'
            ? `${r.name}养老综合服务中心`
            : `${r.name}居家养老服务站`;
      return {
        id: fac.uuid(),
        regionCode: r.code,
        level,
        name,
        operatorProviderId: null,
        hotline: hotline(),
        lat: r.lat,
        lng: r.lng,
      };
    });

  // --- catalogue ---------------------------------------------------------------------------------
  const cat = Rng.stream(seed, 'catalogue');
  const serviceTypes = STANDARD_SERVICE_TYPES.map((t, i) => ({
    code: t.code,
    nameZh: t.nameZh,
    nameEn: t.nameEn,
    sortOrder: i + 1,
  }));
  const items: ItemRow[] = STANDARD_ITEMS.map((it) => ({ ...it, id: cat.uuid() }));

  // --- elders (first, so providers can be sized to where people live) -------------------------------
  const er = Rng.stream(seed, 'elders');
  const weights = stations.map((r) => {
    const d = DISTRICTS.find((x) => x.code === r.districtCode)!;
    return d.elderWeight * (r.level === 'VILLAGE' ? 0.35 : 1) * er.float(0.7, 1.3);
  });
  const perStation = apportion(options.elders, weights);
  const elders: ElderRow[] = [];
  const contacts: ContactRow[] = [];
  const idNumbers = new Set<string>();
  const untilYear = new Date(until).getUTCFullYear();
  const historyStart = until - options.months * 30 * DAY;
  const smartphone: boolean[] = [];
  stations.forEach((st, si) => {
    const village = st.level === 'VILLAGE';
    const street = regionByCode.get(st.parentCode!)!;
    const district = regionByCode.get(st.districtCode)!;
    for (let k = 0; k < perStation[si]; k++) {
      const gender: 'M' | 'F' = er.chance(0.53) ? 'F' : 'M';
      // age 60–105, roughly exponential: ~58% 60–69, ~27% 70–79, ~15% 80+ (China 2020 census shape)
      const u = er.next();
      const age = Math.min(105, Math.floor(60 - Math.log(1 - u * (1 - Math.exp(-0.09 * 46))) / 0.09));
      const birthMs = Date.UTC(untilYear - age, 0, 1) - er.int(1, 365) * DAY;
      const birthDate = isoDate(birthMs);
      let idNumber: string;
      do {
        let seq = er.int(0, 499) * 2 + (gender === 'M' ? 1 : 0);
        if (seq === 0) seq = 2;
        const first17 = st.districtCode + birthDate.replace(/-/g, '') + String(seq).padStart(3, '0');
        idNumber = first17 + idCheckChar(first17);
      } while (idNumbers.has(idNumber));
      idNumbers.add(idNumber);

      const fam = surname(er);
      const name = fam + (gender === 'F' ? er.pick(ELDER_GIVEN_F) : er.pick(ELDER_GIVEN_M));

      // ability level 0–4 (GB/T 42195-2022 levels), skewed to 0 and rising with age
      const abilityTable =
        age < 70
          ? [0.82, 0.11, 0.04, 0.02, 0.01]
          : age < 80
            ? [0.64, 0.19, 0.09, 0.05, 0.03]
            : age < 90
              ? [0.42, 0.25, 0.16, 0.1, 0.07]
              : [0.25, 0.25, 0.2, 0.16, 0.14];
      const abilityLevel = er.weighted([0, 1, 2, 3, 4], abilityTable);

      const alone = er.chance(age >= 75 ? 0.21 : 0.12);
      let livingSituation: LivingSituation;
      if (alone) livingSituation = 'ALONE';
      else {
        const r = er.next();
        const leftBehind = village ? 0.3 : 0.035;
        livingSituation =
          r < leftBehind ? 'LEFT_BEHIND' : r < leftBehind + (village ? 0.4 : 0.48) ? 'EMPTY_NEST' : 'WITH_FAMILY';
      }

      const categories: string[] = [];
      const extremePoverty = er.chance(livingSituation === 'ALONE' ? 0.04 : 0.005);
      if (extremePoverty) categories.push('EXTREME_POVERTY');
      else if (er.chance(village ? 0.12 : 0.045)) categories.push('MINIMUM_LIVING');
      if (age >= 80) categories.push('ADVANCED_AGE');
      if (abilityLevel >= 3) categories.push('DISABLED_CARE');
      if (er.chance(0.025)) categories.push('DISABILITY');
      if (er.chance(0.008)) categories.push('FAMILY_PLANNING_SPECIAL');
      if (er.chance(0.012)) categories.push('ENTITLED_GROUP');
      if (er.chance(0.002)) categories.push('MODEL_WORKER');

      const hasPhone = abilityLevel === 4 ? er.chance(0.1) : er.chance(age < 70 ? 0.85 : age < 80 ? 0.65 : 0.35);
      const phone = hasPhone ? phones.random() : null;
      smartphone.push(hasPhone && er.chance(age < 70 ? 0.55 : age < 80 ? 0.3 : 0.1));

      const address = village
        ? `内蒙古自治区乌海市${district.name}${street.name}${st.name}${er.int(1, 6)}组${er.int(1, 120)}号`
        : `内蒙古自治区乌海市${district.name}${street.name}${st.name}${er.int(1, 36)}号楼${er.int(1, 6)}单元${er.int(1, 7)}0${er.int(1, 4)}室`;
      const spread = village ? 0.009 : 0.004;
      const homeLat = round6(clampLat(st.lat + er.gauss() * spread));
      const homeLng = round6(clampLng(st.lng + er.gauss() * spread));

      let healthNotes: string | null = null;
      if (abilityLevel > 0 || er.chance(0.45)) {
        const n = er.int(1, abilityLevel >= 3 ? 3 : 2);
        const conds = new Set<string>();
        while (conds.size < n) conds.add(er.pick(HEALTH_CONDITIONS));
        healthNotes = [...conds].join('，');
        if (abilityLevel >= 3) healthNotes += '；需长期照护';
      }

      let status: ElderRow['status'] = 'ACTIVE';
      let deceasedOn: string | null = null;
      const fate = er.next();
      if (fate < 0.004) {
        status = 'DECEASED';
        deceasedOn = localDate(historyStart + er.next() * (until - historyStart));
      } else if (fate < 0.006) status = 'MOVED_AWAY';

      const id = er.uuid();
      elders.push({
        id,
        name,
        gender,
        birthDate,
        age,
        idNumber,
        phone,
        address,
        communityCode: st.code,
        regionPath: st.path,
        homeLat,
        homeLng,
        livingSituation,
        categories,
        abilityLevel,
        healthNotes,
        status,
        deceasedOn,
        createdAt: new Date(until - er.int(100, 1_100) * DAY),
      });

      // 1–2 emergency contacts: children first; neighbours or grid workers for some living alone
      const nContacts = er.chance(0.45) ? 2 : 1;
      for (let c = 0; c < nContacts; c++) {
        let relation: string;
        if (livingSituation === 'ALONE' && c === 0 && er.chance(0.3))
          relation = er.pick(['邻居', '社区网格员', '侄子', '外甥女']);
        else if (c === 0 && livingSituation !== 'ALONE' && er.chance(0.25)) relation = '配偶';
        else relation = er.pick(['儿子', '女儿', '儿子', '女儿', '儿媳', '女婿', '孙子', '孙女']);
        const sameFamily = relation === '儿子' || relation === '孙子' || relation === '孙女' || relation === '侄子';
        contacts.push({
          id: er.uuid(),
          elderId: id,
          name:
            relation === '配偶'
              ? surname(er) + er.pick(gender === 'F' ? ELDER_GIVEN_M : ELDER_GIVEN_F)
              : youngName(er, sameFamily ? fam : undefined),
          relation,
          phone: phones.random(),
          priority: c + 1,
        });
      }
    }
  });

  // --- providers ---------------------------------------------------------------------------------
  const pr = Rng.stream(seed, 'providers');
  const demoCommunityRow = regionByCode.get(DEMO_ANCHOR.communityCode)!;
  const travel = new StraightLineTravelTime(DEFAULT_DISPATCH_CONFIG.speedModel);
  const minutesTo = (p: { baseLat: number; baseLng: number }, st: RegionRow) =>
    travel.minutes({ lat: p.baseLat, lng: p.baseLng }, st, areaTypeOfLevel(st.level));
  /** The provider's base reaches the community's centre with room to spare for the homes around it. */
  const reaches = (p: { baseLat: number; baseLng: number }, st: RegionRow) =>
    minutesTo(p, st) <= REACH_MINUTES[areaTypeOfLevel(st.level)];
  const nearestPlace = (p: ProviderRow, places: RegionRow[]) =>
    places.reduce((a, b) => (minutesTo(p, b) < minutesTo(p, a) ? b : a));
  const nearestProvider = (st: RegionRow, list: ProviderRow[]) =>
    list.reduce((a, b) => (minutesTo(b, st) < minutesTo(a, st) ? b : a));
  const eldersPerDistrict = DISTRICTS.map(
    (d) => elders.filter((e) => e.regionPath.startsWith(`${cityPath}${d.code}/`)).length,
  );
  const providersPerDistrict = apportion(options.providers, eldersPerDistrict, 2);
  const providers: ProviderRow[] = [];
  const contracts: ContractRow[] = [];
  const brands = pr.shuffle([...PROVIDER_BRANDS]);
  const credit = new Set<string>();
  const usedNames = new Set<string>();
  const validFrom = `${untilYear - 1}-01-01`;
  const validTo = `${untilYear + 1}-12-31`;
  const contractOf = new Map<string, ContractRow>();
  DISTRICTS.forEach((d, di) => {
    const district = regionByCode.get(d.code)!;
    const local = stationsOfDistrict(d.code);
    for (let i = 0; i < providersPerDistrict[di]; i++) {
      const profile: ProviderProfile =
        i === 0
          ? 'GENERAL'
          : i === 1
            ? 'NURSING'
            : pr.weighted(['GENERAL', 'MEAL', 'NURSING', 'HOUSEKEEPING', 'CULTURE'] as const, [35, 20, 25, 10, 10]);
      let name: string;
      let n = 0;
      do {
        const brand = brands[(providers.length + n * 7) % brands.length];
        name = `乌海市${district.name}${brand}${pr.pick(PROFILE_SUFFIX[profile])}`;
        n += 1;
      } while (usedNames.has(name));
      usedNames.add(name);
      let code: string;
      do code = creditCode(pr, profile === 'GENERAL' || profile === 'CULTURE' ? '52' : '91', d.code);
      while (credit.has(code));
      credit.add(code);
      // the demo district's first two providers (both open around the clock) sit by the demo community:
      // the first next to it, the second ~2.4 km away (still inside the 15-minute circle), see DEMO_ANCHOR
      const anchor = d.code === DEMO_ANCHOR.districtCode && i < 2 ? i : null;
      const picked = pr.pick(local.filter((r) => r.level === 'COMMUNITY'));
      const home =
        anchor === null
          ? picked
          : { lat: demoCommunityRow.lat + DEMO_ANCHOR.baseOffsetLat[anchor], lng: demoCommunityRow.lng };
      const roundTheClock = (profile === 'GENERAL' || profile === 'NURSING') && (i < 2 || pr.chance(0.5));
      const openingHours: WeeklyHours = roundTheClock
        ? hours(ALL_DAYS, ['00:00-24:00'])
        : profile === 'MEAL'
          ? hours(ALL_DAYS, ['06:30-19:30'])
          : profile === 'CULTURE'
            ? { ...hours(['1', '2', '3', '4', '5'], ['08:30-17:30']), '6': ['09:00-12:00'] }
            : hours(['1', '2', '3', '4', '5', '6'], ['07:00-20:00']);
      const p: ProviderRow = {
        id: pr.uuid(),
        name,
        creditCode: code,
        districtCode: d.code,
        contactPhone: `0473-${pr.int(2, 6)}${String(pr.int(0, 999_999)).padStart(6, '0')}`,
        baseLat: round6(clampLat(home.lat + pr.float(-0.003, 0.003) * (anchor === null ? 1 : 0))),
        baseLng: round6(clampLng(home.lng + pr.float(-0.003, 0.003) * (anchor === null ? 1 : 0))),
        openingHours,
        capacity: i === 0 ? pr.int(60, 90) : pr.int(15, 70),
        status: 'ACTIVE',
        profile,
        createdAt: new Date(until - pr.int(400, 2_000) * DAY),
      };
      providers.push(p);
      // contracts mostly cover the communities the provider reaches within the service circle, and a few
      // beyond it (the engine filters those out as OUTSIDE_SERVICE_CIRCLE, the coverage report shows them)
      const share = i === 0 ? 0.9 : profile === 'GENERAL' ? 0.8 : 0.7;
      const communities = local.filter((r) => pr.chance(reaches(p, r) ? share : 0.1)).map((r) => r.code);
      if (communities.length === 0) communities.push(nearestPlace(p, local).code);
      const contract: ContractRow = {
        id: pr.uuid(),
        providerId: p.id,
        serviceTypes: [...PROFILE_TYPES[profile]],
        communityCodes: communities,
        validFrom,
        validTo,
      };
      contracts.push(contract);
      contractOf.set(p.id, contract);
      // some providers have an earlier, expired contract (for the contract-period rules)
      if (pr.chance(0.25))
        contracts.push({
          id: pr.uuid(),
          providerId: p.id,
          serviceTypes: [...PROFILE_TYPES[profile]],
          communityCodes: communities.slice(0, Math.max(1, Math.floor(communities.length / 2))),
          validFrom: `${untilYear - 3}-01-01`,
          validTo: `${untilYear - 2}-12-31`,
        });
    }
    // coverage: every community and village of the district has a contracted provider for every help,
    // one that reaches it within the service circle when any provider offering that help does
    const own = providers.filter((p) => p.districtCode === d.code);
    for (const st of local)
      for (const t of serviceTypes) {
        const offering = own.filter((p) => contractOf.get(p.id)!.serviceTypes.includes(t.code));
        const contracted = offering.filter((p) => contractOf.get(p.id)!.communityCodes.includes(st.code));
        const reaching = offering.filter((p) => reaches(p, st));
        if (contracted.some((p) => reaches(p, st)) || (contracted.length > 0 && reaching.length === 0)) continue;
        contractOf.get(nearestProvider(st, reaching.length ? reaching : offering).id)!.communityCodes.push(st.code);
      }
    if (d.code === DEMO_ANCHOR.districtCode) {
      // the demo community is served by exactly the two demo providers (for every help), so that a
      // rejection moves the demo elder's order to the second and a second rejection raises an alert
      for (const c of contracts)
        if (c.providerId !== own[0].id && c.providerId !== own[1].id)
          c.communityCodes = c.communityCodes.filter((code) => code !== demoCommunityRow.code);
      for (const p of own.slice(0, 2)) {
        const c = contractOf.get(p.id)!;
        if (!c.communityCodes.includes(demoCommunityRow.code)) c.communityCodes.push(demoCommunityRow.code);
      }
      // the second (a nursing provider) also takes every other help there, under a second contract
      const second = contractOf.get(own[1].id)!;
      const rest = serviceTypes.map((t) => t.code).filter((t) => !second.serviceTypes.includes(t));
      if (rest.length)
        contracts.push({
          id: pr.uuid(),
          providerId: own[1].id,
          serviceTypes: rest,
          communityCodes: [demoCommunityRow.code],
          validFrom,
          validTo,
        });
    }
    for (const p of own) contractOf.get(p.id)!.communityCodes.sort();
  });
  // stations run by a provider of their district, about half of them
  for (const f of facilities)
    if (f.level === 'COMMUNITY_STATION' && fac.chance(0.5)) {
      const district = regionByCode.get(f.regionCode)!.districtCode;
      const candidates = providers.filter(
        (p) => p.districtCode === district && contractOf.get(p.id)!.communityCodes.includes(f.regionCode),
      );
      if (candidates.length) f.operatorProviderId = fac.pick(candidates).id;
    }

  // --- workers -----------------------------------------------------------------------------------
  const wr = Rng.stream(seed, 'workers');
  const perProvider = apportion(
    options.workers,
    providers.map((p) => p.capacity),
    3,
  );
  const workers: WorkerRow[] = [];
  providers.forEach((p, pi) => {
    const mine: WorkerRow[] = [];
    for (let k = 0; k < perProvider[pi]; k++) {
      const probs = QUAL_PROBS[p.profile];
      const qualifications = QUALS.filter((q) => wr.chance(probs[q]));
      const roundTheClock = p.openingHours['1']?.[0] === '00:00-24:00';
      const status = wr.weighted(['ACTIVE', 'OFF_DUTY', 'SUSPENDED', 'LEFT'] as const, [92, 5, 1, 2]);
      mine.push({
        id: wr.uuid(),
        providerId: p.id,
        name: youngName(wr),
        phone: phones.staff(),
        qualifications,
        shifts: roundTheClock && k % 6 === 5 ? NIGHT_SHIFT : wr.pick(SHIFT_PATTERNS),
        status,
        createdAt: new Date(p.createdAt.getTime() + wr.int(0, 300) * DAY),
      });
    }
    // every qualification the provider's items need is held by at least two active workers
    const needed = new Set(
      items
        .filter((it) => PROFILE_TYPES[p.profile].includes(it.serviceType) && it.requiredQualification)
        .map((it) => it.requiredQualification!),
    );
    const active = mine.filter((w) => w.status === 'ACTIVE');
    for (const q of needed) {
      let have = active.filter((w) => w.qualifications.includes(q)).length;
      for (const w of active) {
        if (have >= 2) break;
        if (!w.qualifications.includes(q)) {
          w.qualifications.push(q);
          have += 1;
        }
      }
    }
    coverOpeningHours(p, mine, [...needed]);
    for (const w of mine) w.qualifications.sort((a, b) => QUALS.indexOf(a) - QUALS.indexOf(b));
    workers.push(...mine);
  });

  // --- demo anchor: first community of 新华街道 (海勃湾区) and its two providers (DEMO_ANCHOR) ---------
  const demoCommunity = demoCommunityRow;
  const [demoProvider, secondProvider] = providers.filter((p) => p.districtCode === DEMO_ANCHOR.districtCode);
  const demoWorkers = workers.filter((w) => w.providerId === demoProvider.id).slice(0, 2);
  demoWorkers[0].qualifications = ['CAREGIVER', 'FIRST_AID', 'FOOD_HANDLER'];
  demoWorkers[1].qualifications = ['CAREGIVER', 'NURSE', 'FIRST_AID'];
  // besides the two listed workers, each demo provider has two more on shift around the clock with every
  // qualification, so that whatever the hour one is free for any item (the first listed worker is busy
  // with the demo elder's accepted order)
  const roundTheClockCrew = [
    ...workers.filter((w) => w.providerId === demoProvider.id).slice(2, 4),
    ...workers.filter((w) => w.providerId === secondProvider.id).slice(0, 2),
  ];
  for (const w of roundTheClockCrew) w.qualifications = [...QUALS];
  for (const w of [...demoWorkers, ...roundTheClockCrew]) {
    w.status = 'ACTIVE';
    w.shifts = hours(ALL_DAYS, ['00:00-24:00']);
  }
  const demoElder = elders.find((e) => e.communityCode === demoCommunity.code && e.status === 'ACTIVE')!;
  demoElder.phone = phones.reserve('13800000012');
  demoElder.livingSituation = 'ALONE';
  if (demoElder.abilityLevel === 0) demoElder.abilityLevel = 1;
  if (!demoElder.categories.includes('MINIMUM_LIVING') && !demoElder.categories.includes('EXTREME_POVERTY'))
    demoElder.categories.unshift('MINIMUM_LIVING');
  demoElder.healthNotes ??= '高血压，服用降压药';
  const demoFamily = contacts.find((c) => c.elderId === demoElder.id)!;
  if (['邻居', '社区网格员', '配偶'].includes(demoFamily.relation)) demoFamily.relation = '女儿';
  const demoElderIndex = elders.indexOf(demoElder);
  smartphone[demoElderIndex] = true;

  // --- users -------------------------------------------------------------------------------------
  const ur = Rng.stream(seed, 'users');
  const users: UserRow[] = [];
  const links: LinkRow[] = [];
  const accounts: DemoAccount[] = [];
  const staffUser = (role: Role, region: RegionRow | null, extra: Partial<UserRow> = {}): UserRow => {
    const u: UserRow = {
      id: ur.uuid(),
      displayName: youngName(ur),
      phone: phones.staff(),
      password: true,
      role,
      regionCode: region?.code ?? null,
      regionPath: region?.path ?? null,
      providerId: null,
      workerId: null,
      elderId: null,
      ...extra,
    };
    users.push(u);
    return u;
  };
  const listed = (u: UserRow, phone: string, label: string, scope: string) => {
    u.phone = phones.reserve(phone);
    accounts.push({ role: u.role, label, phone, displayName: u.displayName, scope, userId: u.id });
  };
  const city = regionByCode.get(CITY.code)!;
  listed(staffUser(Role.PLATFORM_ADMIN, city), '13800000001', '平台管理员 platform admin', city.name);
  listed(staffUser(Role.AUDITOR, city), '13800000002', '市民政审核员 city auditor', city.name);
  const districtAuditors = DISTRICTS.map((d) => staffUser(Role.AUDITOR, regionByCode.get(d.code)!));
  listed(districtAuditors[0], '13800000003', '区民政审核员 district auditor', DISTRICTS[0].name);
  const dispatchers = new Map<string, UserRow>();
  DISTRICTS.forEach((d, i) => {
    const u = staffUser(Role.DISTRICT_DISPATCHER, regionByCode.get(d.code)!);
    dispatchers.set(d.code, u);
    listed(u, `1380000000${4 + i}`, `调度员 dispatcher`, d.name);
  });
  const hubs = new Map<string, UserRow>();
  for (const r of regions.filter((x) => x.level === 'STREET')) hubs.set(r.code, staffUser(Role.HUB_STAFF, r));
  listed(hubs.get('150302001')!, '13800000007', '街道中心工作人员 hub staff', regionByCode.get('150302001')!.name);
  const stationStaff = new Map<string, UserRow>();
  for (const r of stations) stationStaff.set(r.code, staffUser(Role.STATION_STAFF, r));
  listed(
    stationStaff.get(demoCommunity.code)!,
    '13800000008',
    '社区服务站工作人员 station staff',
    `${regionByCode.get('150302001')!.name}${demoCommunity.name}`,
  );
  const providerAdmins = new Map<string, UserRow>();
  for (const p of providers) providerAdmins.set(p.id, staffUser(Role.PROVIDER_ADMIN, null, { providerId: p.id }));
  listed(providerAdmins.get(demoProvider.id)!, '13800000009', '服务组织管理员 provider admin', demoProvider.name);
  const workerUsers = new Map<string, UserRow>();
  for (const w of workers) {
    const u = staffUser(Role.WORKER, null, {
      providerId: w.providerId,
      workerId: w.id,
      displayName: w.name,
      phone: w.phone,
    });
    workerUsers.set(w.id, u);
  }
  demoWorkers.forEach((w, i) => {
    const phone = `138000000${10 + i}`;
    w.phone = phone;
    listed(workerUsers.get(w.id)!, phone, `服务人员 worker (${w.qualifications.join(', ')})`, demoProvider.name);
  });
  // elders with a smartphone have an account (one-time-code sign-in); the demo elder also has the password
  const elderUsers: (UserRow | undefined)[] = new Array(elders.length);
  const familyUsers: (UserRow | undefined)[] = new Array(elders.length);
  const contactsByElder = new Map<string, ContactRow[]>();
  for (const c of contacts) {
    const list = contactsByElder.get(c.elderId);
    if (list) list.push(c);
    else contactsByElder.set(c.elderId, [c]);
  }
  elders.forEach((e, i) => {
    if (e.status !== 'ACTIVE') return;
    if (smartphone[i] && e.phone) {
      const u: UserRow = {
        id: ur.uuid(),
        displayName: e.name,
        phone: e.phone,
        password: i === demoElderIndex,
        role: Role.ELDER,
        regionCode: null,
        regionPath: null,
        providerId: null,
        workerId: null,
        elderId: e.id,
      };
      users.push(u);
      elderUsers[i] = u;
    }
    const first = contactsByElder.get(e.id)![0];
    if (i === demoElderIndex || (ur.chance(0.15) && first.relation !== '邻居' && first.relation !== '社区网格员')) {
      if (i === demoElderIndex) first.phone = phones.reserve('13800000013');
      const u: UserRow = {
        id: ur.uuid(),
        displayName: first.name,
        phone: first.phone,
        password: i === demoElderIndex,
        role: Role.FAMILY,
        regionCode: null,
        regionPath: null,
        providerId: null,
        workerId: null,
        elderId: null,
      };
      users.push(u);
      familyUsers[i] = u;
      links.push({ id: ur.uuid(), userId: u.id, elderId: e.id, relation: first.relation });
    }
  });
  accounts.push({
    role: Role.ELDER,
    label: '老人 elder',
    phone: '13800000012',
    displayName: demoElder.name,
    scope: demoCommunity.name,
    userId: elderUsers[demoElderIndex]!.id,
  });
  accounts.push({
    role: Role.FAMILY,
    label: `家属 family (${contactsByElder.get(demoElder.id)![0].relation})`,
    phone: '13800000013',
    displayName: familyUsers[demoElderIndex]!.displayName,
    scope: demoElder.name,
    userId: familyUsers[demoElderIndex]!.id,
  });
  // the demo community's second provider: the next candidate when the first declines
  listed(providerAdmins.get(secondProvider.id)!, '13800000014', '服务组织管理员 provider admin', secondProvider.name);

  // --- SOS devices: for many elders living alone with reduced ability, plus the demo elder --------------
  const dr = Rng.stream(seed, 'devices');
  const devices: DeviceRow[] = [];
  const deviceOf: (DeviceRow | undefined)[] = new Array(elders.length);
  elders.forEach((e, i) => {
    const wants =
      i === demoElderIndex ||
      (e.status === 'ACTIVE' &&
        dr.chance(
          e.livingSituation === 'ALONE' ? (e.abilityLevel >= 1 ? 0.45 : 0.15) : e.abilityLevel >= 2 ? 0.08 : 0.01,
        ));
    if (!wants) return;
    const d: DeviceRow = {
      id: dr.uuid(),
      elderId: e.id,
      serialNumber: `WH-SOS-${String(devices.length + 1).padStart(6, '0')}`,
      secret: dr.bytes(24).toString('base64url'),
    };
    devices.push(d);
    deviceOf[i] = d;
  });
  const demoDevice = deviceOf[demoElderIndex]!;

  const result: City = {
    options,
    regions,
    facilities,
    serviceTypes,
    items,
    providers,
    contracts,
    workers,
    elders,
    contacts,
    users,
    links,
    devices,
    demo: {
      accounts,
      deviceKey: `${demoDevice.id}.${demoDevice.secret}`,
      elderId: demoElder.id,
      elderName: demoElder.name,
      providerId: demoProvider.id,
      providerName: demoProvider.name,
      secondProviderId: secondProvider.id,
      secondProviderName: secondProvider.name,
      communityCode: demoCommunity.code,
      communityName: demoCommunity.name,
    },
  };
  hidden.set(result, {
    elderUsers,
    familyUsers,
    deviceOf,
    stationStaff,
    dispatchers,
    providerAdmins,
    workerUsers,
    contractOf,
    streetOf,
    districtOf,
  });
  return result;
}

/** Lookups the order generator needs, kept off the public City shape. */
interface Lookups {
  elderUsers: (UserRow | undefined)[];
  familyUsers: (UserRow | undefined)[];
  deviceOf: (DeviceRow | undefined)[];
  stationStaff: Map<string, UserRow>;
  dispatchers: Map<string, UserRow>;
  providerAdmins: Map<string, UserRow>;
  workerUsers: Map<string, UserRow>;
  contractOf: Map<string, ContractRow>;
  streetOf: Map<string, StreetSpec>;
  districtOf: Map<string, DistrictSpec>;
}
const hidden = new WeakMap<City, Lookups>();

// ------------------------------------------------------------------------------------------------
// order history
// ------------------------------------------------------------------------------------------------

export type OrderStateName =
  | 'PENDING_DISPATCH'
  | 'OFFERED'
  | 'ACCEPTED'
  | 'EN_ROUTE'
  | 'IN_SERVICE'
  | 'COMPLETED'
  | 'CONFIRMED'
  | 'CANCELLED'
  | 'EXCEPTION'
  | 'DISPUTED'
  | 'RESOLVED';

/**
 * Event types written to order_event.type, as the orders module writes them: 'CREATED', then the
 * state-machine action (libs/orders OrderAction) of each transition. Payloads follow OrdersService too.
 */
export const EVENT = {
  CREATE: 'CREATED',
  OFFER: 'OFFER',
  ACCEPT: 'ACCEPT',
  REJECT: 'REJECT',
  EXPIRE: 'EXPIRE',
  DEPART: 'DEPART',
  CHECK_IN: 'CHECK_IN',
  CHECK_OUT: 'CHECK_OUT',
  CONFIRM: 'CONFIRM',
  RATE: 'RATE',
  CANCEL: 'CANCEL',
  REPORT_EXCEPTION: 'REPORT_EXCEPTION',
  COMPLAIN: 'COMPLAIN',
  RESOLVE: 'RESOLVE',
} as const;
export type EventType = keyof typeof EVENT;

/** The transitions the generated histories use (a subset of the order state machine). */
export const EVENT_TRANSITIONS: Record<EventType, [OrderStateName | null, OrderStateName][]> = {
  CREATE: [[null, 'PENDING_DISPATCH']],
  OFFER: [['PENDING_DISPATCH', 'OFFERED']],
  ACCEPT: [['OFFERED', 'ACCEPTED']],
  REJECT: [['OFFERED', 'PENDING_DISPATCH']],
  EXPIRE: [['OFFERED', 'PENDING_DISPATCH']],
  DEPART: [['ACCEPTED', 'EN_ROUTE']],
  CHECK_IN: [['EN_ROUTE', 'IN_SERVICE']],
  CHECK_OUT: [['IN_SERVICE', 'COMPLETED']],
  CONFIRM: [['COMPLETED', 'CONFIRMED']],
  RATE: [['CONFIRMED', 'CONFIRMED']],
  CANCEL: [
    ['PENDING_DISPATCH', 'CANCELLED'],
    ['OFFERED', 'CANCELLED'],
    ['ACCEPTED', 'CANCELLED'],
    ['EN_ROUTE', 'CANCELLED'],
  ],
  REPORT_EXCEPTION: [
    ['ACCEPTED', 'EXCEPTION'],
    ['EN_ROUTE', 'EXCEPTION'],
    ['IN_SERVICE', 'EXCEPTION'],
  ],
  COMPLAIN: [
    ['COMPLETED', 'DISPUTED'],
    ['CONFIRMED', 'DISPUTED'],
  ],
  RESOLVE: [['DISPUTED', 'RESOLVED']],
};

export interface OrderRow {
  id: string;
  orderNo: string;
  channel: 'APP' | 'WALK_IN' | 'HOTLINE' | 'SOS';
  elderId: string;
  itemId: string;
  serviceType: string;
  communityCode: string;
  regionPath: string;
  requestedBy: string;
  scheduledStart: Date | null;
  scheduledEnd: Date | null;
  priority: number;
  state: OrderStateName;
  version: number;
  address: string;
  homeLat: number;
  homeLng: number;
  itemNameZh: string;
  unit: string;
  unitPriceCents: number;
  quantity: string;
  totalCents: number;
  minDurationMinutes: number;
  requiredQualification: string | null;
  note: string | null;
  providerId: string | null;
  offerExpiresAt: Date | null;
  /** The providers holding an OPEN offer (service_order.offered_to): [providerId] while OFFERED. */
  offeredTo: string[];
  workerId: string | null;
  checkInAt: Date | null;
  checkInLat: number | null;
  checkInLng: number | null;
  checkInDistanceM: number | null;
  checkOutAt: Date | null;
  checkOutLat: number | null;
  checkOutLng: number | null;
  checkOutDistanceM: number | null;
  photoHashes: string[];
  confirmCodeHash: Buffer | null;
  confirmCodeExpiresAt: Date | null;
  confirmedBy: string | null;
  confirmedAt: Date | null;
  rating: number | null;
  ratingComment: string | null;
  closeReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** One order_event row; the routing snapshot after the event as OrdersService writes it (elder_id, …). */
export interface EventRow extends OrderEventRouting {
  orderId: string;
  seq: number;
  type: string;
  fromState: OrderStateName | null;
  toState: OrderStateName;
  actorUserId: string;
  actorRole: string;
  lat: number | null;
  lng: number | null;
  payload: Record<string, unknown>;
  at: Date;
}

/** One row of order_offer, as OrderOffers writes them: every OFFER event opens one. */
export interface OfferRow {
  id: string;
  orderId: string;
  providerId: string;
  round: number;
  state: 'OPEN' | 'ACCEPTED' | 'REJECTED' | 'EXPIRED' | 'WITHDRAWN';
  expiresAt: Date;
  manual: boolean;
  offeredBy: string;
  offeredByRole: string;
  createdAt: Date;
  decidedAt: Date | null;
  decidedBy: string | null;
  decisionReason: string | null;
}

/** A pending durable job (scheduled_job) for a live order: its offer's deadline, or "dispatch it". */
export interface JobRow {
  kind: string;
  key: string;
  dueAt: Date;
}

export interface OrderBatch {
  orders: OrderRow[];
  events: EventRow[];
  offers: OfferRow[];
  jobs: JobRow[];
}

/** Relative frequency of each catalogue item among orders. */
const ITEM_WEIGHTS: Record<string, number> = {
  MEAL_DELIVERY: 22,
  MEAL_CANTEEN: 8,
  CLEAN_HOUR: 12,
  LAUNDRY: 4,
  WELFARE_CALL: 10,
  COMPANION_VISIT: 6,
  MEDICINE_PICKUP: 6,
  MEDICAL_ESCORT: 4,
  HOME_NURSING: 4,
  BATH_HOME: 3,
  BATH_CENTRE: 2,
  SHOPPING_ERRAND: 6,
  ESCORTED_OUTING: 2,
  MOBILITY_AID_LOAN: 1,
  RECREATION_ACTIVITY: 3,
  SMARTPHONE_CLASS: 1.5,
  CLASS_SESSION: 1.5,
  SOS_RESPONSE: 1,
  EMERGENCY_VISIT: 1,
};
const SCHEDULED_TYPES = new Set(['MEAL', 'CLEAN', 'BATH', 'LEARNING', 'RECREATION']);
const CANCEL_REASONS = ['老人临时外出', '家属已自行安排', '时间冲突，改约', '老人住院', '重复下单'];
const EXCEPTION_REASONS = [
  '老人不在家，电话无人接听',
  '老人临时住院',
  '小区门禁无法进入',
  '老人拒绝服务',
  '服务条件不具备',
];
const COMPLAINT_REASONS = ['服务时间不足', '服务人员迟到', '服务态度不好', '打扫不干净', '饭菜已凉'];
const RESOLUTIONS = ['已回访老人并致歉，责令整改', '核实后退还部分费用', '已更换服务人员'];
const RATING_COMMENTS = [
  '服务很好，谢谢',
  '准时到达，很耐心',
  '态度好，很细心',
  '饭菜可口',
  '打扫得很干净',
  '来晚了一点',
  '服务时间偏短',
];
const ORDER_NO_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
/** How long a confirmation code is valid (OrdersService CONFIRM_CODE_TTL_MS). */
const CONFIRM_CODE_TTL_MS = 72 * 3_600_000;
const NOTES = ['请提前电话联系', '老人耳背，请多敲门', '少盐少油', '楼道灯坏了，注意安全', '家里有狗，请敲门后稍等'];

interface Actor {
  id: string;
  role: string;
}

/**
 * Yields the order history in batches (orders by creation time, with their events), deterministically.
 * Each order's timeline is planned whole and cut at `until`, so recent orders are left in live states
 * (pending, offered, accepted, en route, in service, awaiting confirmation).
 */
export function* generateOrders(city: City, batchSize = 5_000): Generator<OrderBatch> {
  const look = hidden.get(city);
  if (!look) throw new Error('generateOrders needs a City from generateCity');
  const { options } = city;
  const rng = Rng.stream(options.seed, 'orders');
  const until = options.until.getTime();
  const start = until - options.months * 30 * DAY;
  // automatic offers and expiries are the dispatch engine's (actor_role DISPATCH_ENGINE, as it writes them)
  const system: Actor = { id: DISPATCH_ENGINE_ACTOR.userId, role: DISPATCH_ENGINE_ACTOR.system! };

  // who orders how often
  const cumulative: number[] = [];
  let total = 0;
  city.elders.forEach((e) => {
    let w = 0;
    if (e.status === 'ACTIVE') {
      w = [1, 1.6, 2.2, 2.8, 3][e.abilityLevel];
      if (e.livingSituation === 'ALONE') w *= 1.5;
      if (e.categories.some((c) => c === 'MINIMUM_LIVING' || c === 'EXTREME_POVERTY' || c === 'ADVANCED_AGE')) w *= 1.5;
      else if (e.age < 70) w *= 0.5;
    }
    total += w;
    cumulative.push(total);
  });
  const pickElder = (): number => {
    const r = rng.next() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] > r) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const itemCodes = city.items.map((i) => i.code);
  const itemWeights = city.items.map((i) => ITEM_WEIGHTS[i.code] ?? 1);
  const itemByCode = new Map(city.items.map((i) => [i.code, i]));

  // dispatch lookups: (community, service type) → providers; (provider, qualification) → active workers
  const candidates = new Map<string, ProviderRow[]>();
  for (const p of city.providers) {
    const c = look.contractOf.get(p.id)!;
    for (const comm of c.communityCodes)
      for (const t of c.serviceTypes) {
        const key = `${comm}|${t}`;
        const list = candidates.get(key);
        if (list) list.push(p);
        else candidates.set(key, [p]);
      }
  }
  const qualified = new Map<string, WorkerRow[]>();
  for (const w of city.workers) {
    if (w.status !== 'ACTIVE') continue;
    for (const q of ['', ...w.qualifications]) {
      const key = `${w.providerId}|${q}`;
      const list = qualified.get(key);
      if (list) list.push(w);
      else qualified.set(key, [w]);
    }
  }
  const providerById = new Map(city.providers.map((p) => [p.id, p]));
  /** The elder's last provider per service type (continuity), keyed elder index × 16 + type index. */
  const lastProvider = new Map<number, string>();
  const typeIndex = new Map(city.serviceTypes.map((t, i) => [t.code, i]));
  const orderNos = new Set<string>();

  const totalOrders = Math.round(
    city.elders.filter((e) => e.status === 'ACTIVE').length * options.orderRate * options.months,
  );
  // the calendar days (UTC+8 midnight) of the window; the first and last are partial
  const firstMidnight = Math.floor((start + CST) / DAY) * DAY - CST;
  const days = Math.ceil((until - firstMidnight) / DAY);
  const perDay = apportion(
    totalOrders,
    Array.from({ length: days }, (_, d) => (new Date(firstMidnight + d * DAY + CST).getUTCDay() % 6 === 0 ? 0.8 : 1)),
  );
  const districtOfCommunity = new Map(city.regions.map((x) => [x.code, x.districtCode]));

  /** Offer rows and live jobs written by apply/settle, moved into the current batch after each order. */
  const offersOut: OfferRow[] = [];
  const jobsOut: JobRow[] = [];
  const offerState = new Map<string, { rounds: number; open: OfferRow | null }>();
  const itemById = new Map(city.items.map((i) => [i.id, i]));
  const demoElderIndex = city.elders.findIndex((x) => x.id === city.demo.elderId);
  const emptyBatch = (): OrderBatch => ({ orders: [], events: [], offers: [], jobs: [] });
  const take = (b: OrderBatch): void => {
    b.offers.push(...offersOut.splice(0));
    b.jobs.push(...jobsOut.splice(0));
  };

  let batch = emptyBatch();
  for (let d = 0; d < days; d++) {
    const times: number[] = [];
    for (let k = 0; k < perDay[d]; k++) {
      // daytime-heavy: 06:00–21:00 local, a few at night
      const hour = rng.chance(0.04)
        ? rng.float(0, 24)
        : rng.weighted(
            [6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20],
            [2, 6, 10, 12, 11, 8, 5, 6, 8, 8, 7, 5, 4, 3, 2],
          ) + rng.next();
      times.push(firstMidnight + d * DAY + Math.floor(hour * 3_600_000));
    }
    times.sort((a, b) => a - b);
    for (const t0 of times) {
      if (t0 > until || t0 < start) continue;
      const o = planOrder(t0);
      if (!o) continue;
      batch.orders.push(o.order);
      batch.events.push(...o.events);
      take(batch);
      if (batch.orders.length >= batchSize) {
        batch.events.sort((a, b) => a.at.getTime() - b.at.getTime());
        yield batch;
        batch = emptyBatch();
      }
    }
  }
  // showcase orders of the demo elder: one accepted by the demo worker, one in the queue
  const demo = showcase();
  batch.orders.push(...demo.orders);
  batch.events.push(...demo.events);
  take(batch);
  batch.events.sort((a, b) => a.at.getTime() - b.at.getTime());
  if (batch.orders.length) yield batch;

  function requesterOf(ei: number, channel: OrderRow['channel']): Actor {
    const e = city.elders[ei];
    if (channel === 'SOS') return { id: look!.deviceOf[ei]!.id, role: Role.SOS_DEVICE };
    if (channel === 'APP') {
      const eu = look!.elderUsers[ei];
      const fu = look!.familyUsers[ei];
      const u = eu && fu ? (rng.chance(0.6) ? eu : fu) : (eu ?? fu)!;
      return { id: u.id, role: u.role };
    }
    const station = look!.stationStaff.get(e.communityCode)!;
    return { id: station.id, role: station.role };
  }

  function newOrderNo(createdMs: number): string {
    for (;;) {
      let suffix = '';
      for (let i = 0; i < 8; i++) suffix += ORDER_NO_ALPHABET[rng.int(0, ORDER_NO_ALPHABET.length - 1)];
      const no = `SO${isoDate(createdMs).replace(/-/g, '')}-${suffix}`;
      if (!orderNos.has(no)) {
        orderNos.add(no);
        return no;
      }
    }
  }

  function baseOrder(
    ei: number,
    item: ItemRow,
    createdMs: number,
    channel: OrderRow['channel'],
    requester: Actor,
  ): OrderRow {
    const e = city.elders[ei];
    const qty =
      item.unit === 'HOUR'
        ? rng.weighted([1, 1.5, 2, 3], [50, 15, 25, 10])
        : item.unit === 'MEAL' && rng.chance(0.1)
          ? 2
          : 1;
    return {
      id: rng.uuid(),
      orderNo: newOrderNo(createdMs),
      channel,
      elderId: e.id,
      itemId: item.id,
      serviceType: item.serviceType,
      communityCode: e.communityCode,
      regionPath: e.regionPath,
      requestedBy: requester.id,
      scheduledStart: null,
      scheduledEnd: null,
      priority: item.serviceType === 'EMERGENCY' ? 2 : item.serviceType === 'MEDICAL' && rng.chance(0.1) ? 1 : 0,
      state: 'PENDING_DISPATCH',
      version: 0,
      address: e.address,
      homeLat: e.homeLat,
      homeLng: e.homeLng,
      itemNameZh: item.nameZh,
      unit: item.unit,
      unitPriceCents: item.priceCents,
      quantity: qty.toFixed(2),
      totalCents: Math.round(item.priceCents * qty),
      minDurationMinutes: item.minDurationMinutes,
      requiredQualification: item.requiredQualification,
      note: rng.chance(0.08) ? rng.pick(NOTES) : null,
      providerId: null,
      offerExpiresAt: null,
      offeredTo: [],
      workerId: null,
      checkInAt: null,
      checkInLat: null,
      checkInLng: null,
      checkInDistanceM: null,
      checkOutAt: null,
      checkOutLat: null,
      checkOutLng: null,
      checkOutDistanceM: null,
      photoHashes: [],
      confirmCodeHash: null,
      confirmCodeExpiresAt: null,
      confirmedBy: null,
      confirmedAt: null,
      rating: null,
      ratingComment: null,
      closeReason: null,
      createdAt: new Date(createdMs),
      updatedAt: new Date(createdMs),
    };
  }

  /** Applies one event to the order row and records it (seq = version after the event). */
  function apply(
    o: OrderRow,
    events: EventRow[],
    type: EventType,
    at: number,
    actor: Actor,
    payload: Record<string, unknown> = {},
    where: { lat: number; lng: number } | null = null,
  ): void {
    const from = type === 'CREATE' ? null : o.state;
    const to = EVENT_TRANSITIONS[type].find(([f]) => f === from)?.[1];
    if (!to) throw new Error(`seed bug: ${type} from ${from}`);
    o.state = to;
    o.version += 1;
    o.updatedAt = new Date(at);
    // who holds the order after this event (the callers update o.providerId / o.workerId afterwards)
    const removesProvider = type === 'REJECT' || type === 'EXPIRE';
    const providerId = type === 'OFFER' ? (payload.providerId as string) : removesProvider ? null : o.providerId;
    // the offer rows (order_offer) and the order's offered_to, as OrderOffers keeps them
    const offers = offerState.get(o.id) ?? { rounds: 0, open: null };
    offerState.set(o.id, offers);
    if (type === 'OFFER') {
      const manual = actor.role !== system.role;
      offers.rounds += 1;
      Object.assign(payload, { providerIds: [providerId], round: offers.rounds, manual });
      offers.open = {
        id: uuidFrom(`${o.id}:offer:${offers.rounds}`),
        orderId: o.id,
        providerId: providerId!,
        round: offers.rounds,
        state: 'OPEN',
        expiresAt: new Date(at + itemById.get(o.itemId)!.acceptSlaMinutes * MIN),
        manual,
        offeredBy: actor.id,
        offeredByRole: actor.role,
        createdAt: new Date(at),
        decidedAt: null,
        decidedBy: null,
        decisionReason: null,
      };
      offersOut.push(offers.open);
    } else if (offers.open) {
      const decided: Partial<Record<EventType, OfferRow['state']>> = {
        ACCEPT: 'ACCEPTED',
        REJECT: 'REJECTED',
        EXPIRE: 'EXPIRED',
        CANCEL: 'WITHDRAWN',
      };
      const state = decided[type];
      if (state) {
        Object.assign(offers.open, {
          state,
          decidedAt: new Date(at),
          decidedBy: actor.id,
          decisionReason: type === 'REJECT' || type === 'CANCEL' ? ((payload.reason as string) ?? null) : null,
        });
        offers.open = null;
      }
    }
    o.offeredTo = to === 'OFFERED' && offers.open ? [offers.open.providerId] : [];
    events.push({
      orderId: o.id,
      seq: o.version,
      type: EVENT[type],
      fromState: from,
      toState: to,
      actorUserId: actor.id,
      actorRole: actor.role,
      lat: where?.lat ?? null,
      lng: where?.lng ?? null,
      payload,
      regionPath: o.regionPath,
      elderId: o.elderId,
      providerId,
      formerProviderId: removesProvider ? o.providerId : null,
      workerId: type === 'ACCEPT' ? (payload.workerId as string) : o.workerId,
      offeredTo: o.offeredTo,
      at: new Date(at),
    });
  }

  /**
   * The order's history is written: a live order gets the durable job the app would have left
   * (libs/scheduler): an OPEN offer its deadline, a waiting order "needs dispatch" (due at once, so the
   * engine dispatches it when the API starts).
   */
  function settle(o: OrderRow): void {
    const open = offerState.get(o.id)?.open;
    offerState.delete(o.id);
    if (o.state === 'OFFERED' && open)
      jobsOut.push({ kind: ORDER_JOBS.OFFER_EXPIRY, key: open.id, dueAt: open.expiresAt });
    if (o.state === 'PENDING_DISPATCH')
      jobsOut.push({ kind: ORDER_JOBS.NEEDS_DISPATCH, key: o.id, dueAt: new Date(until) });
  }

  function near(lat: number, lng: number, minM: number, maxM: number): { lat: number; lng: number } {
    const dist = rng.float(minM, maxM);
    const angle = rng.float(0, 2 * Math.PI);
    return {
      lat: round6(lat + (dist * Math.cos(angle)) / 111_320),
      lng: round6(lng + (dist * Math.sin(angle)) / (111_320 * Math.cos((lat * Math.PI) / 180))),
    };
  }

  function planOrder(t0: number): { order: OrderRow; events: EventRow[] } | null {
    const ei = pickElder();
    const e = city.elders[ei];
    let item = itemByCode.get(rng.weighted(itemCodes, itemWeights))!;
    const device = look!.deviceOf[ei];
    const hasApp = !!(look!.elderUsers[ei] || look!.familyUsers[ei]);
    let channel: OrderRow['channel'];
    if (item.serviceType === 'EMERGENCY')
      channel = device && rng.chance(0.7) ? 'SOS' : hasApp && rng.chance(0.3) ? 'APP' : 'HOTLINE';
    else if (device && rng.chance(0.01)) {
      channel = 'SOS';
      item = itemByCode.get('SOS_RESPONSE')!;
    } else channel = hasApp && rng.chance(0.55) ? 'APP' : rng.chance(0.35) ? 'WALK_IN' : 'HOTLINE';
    const requester = requesterOf(ei, channel);
    const o = baseOrder(ei, item, t0, channel, requester);
    const events: EventRow[] = [];
    const plan: [EventType, number, Actor, Record<string, unknown>, { lat: number; lng: number } | null][] = [];
    const home = { lat: e.homeLat, lng: e.homeLng };
    let photos: string[] = [];
    let comment: string | undefined;

    plan.push([
      'CREATE',
      t0,
      requester,
      { channel, itemId: item.id, priority: o.priority },
      channel === 'SOS' ? home : null,
    ]);
    let t = t0;
    const durationMin = Math.max(item.minDurationMinutes, 10) * (item.unit === 'HOUR' ? Number(o.quantity) : 1);
    if (SCHEDULED_TYPES.has(item.serviceType)) {
      const local = t0 + CST;
      const dayStart = Math.floor(local / DAY) * DAY - CST;
      const slot =
        item.serviceType === 'MEAL'
          ? (local % DAY) / 3_600_000 < 9
            ? dayStart + 11 * 3_600_000
            : dayStart + DAY + (rng.chance(0.7) ? 11 : 17) * 3_600_000
          : dayStart + rng.int(1, 3) * DAY + rng.pick([9, 10, 14, 15]) * 3_600_000;
      o.scheduledStart = new Date(slot);
      o.scheduledEnd = new Date(slot + Math.max(durationMin, 30) * MIN);
      plan[0][3].scheduledStart = o.scheduledStart.toISOString();
    }

    // outcome
    const r = rng.next();
    const cancelAt =
      r < 0.06
        ? rng.weighted(['PENDING_DISPATCH', 'OFFERED', 'ACCEPTED', 'EN_ROUTE'] as const, [35, 25, 30, 10])
        : null;
    const exceptionAt =
      !cancelAt && r < 0.085 ? rng.weighted(['ACCEPTED', 'EN_ROUTE', 'IN_SERVICE'] as const, [20, 50, 30]) : null;
    const emergency = item.serviceType === 'EMERGENCY';
    const cancel = (): void => {
      plan.push([
        'CANCEL',
        t + rng.int(2, 90) * MIN,
        requester.role === Role.SOS_DEVICE ? look!.stationStaff.get(e.communityCode)! : requester,
        { reason: rng.pick(CANCEL_REASONS) },
        null,
      ]);
    };

    const pool = (candidates.get(`${e.communityCode}|${item.serviceType}`) ?? []).filter((p) =>
      qualified.has(`${p.id}|${item.requiredQualification ?? ''}`),
    );
    if (cancelAt === 'PENDING_DISPATCH' || pool.length === 0) {
      t += rng.int(1, 30) * MIN;
      if (pool.length === 0)
        plan.push(['CANCEL', t, look!.stationStaff.get(e.communityCode)!, { reason: '无可用服务组织' }, null]);
      else cancel();
      return finish();
    }
    const district = districtOfCommunity.get(e.communityCode)!;
    const dispatcher = look!.dispatchers.get(district)!;
    const continuityKey = ei * 16 + typeIndex.get(item.serviceType)!;
    const choose = (exclude?: string): ProviderRow => {
      // the demo elder is the demo provider's regular client (so the engine ranks it first for her)
      if (ei === demoElderIndex && exclude !== city.demo.providerId && pool.some((p) => p.id === city.demo.providerId))
        return providerById.get(city.demo.providerId)!;
      const prev = lastProvider.get(continuityKey);
      if (prev && prev !== exclude && rng.chance(0.6) && pool.some((p) => p.id === prev))
        return providerById.get(prev)!;
      const options2 = pool.length > 1 && exclude ? pool.filter((p) => p.id !== exclude) : pool;
      return rng.weighted(
        options2,
        options2.map((p) => p.capacity),
      );
    };
    let provider = choose();
    const offer = (p: ProviderRow): void => {
      t += (emergency ? rng.int(10, 60) / 60 : rng.int(1, 5)) * MIN;
      const manual = rng.chance(0.04);
      plan.push(['OFFER', t, manual ? dispatcher : system, { providerId: p.id, override: false }, null]);
    };
    offer(provider);
    // a declined or expired offer first, now and then
    const bounce = rng.next();
    if (!emergency && bounce < 0.1 && ei !== demoElderIndex) {
      if (bounce < 0.07) {
        t += rng.int(1, Math.max(1, item.acceptSlaMinutes - 1)) * MIN;
        plan.push([
          'REJECT',
          t,
          look!.providerAdmins.get(provider.id)!,
          { providerId: provider.id, reason: rng.pick(['人手不足', '超出服务时段', '距离较远']) },
          null,
        ]);
      } else {
        t += item.acceptSlaMinutes * MIN;
        plan.push(['EXPIRE', t, system, { providerId: provider.id }, null]);
      }
      provider = choose(provider.id);
      offer(provider);
    }
    if (cancelAt === 'OFFERED') {
      cancel();
      return finish();
    }
    const workersOf = qualified.get(`${provider.id}|${item.requiredQualification ?? ''}`)!;
    const worker = rng.pick(workersOf);
    const workerActor = look!.workerUsers.get(worker.id)!;
    t += (emergency ? rng.int(1, 4) : rng.int(1, Math.max(2, Math.floor(item.acceptSlaMinutes * 0.8)))) * MIN;
    plan.push([
      'ACCEPT',
      t,
      look!.providerAdmins.get(provider.id)!,
      { providerId: provider.id, workerId: worker.id },
      null,
    ]);
    lastProvider.set(continuityKey, provider.id);
    if (cancelAt === 'ACCEPTED') {
      cancel();
      return finish();
    }
    if (exceptionAt === 'ACCEPTED') {
      plan.push([
        'REPORT_EXCEPTION',
        t + rng.int(5, 60) * MIN,
        workerActor,
        { reason: rng.pick(EXCEPTION_REASONS) },
        null,
      ]);
      return finish();
    }
    const travel = (emergency ? rng.int(4, 22) : rng.int(5, 25)) * MIN;
    const scheduled = o.scheduledStart?.getTime();
    t = scheduled
      ? Math.max(t + MIN, scheduled - travel - rng.int(0, 10) * MIN)
      : t + (emergency ? rng.int(1, 3) : rng.int(2, 20)) * MIN;
    plan.push(['DEPART', t, workerActor, {}, { lat: provider.baseLat, lng: provider.baseLng }]);
    if (cancelAt === 'EN_ROUTE') {
      cancel();
      return finish();
    }
    if (exceptionAt === 'EN_ROUTE') {
      t += travel;
      plan.push([
        'REPORT_EXCEPTION',
        t + rng.int(5, 20) * MIN,
        workerActor,
        { reason: rng.pick(EXCEPTION_REASONS) },
        near(home.lat, home.lng, 5, 60),
      ]);
      return finish();
    }
    t += travel;
    // a few check-ins far from home: the anomaly auditors look for
    const farAway = rng.chance(0.004);
    const inAt = farAway ? near(home.lat, home.lng, 1_500, 6_000) : near(home.lat, home.lng, 3, 60);
    const inDistance = distanceMeters(home, inAt);
    plan.push(['CHECK_IN', t, workerActor, { distanceM: inDistance }, inAt]);
    if (exceptionAt === 'IN_SERVICE') {
      plan.push([
        'REPORT_EXCEPTION',
        t + rng.int(5, 30) * MIN,
        workerActor,
        { reason: rng.pick(EXCEPTION_REASONS) },
        inAt,
      ]);
      return finish();
    }
    const shortened = rng.chance(0.01);
    t += Math.round(durationMin * (shortened ? rng.float(0.3, 0.6) : rng.float(1, 1.25)) * MIN);
    const outAt = farAway ? near(inAt.lat, inAt.lng, 0, 30) : near(home.lat, home.lng, 3, 60);
    photos = [rng.hex(64), rng.hex(64)];
    const serviceMinutes = Math.round((t - plan[plan.length - 1][1]) / MIN);
    plan.push([
      'CHECK_OUT',
      t,
      workerActor,
      {
        distanceM: distanceMeters(home, outAt),
        photoCount: photos.length,
        serviceMinutes,
        shorterThanMinimum: serviceMinutes < item.minDurationMinutes,
      },
      outAt,
    ]);
    const confirmer = (): Actor => {
      const eu = look!.elderUsers[ei];
      const fu = look!.familyUsers[ei];
      if (eu && rng.chance(0.6)) return eu;
      if (fu && rng.chance(0.7)) return fu;
      return look!.stationStaff.get(e.communityCode)!;
    };
    let confirmed = false;
    if (rng.chance(0.93)) {
      const who = confirmer();
      t += rng.int(2, 240) * MIN;
      const rated = rng.next();
      const rating = rng.weighted([5, 4, 3, 2, 1], [68, 22, 6, 2.5, 1.5]);
      comment = rng.chance(0.3) ? rng.pick(RATING_COMMENTS) : undefined;
      // rated with the confirmation mostly, sometimes afterwards, sometimes never
      plan.push([
        'CONFIRM',
        t,
        who,
        { onBehalf: who.role === Role.STATION_STAFF, ...(rated < 0.75 ? { rating } : {}) },
        null,
      ]);
      confirmed = true;
      if (rated >= 0.75 && rated < 0.82) {
        t += rng.int(1, 600) * MIN;
        plan.push(['RATE', t, who, { rating }, null]);
      }
    }
    if (rng.chance(shortened ? 0.4 : 0.012)) {
      t += rng.int(60, 48 * 60) * MIN;
      plan.push([
        'COMPLAIN',
        t,
        confirmed ? confirmer() : look!.stationStaff.get(e.communityCode)!,
        { reason: rng.pick(COMPLAINT_REASONS) },
        null,
      ]);
      if (rng.chance(0.85)) {
        t += rng.int(24 * 60, 72 * 60) * MIN;
        plan.push(['RESOLVE', t, dispatcher, { reason: rng.pick(RESOLUTIONS) }, null]);
      }
    }
    return finish();

    function finish(): { order: OrderRow; events: EventRow[] } {
      for (const [type, at, actor, payload, where] of plan) {
        if (at > until) break;
        apply(o, events, type, at, actor, payload, where);
        switch (type) {
          case 'OFFER':
            o.providerId = payload.providerId as string;
            o.offerExpiresAt = new Date(at + item.acceptSlaMinutes * MIN);
            break;
          case 'REJECT':
          case 'EXPIRE':
            o.providerId = null;
            o.offerExpiresAt = null;
            break;
          case 'ACCEPT':
            o.workerId = payload.workerId as string;
            o.offerExpiresAt = null;
            break;
          case 'CHECK_IN':
            o.checkInAt = new Date(at);
            o.checkInLat = where!.lat;
            o.checkInLng = where!.lng;
            o.checkInDistanceM = payload.distanceM as number;
            break;
          case 'CHECK_OUT':
            o.checkOutAt = new Date(at);
            o.checkOutLat = where!.lat;
            o.checkOutLng = where!.lng;
            o.checkOutDistanceM = payload.distanceM as number;
            o.photoHashes = photos;
            // the one-time code went to the elder/family; only its hash is kept (OrdersService codeHash)
            o.confirmCodeHash = sha256(`${o.id}:${String(rng.int(0, 999_999)).padStart(6, '0')}`);
            o.confirmCodeExpiresAt = new Date(at + CONFIRM_CODE_TTL_MS);
            break;
          case 'CONFIRM':
            o.confirmedBy = actor.id;
            o.confirmedAt = new Date(at);
            o.confirmCodeHash = null;
            if (payload.rating) {
              o.rating = payload.rating as number;
              o.ratingComment = comment ?? null;
            }
            break;
          case 'RATE':
            o.rating = payload.rating as number;
            o.ratingComment = comment ?? null;
            break;
          case 'CANCEL':
            o.closeReason = payload.reason as string;
            o.offerExpiresAt = null;
            break;
          case 'REPORT_EXCEPTION':
          case 'COMPLAIN':
          case 'RESOLVE':
            o.closeReason = payload.reason as string;
            break;
        }
      }
      settle(o);
      return { order: o, events };
    }
  }

  /** Two live orders for the demo elder so a newcomer can follow one through its life at once. */
  function showcase(): OrderBatch {
    const ei = city.elders.findIndex((x) => x.id === city.demo.elderId);
    const provider = providerById.get(city.demo.providerId)!;
    const demoWorker = city.workers.find((w) => w.providerId === provider.id)!;
    const elderUser = look!.elderUsers[ei]!;
    const out = emptyBatch();
    const clean = itemByCode.get('CLEAN_HOUR')!;
    const t0 = until - 40 * MIN;
    const a = baseOrder(ei, clean, t0, 'APP', elderUser);
    a.quantity = '2.00';
    a.totalCents = clean.priceCents * 2;
    a.note = '演示工单：已接单，请用服务人员账号出发、签到、签退';
    apply(a, out.events, 'CREATE', t0, elderUser, { channel: 'APP', itemId: clean.id, priority: 0 });
    apply(a, out.events, 'OFFER', t0 + 2 * MIN, system, { providerId: provider.id, override: false });
    a.providerId = provider.id;
    apply(a, out.events, 'ACCEPT', t0 + 10 * MIN, look!.providerAdmins.get(provider.id)!, {
      workerId: demoWorker.id,
    });
    a.workerId = demoWorker.id;
    settle(a);
    out.orders.push(a);
    const meal = itemByCode.get('MEDICINE_PICKUP')!;
    const b = baseOrder(ei, meal, until - 2 * MIN, 'APP', elderUser);
    b.note = '演示工单：待派单';
    apply(b, out.events, 'CREATE', until - 2 * MIN, elderUser, { channel: 'APP', itemId: meal.id, priority: 0 });
    settle(b); // waits for the dispatch engine, which offers it once the API runs
    out.orders.push(b);
    return out;
  }
}

/** Number of orders generateOrders will produce (for progress bars), before the showcase orders. */
export function expectedOrderCount(city: City): number {
  const { options } = city;
  return Math.round(city.elders.filter((e) => e.status === 'ACTIVE').length * options.orderRate * options.months) + 2;
}
