/**
 * Removing duplicates from the editor: the client asks the server for a plan (workspace/executeCommand), previews the
 * clusters, and deletes the dropped lines from the open document in one undoable WorkspaceEdit.
 */

/** Arguments: [uri: string, request: DedupCommandRequest]. Returns DedupPreview. */
export const PLAN_DEDUP_COMMAND = 'tunelint.server.planDedup';

/** What to remove: exact duplicates only, or near duplicates too; which record of a near-duplicate cluster stays. */
export interface DedupCommandRequest {
	near: boolean;
	keep: 'first' | 'longest';
}

/** One kept record and the lines dropped in its favour (0-based lines). */
export interface DedupCluster {
	keptLine: number;
	/** The start of the kept line, for the preview. */
	keptText: string;
	dropped: Array<{ line: number; reason: 'exact' | 'near'; similarity: number }>;
}

export interface DedupPreview {
	/** The version of the open document the plan was made on, or null when it was read from disk. */
	version: number | null;
	lineCount: number;
	recordCount: number;
	exact: number;
	near: number;
	/** The near-duplicate threshold used (from the duplicate-near rule's options). */
	threshold: number;
	keep: 'first' | 'longest';
	/** 0-based lines to delete, ascending; every other line stays byte for byte. */
	droppedLines: number[];
	/** Clusters by kept line, largest first. */
	clusters: DedupCluster[];
}
