/** The validated dispatch configuration (`dispatchConfig(overrides)` from DISPATCH_CONFIG). */
export const DISPATCH_CONFIG = Symbol('DISPATCH_CONFIG');
/** How the engine runs on this deployment (DispatchModule.forRoot). */
export const DISPATCH_OPTIONS = Symbol('DISPATCH_OPTIONS');

export interface DispatchOptions {
  /** false: the engine never offers by itself (every district behaves as MANUAL); people still dispatch. */
  auto: boolean;
  /** Minutes before a scheduled order's window at which the engine dispatches it, per service type. */
  leadMinutes: { default: number; byServiceType: Record<string, number> };
}

export const DEFAULT_LEAD_MINUTES = 120;

/** The lead time of a service type (a scheduled order is dispatched this long before its window). */
export function leadMinutesFor(options: DispatchOptions, serviceType: string): number {
  return options.leadMinutes.byServiceType[serviceType] ?? options.leadMinutes.default;
}

/**
 * Parses DISPATCH_LEAD_MINUTES: `120` (every type) or `MEAL=60,CLEANING=240,*=120`. Throws a
 * RangeError naming the wrong part.
 */
export function parseLeadMinutes(raw: string | undefined): DispatchOptions['leadMinutes'] {
  const out = { default: DEFAULT_LEAD_MINUTES, byServiceType: {} as Record<string, number> };
  if (!raw?.trim()) return out;
  for (const part of raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^(?:([A-Z_]{2,16}|\*)=)?(\d{1,5})$/.exec(part);
    if (!m) throw new RangeError(`"${part}" must look like 120 or MEAL=60`);
    const minutes = Number(m[2]);
    if (minutes > 10_080) throw new RangeError(`"${part}": at most 10080 minutes (a week)`);
    if (!m[1] || m[1] === '*') out.default = minutes;
    else out.byServiceType[m[1]] = minutes;
  }
  return out;
}
