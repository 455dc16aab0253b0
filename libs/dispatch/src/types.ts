import type { GeoPoint } from '#lib/kernel';
import type { ProviderStatus, WeeklyHours, WorkerStatus } from '#lib/providers';
import type { AreaType } from './travel-time.js';

/** One `provider_contract` row. Dates are local calendar dates, both inclusive. */
export interface ContractSnapshot {
  serviceTypes: readonly string[];
  communityCodes: readonly string[];
  validFrom: string;
  validTo: string;
}

/** Time a worker is already taken: an accepted/assigned order. `to` null = open-ended (in progress). */
export interface Commitment {
  orderId: string;
  from: Date;
  to: Date | null;
}

/** One `worker` row plus what dispatch needs to know about its day. */
export interface WorkerSnapshot {
  id: string;
  status: WorkerStatus | `${WorkerStatus}`;
  qualifications: readonly string[];
  shifts: WeeklyHours;
  commitments: readonly Commitment[];
  /** Where the worker starts from; null or absent: the provider's base. */
  location?: GeoPoint | null;
  /** Orders assigned to the worker today (worker suggestion: least loaded). */
  ordersToday?: number;
}

/** What the ranking weighs, aggregated per provider (order and offer history). */
export interface ProviderStats {
  /** Orders the provider accepted since the start of the local month. */
  ordersThisMonth: number;
  /** Sum and count of the elders' ratings (1..5) of the provider's orders. */
  ratingSum: number;
  ratingCount: number;
  /** Offer outcomes (e.g. the last 90 days). */
  offersAccepted: number;
  offersRejected: number;
  offersExpired: number;
  /** This provider's price for the item in fen; null: the catalogue's standard price. */
  priceCents: number | null;
}

/** One `provider` row with its contracts, workers, current load and history. */
export interface ProviderSnapshot {
  id: string;
  status: ProviderStatus | `${ProviderStatus}`;
  base: GeoPoint;
  openingHours: WeeklyHours;
  /** Orders the provider can have in progress at once. */
  capacity: number;
  /** Offers to this provider still waiting for an answer. */
  openOffers: number;
  /**
   * Orders of this provider under way (EN_ROUTE, IN_SERVICE) or accepted for a window that meets the
   * requested service's (an accepted booking for another day does not take capacity now).
   */
  activeOrders: number;
  contracts: readonly ContractSnapshot[];
  /**
   * Its workers; null when they were not loaded because another rule already rules the provider out
   * (the loader reads only the workers of providers contracted for the order): the worker rule is then
   * not evaluated, so the explanation does not report a worker problem nobody checked.
   */
  workers: readonly WorkerSnapshot[] | null;
  stats: ProviderStats;
}

/** The order to dispatch, from its `service_order` snapshot columns. */
export interface DispatchRequest {
  orderId: string;
  serviceType: string;
  communityCode: string;
  /** From the community's region level (COMMUNITY urban, VILLAGE rural). */
  areaType: AreaType;
  home: GeoPoint;
  /** When the service is wanted: `scheduled_start`, or now for an immediate order. */
  at: Date;
  durationMinutes: number;
  requiredQualification: string | null;
  /** The order's unit price snapshot (the catalogue price), fen. */
  priceCents: number;
  /** The provider of the elder's most recent completed order of this service type, if any. */
  previousProviderId: string | null;
}

export interface CandidateInput {
  order: DispatchRequest;
  providers: readonly ProviderSnapshot[];
  /** Providers this order was already offered to (declined, expired, withdrawn or still open). */
  alreadyOffered: Iterable<string>;
}
