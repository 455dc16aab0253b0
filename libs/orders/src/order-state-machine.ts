import { OrderState as S } from './order.entity.js';

/** What can happen to an order. Each action is one guarded transition and one event row. */
export enum OrderAction {
  OFFER = 'OFFER', // dispatch to one provider, or to several at once (emergency)
  ACCEPT = 'ACCEPT', // a provider holding an open offer accepts and assigns a worker
  REJECT = 'REJECT', // the last provider holding an open offer declines: back to dispatch
  EXPIRE = 'EXPIRE', // the last open offer's deadline passed: back to dispatch (system)
  PARTIAL_REJECT = 'PARTIAL_REJECT', // one of several open offers declined; the others stay (system-decided)
  PARTIAL_EXPIRE = 'PARTIAL_EXPIRE', // one of several open offers lapsed; the others stay (system)
  WITHDRAW_OFFER = 'WITHDRAW_OFFER', // another provider accepted first: this provider's offer is withdrawn (system)
  REASSIGN = 'REASSIGN', // staff take an accepted order from its provider and offer it to another, with a reason
  DEPART = 'DEPART', // worker sets off
  CHECK_IN = 'CHECK_IN', // worker on site (GPS)
  CHECK_OUT = 'CHECK_OUT', // worker done, with evidence (GPS, photos)
  CONFIRM = 'CONFIRM', // elder/family confirm with the one-time code (optionally rate)
  RATE = 'RATE', // rating after confirmation (once)
  CANCEL = 'CANCEL', // before service starts, with reason
  REPORT_EXCEPTION = 'REPORT_EXCEPTION', // elder not home, service not possible
  COMPLAIN = 'COMPLAIN', // complaint / dispute after completion
  RESOLVE = 'RESOLVE', // complaint handled
}

/** The lifecycle of DOMAIN.md "The order": state → action → next state. Anything absent is illegal. */
export const TRANSITIONS: Readonly<Record<S, Partial<Record<OrderAction, S>>>> = {
  [S.PENDING_DISPATCH]: { OFFER: S.OFFERED, CANCEL: S.CANCELLED },
  [S.OFFERED]: {
    ACCEPT: S.ACCEPTED,
    REJECT: S.PENDING_DISPATCH,
    EXPIRE: S.PENDING_DISPATCH,
    PARTIAL_REJECT: S.OFFERED,
    PARTIAL_EXPIRE: S.OFFERED,
    CANCEL: S.CANCELLED,
  },
  [S.ACCEPTED]: {
    DEPART: S.EN_ROUTE,
    CANCEL: S.CANCELLED,
    REPORT_EXCEPTION: S.EXCEPTION,
    WITHDRAW_OFFER: S.ACCEPTED,
    REASSIGN: S.OFFERED,
  },
  [S.EN_ROUTE]: { CHECK_IN: S.IN_SERVICE, CANCEL: S.CANCELLED, REPORT_EXCEPTION: S.EXCEPTION },
  [S.IN_SERVICE]: { CHECK_OUT: S.COMPLETED, REPORT_EXCEPTION: S.EXCEPTION },
  [S.COMPLETED]: { CONFIRM: S.CONFIRMED, COMPLAIN: S.DISPUTED },
  [S.CONFIRMED]: { RATE: S.CONFIRMED, COMPLAIN: S.DISPUTED },
  [S.DISPUTED]: { RESOLVE: S.RESOLVED },
  [S.CANCELLED]: {},
  [S.EXCEPTION]: {},
  [S.RESOLVED]: {},
};

export type TransitionResult = { ok: true; next: S } | { ok: false; reason: string };

/** The single rule of which transitions are legal. Pure; unit-tested over every pair. */
export function nextState(state: S, action: OrderAction): TransitionResult {
  const next = TRANSITIONS[state]?.[action];
  if (next) return { ok: true, next };
  return { ok: false, reason: `cannot ${action.toLowerCase().replace(/_/g, ' ')} an order that is ${state}` };
}

export function actionsFrom(state: S): OrderAction[] {
  return Object.keys(TRANSITIONS[state] ?? {}) as OrderAction[];
}

/** Terminal states: nothing more can happen. */
export function isTerminal(state: S): boolean {
  return actionsFrom(state).length === 0;
}

/** States in which a worker is assigned and working on the order. */
export const ACTIVE_SERVICE_STATES: readonly S[] = [S.ACCEPTED, S.EN_ROUTE, S.IN_SERVICE];
