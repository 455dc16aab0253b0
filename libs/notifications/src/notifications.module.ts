import { Global, Module, type DynamicModule } from '@nestjs/common';
import { DevNotificationAdapter, NOTIFICATIONS_ECHO } from './dev-notification.adapter.js';
import { NotificationPort } from './notification.port.js';

/** Global: provides the NotificationPort (development adapter: records messages, sends nothing). */
@Global()
@Module({})
export class NotificationsModule {
  /** `echo`: also print each recorded message to the console (only ever true in development). */
  static forRoot(options: { echo: boolean }): DynamicModule {
    return {
      module: NotificationsModule,
      providers: [
        { provide: NOTIFICATIONS_ECHO, useValue: options.echo },
        { provide: NotificationPort, useClass: DevNotificationAdapter },
      ],
      exports: [NotificationPort],
    };
  }
}
