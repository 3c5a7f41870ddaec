/**
 * `tunelint/audit`: sent from the client to the server to compute the audit report's data of a dataset (the open
 * document's text when it is open, else the file on disk). Cancellable through the request's token. Returns the
 * AuditData of server/src/core/audit/types.ts.
 */
export const AUDIT_REQUEST = 'tunelint/audit';

/** The dataset to audit. */
export interface AuditParams {
	uri: string;
}
