import { ServiceOrderEntity, OrderEventEntity } from './order.entity.js';

export * from './order.entity.js';
export const ORDER_ENTITIES = [ServiceOrderEntity, OrderEventEntity];
export * from './orders.module.js';
