/** The roles of the brief (DOMAIN.md "Who uses it"). */
export enum Role {
  ELDER = 'ELDER',
  FAMILY = 'FAMILY',
  STATION_STAFF = 'STATION_STAFF',
  HUB_STAFF = 'HUB_STAFF',
  DISTRICT_DISPATCHER = 'DISTRICT_DISPATCHER',
  PROVIDER_ADMIN = 'PROVIDER_ADMIN',
  WORKER = 'WORKER',
  AUDITOR = 'AUDITOR',
  PLATFORM_ADMIN = 'PLATFORM_ADMIN',
  /** An SOS device (one-key call, smart watch): may only raise an emergency for its elder. */
  SOS_DEVICE = 'SOS_DEVICE',
}

export const ALL_ROLES: readonly Role[] = Object.values(Role);

/** Roles whose scope is a node of the region tree. */
export const REGION_ROLES: readonly Role[] = [
  Role.STATION_STAFF,
  Role.HUB_STAFF,
  Role.DISTRICT_DISPATCHER,
  Role.AUDITOR,
  Role.PLATFORM_ADMIN,
];

/**
 * Who is acting. Built once per request from the access token (or device key) and passed
 * into every use case, which checks what this actor may do on which object.
 */
export interface Actor {
  userId: string;
  role: Role;
  /** Materialised path of the actor's region node, e.g. "/150300/150302/" (region roles). */
  regionPath?: string;
  providerId?: string;
  workerId?: string;
  /** ELDER: their own elder id; FAMILY: the linked elders; SOS_DEVICE: its elder. */
  elderIds?: string[];
  /** Set only on the platform's own actors (timers, the dispatch engine): what events and audit rows name as the role. */
  system?: 'SYSTEM' | 'DISPATCH_ENGINE';
}

/** A region-scoped actor covers an object when the object's region path lies under theirs. */
export function regionCovers(actorPath: string | undefined, objectPath: string | null | undefined): boolean {
  return !!actorPath && !!objectPath && objectPath.startsWith(actorPath);
}

export function isRegionRole(role: Role): boolean {
  return REGION_ROLES.includes(role);
}

/** System actor used by timers (offer expiry) and the seed. Never issued as a token. */
export const SYSTEM_ACTOR: Actor = {
  userId: '00000000-0000-0000-0000-000000000000',
  role: Role.PLATFORM_ADMIN,
  regionPath: '/',
  system: 'SYSTEM',
};

/**
 * The dispatch engine: offers, expiries, withdrawals and alerts it writes say "DISPATCH_ENGINE".
 * It acts on every order of the city (hence PLATFORM_ADMIN for the scope checks); never a token.
 */
export const DISPATCH_ENGINE_ACTOR: Actor = {
  userId: '00000000-0000-0000-0000-0000000000d1',
  role: Role.PLATFORM_ADMIN,
  regionPath: '/',
  system: 'DISPATCH_ENGINE',
};
