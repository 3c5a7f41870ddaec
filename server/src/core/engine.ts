import { detectRecordFormat, majorityFormat, type FormatMatch } from './formats';
import { parseLine, type ParsedLine } from './records';
import { createLineInput, RuleOptions, type FileAccumulator, type FileFindingDraft, type FileRule, type LineFindingDraft, type MutableLineEntry, type RecordRule, type Rule } from './rule';
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
 * Lints one open document repeatedly. Lines are cached by their text, so after an edit only changed lines are
 * parsed and checked again; file-level rules then re-run over the cached lines. Create a new linter when the
 * settings change.
 */
export class DocumentLinter {
	private cache = new Map<string, CheckedLine>();
	private readonly active: ActiveRules;

	constructor(private readonly settings: Settings, rules: readonly Rule[] = ALL_RULES) {
		this.active = activeRules(rules, settings);
	}

	async lint(lines: readonly string[], options: LintOptions = {}): Promise<LintResult> {
		const nextCache = new Map<string, CheckedLine>();
		const result = await runLint(lines, this.active, this.settings, options, (text) => {
			const checked = nextCache.get(text) ?? this.cache.get(text) ?? checkLine(text, this.active, this.settings);
			nextCache.set(text, checked);
			return checked;
		});
		// Only a finished lint replaces the cache, so a cancelled run leaves the previous one usable.
		this.cache = nextCache;
		return result;
	}
}

/** Lints a stream of lines once, keeping nothing per line: memory stays bounded for files of several gigabytes. */
export function lintLines(lines: Iterable<string> | AsyncIterable<string>, settings: Settings, options: LintOptions = {}, rules: readonly Rule[] = ALL_RULES): Promise<LintResult> {
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

async function runLint(
	lines: Iterable<string> | AsyncIterable<string>,
	active: ActiveRules,
	settings: Settings,
	options: LintOptions,
	check: (text: string) => CheckedLine,
): Promise<LintResult> {
	const collector = new FindingCollector(settings.maxProblems);
	const accumulators = active.file
		.filter(({ rule }) => options.skipFileRules?.has(rule.id) !== true)
		.map(({ rule, severity, options: ruleOptions }) => ({ rule, severity, accumulator: safeStart(rule, ruleOptions, settings) }));
	const formatCounts = new Map<DatasetFormat, number>();
	const yieldEvery = options.yieldEvery ?? 2000;
	let lineNumber = 0;
	let recordCount = 0;
	for await (const text of lines) {
		if (lineNumber % yieldEvery === 0 && lineNumber > 0) {
			options.onProgress?.(lineNumber);
			await options.yieldControl?.();
			if (options.signal?.isCancellationRequested) {
				throw new LintCancelled();
			}
		}
		const checked = check(text);
		const format = checked.match?.format;
		if (checked.match !== undefined) {
			recordCount++;
		}
		if (format !== undefined) {
			formatCounts.set(format, (formatCounts.get(format) ?? 0) + 1);
		}
		for (const { rule, draft } of checked.drafts) {
			collector.add(lineFinding(rule, severityOf(active, rule, draft.severity), lineNumber, draft));
		}
		if (accumulators.length > 0) {
			const entry = checked.entry;
			entry.line = lineNumber;
			for (const item of accumulators) {
				if (item.accumulator !== undefined) {
					guard(item, () => item.accumulator?.add(entry), collector);
				}
			}
		}
		lineNumber++;
	}
	if (options.signal?.isCancellationRequested) {
		throw new LintCancelled();
	}
	const summary = { lineCount: lineNumber, recordCount, format: majorityFormat(formatCounts), formatCounts };
	const facts: LintResult['facts'] = {};
	for (const item of accumulators) {
		const drafts = guard(item, () => item.accumulator?.finish(summary) ?? [], collector) ?? [];
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
		lineCount: lineNumber,
		recordCount,
		format: summary.format,
		formatCounts: Object.fromEntries(formatCounts),
		facts,
	};
}

function safeStart(rule: FileRule, options: RuleOptions, settings: Settings): FileAccumulator | undefined {
	try {
		return rule.start(options, settings);
	} catch {
		return undefined;
	}
}

/** Runs a file rule's step; if it throws, the rule reports one internal error and stops, and the lint goes on. */
function guard<T>(item: { rule: FileRule; accumulator: FileAccumulator | undefined }, step: () => T, collector: FindingCollector): T | undefined {
	try {
		return step();
	} catch (error) {
		item.accumulator = undefined;
		collector.add({
			ruleId: item.rule.id,
			severity: 'error',
			scope: 'file',
			message: `internal error in rule ${item.rule.id}: ${error instanceof Error ? error.message : String(error)}`,
			range: { line: 0, column: 0, endLine: 0, endColumn: 0 },
		});
		return undefined;
	}
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
