import { Global, Module } from '@nestjs/common';
import { DevNotificationAdapter } from './dev-notification.adapter.js';
import { NotificationPort } from './notification.port.js';

/** Global: provides the NotificationPort (development adapter: records messages, sends nothing). */
@Global()
@Module({
  providers: [{ provide: NotificationPort, useClass: DevNotificationAdapter }],
  exports: [NotificationPort],
})
export class NotificationsModule {}
