import { Module } from '@nestjs/common';
import { RegionsModule } from '#lib/regions';
import { EldersController } from './elders.controller.js';
import { EldersService } from './elders.service.js';

@Module({
  imports: [RegionsModule],
  controllers: [EldersController],
  providers: [EldersService],
  exports: [EldersService],
})
export class EldersModule {}
