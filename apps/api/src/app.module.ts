import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TerminusModule } from '@nestjs/terminus';
import { KernelModule } from '#lib/kernel';
import { buildDataSourceOptions, CacheInvalidationModule, TransactionModule } from '#lib/database';
import { IdentityModule } from '#lib/identity';
import { RegionsModule } from '#lib/regions';
import { CatalogModule } from '#lib/catalog';
import { ProvidersModule } from '#lib/providers';
import { EldersModule } from '#lib/elders';
import { NotificationsModule } from '#lib/notifications';
import { AuditTrailModule } from '#lib/audit-trail';
import { OrdersModule } from '#lib/orders';
import { BatchModule, CoverageModule, DispatchModule } from '#lib/dispatch';
import { SchedulerModule } from '#lib/scheduler';
import { APP_CONFIG, type AppConfig } from './config/config.js';
import { ENTITIES } from './entities.js';
import { HealthController } from './health.controller.js';
import { DomainErrorFilter } from './http/domain-error.filter.js';

export interface AppModuleOptions {
  config: AppConfig;
  databaseUrl: string;
}

@Module({})
export class AppModule {
  static forRoot({ config, databaseUrl }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRoot(
          buildDataSourceOptions({
            url: databaseUrl,
            entities: ENTITIES,
            poolSize: config.dbPoolSize,
            acquireTimeoutMs: config.dbPoolAcquireTimeoutMs,
          }),
        ),
        // The ambient transaction: services read and write through TransactionHost.tx, which is the
        // current use case's transaction when there is one (one pooled connection per use case).
        TransactionModule,
        // Stale cache entries (catalogue items, actors) dropped on every instance: LISTEN/NOTIFY.
        CacheInvalidationModule,
        // Durable exactly-once timers (scheduled_job), woken by LISTEN/NOTIFY (libs/scheduler).
        SchedulerModule.forRoot(config),
        TerminusModule,
        KernelModule.forRoot({ piiEncryptionKey: config.piiEncryptionKey, piiHashKey: config.piiHashKey }),
        IdentityModule.forRoot(config),
        AuditTrailModule,
        NotificationsModule.forRoot({ echo: config.env === 'development' }),
        RegionsModule,
        CatalogModule,
        ProvidersModule,
        EldersModule,
        OrdersModule,
        DispatchModule.forRoot({
          auto: config.dispatchAuto,
          leadMinutes: config.dispatchLeadMinutes,
          config: config.dispatchConfig,
        }),
        CoverageModule,
        BatchModule.forRoot({ config: config.dispatchConfig }),
      ],
      controllers: [HealthController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: APP_FILTER, useClass: DomainErrorFilter },
      ],
    };
  }
}
