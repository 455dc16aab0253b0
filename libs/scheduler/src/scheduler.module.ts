import { Global, Module, type DynamicModule } from '@nestjs/common';
import { JobRunner } from './job-runner.js';
import { JobScheduler } from './job-scheduler.js';
import { DEFAULT_SCHEDULER_OPTIONS, SCHEDULER_OPTIONS, type SchedulerOptions } from './scheduler.types.js';

/**
 * Global: provides JobScheduler. Registered once by the application (after TransactionModule), with
 * its configuration: `SchedulerModule.forRoot(config)`. Needs TypeORM's DataSource (the listener
 * connects with its URL) and TransactionHost.
 */
@Global()
@Module({})
export class SchedulerModule {
  static forRoot(options: Partial<SchedulerOptions> = {}): DynamicModule {
    const settings: SchedulerOptions = {
      schedulerEnabled: options.schedulerEnabled ?? DEFAULT_SCHEDULER_OPTIONS.schedulerEnabled,
      schedulerConcurrency: options.schedulerConcurrency ?? DEFAULT_SCHEDULER_OPTIONS.schedulerConcurrency,
      schedulerSafetyPollMs: options.schedulerSafetyPollMs ?? DEFAULT_SCHEDULER_OPTIONS.schedulerSafetyPollMs,
      schedulerMaxAttempts: options.schedulerMaxAttempts ?? DEFAULT_SCHEDULER_OPTIONS.schedulerMaxAttempts,
    };
    return {
      module: SchedulerModule,
      providers: [{ provide: SCHEDULER_OPTIONS, useValue: settings }, JobRunner, JobScheduler],
      exports: [JobScheduler],
    };
  }
}
