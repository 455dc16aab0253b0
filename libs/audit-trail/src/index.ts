import { AuditLogEntity } from './audit-log.entity.js';

export * from './audit-log.entity.js';
export const AUDIT_TRAIL_ENTITIES = [AuditLogEntity];
export * from './audit-trail.module.js';
export * from './audit-actions.js';
export { AuditTrailService, verifyChain, AUDIT_CHAIN_LOCK_KEY, type AuditEntry } from './audit-trail.service.js';
export {
  GENESIS_HASH,
  auditRowHash,
  canonicalJson,
  verifyAuditRows,
  ChainVerifier,
  type AuditRow,
  type AuditRowContent,
  type ChainVerification,
  type ChainBreak,
} from './audit-chain.js';
