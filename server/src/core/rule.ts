import { recordContent, type RecordContent } from './content';
import type { FormatMatch } from './formats';
import type { ParsedLine } from './records';
import type { Category, DatasetFormat, Fix, JsonObject, RelatedLocation, ReportedSeverity, Settings } from './types';

/** What every rule declares about itself; docs/rules.md documents each id. */
export interface RuleMeta {
	id: string;
	category: Category;
	/** One sentence: what the rule finds and why it matters for a fine-tune. */
	description: string;
	defaultSeverity: ReportedSeverity;
	/** Rules that are off unless a user turns them on (e.g. noisy or environment-specific checks). */
	offByDefault?: boolean;
	/**
	 * Rules whose whole-file step costs seconds on large files (they refit a model over every record). The editor runs
	 * them when a document is opened or saved rather than on every keystroke; the CLI always runs them.
	 */
	expensive?: boolean;
	/**
	 * About how much the rule costs per line of a streamed file, in units of parsing the line (default 0.5, what the
	 * cheap format checks measure); the CLI uses it to split the rules of a big file between threads. The figures set
	 * were measured with each rule alone over 20,000 chat records, against the same lint without rules.
	 */
	streamingCost?: number;
	/**
	 * Per-line work the rule shares with other rules through `LineInput.memo` (the normalised record of the duplicate
	 * rules, the identity groups of the fairness rules), by memo key, with its cost in the same units: a group of rules
	 * in one thread pays it once. `streamingCost` is then the rule's own cost beside it.
	 */
	streamingSharedWork?: Readonly<Record<string, number>>;
}

/**
 * One line as rules see it. Everything here depends only on the line's text and the settings, so the language
 * server can cache it per line text and re-check only lines that changed.
 */
export interface LineInput {
	readonly parsed: ParsedLine;
	/** The record when the line is a JSON object. */
	readonly record: JsonObject | undefined;
	/** The record's own format (files mixing formats are reported by the file-level `mixed-format` rule). */
	readonly match: FormatMatch | undefined;
	/** The record's content fields for its own format; undefined for unparsable lines and unknown formats. */
	content(): RecordContent | undefined;
	/** Memoises an expensive per-line value (a hash, a token count) under a key; cleared when the settings change. */
	memo<T>(key: string, compute: () => T): T;
	readonly settings: Settings;
}

/** A file-level rule sees every line, with its number. */
export interface LineEntry extends LineInput {
	readonly line: number;
}

/** The engine's own view of an entry: it reuses one object per cached line and sets the number before each use. */
export interface MutableLineEntry extends LineInput {
	line: number;
}

/** A finding of a record rule, on the line being checked; the engine adds the line number and the rule id. */
export interface LineFindingDraft {
	message: string;
	column: number;
	endColumn: number;
	severity?: ReportedSeverity;
	data?: Record<string, unknown>;
	/** Edits of a line fix use line 0 for "this line"; the engine moves them to the real line. */
	fix?: Fix;
	alternativeFixes?: Fix[];
}

/** A finding of a file-level rule; without a range it is a dataset-level finding shown on line 0. */
export interface FileFindingDraft {
	message: string;
	range?: { line: number; column: number; endLine: number; endColumn: number };
	severity?: ReportedSeverity;
	data?: Record<string, unknown>;
	fix?: Fix;
	alternativeFixes?: Fix[];
	related?: RelatedLocation[];
}

/** Facts about the whole file, known once every line has been seen. */
export interface FileSummary {
	lineCount: number;
	recordCount: number;
	format: DatasetFormat | undefined;
	formatCounts: ReadonlyMap<DatasetFormat, number>;
}

/**
 * Lets a long finish step stay responsive. `pause()` is cheap to call often: it yields to other work only when some tens
 * of milliseconds have passed since the last yield, and it rejects with `LintCancelled` when the lint was cancelled
 * meanwhile (let that propagate: the engine abandons the lint).
 */
export interface FinishControl {
	pause(): Promise<void>;
}

/**
 * Collects what a file-level rule needs while lines stream past, then reports. Keep state bounded for huge files.
 *
 * The editor re-lints a document on every keystroke with a fresh accumulator (only the changed lines are parsed again).
 * An accumulator with `lineValue` and `addValues` then gets every line's kept value at once, the changed lines' asked
 * afresh; one without them gets `add()` for every line, so `add()` must be cheap for a line seen before: compute
 * per-line values once through `entry.memo()` (never keep the entry itself) and make `add()` little more than storing
 * them. A rule that also keeps its last result in its `RuleMemory` can compare the kept values with the new ones by
 * identity (an unchanged line has the same value object) and skip the replay when the changes cannot alter its result.
 *
 * `finish()` may be async. A step that can take more than a few tens of milliseconds on a big file (clustering,
 * fitting a model) should be async and `await control.pause()` between chunks of its work, so that a newer request
 * cancels the lint promptly; short steps simply return their findings.
 */
export interface FileAccumulator {
	add(entry: LineEntry): void;
	/**
	 * Optional, with `addValues`: what the rule needs of one line, pure in the line's text and the rule's options (memoise
	 * it on the entry when it is costly). The editor's `DocumentLinter` keeps each line's value between lints and, after
	 * an edit, asks only the changed lines for theirs, then hands every value to `addValues` instead of calling `add`
	 * per line: the cost of a re-lint is then a tight loop over kept values, with no memo lookup or re-hash per line.
	 * The value must not depend on `entry.line` (the same value serves the line wherever it moves).
	 */
	lineValue?(entry: LineEntry): unknown;
	/** Takes in every line at once, as the values `lineValue` gave, in line order: the same as `add` of each line. */
	addValues?(column: LineColumn): void;
	finish(summary: FileSummary, control: FinishControl): FileFindingDraft[] | Promise<FileFindingDraft[]>;
	/**
	 * Figures worth showing even when no threshold is crossed, such as the label distribution of a balanced file
	 * (the editor's status item shows it). Called after `finish`; the engine returns them under the rule id.
	 */
	facts?(summary: FileSummary): Record<string, unknown> | undefined;
}

/**
 * The three line paths of an accumulator whose lines are fully described by their values: `add` and `addValues` both
 * pass each line's value (fresh or kept) with its line number to `take`, so the one-off lint and the editor's re-lint
 * cannot drift apart.
 */
export function valueFedLines<T>(
	lineValue: (entry: LineEntry) => T,
	take: (value: T, line: number) => void,
): Pick<FileAccumulator, 'add' | 'lineValue' | 'addValues'> {
	return {
		add(entry) {
			take(lineValue(entry), entry.line);
		},
		lineValue,
		addValues(column) {
			const values = column.values as readonly T[];
			for (let line = 0; line < values.length; line++) {
				take(values[line], line);
			}
		},
	};
}

/** Every line of a lint as `FileAccumulator.addValues` sees it. */
export interface LineColumn {
	/** The value `FileAccumulator.lineValue` gave for each line, indexed by line number. */
	readonly values: readonly unknown[];
	/** The entry of a line, for the few lines a rule reports on (reading it per line would undo the point of values). */
	entry(line: number): LineEntry;
}

/** A rule that judges each line on its own. */
export interface RecordRule extends RuleMeta {
	kind: 'record';
	check(input: LineInput, options: RuleOptions): LineFindingDraft[];
}

/**
 * Where a file rule may keep work from one lint of a document to the next. The editor's `DocumentLinter` gives each
 * rule one memory for the life of the document, so that a rule whose finish step is costly can reuse its last result
 * when its inputs barely changed; one-off lints (the CLI, `lintText`) give none. Whatever a rule keeps must lead to
 * exactly the findings a fresh lint would give, and it should be written at the end of `finish()` only (a cancelled
 * lint must leave the memory of the last finished one).
 */
export interface RuleMemory {
	kept: unknown;
}

/** A rule that needs the whole file (counts, duplicates, distributions). */
export interface FileRule extends RuleMeta {
	kind: 'file';
	start(options: RuleOptions, settings: Settings, memory?: RuleMemory): FileAccumulator;
}

export type Rule = RecordRule | FileRule;

/** A rule's options from settings, with typed getters that fall back to the rule's defaults. */
export class RuleOptions {
	constructor(private readonly values: Readonly<Record<string, unknown>>) {}

	number(name: string, fallback: number): number {
		const value = this.values[name];
		return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
	}

	string(name: string, fallback: string): string {
		const value = this.values[name];
		return typeof value === 'string' ? value : fallback;
	}

	boolean(name: string, fallback: boolean): boolean {
		const value = this.values[name];
		return typeof value === 'boolean' ? value : fallback;
	}

	strings(name: string, fallback: readonly string[]): string[] {
		const value = this.values[name];
		return Array.isArray(value) && value.every((item) => typeof item === 'string') ? (value as string[]) : [...fallback];
	}

	raw(name: string): unknown {
		return this.values[name];
	}
}

/** Builds the entry of a parsed line. Lines are many, so the entry is a small class: no closures, lazy caches. */
export function createLineInput(parsed: ParsedLine, match: FormatMatch | undefined, settings: Settings): MutableLineEntry {
	return new LineEntryImpl(parsed, match, settings);
}

class LineEntryImpl implements MutableLineEntry {
	line = -1;
	readonly record: JsonObject | undefined;
	private cachedContent: RecordContent | undefined | null = null;
	/** Memoised values as key, value, key, value… */
	private memoStore: unknown[] | undefined;

	constructor(readonly parsed: ParsedLine, readonly match: FormatMatch | undefined, readonly settings: Settings) {
		const value = parsed.kind === 'value' ? parsed.value : undefined;
		this.record = typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
	}

	content(): RecordContent | undefined {
		if (this.cachedContent === null) {
			this.cachedContent = this.record !== undefined && this.match?.format !== undefined ? recordContent(this.record, this.match.format, this.settings.fields) : undefined;
		}
		return this.cachedContent;
	}

	memo<T>(key: string, compute: () => T): T {
		// A flat list searched linearly rather than a Map per line: a line holds a handful of memoised values, and
		// a hundred thousand small Maps would cost the garbage collector more than the search costs on each keystroke.
		const store = (this.memoStore ??= []);
		for (let index = 0; index < store.length; index += 2) {
			if (store[index] === key) {
				return store[index + 1] as T;
			}
		}
		const value = compute();
		store.push(key, value);
		return value;
	}
}
