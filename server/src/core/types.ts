/**
 * Plain data shared by the engine and its adapters. Nothing here knows about LSP, VS Code or the file system:
 * lines are 0-based, columns are UTF-16 code-unit offsets inside one line (what both JavaScript strings and LSP use).
 */

/** How loudly a finding is reported; `off` disables a rule. */
export type Severity = 'error' | 'warning' | 'info' | 'off';
export type ReportedSeverity = Exclude<Severity, 'off'>;

/** Rule families, selectable with `--category` in the CLI. */
export type Category = 'format' | 'duplicates' | 'balance' | 'fairness' | 'poisoning' | 'provenance';

export const ALL_CATEGORIES: readonly Category[] = ['format', 'duplicates', 'balance', 'fairness', 'poisoning', 'provenance'];

/** A range inside the document; `endLine`/`endColumn` are exclusive like LSP ranges. */
export interface TextRange {
	line: number;
	column: number;
	endLine: number;
	endColumn: number;
}

/** One text replacement; deleting a whole line is `{line: n, column: 0, endLine: n + 1, endColumn: 0, newText: ''}`. */
export interface TextEdit extends TextRange {
	newText: string;
}

/** A fix the user may apply: a title for the menu and the edits, all in the same document. */
export interface Fix {
	title: string;
	edits: TextEdit[];
	/** True when the fix is mechanical and safe to apply in a "fix all" without review. */
	safe?: boolean;
}

/** Another place that explains a finding, e.g. the first copy of a duplicate. */
export interface RelatedLocation {
	line: number;
	message: string;
	/** Another file, as the adapter named it; absent for the same document. */
	file?: string;
}

/**
 * One problem found by a rule. `scope: 'file'` findings describe the whole dataset; they sit on line 0 in the editor
 * and carry no region in SARIF.
 */
export interface Finding {
	ruleId: string;
	severity: ReportedSeverity;
	message: string;
	scope: 'line' | 'file';
	range: TextRange;
	fix?: Fix;
	/** Further fixes offered beside the main one (e.g. "keep first" and "keep last"). */
	alternativeFixes?: Fix[];
	related?: RelatedLocation[];
	/** The rule's evidence as named fields (counts, scores, p-values); shown in hovers and in `--format json`. */
	data?: Record<string, unknown>;
}

/** The dataset formats Tunelint recognises; see docs/rules.md and shared/guides/formats.md. */
export type DatasetFormat =
	| 'openai-chat'
	| 'openai-preference'
	| 'prompt-completion'
	| 'alpaca'
	| 'sharegpt'
	| 'sharegpt-preference'
	| 'trl-preference'
	| 'unpaired-preference'
	| 'prompt-only'
	| 'text'
	| 'vertex-gemini'
	| 'classification';

/** Field names that say where the text and label of a classification record live. */
export interface FieldMapping {
	textFields: string[];
	labelFields: string[];
}

/** Engine settings: everything configurable, passed in (never read from globals). */
export interface Settings {
	/** Per-rule severity overrides; rules not named keep their default. */
	rules: Record<string, Severity>;
	/** Only rules of these categories run; undefined means every category. */
	categories?: Category[];
	fields: FieldMapping;
	/** Per-rule numeric or string options (thresholds), keyed by rule id, e.g. `{'token-limit': {limit: 16385}}`. */
	ruleOptions: Record<string, Record<string, unknown>>;
	/** At most this many findings are reported per document; the result says when it was capped. */
	maxProblems: number;
}

/** A JSON value as produced by JSON.parse. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Something the engine polls so that a long lint can be abandoned; structurally compatible with LSP tokens. */
export interface CancellationSignal {
	readonly isCancellationRequested: boolean;
}

/** Thrown (and only thrown) when a lint is cancelled through its CancellationSignal. */
export class LintCancelled extends Error {
	constructor() {
		super('lint cancelled');
	}
}
