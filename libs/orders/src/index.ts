import { ServiceOrderEntity, OrderEventEntity } from './order.entity.js';

export * from './order.entity.js';
export * from './orders.module.js';
export * from './orders.errors.js';
export { OrdersService, type OrderView, type OrderEventView } from './orders.service.js';
export { OrderAction, nextState, actionsFrom, TRANSITIONS } from './order-state-machine.js';
export type * from './order-events.js';
export * from './order-events.feed.js';
export const ORDER_ENTITIES = [ServiceOrderEntity, OrderEventEntity];
