/**
 * The order event contract shared by the server and its clients (web console, apps): every event
 * type written to `order_event.type`, and the payload each one carries in `order_event.payload`.
 * Types only (no runtime dependency), so a client can import it without the server's libraries.
 * `OrdersService` writes payloads through `OrderEventPayloads`, so the compiler checks them.
 */
import type { OrderChannel, OrderPriority } from './order.entity.js';
import type { ConfirmCodeState } from './order-policy.js';

/** CREATED, then one type per lifecycle action (`OrderAction`). */
export type OrderEventType =
  | 'CREATED'
  | 'OFFER'
  | 'ACCEPT'
  | 'REJECT'
  | 'EXPIRE'
  | 'PARTIAL_REJECT'
  | 'PARTIAL_EXPIRE'
  | 'WITHDRAW_OFFER'
  | 'REASSIGN'
  | 'DEPART'
  | 'CHECK_IN'
  | 'CHECK_OUT'
  | 'CONFIRM'
  | 'RATE'
  | 'CANCEL'
  | 'REPORT_EXCEPTION'
  | 'COMPLAIN'
  | 'RESOLVE';

/** An event that closes the order (or a complaint) with the actor's reason. */
export interface ReasonPayload {
  reason: string;
}

/** Event type → payload. An event with nothing to add carries `{}`. */
export interface OrderEventPayloads {
  CREATED: { channel: OrderChannel; itemId: string; priority: OrderPriority };
  /**
   * `providerIds`: every provider offered at once (one, or the best K for an emergency); `providerId`
   * the first of them. `manual`: a person chose (else the dispatch engine); `reason` with a manual
   * choice when given, always with `override` (a district dispatcher offering outside the contracts).
   */
  OFFER: {
    providerId: string;
    providerIds: string[];
    round: number;
    manual: boolean;
    override: boolean;
    reason?: string;
  };
  /** Staff took the accepted order from `fromProviderId` and offered it to `providerIds`. */
  REASSIGN: {
    fromProviderId: string | null;
    providerId: string;
    providerIds: string[];
    round: number;
    manual: boolean;
    override: boolean;
    reason: string;
  };
  ACCEPT: { workerId: string };
  /** `providerId`: the provider that declined (also in the row's `former_provider_id`). */
  REJECT: { providerId: string | null; reason: string };
  /** `providerId`: the provider whose offer lapsed (also in the row's `former_provider_id`). */
  EXPIRE: { providerId: string | null };
  /** One of several open offers declined; the others stay open (`providerId` also in `former_provider_id`). */
  PARTIAL_REJECT: { providerId: string; reason: string };
  /** One of several open offers lapsed; the others stay open. */
  PARTIAL_EXPIRE: { providerId: string };
  /** `providerId`'s open offer was withdrawn because `acceptedBy` accepted first. */
  WITHDRAW_OFFER: { providerId: string; acceptedBy: string };
  DEPART: Record<string, never>;
  /** Metres between the check-in position and the elder's home. */
  CHECK_IN: { distanceM: number };
  CHECK_OUT: {
    distanceM: number;
    photoCount: number;
    /** Minutes since check-in (null without one). */
    serviceMinutes: number | null;
    shorterThanMinimum: boolean;
  };
  /** `codeState` only when confirmed without the code (station staff on the elder's behalf). */
  CONFIRM: { onBehalf: boolean; withCode: boolean; codeState?: ConfirmCodeState; rating?: number };
  RATE: { rating: number };
  CANCEL: ReasonPayload;
  REPORT_EXCEPTION: ReasonPayload;
  COMPLAIN: ReasonPayload;
  RESOLVE: ReasonPayload;
}

/** The payload of one event type. */
export type OrderEventPayload<T extends OrderEventType = OrderEventType> = OrderEventPayloads[T];

/**
 * Who an event concerns, snapshotted when it is written (after the transition), so fan-out needs no
 * join with the order's current state: the order's region path, elder, provider and worker, and the
 * provider the transition took the order from (REJECT, EXPIRE, PARTIAL_*, WITHDRAW_OFFER, REASSIGN),
 * so that provider can be told too, and the providers holding an open offer after it.
 * The providers entitled to an event are `providerId`, `formerProviderId` and `offeredTo`.
 */
export interface OrderEventRouting {
  regionPath: string;
  elderId: string;
  providerId: string | null;
  formerProviderId: string | null;
  workerId: string | null;
  offeredTo: string[];
}
