/**
 * The demographic audit and counterfactual augmentation from the editor (issue 5): the client asks the server
 * (workspace/executeCommand), shows the audit as Markdown, or previews the augmentation and creates the new file as one
 * undoable WorkspaceEdit. Nothing is written by the server.
 */
import type { PlannedFile } from './balance';

/** Arguments: [uri: string]. Returns FairnessAuditView. */
export const AUDIT_FAIRNESS_COMMAND = 'tunelint.server.auditFairness';

/**
 * Arguments: [uri: string, pairs?: CounterfactualPair[] (the plan to use instead of the audit's), axis?: string (keep only
 * the audit's pairs of this axis)]. Returns CounterfactualPreview; fails with a message when the user lexicon is unusable.
 */
export const PLAN_COUNTERFACTUAL_COMMAND = 'tunelint.server.planCounterfactual';

/** The audit tables of a document. */
export interface FairnessAuditView {
	/** The representation and group × label tables (auditMarkdown). */
	markdown: string;
	/** Why the user lexicon is not used (the built-in one is), when it is not. */
	lexiconError?: string;
}

/** One swap of the plan: the terms of `fromGroup` replaced by those of `toGroup` on `axis`. */
export interface CounterfactualPair {
	axis: string;
	fromGroup: string;
	toGroup: string;
}

/** What the augmentation would add, per pair, and the file to create (the dataset, then the new records). */
export interface CounterfactualPreview {
	pairs: (CounterfactualPair & { records: number })[];
	added: number;
	/** Records left out because a term had no counterpart in the target group. */
	skipped: number;
	/** Empty when there is nothing to add. */
	files: PlannedFile[];
}
