/** Security-relevant actions recorded in the audit trail (DOMAIN.md / issue "Identity and access"). */
export const AuditAction = {
  SIGN_IN: 'SIGN_IN',
  SIGN_IN_FAILED: 'SIGN_IN_FAILED',
  SIGN_OUT: 'SIGN_OUT',
  ACCOUNT_LOCKED: 'ACCOUNT_LOCKED',
  PASSWORD_CHANGED: 'PASSWORD_CHANGED',
  TOKEN_REUSE_DETECTED: 'TOKEN_REUSE_DETECTED',
  USER_CREATED: 'USER_CREATED',
  USER_DISABLED: 'USER_DISABLED',
  PII_VIEWED: 'PII_VIEWED',
  DISPATCH_OVERRIDE: 'DISPATCH_OVERRIDE',
  /** Staff took an accepted order from its provider and offered it to another (with a reason). */
  DISPATCH_REASSIGNED: 'DISPATCH_REASSIGNED',
  /** A district switched between automatic and manual dispatch. */
  DISPATCH_MODE_CHANGED: 'DISPATCH_MODE_CHANGED',
  /** Station staff confirmed a service without the elder's code (locked or expired). */
  CONFIRMED_ON_BEHALF: 'CONFIRMED_ON_BEHALF',
  ELIGIBILITY_CHANGED: 'ELIGIBILITY_CHANGED',
  ASSESSMENT_CHANGED: 'ASSESSMENT_CHANGED',
  SUBSIDY_POLICY_CHANGED: 'SUBSIDY_POLICY_CHANGED',
  AUDIT_DECISION: 'AUDIT_DECISION',
} as const;
export type AuditAction = (typeof AuditAction)[keyof typeof AuditAction];
