/**
 * Rebalance and split from the editor: the client asks the server for a plan (workspace/executeCommand), shows the
 * preview, and applies the returned files as one undoable WorkspaceEdit that creates new files next to the dataset.
 */

/**
 * Arguments: [uri: string, strategy: 'under' | 'over' | 'reweigh', seed: number, groupAxis?: string]. With a group
 * axis, reweighing uses AIF360's Reweighing by label and the group mentioned on that axis. Returns RebalancePreview.
 */
export const PLAN_REBALANCE_COMMAND = 'tunelint.server.planRebalance';

/** Arguments: [uri: string, validationShare: number, seed: number, groupAxis?: string] (strata: label, or label and group). Returns SplitPreview. */
export const PLAN_SPLIT_COMMAND = 'tunelint.server.planSplit';

/** A file the client should create, with its full content. */
export interface PlannedFile {
	uri: string;
	content: string;
}

/** The group axes a plan can use (those of the fairness lexicon), and the one it used. */
export interface GroupChoice {
	groupAxes: string[];
	groupAxis?: string;
}

export interface RebalancePreview extends GroupChoice {
	strategy: string;
	before: Record<string, number>;
	after: Record<string, number>;
	/** 1-based lines of the records appended as copies (oversampling); listed, never silent. */
	copies: number[];
	/** Lines without a label that undersampling leaves out (oversampling and reweighing keep every line). */
	unlabelledLeftOut: number;
	files: PlannedFile[];
}

export interface SplitPreview extends GroupChoice {
	trainRecords: number;
	validationRecords: number;
	strata: Record<string, { train: number; validation: number }>;
	files: PlannedFile[];
}
