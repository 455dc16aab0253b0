import { Role } from '#lib/kernel';
import { contractCovers } from '../candidates.js';
import type { ContractSnapshot } from '../types.js';
import { DispatchErrorCode as E } from './dispatch.errors.js';

export interface ManualChoiceInput {
  role: Role;
  order: {
    serviceType: string;
    communityCode: string;
    /** The local date of the service (contracts are by date). */
    date: string;
    districtCode: string;
    /** Every community of the order's street (the hub's reach). */
    streetCommunityCodes: readonly string[];
  };
  provider: { status: string; districtCode: string; contracts: readonly ContractSnapshot[] };
  override: boolean;
  reason: string | null | undefined;
}

export type ManualChoice =
  | { ok: true; basis: 'CONTRACT' | 'STREET_CONTRACT' | 'OVERRIDE' }
  /** `details`: what the error carries (the wrong fields of a 400). */
  | { ok: false; code: E; message: string; details?: { fields: { field: string; problems: string[] }[] } };

/**
 * Which provider a person may pick by hand (issue 8 item 5), for an offer or a reassignment:
 * - anyone: an ACTIVE provider contracted for the service type in the order's community on its date;
 * - hub staff also: one contracted for the service type in any community of their street;
 * - district dispatchers (and the platform admin) also: any ACTIVE provider of the order's district,
 *   as an override with a reason (audited by the caller).
 * An override without a reason is refused first (a 400 whoever sends it); then the rules in this order,
 * so the first refusal names the rule that applies. Pure.
 */
export function manualChoice(input: ManualChoiceInput): ManualChoice {
  const { order, provider, role } = input;
  // the body first, whoever sends it: an override always needs a reason
  if (input.override && !input.reason?.trim())
    return {
      ok: false,
      code: E.VALIDATION_FAILED,
      message: 'reason: reason is required when override is true',
      details: { fields: [{ field: 'reason', problems: ['reason is required when override is true'] }] },
    };
  if (provider.status !== 'ACTIVE')
    return { ok: false, code: E.PROVIDER_NOT_AVAILABLE, message: 'the provider is suspended' };
  const covers = (community: string) =>
    provider.contracts.some((c) => contractCovers(c, order.serviceType, community, order.date));
  if (covers(order.communityCode)) return { ok: true, basis: 'CONTRACT' };
  if (role === Role.HUB_STAFF && order.streetCommunityCodes.some(covers)) return { ok: true, basis: 'STREET_CONTRACT' };
  const district = role === Role.DISTRICT_DISPATCHER || role === Role.PLATFORM_ADMIN;
  if (!input.override)
    return {
      ok: false,
      code: E.PROVIDER_NOT_CONTRACTED,
      message:
        role === Role.HUB_STAFF
          ? 'the provider has no contract for this service in your street; a district dispatcher may override with a reason'
          : 'the provider has no contract for this service in this community; a district dispatcher may override with a reason',
    };
  if (!district)
    return { ok: false, code: E.NOT_ALLOWED, message: 'only a district dispatcher may override the contract rule' };
  if (provider.districtCode !== order.districtCode)
    return {
      ok: false,
      code: E.PROVIDER_OUTSIDE_DISTRICT,
      message: 'an override may only pick a provider of the order’s district',
    };
  return { ok: true, basis: 'OVERRIDE' };
}
