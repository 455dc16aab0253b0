import { Module } from '@nestjs/common';
import { OrdersController, SosController } from './orders.controller.js';
import { OrdersService } from './orders.service.js';
import { CatalogModule } from '#lib/catalog';
import { EldersModule } from '#lib/elders';
import { ProvidersModule } from '#lib/providers';

@Module({
  imports: [EldersModule, CatalogModule, ProvidersModule],
  controllers: [OrdersController, SosController],
  providers: [OrdersService],
  exports: [OrdersService],
})
export class OrdersModule {}
