import { maskAddress, maskIdNumber, maskName, maskPhone, regionCovers, Role, type Actor } from '#lib/kernel';
import type { AbilityLevel, DifficultyCategory, ElderStatus, LivingSituation } from './elder.entity.js';
import type { ElderDto } from './elders.dto.js';

/** An elder with personal data decrypted (inside the service only; never returned as is). */
export interface ElderRecord {
  id: string;
  name: string;
  gender: 'M' | 'F';
  birthDate: string;
  idNumber: string;
  phone: string | null;
  address: string;
  communityCode: string;
  regionPath: string;
  homeLat: number;
  homeLng: number;
  livingSituation: LivingSituation;
  categories: DifficultyCategory[];
  abilityLevel: AbilityLevel;
  healthNotes: string | null;
  status: ElderStatus;
  deceasedOn: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  emergencyContacts?: EmergencyContactRecord[];
}

export interface EmergencyContactRecord {
  id: string;
  name: string;
  relation: string;
  phone: string;
  priority: number;
}

/**
 * The elder as a role may see it (masked where the role does not need the clear value): the answer's
 * class, which is also its OpenAPI schema.
 */
export type ElderView = ElderDto;

/** Roles that may read an elder at all (the service also checks the scope). */
export const ELDER_READER_ROLES: readonly Role[] = [
  Role.ELDER,
  Role.FAMILY,
  Role.STATION_STAFF,
  Role.HUB_STAFF,
  Role.DISTRICT_DISPATCHER,
  Role.AUDITOR,
  Role.PLATFORM_ADMIN,
];
/** Staff who register and edit elders in their region. */
export const ELDER_WRITER_ROLES: readonly Role[] = [
  Role.STATION_STAFF,
  Role.HUB_STAFF,
  Role.DISTRICT_DISPATCHER,
  Role.PLATFORM_ADMIN,
];
/** Roles that may open the unmasked personal data (audited). */
export const ELDER_PII_ROLES: readonly Role[] = [
  Role.STATION_STAFF,
  Role.HUB_STAFF,
  Role.DISTRICT_DISPATCHER,
  Role.AUDITOR,
  Role.PLATFORM_ADMIN,
];

/** Front-line roles that phone and visit the elder: contact data in clear. */
const CONTACT_ROLES: readonly Role[] = [
  Role.STATION_STAFF,
  Role.HUB_STAFF,
  Role.DISTRICT_DISPATCHER,
  Role.ELDER,
  Role.FAMILY,
];
const SELF_ROLES: readonly Role[] = [Role.ELDER, Role.FAMILY];

/**
 * May this actor read this elder? ELDER: themself; FAMILY: linked elders; region staff, auditors
 * and platform admins: elders under their region. Providers and workers: never here (they see an
 * elder only through the orders they serve).
 */
export function elderVisibleTo(actor: Actor, elder: { id: string; regionPath: string }): boolean {
  if (actor.role === Role.ELDER || actor.role === Role.FAMILY) return !!actor.elderIds?.includes(elder.id);
  if (!ELDER_READER_ROLES.includes(actor.role)) return false;
  return regionCovers(actor.regionPath, elder.regionPath);
}

/**
 * Field-level masking by role (pure). Assumes the caller has checked that the actor may see the
 * elder at all (elderVisibleTo). Rules:
 *  - ID number: always masked;
 *  - phone, address, exact home coordinates: clear for station/hub staff, dispatchers, the elder and
 *    family; masked (coordinates rounded to 2 decimals, ~1 km) for auditors, platform admins and anyone else;
 *  - health notes: only for the elder and family (staff use the audited /pii view);
 *  - name: masked for auditors (and any role not listed);
 *  - emergency contacts: like the elder's own name and phone.
 */
export function presentElder(elder: ElderRecord, actor: Actor): ElderView {
  const contact = CONTACT_ROLES.includes(actor.role);
  const self = SELF_ROLES.includes(actor.role);
  const nameClear = ELDER_READER_ROLES.includes(actor.role) && actor.role !== Role.AUDITOR;
  const masked = ['idNumber'];
  if (!nameClear) masked.push('name');
  if (!contact) masked.push('phone', 'address', 'homeLocation');
  if (!self) masked.push('healthNotes');
  const view: ElderView = {
    id: elder.id,
    name: nameClear ? elder.name : maskName(elder.name),
    gender: elder.gender,
    birthDate: elder.birthDate,
    idNumber: maskIdNumber(elder.idNumber),
    phone: contact ? elder.phone : maskPhone(elder.phone),
    address: contact ? elder.address : maskAddress(elder.address),
    communityCode: elder.communityCode,
    homeLat: contact ? elder.homeLat : round2(elder.homeLat),
    homeLng: contact ? elder.homeLng : round2(elder.homeLng),
    livingSituation: elder.livingSituation,
    categories: elder.categories,
    abilityLevel: elder.abilityLevel,
    status: elder.status,
    deceasedOn: elder.deceasedOn,
    version: elder.version,
    createdAt: elder.createdAt,
    updatedAt: elder.updatedAt,
    masked,
  };
  if (self) view.healthNotes = elder.healthNotes;
  if (elder.emergencyContacts)
    view.emergencyContacts = elder.emergencyContacts.map((c) => ({
      id: c.id,
      name: nameClear ? c.name : maskName(c.name),
      relation: c.relation,
      phone: contact ? c.phone : maskPhone(c.phone),
      priority: c.priority,
    }));
  return view;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
