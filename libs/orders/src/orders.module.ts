import { Module } from '@nestjs/common';
import { OrdersController, SosController } from './orders.controller.js';
import { OrdersService } from './orders.service.js';
import { OrderReferences } from './order-references.js';

@Module({
  controllers: [OrdersController, SosController],
  providers: [OrdersService, OrderReferences],
  exports: [OrdersService],
})
export class OrdersModule {}
