import { Role, regionCovers, type Actor } from '#lib/kernel';
import { OrderChannel, OrderPriority, OrderState } from './order.entity.js';
import { ACTIVE_SERVICE_STATES, nextState, OrderAction } from './order-state-machine.js';
import { OrderErrorCode, type FieldProblem } from './orders.errors.js';

/** What the policy needs to know about an order. */
export interface OrderScope {
  elderId: string;
  regionPath: string;
  providerId: string | null;
  workerId: string | null;
  state: OrderState;
  /** Providers holding an OPEN offer (several at once for an emergency). */
  offeredTo: readonly string[];
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
      return (
        !!actor.providerId && (actor.providerId === order.providerId || order.offeredTo.includes(actor.providerId))
      );
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
  const offered =
    actor.role === Role.PROVIDER_ADMIN && !!actor.providerId && order.offeredTo.includes(actor.providerId);
  switch (action) {
    case OrderAction.OFFER:
    case OrderAction.REASSIGN:
      // which provider each level may pick is the dispatch engine's rule (manual assignment)
      return staffInScope(actor, order);
    case OrderAction.ACCEPT:
    case OrderAction.REJECT:
      // the provider holding the order may ask too: the state machine then answers (409), not a 403
      return offered || provider;
    case OrderAction.EXPIRE:
    case OrderAction.PARTIAL_REJECT: // a REJECT while other offers stay open (the service decides)
    case OrderAction.PARTIAL_EXPIRE:
    case OrderAction.WITHDRAW_OFFER:
      return false; // timers and the transitions themselves only
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

// --- one decision for "may this actor do this now" -------------------------------------------------

/** Wrong confirmation codes before the code is locked (the station then confirms on behalf). */
export const MAX_CONFIRM_ATTEMPTS = 5;

/**
 * Everything about an order that decides whether an action may happen, apart from the request
 * body: who it belongs to, its state, the offer deadline, the confirmation code, the rating.
 */
export interface OrderFacts extends OrderScope {
  offerExpiresAt: Date | null;
  hasConfirmCode: boolean;
  confirmCodeExpiresAt: Date | null;
  confirmAttempts: number;
  rated: boolean;
}

/** Whether the confirmation code sent at check-out can still be used. */
export type ConfirmCodeState = 'USABLE' | 'LOCKED' | 'EXPIRED' | 'NONE';

export function confirmCodeState(facts: OrderFacts, now: Date): ConfirmCodeState {
  if (!facts.hasConfirmCode) return 'NONE';
  if (facts.confirmAttempts >= MAX_CONFIRM_ATTEMPTS) return 'LOCKED';
  if (!facts.confirmCodeExpiresAt || facts.confirmCodeExpiresAt.getTime() <= now.getTime()) return 'EXPIRED';
  return 'USABLE';
}

/**
 * How a CONFIRM happens: with the code (elder, family, or station staff holding it), or by station
 * staff on the elder's behalf without a code, once the code can no longer be used (locked after
 * too many wrong codes, expired).
 */
export type ConfirmMethod = 'CODE' | 'ON_BEHALF_WITHOUT_CODE';

export type OrderDecision =
  | { ok: true; next: OrderState; confirm?: { method: ConfirmMethod; codeState: ConfirmCodeState } }
  | { ok: false; code: OrderErrorCode; message: string; details?: Record<string, unknown> };

const refuse = (code: OrderErrorCode, message: string, details?: Record<string, unknown>): OrderDecision => ({
  ok: false,
  code,
  message,
  ...(details ? { details } : {}),
});

/**
 * The single rule of whether `actor` may do `action` on the order now, from everything that does
 * not depend on the request body: visibility (404), role and scope (403), the state machine (409),
 * then the facts (offer deadline, confirmation code, rating). `allowedActions` is exactly the set
 * of actions this allows, and every transition asks it before its input-dependent guards
 * (contract, worker, code value), so the two cannot disagree. Pure.
 */
export function decideOrderAction(actor: Actor, facts: OrderFacts, action: OrderAction, now: Date): OrderDecision {
  if (!canViewOrder(actor, facts)) return refuse(OrderErrorCode.ORDER_NOT_FOUND, 'order not found');
  if (!canActOnOrder(actor, facts, action))
    return refuse(OrderErrorCode.NOT_ALLOWED, `role ${actor.role} may not ${action.toLowerCase()} this order`);
  const t = nextState(facts.state, action);
  if (!t.ok) return refuse(OrderErrorCode.ILLEGAL_TRANSITION, t.reason, { state: facts.state, action });
  switch (action) {
    case OrderAction.ACCEPT:
      if (facts.offerExpiresAt && facts.offerExpiresAt.getTime() < now.getTime())
        return refuse(OrderErrorCode.OFFER_EXPIRED, 'the offer has expired');
      break;
    case OrderAction.RATE:
      if (facts.rated) return refuse(OrderErrorCode.ALREADY_RATED, 'this order has already been rated');
      break;
    case OrderAction.CONFIRM: {
      const codeState = confirmCodeState(facts, now);
      if (codeState === 'USABLE') return { ok: true, next: t.next, confirm: { method: 'CODE', codeState } };
      if (actor.role === Role.STATION_STAFF)
        return { ok: true, next: t.next, confirm: { method: 'ON_BEHALF_WITHOUT_CODE', codeState } };
      if (codeState === 'LOCKED')
        return refuse(
          OrderErrorCode.CODE_ATTEMPTS_EXCEEDED,
          'too many wrong codes: ask the station to confirm the service',
        );
      return refuse(
        OrderErrorCode.CODE_EXPIRED,
        codeState === 'EXPIRED'
          ? 'the confirmation code has expired: ask the station to confirm the service'
          : 'this order has no confirmation code: ask the station to confirm the service',
      );
    }
    default:
      break;
  }
  return { ok: true, next: t.next };
}

/** The actions `decideOrderAction` allows this actor now, in the order of OrderAction. */
export function allowedOrderActions(actor: Actor, facts: OrderFacts, now: Date): OrderAction[] {
  return Object.values(OrderAction).filter((a) => decideOrderAction(actor, facts, a, now).ok);
}

/**
 * The body rule of CONFIRM, given the decision: with a usable code the code is required (whoever
 * confirms); once the station confirms on behalf without a code, a code is refused by name rather
 * than silently ignored (it could no longer be checked).
 */
export function confirmInputProblem(
  confirm: { method: ConfirmMethod; codeState: ConfirmCodeState },
  code: string | undefined,
): FieldProblem | null {
  if (confirm.method === 'CODE' && code === undefined)
    return { field: 'code', problems: ['code is required: the 6-digit code sent to the elder and family'] };
  if (confirm.method === 'ON_BEHALF_WITHOUT_CODE' && code !== undefined)
    return {
      field: 'code',
      problems: [
        `the confirmation code can no longer be used (${confirm.codeState.toLowerCase()}): station staff confirm on the elder’s behalf without a code`,
      ],
    };
  return null;
}

// --- who may set which field of a new order --------------------------------------------------------

const APP_USERS: readonly Role[] = [Role.ELDER, Role.FAMILY];
const STAFF_CHANNELS: readonly OrderChannel[] = [OrderChannel.WALK_IN, OrderChannel.HOTLINE];

export interface CreationInput {
  channel?: OrderChannel | null;
  priority?: OrderPriority | null;
}

export type CreationDecision =
  { ok: true; channel: OrderChannel; priority: OrderPriority | undefined } | { ok: false; fields: FieldProblem[] };

/**
 * The client-settable fields of order creation by role (issue 7, "channels by role"):
 * - `channel`: elders and family create APP orders (the default when left out; anything else is
 *   refused); staff record WALK_IN (at the counter) or HOTLINE (by phone) and must say which; SOS
 *   orders come only from devices (POST /sos). Intake statistics and the audit trail rely on it.
 * - `priority`: staff may mark an order URGENT; elders and family may leave it out or send NORMAL,
 *   and are refused by name otherwise (EMERGENCY items are always emergencies, whoever asks).
 * - `elderId` (on whose behalf): checked by `canRequestFor` — elders for themselves, family for
 *   linked elders, staff in their region. `scheduledStart/End`, `quantity` and `note` are the
 *   requester's wish and anyone who may create the order may set them (ranges are validated).
 * Every problem is reported at once, each naming its field. Pure.
 */
export function decideCreationFields(actor: Actor, input: CreationInput): CreationDecision {
  const fields: FieldProblem[] = [];
  const channel = input.channel ?? undefined;
  const priority = input.priority ?? undefined;
  let resolved: OrderChannel = OrderChannel.APP;
  if (APP_USERS.includes(actor.role)) {
    if (channel !== undefined && channel !== OrderChannel.APP)
      fields.push({
        field: 'channel',
        problems: [
          `channel must be APP for ${actor.role.toLowerCase()} requests (WALK_IN and HOTLINE orders are recorded by staff, SOS comes from the device)`,
        ],
      });
    if (priority !== undefined && priority !== OrderPriority.NORMAL)
      fields.push({ field: 'priority', problems: ['priority is set by staff: leave it out or send 0 (NORMAL)'] });
  } else if (STAFF.includes(actor.role)) {
    if (channel === undefined || !STAFF_CHANNELS.includes(channel))
      fields.push({
        field: 'channel',
        problems: [
          channel === undefined
            ? 'channel is required for staff: WALK_IN (at the counter) or HOTLINE (by phone)'
            : `channel must be WALK_IN or HOTLINE for staff (${channel} orders come from the ${channel === OrderChannel.SOS ? 'device' : 'elder’s or family’s app'})`,
        ],
      });
    else resolved = channel;
  } else {
    fields.push({ field: 'channel', problems: [`role ${actor.role} does not create orders`] });
  }
  return fields.length ? { ok: false, fields } : { ok: true, channel: resolved, priority };
}
