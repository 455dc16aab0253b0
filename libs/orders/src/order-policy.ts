import { Role, regionCovers, type Actor } from '#lib/kernel';
import { OrderState } from './order.entity.js';
import { ACTIVE_SERVICE_STATES, OrderAction } from './order-state-machine.js';

/** What the policy needs to know about an order. */
export interface OrderScope {
  elderId: string;
  regionPath: string;
  providerId: string | null;
  workerId: string | null;
  state: OrderState;
}

const STAFF: readonly Role[] = [Role.STATION_STAFF, Role.HUB_STAFF, Role.DISTRICT_DISPATCHER, Role.PLATFORM_ADMIN];

function ownsElder(actor: Actor, order: OrderScope): boolean {
  return (actor.role === Role.ELDER || actor.role === Role.FAMILY) && !!actor.elderIds?.includes(order.elderId);
}

function staffInScope(actor: Actor, order: OrderScope): boolean {
  return STAFF.includes(actor.role) && regionCovers(actor.regionPath, order.regionPath);
}

/**
 * Who may see an order: the elder and family; station, hub, district and platform staff (and
 * auditors) whose region covers it; the provider it is offered to or assigned to; the assigned worker.
 */
export function canViewOrder(actor: Actor, order: OrderScope): boolean {
  switch (actor.role) {
    case Role.ELDER:
    case Role.FAMILY:
      return ownsElder(actor, order);
    case Role.STATION_STAFF:
    case Role.HUB_STAFF:
    case Role.DISTRICT_DISPATCHER:
    case Role.AUDITOR:
    case Role.PLATFORM_ADMIN:
      return regionCovers(actor.regionPath, order.regionPath);
    case Role.PROVIDER_ADMIN:
      return !!actor.providerId && actor.providerId === order.providerId;
    case Role.WORKER:
      return !!actor.workerId && actor.workerId === order.workerId;
    case Role.SOS_DEVICE:
      return false;
  }
}

/**
 * Who may do which action on an order they can see. Pure; the state machine decides separately
 * whether the action is legal in the current state.
 */
export function canActOnOrder(actor: Actor, order: OrderScope, action: OrderAction): boolean {
  const provider = actor.role === Role.PROVIDER_ADMIN && !!actor.providerId && actor.providerId === order.providerId;
  const worker = actor.role === Role.WORKER && !!actor.workerId && actor.workerId === order.workerId;
  switch (action) {
    case OrderAction.OFFER:
      return staffInScope(actor, order);
    case OrderAction.ACCEPT:
    case OrderAction.REJECT:
      return provider;
    case OrderAction.EXPIRE:
      return false; // the offer-expiry timer only
    case OrderAction.DEPART:
    case OrderAction.CHECK_IN:
    case OrderAction.CHECK_OUT:
      return worker;
    case OrderAction.CONFIRM:
      // station staff confirm on behalf of elders without a phone (still needs the code)
      return ownsElder(actor, order) || (actor.role === Role.STATION_STAFF && staffInScope(actor, order));
    case OrderAction.RATE:
      return ownsElder(actor, order);
    case OrderAction.CANCEL:
      return ownsElder(actor, order) || staffInScope(actor, order);
    case OrderAction.REPORT_EXCEPTION:
      return (
        worker ||
        (provider && ACTIVE_SERVICE_STATES.includes(order.state)) ||
        (staffInScope(actor, order) && actor.role !== Role.STATION_STAFF)
      );
    case OrderAction.COMPLAIN:
      return ownsElder(actor, order) || staffInScope(actor, order);
    case OrderAction.RESOLVE:
      return (
        (actor.role === Role.DISTRICT_DISPATCHER || actor.role === Role.PLATFORM_ADMIN) && staffInScope(actor, order)
      );
  }
}

/** Who may create an order for an elder (the elder's scope is checked against the actor). */
export function canRequestFor(actor: Actor, elder: { id: string; regionPath: string }): boolean {
  if (actor.role === Role.ELDER || actor.role === Role.FAMILY || actor.role === Role.SOS_DEVICE)
    return !!actor.elderIds?.includes(elder.id);
  return STAFF.includes(actor.role) && regionCovers(actor.regionPath, elder.regionPath);
}

/** Whether this actor sees the elder's full address and name on this order. */
export function seesServiceAddress(actor: Actor, order: OrderScope): boolean {
  if (ownsElder(actor, order) || staffInScope(actor, order)) return true;
  const assigned =
    (actor.role === Role.WORKER && actor.workerId === order.workerId) ||
    (actor.role === Role.PROVIDER_ADMIN && actor.providerId === order.providerId);
  return assigned && ACTIVE_SERVICE_STATES.includes(order.state);
}
