import { Global, Module } from '@nestjs/common';
import { AuditTrailService } from './audit-trail.service.js';

/** Global: every bounded context may record security-relevant actions. */
@Global()
@Module({
  providers: [AuditTrailService],
  exports: [AuditTrailService],
})
export class AuditTrailModule {}
