import { Module, type DynamicModule } from '@nestjs/common';
import { RegionsModule } from '#lib/regions';
import { CoverageController } from './coverage.controller.js';
import { COVERAGE_SETTINGS, CoverageService, type CoverageSettings } from './coverage.service.js';

/**
 * The service-circle coverage report: GET /dispatch/coverage and /dispatch/coverage.csv. Imported as is it
 * uses `dispatchConfig()` and the straight-line travel model; `forRoot` takes the configured ones.
 */
@Module({
  imports: [RegionsModule],
  controllers: [CoverageController],
  providers: [CoverageService],
  exports: [CoverageService],
})
export class CoverageModule {
  static forRoot(settings: CoverageSettings): DynamicModule {
    return { module: CoverageModule, providers: [{ provide: COVERAGE_SETTINGS, useValue: settings }] };
  }
}
