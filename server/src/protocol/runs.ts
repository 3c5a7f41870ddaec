/**
 * Saved validation fine-tunes (issue 7) between client and server: the server reads the newest run of each open
 * dataset from `.tunelint/runs` and shows its label issues as diagnostics; the client tells it when a run was saved.
 */

/**
 * `tunelint/runsChanged`: sent from the client to the server after a run was saved (or deleted) so that the server
 * re-reads the runs directory and asks the editor to pull diagnostics again. No parameters.
 */
export const RUNS_CHANGED_NOTIFICATION = 'tunelint/runsChanged';

/** The client command that exports the ranked label issues of a dataset's newest run. Argument: the dataset URI. */
export const EXPORT_LABEL_ISSUES_COMMAND = 'tunelint.exportLabelIssues';
