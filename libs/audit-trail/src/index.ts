import { AuditLogEntity } from './audit-log.entity.js';

export * from './audit-log.entity.js';
export const AUDIT_TRAIL_ENTITIES = [AuditLogEntity];
export * from './audit-trail.module.js';
