import { detectRecordFormat, majorityFormat, type FormatMatch } from './formats';
import { parseLine, type ParsedLine } from './records';
import { createLineInput, RuleOptions, type FileAccumulator, type FileFindingDraft, type FileRule, type FinishControl, type LineColumn, type LineFindingDraft, type MutableLineEntry, type RecordRule, type Rule, type RuleMemory } from './rule';
import { ALL_RULES } from './rules';
import { effectiveSeverity } from './settings';
import { LintCancelled, type CancellationSignal, type DatasetFormat, type Finding, type ReportedSeverity, type Settings } from './types';

/** What one lint of a document or file produced. */
export interface LintResult {
	/** Findings ordered by line, at most `settings.maxProblems` of them (dataset-level findings are always kept). */
	findings: Finding[];
	/** Counts over every finding, including those beyond the cap. */
	counts: Record<ReportedSeverity, number>;
	truncated: boolean;
	lineCount: number;
	recordCount: number;
	format: DatasetFormat | undefined;
	formatCounts: Record<string, number>;
	/** Figures file rules measured without turning them into findings, by rule id (see FileAccumulator.facts). */
	facts: Record<string, Record<string, unknown>>;
}

/** Options of one lint run, supplied by the adapter. */
export interface LintOptions {
	signal?: CancellationSignal;
	/** Lets other work run (and cancellation arrive); adapters pass e.g. `() => new Promise(setImmediate)`. */
	yieldControl?: () => Promise<void>;
	/** How many lines to process between yields. */
	yieldEvery?: number;
	/** Called now and then with the number of lines done, for progress reports on big files. */
	onProgress?: (linesDone: number) => void;
	/** File-level rules to leave out of this run (the editor skips the expensive ones between saves). */
	skipFileRules?: ReadonlySet<string>;
}

/** A line after the work that depends only on its text: parse, format match, and the record rules' findings. */
interface CheckedLine {
	parsed: ParsedLine;
	match: FormatMatch | undefined;
	drafts: Array<{ rule: RecordRule; draft: LineFindingDraft }>;
	/** What file-level rules receive; its line number is set before each use. */
	entry: MutableLineEntry;
}

interface ActiveRules {
	record: Array<{ rule: RecordRule; severity: ReportedSeverity; options: RuleOptions }>;
	file: Array<{ rule: FileRule; severity: ReportedSeverity; options: RuleOptions }>;
}

/**
 * Feeds file rules whose accumulators take line values (`FileAccumulator.lineValue` and `addValues`) during one lint:
 * `columnOf` gives a rule's values of every line, `entryOf` a line's entry.
 */
interface ColumnSource {
	/** Asks the lines without kept values for theirs, pausing through `control` (on a first lint, that is every line). */
	columnOf(ruleId: string, accumulator: ValueFedAccumulator, control: FinishControl): Promise<readonly unknown[]>;
	entryOf(line: number): MutableLineEntry;
}

type ValueFedAccumulator = FileAccumulator & Required<Pick<FileAccumulator, 'lineValue'>>;

/** What a finished lint leaves for the next one: the lines, their checked form, and the file rules' line values. */
interface PreviousLint {
	texts: readonly string[];
	checked: readonly CheckedLine[];
	/** Each value-fed rule's line values, aligned with `texts`. */
	columns: ReadonlyMap<string, readonly unknown[]>;
}

/**
 * Lints one open document repeatedly. The lines of the previous lint are kept with their checked form, so after an
 * edit only changed lines are parsed and checked again: the unchanged start and end of the document are matched by
 * position (a string comparison per line, far cheaper than a hash lookup of every line), and the lines in between by
 * their text. File-level rules then re-run over the checked lines; their per-line work is memoised on the kept
 * entries (`LineInput.memo`), and rules that take line values get the values of the unchanged start and end copied
 * from the last lint, so only the changed lines are reduced again. Create a new linter when the settings change.
 */
export class DocumentLinter {
	private previous: PreviousLint = { texts: [], checked: [], columns: new Map() };
	private readonly active: ActiveRules;
	private readonly memories = new Map<string, RuleMemory>();

	constructor(private readonly settings: Settings, rules: readonly Rule[] = ALL_RULES) {
		this.active = activeRules(rules, settings);
	}

	async lint(lines: readonly string[], options: LintOptions = {}): Promise<LintResult> {
		const texts = lines.slice();
		const reuse = reusableLines(this.previous, texts);
		const checked: CheckedLine[] = new Array<CheckedLine>(texts.length);
		const memoryOf = (ruleId: string): RuleMemory => {
			let memory = this.memories.get(ruleId);
			if (memory === undefined) {
				memory = { kept: undefined };
				this.memories.set(ruleId, memory);
			}
			return memory;
		};
		const check = (text: string, index: number): CheckedLine => {
			const line = reuse.find(index, text) ?? checkLine(detached(text), this.active, this.settings);
			checked[index] = line;
			return line;
		};
		const previous = this.previous;
		const columns = new Map<string, readonly unknown[]>();
		const source: ColumnSource = {
			async columnOf(ruleId, accumulator, control) {
				const column = await spliceColumn(previous.columns.get(ruleId), reuse, checked, (entry) => accumulator.lineValue(entry), control);
				columns.set(ruleId, column);
				return column;
			},
			entryOf(line) {
				return checked[line].entry;
			},
		};
		const result = await runLint(texts, this.active, this.settings, options, check, memoryOf, source);
		// Only a finished lint replaces the kept lines, so a cancelled run leaves the previous ones usable.
		this.previous = { texts, checked, columns };
		return result;
	}
}

/**
 * A rule's line values for this lint: those of the unchanged start and end copied from the last lint (the same lines,
 * so the same values), the changed middle asked afresh; every line when the rule has no values kept. Asking is a
 * rule's per-line work (the near-duplicate signature of every line on a first lint: seconds on 100k records), so it
 * pauses like the line loop, or a newer request could not cancel it.
 */
async function spliceColumn(old: readonly unknown[] | undefined, reuse: LineReuse, checked: readonly CheckedLine[], valueOf: (entry: MutableLineEntry) => unknown, control: FinishControl): Promise<unknown[]> {
	const count = checked.length;
	const kept = old !== undefined && old.length === reuse.oldCount ? old : [];
	const prefix = Math.min(reuse.prefix, kept.length);
	const suffix = Math.min(reuse.suffix, kept.length - prefix);
	const middle: unknown[] = [];
	for (let line = prefix; line < count - suffix; line++) {
		if ((line & 31) === 0) {
			await control.pause();
		}
		middle.push(valueOf(checked[line].entry));
	}
	if (prefix + suffix === 0) {
		return middle;
	}
	// The kept values are copied in bulk, not pushed line by line: an in-place edit (the common case) copies them once.
	if (middle.length === kept.length - prefix - suffix) {
		const column = kept.slice();
		for (let index = 0; index < middle.length; index++) {
			column[prefix + index] = middle[index];
		}
		return column;
	}
	return kept.slice(0, prefix).concat(middle, kept.slice(kept.length - suffix));
}

/**
 * A copy of a line that does not keep the whole document's text alive. Lines split from a document are slices of it,
 * and a kept line outlives its document: without the copy every edit would retain one more copy of the document.
 */
function detached(text: string): string {
	// Concatenation makes a new string, and its slice refers to that short string only.
	return text.length < 16 ? text : `${text}\n`.slice(0, -1);
}

/**
 * Finds the checked form of new line `index` (whose text is `text`) among the previous lint's lines: the common
 * prefix and suffix by position, the changed middle by text. Every checked line depends only on its text, so any
 * match is as good as a fresh check.
 */
/** How the lines of a lint relate to the last one's: a common start and end, and a lookup of the changed middle. */
interface LineReuse {
	/** Lines before this index are the same lines as last time, at the same numbers. */
	prefix: number;
	/** This many last lines are the same lines as last time's last lines. */
	suffix: number;
	/** How many lines the last lint had. */
	oldCount: number;
	find(index: number, text: string): CheckedLine | undefined;
}

function reusableLines(previous: { texts: readonly string[]; checked: readonly CheckedLine[] }, texts: readonly string[]): LineReuse {
	const old = previous.texts;
	const shorter = Math.min(old.length, texts.length);
	let prefix = 0;
	while (prefix < shorter && old[prefix] === texts[prefix]) {
		prefix++;
	}
	let suffix = 0;
	while (suffix < shorter - prefix && old[old.length - 1 - suffix] === texts[texts.length - 1 - suffix]) {
		suffix++;
	}
	const middle = new Map<string, CheckedLine>();
	for (let index = prefix; index < old.length - suffix; index++) {
		middle.set(old[index], previous.checked[index]);
	}
	const shift = old.length - texts.length;
	return {
		prefix,
		suffix,
		oldCount: old.length,
		find(index, text) {
			if (index < prefix) {
				return previous.checked[index];
			}
			if (index >= texts.length - suffix) {
				return previous.checked[index + shift];
			}
			return middle.get(text);
		},
	};
}

/**
 * Lines to lint: an array or iterable, or an asynchronous stream of lines or of batches of lines (a file read in
 * chunks gives a batch per chunk, which spares an await per line).
 */
export type LineSource = Iterable<string> | AsyncIterable<string | readonly string[]>;

/** Lints a stream of lines once, keeping nothing per line: memory stays bounded for files of several gigabytes. */
export function lintLines(lines: LineSource, settings: Settings, options: LintOptions = {}, rules: readonly Rule[] = ALL_RULES): Promise<LintResult> {
	const active = activeRules(rules, settings);
	return runLint(lines, active, settings, options, (text) => checkLine(text, active, settings));
}

/** Lints a whole text (tests and small inputs). */
export function lintText(text: string, settings: Settings, rules: readonly Rule[] = ALL_RULES): Promise<LintResult> {
	const lines = text === '' ? [] : text.split('\n');
	if (lines.length > 1 && lines[lines.length - 1] === '') {
		lines.pop();
	}
	return lintLines(lines, settings, {}, rules);
}

function activeRules(rules: readonly Rule[], settings: Settings): ActiveRules {
	const active: ActiveRules = { record: [], file: [] };
	for (const rule of rules) {
		const severity = effectiveSeverity(rule, settings);
		if (severity === undefined) {
			continue;
		}
		const options = new RuleOptions(settings.ruleOptions[rule.id] ?? {});
		if (rule.kind === 'record') {
			active.record.push({ rule, severity, options });
		} else {
			active.file.push({ rule, severity, options });
		}
	}
	return active;
}

function checkLine(text: string, active: ActiveRules, settings: Settings): CheckedLine {
	const parsed = parseLine(text);
	const value = parsed.kind === 'value' ? parsed.value : undefined;
	const match = typeof value === 'object' && value !== null && !Array.isArray(value) ? detectRecordFormat(value, settings.fields) : undefined;
	const entry = createLineInput(parsed, match, settings);
	const drafts: CheckedLine['drafts'] = [];
	for (const { rule, options } of active.record) {
		for (const draft of safeCheck(rule, () => rule.check(entry, options))) {
			drafts.push({ rule, draft });
		}
	}
	return { parsed, match, drafts, entry };
}

/**
 * A rule that throws on some input is a bug in Tunelint, not in the data: report it as a finding on that line and
 * keep linting, so one bad rule never takes the editor or the CLI down.
 */
function safeCheck(rule: RecordRule, check: () => LineFindingDraft[]): LineFindingDraft[] {
	try {
		return check();
	} catch (error) {
		return [{ message: `internal error in rule ${rule.id}: ${error instanceof Error ? error.message : String(error)}`, column: 0, endColumn: 0, severity: 'error' }];
	}
}

/**
 * Keeps at most `maxProblems` line findings, preferring the more severe: each severity keeps its first
 * `maxProblems`, and the result takes errors first, then warnings, then infos. Dataset-level findings are few and
 * always kept. Counts cover every finding.
 */
class FindingCollector {
	readonly counts: Record<ReportedSeverity, number> = { error: 0, warning: 0, info: 0 };
	private readonly fileFindings: Finding[] = [];
	private readonly lineFindings: Record<ReportedSeverity, Finding[]> = { error: [], warning: [], info: [] };
	private lineCount = 0;

	constructor(private readonly maxProblems: number) {}

	get truncated(): boolean {
		return this.lineCount > this.maxProblems;
	}

	add(finding: Finding): void {
		this.counts[finding.severity]++;
		if (finding.scope === 'file') {
			this.fileFindings.push(finding);
			return;
		}
		this.lineCount++;
		const kept = this.lineFindings[finding.severity];
		if (kept.length < this.maxProblems) {
			kept.push(finding);
		}
	}

	/** The kept findings, ordered by position. */
	findings(): Finding[] {
		const lines = [...this.lineFindings.error, ...this.lineFindings.warning, ...this.lineFindings.info].slice(0, this.maxProblems);
		return [...this.fileFindings, ...lines].sort((a, b) => a.range.line - b.range.line || a.range.column - b.range.column);
	}
}

/**
 * The longest a lint runs without yielding (when the adapter gives `yieldControl`), so that a cancellation sent by a
 * newer request is read and honoured well within 200 ms even when lines or finish steps are slow.
 */
const YIELD_INTERVAL_MS = 40;

/** Yields to the adapter when enough time has passed, and turns a requested cancellation into `LintCancelled`. */
class Pacer implements FinishControl {
	private lastYield = Date.now();

	constructor(private readonly options: LintOptions) {}

	/** True when the run has gone on long enough since its last yield. */
	due(): boolean {
		return Date.now() - this.lastYield >= YIELD_INTERVAL_MS;
	}

	/** Yields now, then throws if the lint was cancelled meanwhile. */
	async yieldNow(): Promise<void> {
		await this.options.yieldControl?.();
		this.lastYield = Date.now();
		this.throwIfCancelled();
	}

	async pause(): Promise<void> {
		if (this.due()) {
			await this.yieldNow();
		} else {
			this.throwIfCancelled();
		}
	}

	throwIfCancelled(): void {
		if (this.options.signal?.isCancellationRequested === true) {
			throw new LintCancelled();
		}
	}
}

/** A file rule of one run; `accumulator` becomes undefined when the rule failed. */
interface RunningFileRule {
	rule: FileRule;
	severity: ReportedSeverity;
	accumulator: FileAccumulator | undefined;
	/** True when the rule takes line values at the end of the line loop instead of `add` per line. */
	valueFed: boolean;
}

/** The state of one run over the lines: counts, findings, and the file rules' accumulators. */
class LintRun {
	readonly collector: FindingCollector;
	readonly formatCounts = new Map<DatasetFormat, number>();
	readonly accumulators: RunningFileRule[];
	/** The accumulators fed line by line (the others take line values once the lines are done). */
	private readonly perLine: RunningFileRule[];
	lineCount = 0;
	recordCount = 0;

	constructor(private readonly active: ActiveRules, settings: Settings, options: LintOptions, memoryOf: ((ruleId: string) => RuleMemory) | undefined, values: boolean) {
		this.collector = new FindingCollector(settings.maxProblems);
		this.accumulators = active.file
			.filter(({ rule }) => options.skipFileRules?.has(rule.id) !== true)
			.map(({ rule, severity, options: ruleOptions }) => {
				const accumulator = safeStart(rule, ruleOptions, settings, memoryOf?.(rule.id));
				return { rule, severity, accumulator, valueFed: values && accumulator?.lineValue !== undefined && accumulator.addValues !== undefined };
			});
		this.perLine = this.accumulators.filter((item) => !item.valueFed);
	}

	/** Hands the value-fed accumulators every line's value, once every line has been added. */
	async addValues(source: ColumnSource, control: FinishControl): Promise<void> {
		const entry = (line: number): MutableLineEntry => {
			const found = source.entryOf(line);
			// Lines with the same text may share one entry; its number is set on each request.
			found.line = line;
			return found;
		};
		for (const item of this.accumulators) {
			const accumulator = item.accumulator;
			if (!item.valueFed || accumulator?.lineValue === undefined || accumulator.addValues === undefined) {
				continue;
			}
			try {
				const column: LineColumn = { values: await source.columnOf(item.rule.id, accumulator as ValueFedAccumulator, control), entry };
				accumulator.addValues(column);
			} catch (error) {
				if (error instanceof LintCancelled) {
					throw error;
				}
				failed(item, error, this.collector);
			}
		}
	}

	/** Takes in the next line: its record rules' findings, and the line handed to every file rule. */
	add(checked: CheckedLine): void {
		const lineNumber = this.lineCount++;
		const format = checked.match?.format;
		if (checked.match !== undefined) {
			this.recordCount++;
		}
		if (format !== undefined) {
			this.formatCounts.set(format, (this.formatCounts.get(format) ?? 0) + 1);
		}
		for (const { rule, draft } of checked.drafts) {
			this.collector.add(lineFinding(rule, severityOf(this.active, rule, draft.severity), lineNumber, draft));
		}
		const entry = checked.entry;
		entry.line = lineNumber;
		for (const item of this.perLine) {
			if (item.accumulator === undefined) {
				continue;
			}
			// A try block per call rather than a guard closure: this runs for every line and rule on each keystroke.
			try {
				item.accumulator.add(entry);
			} catch (error) {
				failed(item, error, this.collector);
			}
		}
	}
}

async function runLint(
	lines: LineSource,
	active: ActiveRules,
	settings: Settings,
	options: LintOptions,
	check: (text: string, index: number) => CheckedLine,
	memoryOf?: (ruleId: string) => RuleMemory,
	values?: ColumnSource,
): Promise<LintResult> {
	const run = new LintRun(active, settings, options, memoryOf, values !== undefined);
	const pacer = new Pacer(options);
	const yieldEvery = options.yieldEvery ?? 2000;
	// Between the fixed progress points the clock is read every few lines only: it is cheap, but not free.
	const yieldDue = (index: number): boolean => index > 0 && (index % yieldEvery === 0 || ((index & 31) === 0 && pacer.due()));
	if (Array.isArray(lines)) {
		// A plain loop: `for await` over an array would cost a promise per line, which matters on every keystroke.
		const list = lines as readonly string[];
		for (let index = 0; index < list.length; index++) {
			if (yieldDue(index)) {
				options.onProgress?.(index);
				await pacer.yieldNow();
			}
			run.add(check(list[index], index));
		}
	} else {
		let index = 0;
		for await (const item of lines) {
			for (const text of typeof item === 'string' ? [item] : item) {
				if (yieldDue(index)) {
					options.onProgress?.(index);
					await pacer.yieldNow();
				}
				run.add(check(text, index));
				index++;
			}
		}
	}
	pacer.throwIfCancelled();
	if (values !== undefined) {
		await run.addValues(values, pacer);
	}
	const { collector, formatCounts } = run;
	const summary = { lineCount: run.lineCount, recordCount: run.recordCount, format: majorityFormat(formatCounts), formatCounts };
	const facts: LintResult['facts'] = {};
	for (const item of run.accumulators) {
		await pacer.pause();
		const drafts = (await guardFinish(item, () => item.accumulator?.finish(summary, pacer) ?? [], collector)) ?? [];
		for (const draft of drafts) {
			collector.add(fileFinding(item.rule.id, resolveSeverity(item.rule.defaultSeverity, item.severity, draft.severity), draft));
		}
		const ruleFacts = guard(item, () => item.accumulator?.facts?.(summary), collector);
		if (ruleFacts !== undefined) {
			facts[item.rule.id] = ruleFacts;
		}
	}
	return {
		findings: collector.findings(),
		counts: collector.counts,
		truncated: collector.truncated,
		lineCount: run.lineCount,
		recordCount: run.recordCount,
		format: summary.format,
		formatCounts: Object.fromEntries(formatCounts),
		facts,
	};
}

function safeStart(rule: FileRule, options: RuleOptions, settings: Settings, memory: RuleMemory | undefined): FileAccumulator | undefined {
	try {
		return rule.start(options, settings, memory);
	} catch {
		return undefined;
	}
}

/** Runs a file rule's step; if it throws, the rule reports one internal error and stops, and the lint goes on. */
function guard<T>(item: RunningFileRule, step: () => T, collector: FindingCollector): T | undefined {
	try {
		return step();
	} catch (error) {
		failed(item, error, collector);
		return undefined;
	}
}

/** `guard` for a finish step, which may be async; a cancellation is not a failure and ends the lint. */
async function guardFinish<T>(item: RunningFileRule, step: () => T | Promise<T>, collector: FindingCollector): Promise<T | undefined> {
	try {
		return await step();
	} catch (error) {
		if (error instanceof LintCancelled) {
			throw error;
		}
		failed(item, error, collector);
		return undefined;
	}
}

/** Stops a file rule that threw and reports it as one internal error. */
function failed(item: RunningFileRule, error: unknown, collector: FindingCollector): void {
	item.accumulator = undefined;
	collector.add({
		ruleId: item.rule.id,
		severity: 'error',
		scope: 'file',
		message: `internal error in rule ${item.rule.id}: ${error instanceof Error ? error.message : String(error)}`,
		range: { line: 0, column: 0, endLine: 0, endColumn: 0 },
	});
}

/** A user's explicit severity wins; otherwise a rule may pick a severity per finding (e.g. warning vs error). */
function severityOf(active: ActiveRules, rule: RecordRule, drafted: ReportedSeverity | undefined): ReportedSeverity {
	const configured = active.record.find((item) => item.rule === rule)?.severity ?? rule.defaultSeverity;
	return resolveSeverity(rule.defaultSeverity, configured, drafted);
}

function resolveSeverity(defaultSeverity: ReportedSeverity, configured: ReportedSeverity, drafted: ReportedSeverity | undefined): ReportedSeverity {
	const overridden = configured !== defaultSeverity;
	return overridden || drafted === undefined ? configured : drafted;
}

function lineFinding(rule: RecordRule, severity: ReportedSeverity, line: number, draft: LineFindingDraft): Finding {
	return {
		ruleId: rule.id,
		severity,
		message: draft.message,
		scope: 'line',
		range: { line, column: draft.column, endLine: line, endColumn: draft.endColumn },
		...(draft.data === undefined ? {} : { data: draft.data }),
		...(draft.fix === undefined ? {} : { fix: shiftFix(draft.fix, line) }),
		...(draft.alternativeFixes === undefined ? {} : { alternativeFixes: draft.alternativeFixes.map((fix) => shiftFix(fix, line)) }),
	};
}

function shiftFix(fix: NonNullable<LineFindingDraft['fix']>, line: number): NonNullable<LineFindingDraft['fix']> {
	return { ...fix, edits: fix.edits.map((edit) => ({ ...edit, line: edit.line + line, endLine: edit.endLine + line })) };
}

function fileFinding(ruleId: string, severity: ReportedSeverity, draft: FileFindingDraft): Finding {
	return {
		ruleId,
		severity,
		message: draft.message,
		scope: draft.range === undefined ? 'file' : 'line',
		range: draft.range ?? { line: 0, column: 0, endLine: 0, endColumn: 0 },
		...(draft.data === undefined ? {} : { data: draft.data }),
		...(draft.fix === undefined ? {} : { fix: draft.fix }),
		...(draft.alternativeFixes === undefined ? {} : { alternativeFixes: draft.alternativeFixes }),
		...(draft.related === undefined ? {} : { related: draft.related }),
	};
}
