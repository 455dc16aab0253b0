import { Module } from '@nestjs/common';
import { OrdersController, SosController } from './orders.controller.js';
import { OrdersService } from './orders.service.js';
import { OrderEventsFeed } from './order-events.feed.js';
import { OrderStore } from './order-store.js';
import { OrderOffers } from './order-offers.js';
import { CatalogModule } from '#lib/catalog';
import { EldersModule } from '#lib/elders';
import { ProvidersModule } from '#lib/providers';

@Module({
  imports: [EldersModule, CatalogModule, ProvidersModule],
  controllers: [OrdersController, SosController],
  providers: [OrdersService, OrderEventsFeed, OrderStore, OrderOffers],
  exports: [OrdersService, OrderEventsFeed, OrderOffers],
})
export class OrdersModule {}
