import { ServiceOrderEntity, OrderEventEntity } from './order.entity.js';

export * from './order.entity.js';
export * from './orders.module.js';
export * from './orders.errors.js';
export { OrdersService } from './orders.service.js';
export { OrderView, OrderEventView } from './orders.views.js';
export { OrderAction, nextState, actionsFrom, TRANSITIONS } from './order-state-machine.js';
export type * from './order-events.js';
export * from './order-events.feed.js';
export {
  OrderOffers,
  ORDER_JOBS,
  type OfferSpec,
  type OfferCommand,
  type OfferRecord,
  type OfferState,
  type OrderForDispatch,
} from './order-offers.js';
export const ORDER_ENTITIES = [ServiceOrderEntity, OrderEventEntity];
