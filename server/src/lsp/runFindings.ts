/**
 * The label issues of a dataset's newest validation fine-tune (issue 7), as diagnostics on their lines with the
 * "Relabel as …" quick fix (and the next-token proxy's answer outliers, once they keep a line hash too). Runs are read from `.tunelint/runs` of the document's workspace folder (the folder the
 * editor's training command and `tunelint train` write to); a run is the dataset's when its run.json names the file.
 * A run describes the file as it was when it was trained on, so a finding is shown only while its line still has the
 * text it had then (the line hash the finding keeps): a finding whose line moved follows it, one whose line changed
 * (relabelled, edited, deleted) is dropped.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CodeActionKind, type CodeAction, type Diagnostic } from 'vscode-languageserver';
import { URI } from 'vscode-uri';
import type { Finding, LintResult } from '../core';
import { EXPORT_LABEL_ISSUES_COMMAND } from '../protocol/runs';
import { lineTextHash } from '../training/findings';

/** The rule whose findings can be relabelled and exported. */
const LABEL_ISSUE = 'label-issue';
/** The per-record rules of a run shown in the editor; the run's dataset-level findings belong to the run view. */
const RUN_LINE_RULES: ReadonlySet<string> = new Set([LABEL_ISSUE, 'answer-outlier']);

/** A run of the runs directory: its id (the directory name, which sorts by time) and the files run.json may name. */
interface RunEntry {
	id: string;
	files: readonly string[];
}

export class RunFindingsService {
	/** Run entries per runs directory, re-read when the directory's mtime changes (a run renamed into it, or deleted). */
	private readonly directories = new Map<string, { mtimeMs: number; runs: RunEntry[] }>();
	/** A saved run never changes, so its label issues are read once. */
	private readonly runFindings = new Map<string, Finding[]>();
	/**
	 * Line text → line hash, per document: after an edit most lines are the same strings again, so finding where a
	 * moved line went costs a map lookup per line rather than hashing the whole document on every pull.
	 */
	private readonly lineHashes = new Map<string, Map<string, string>>();

	constructor(private readonly folderOf: (uri: string) => string | undefined) {}

	/**
	 * The lint result with the label issues of the document's newest run that still hold; when they would exceed
	 * `maxProblems`, the best ranked are kept and the result says it is truncated.
	 */
	async augment(uri: string, lines: readonly string[], result: LintResult, maxProblems: number): Promise<LintResult> {
		const stored = await this.newestRunFindings(uri);
		if (stored === undefined || stored.findings.length === 0) {
			return result;
		}
		const placed = placeRunFindings(stored.findings, lines, stored.id, this.hasherOf(uri, lines.length));
		if (placed.length === 0) {
			return result;
		}
		const room = Math.max(0, maxProblems - result.findings.length);
		const shown = placed.length <= room ? placed : [...placed].sort((a, b) => rankOf(a) - rankOf(b)).slice(0, room);
		const counts = { ...result.counts };
		for (const finding of placed) {
			counts[finding.severity]++;
		}
		const findings = [...result.findings, ...shown].sort((a, b) => a.range.line - b.range.line || a.range.column - b.range.column);
		return { ...result, findings, counts, truncated: result.truncated || shown.length < placed.length };
	}

	/** "Export the ranked label issues…" beside each label-issue diagnostic; the client command writes the file. */
	codeActions(uri: string, diagnostics: readonly Diagnostic[]): CodeAction[] {
		const issue = diagnostics.find((diagnostic) => diagnostic.code === LABEL_ISSUE);
		if (issue === undefined) {
			return [];
		}
		const title = 'Export the ranked label issues…';
		return [{ title, kind: CodeActionKind.QuickFix, diagnostics: [issue], command: { title, command: EXPORT_LABEL_ISSUES_COMMAND, arguments: [uri] } }];
	}

	/** Forgets what was read (a run was saved or deleted); the mtime check would notice too, one pull later. */
	forget(): void {
		this.directories.clear();
	}

	/** Forgets a closed document's line hashes. */
	forgetDocument(uri: string): void {
		this.lineHashes.delete(uri);
	}

	private hasherOf(uri: string, lineCount: number): (text: string) => string {
		let memo = this.lineHashes.get(uri);
		// Edited lines leave their old texts behind; start afresh before they outnumber the document's lines.
		if (memo === undefined || memo.size > 2 * lineCount + 1000) {
			memo = new Map();
			this.lineHashes.set(uri, memo);
		}
		const known = memo;
		return (text) => {
			let hash = known.get(text);
			if (hash === undefined) {
				hash = lineTextHash(text);
				known.set(text, hash);
			}
			return hash;
		};
	}

	private async newestRunFindings(uri: string): Promise<{ id: string; findings: Finding[] } | undefined> {
		if (!uri.startsWith('file:')) {
			return undefined;
		}
		const file = URI.parse(uri).fsPath;
		const runsDirectory = path.join(this.folderOf(uri) ?? path.dirname(file), '.tunelint', 'runs');
		const runs = await this.runsOf(runsDirectory);
		const run = runs.find((entry) => entry.files.includes(path.resolve(file)));
		if (run === undefined) {
			return undefined;
		}
		const key = path.join(runsDirectory, run.id);
		let findings = this.runFindings.get(key);
		if (findings === undefined) {
			const stored = await readJson(path.join(key, 'findings.json'));
			findings = Array.isArray(stored) ? stored.filter(isRunLineFinding) : [];
			this.runFindings.set(key, findings);
		}
		return { id: run.id, findings };
	}

	/** The runs of a directory, newest first; unreadable runs are skipped. */
	private async runsOf(runsDirectory: string): Promise<RunEntry[]> {
		const stat = await fs.stat(runsDirectory).catch(() => undefined);
		if (stat === undefined) {
			return [];
		}
		const cached = this.directories.get(runsDirectory);
		if (cached !== undefined && cached.mtimeMs === stat.mtimeMs) {
			return cached.runs;
		}
		const names = (await fs.readdir(runsDirectory).catch(() => [] as string[])).filter((name) => !name.startsWith('.')).sort().reverse();
		const runs: RunEntry[] = [];
		for (const id of names) {
			const summary = await readJson(path.join(runsDirectory, id, 'run.json'));
			const named = typeof summary === 'object' && summary !== null ? (summary as { file?: unknown }).file : undefined;
			if (typeof named === 'string') {
				// `tunelint train` keeps the file as it was given: absolute, or relative to where it ran (the workspace folder).
				runs.push({ id, files: [path.resolve(named), path.resolve(runsDirectory, '..', '..', named)] });
			}
		}
		this.directories.set(runsDirectory, { mtimeMs: stat.mtimeMs, runs });
		return runs;
	}
}

/**
 * Puts a run's label issues on the lines that still hold the text they were found on: in place when the line is
 * unchanged, else on the nearest line with the same text (lines were inserted or deleted above it); otherwise the
 * finding is dropped. Label issues without a line hash (runs saved before it was kept) stay only where the label
 * value they point at is still the label they name; other findings need the hash. Each kept finding says which run
 * it came from.
 */
export function placeRunFindings(findings: readonly Finding[], lines: readonly string[], runId: string, hashOf: (text: string) => string = lineTextHash): Finding[] {
	let linesByHash: Map<string, number[]> | undefined;
	const placed = new Map<string, Finding>();
	for (const finding of findings) {
		const line = finding.range.line;
		const hash = finding.data?.lineHash;
		let target: number | undefined;
		if (typeof hash !== 'string') {
			target = line < lines.length && holdsGivenLabel(finding, lines[line]) ? line : undefined;
		} else if (line < lines.length && hashOf(lines[line]) === hash) {
			target = line;
		} else {
			linesByHash ??= hashLines(lines, hashOf);
			target = nearest(linesByHash.get(hash) ?? [], line);
		}
		const key = `${finding.ruleId} ${target}`;
		if (target !== undefined && !placed.has(key)) {
			placed.set(key, moveToLine(finding, target, runId));
		}
	}
	return [...placed.values()];
}

function moveToLine(finding: Finding, line: number, runId: string): Finding {
	const shift = line - finding.range.line;
	const moved: Finding = {
		...finding,
		range: { ...finding.range, line, endLine: finding.range.endLine + shift },
		data: { ...finding.data, run: runId },
	};
	// A relabel edits only the label value on the finding's own line; anything else in a stored fix is not applied.
	const edits = finding.fix?.edits ?? [];
	if (finding.fix !== undefined && edits.length === 1 && edits[0].line === finding.range.line && edits[0].endLine === finding.range.line) {
		moved.fix = { title: finding.fix.title, edits: [{ ...edits[0], line, endLine: line }] };
	} else {
		delete moved.fix;
	}
	return moved;
}

function hashLines(lines: readonly string[], hashOf: (text: string) => string): Map<string, number[]> {
	const byHash = new Map<string, number[]>();
	lines.forEach((text, line) => {
		const hash = hashOf(text);
		const list = byHash.get(hash);
		if (list === undefined) {
			byHash.set(hash, [line]);
		} else {
			list.push(line);
		}
	});
	return byHash;
}

function nearest(candidates: readonly number[], line: number): number | undefined {
	let best: number | undefined;
	for (const candidate of candidates) {
		if (best === undefined || Math.abs(candidate - line) < Math.abs(best - line)) {
			best = candidate;
		}
	}
	return best;
}

/** The text under the finding's range is the JSON of the label it says the record has. */
function holdsGivenLabel(finding: Finding, lineText: string): boolean {
	const given = finding.data?.given;
	if (finding.ruleId !== LABEL_ISSUE || typeof given !== 'string' || finding.range.endLine !== finding.range.line || finding.fix === undefined) {
		return false;
	}
	try {
		const value: unknown = JSON.parse(lineText.slice(finding.range.column, finding.range.endColumn));
		return (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') && String(value) === given;
	} catch {
		return false;
	}
}

function rankOf(finding: Finding): number {
	const rank = finding.data?.rank;
	return typeof rank === 'number' ? rank : Number.POSITIVE_INFINITY;
}

function isRunLineFinding(value: unknown): value is Finding {
	const finding = value as Partial<Finding> | null;
	const range = finding?.range;
	return typeof finding?.ruleId === 'string' && RUN_LINE_RULES.has(finding.ruleId) && finding.scope === 'line' && typeof finding.message === 'string'
		&& (finding.severity === 'error' || finding.severity === 'warning' || finding.severity === 'info')
		&& typeof range === 'object' && range !== null && [range.line, range.column, range.endLine, range.endColumn].every((value) => Number.isInteger(value) && value >= 0);
}

async function readJson(file: string): Promise<unknown> {
	try {
		return JSON.parse(await fs.readFile(file, 'utf8')) as unknown;
	} catch {
		return undefined;
	}
}
