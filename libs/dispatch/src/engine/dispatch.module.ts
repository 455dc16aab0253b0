import { Module, type DynamicModule } from '@nestjs/common';
import { CatalogModule } from '#lib/catalog';
import { EldersModule } from '#lib/elders';
import { OrdersModule } from '#lib/orders';
import { ProvidersModule } from '#lib/providers';
import { dispatchConfig, type DispatchConfigOverrides } from '../config.js';
import { AlertsService } from './alerts.service.js';
import { DispatchDesk } from './dispatch-desk.js';
import { DispatchEngine } from './dispatch-engine.js';
import { DispatchInputs } from './dispatch-inputs.js';
import { DISPATCH_CONFIG, DISPATCH_OPTIONS, type DispatchOptions } from './dispatch-options.js';
import { DispatchController } from './dispatch.controller.js';
import { ProviderStatsRefresher } from './provider-stats.js';

export interface DispatchModuleOptions extends DispatchOptions {
  /** Overrides of the pure core's defaults (weights, circles, fan-out, escalation delays …). */
  config?: DispatchConfigOverrides;
}

/** The dispatch engine wired into the app: jobs, alerts, manual dispatch and the dispatch record. */
@Module({})
export class DispatchModule {
  static forRoot(options: DispatchModuleOptions): DynamicModule {
    return {
      module: DispatchModule,
      imports: [OrdersModule, ProvidersModule, CatalogModule, EldersModule],
      controllers: [DispatchController],
      providers: [
        { provide: DISPATCH_CONFIG, useValue: dispatchConfig(options.config ?? {}) },
        { provide: DISPATCH_OPTIONS, useValue: { auto: options.auto, leadMinutes: options.leadMinutes } },
        DispatchInputs,
        AlertsService,
        DispatchEngine,
        DispatchDesk,
        ProviderStatsRefresher,
      ],
      exports: [DispatchEngine, AlertsService, ProviderStatsRefresher, DISPATCH_CONFIG],
    };
  }
}
