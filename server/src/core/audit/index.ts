/** The audit report's data (pure, JSON) and the self-contained page that renders it. */
export { buildAudit, type AuditInput } from './build';
export { auditPage, jsonForScript, type AuditPageInput } from './page';
export * from './types';
