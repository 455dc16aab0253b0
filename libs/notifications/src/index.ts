import { OutboundMessageEntity } from './outbound-message.entity.js';

export * from './outbound-message.entity.js';
export const NOTIFICATION_ENTITIES = [OutboundMessageEntity];
export * from './notifications.module.js';
export { NotificationPort, MessageTemplate } from './notification.port.js';
export { DevNotificationAdapter, readLastMessage } from './dev-notification.adapter.js';
