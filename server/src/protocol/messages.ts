/**
 * The custom protocol between the Tunelint client and server. Both sides import this file; it holds only method
 * names and plain types so that the client bundle does not pull in server code.
 */

/** Settings the client reads from `tunelint.*` and hands to the server (pulled with workspace/configuration). */
export interface ClientSettings {
	enable: boolean;
	/** Rule id → severity override ('off' | 'info' | 'warning' | 'error'). */
	rules: Record<string, string>;
	/** Rule id → thresholds and options, e.g. { "token-limit": { "limit": 8192 } }. */
	ruleOptions: Record<string, Record<string, unknown>>;
	/** Sent only when the user set them, so that the config file's values are not overridden by defaults. */
	fields?: { text: string[]; label: string[] };
	maxProblems?: number;
	/** Path of the shared config file, relative to the workspace folder; `.tunelintrc.json` by default. */
	configFile: string;
}

/**
 * `tunelint/status`: sent from the server to the client after every lint of a document so that the language status
 * item can show the record count, detected format, problem count and time.
 */
export const STATUS_NOTIFICATION = 'tunelint/status';
export interface StatusParams {
	uri: string;
	records: number;
	format: string | null;
	problems: { error: number; warning: number; info: number };
	/** True when more findings existed than `maxProblems` allowed to report. */
	truncated: boolean;
	durationMs: number;
	/** Records per label when the file is classification-like (shown even when the labels are balanced). */
	labels?: Record<string, number>;
	/** When the final answers are free text (generative data): their length and first words instead of labels. */
	answers?: AnswerDistribution;
}

/** The answers of generative data as the balance rules measure them. */
export interface AnswerDistribution {
	count: number;
	/** Answer length in characters: 10th percentile, median, 90th percentile. */
	length: { p10: number; median: number; p90: number };
	/** The most frequent first words (lower case), with the number of answers each opens. */
	firstWords: Record<string, number>;
}

/**
 * `tunelint.lintFileOnDisk` (workspace/executeCommand): the client asks the server to stream a file from disk (one
 * too large for VS Code to synchronise) and publish its diagnostics. Argument: the file URI string. Returns StatusParams.
 */
export const LINT_FILE_ON_DISK_COMMAND = 'tunelint.server.lintFileOnDisk';

/** The language ids Tunelint lints. VS Code ≥ 1.79 knows `jsonl`; `.ndjson` is mapped to it by our manifest. */
export const LANGUAGE_IDS = ['jsonl'] as const;
