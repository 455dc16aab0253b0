import { Module, type DynamicModule } from '@nestjs/common';
import { OrdersModule } from '#lib/orders';
import { RegionsModule } from '#lib/regions';
import { dispatchConfig, type DispatchConfigOverrides } from '../config.js';
import { BatchController } from './batch.controller.js';
import { BatchLoader } from './batch-loader.js';
import { BatchSolverThread } from './batch-solver.thread.js';
import { BATCH_SETTINGS, BatchService, type BatchSettings } from './batch.service.js';

/**
 * Batch assignment of a day's scheduled orders: POST /dispatch/batches, GET …/:id, POST …/:id/commit.
 * `forRoot({ config })` takes the same dispatch overrides as the engine (DISPATCH_CONFIG); the
 * module on its own uses the defaults.
 */
@Module({
  imports: [RegionsModule, OrdersModule],
  controllers: [BatchController],
  providers: [BatchService, BatchLoader, BatchSolverThread],
  exports: [BatchService, BatchSolverThread],
})
export class BatchModule {
  static forRoot(options: { config?: DispatchConfigOverrides } = {}): DynamicModule {
    const settings: BatchSettings = { config: dispatchConfig(options.config ?? {}) };
    return { module: BatchModule, providers: [{ provide: BATCH_SETTINGS, useValue: settings }] };
  }
}
