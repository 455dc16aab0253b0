import type { GeoPoint } from '#lib/kernel';
import type { ProviderStatus, WeeklyHours, WorkerStatus } from '#lib/providers';
import type { AreaType } from '../travel-time.js';
import type { Commitment, ContractSnapshot } from '../types.js';

/** A scheduled order of the day: served by one worker, starting and ending inside its window. */
export interface BatchOrder {
  orderId: string;
  serviceType: string;
  communityCode: string;
  areaType: AreaType;
  home: GeoPoint;
  /** `scheduled_start` / `scheduled_end`: the service must start and end inside. */
  windowStart: Date;
  windowEnd: Date;
  durationMinutes: number;
  requiredQualification: string | null;
}

export interface BatchWorker {
  workerId: string;
  providerId: string;
  status: WorkerStatus | `${WorkerStatus}`;
  qualifications: readonly string[];
  shifts: WeeklyHours;
  /** Where the worker starts each visit from; null or absent: the provider's base. */
  location?: GeoPoint | null;
  /** Orders already assigned to the worker in the planned period (blocked time). */
  commitments?: readonly Commitment[];
  /** At most this many orders from this batch; null or absent: limited only by time. */
  maxOrders?: number | null;
}

export interface BatchProvider {
  providerId: string;
  status: ProviderStatus | `${ProviderStatus}`;
  base: GeoPoint;
  /** Orders in progress at once (every bucket of the plan). */
  capacity: number;
  openingHours: WeeklyHours;
  contracts: readonly ContractSnapshot[];
}

export interface BatchInput {
  orders: readonly BatchOrder[];
  workers: readonly BatchWorker[];
  providers: readonly BatchProvider[];
}

export interface BatchAssignment {
  orderId: string;
  workerId: string;
  providerId: string;
  /** ISO instants of the service itself (travel happens before `start`). */
  start: string;
  end: string;
  travelMinutes: number;
}

export type UnassignedReason =
  /** No worker of any contracted provider can serve it: qualification, circle, shift, window or opening hours. */
  | 'NO_ELIGIBLE_WORKER'
  /** Some workers could, but their time or their provider's capacity went to other orders. */
  | 'NO_CAPACITY_LEFT';

export interface BatchPlan {
  /** Sorted by order id. */
  assignments: BatchAssignment[];
  unassigned: Array<{ orderId: string; reason: UnassignedReason }>;
  totalTravelMinutes: number;
  /** totalTravelMinutes + unassignedPenaltyMinutes × unassigned orders: what the optimiser minimises. */
  objective: number;
}

export interface OptimisedPlan extends BatchPlan {
  /** OPTIMAL: proven optimal (within mipRelativeGap) on the candidate graph; FEASIBLE: stopped by the time limit. */
  status: 'OPTIMAL' | 'FEASIBLE';
}

export interface BatchResult {
  optimised: OptimisedPlan;
  greedy: BatchPlan;
  model: {
    orders: number;
    workers: number;
    /** Interchangeable workers (same provider, start point, relevant qualifications, shifts) form one group. */
    workerGroups: number;
    /** Eligible (order, worker group, start time) triples built (lazily: greedy's search and the sparse graph). */
    optionsBuilt: number;
    /** Binary variables given to the solver, over all components. */
    variables: number;
    rows: number;
    /** Independent sub-problems (no worker group or provider shared in the same time bucket). */
    components: number;
    /** Components the solver had to solve (the others: greedy already met the lower bound). */
    solvedComponents: number;
    /** Components where the solver erred or found nothing usable (greedy's plan kept there). */
    solverFailures: number;
  };
}
