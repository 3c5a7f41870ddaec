/**
 * The baseline in the editor: accepted findings (`.tunelint-baseline.json` in the workspace folder, the file the CLI
 * reads with --baseline) are left out of the diagnostics, and every finding gets the quick fix "Accept this finding",
 * which adds it to the file and re-lints.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CodeActionKind, type CodeAction, type Diagnostic } from 'vscode-languageserver';
import { URI } from 'vscode-uri';
import type { LintResult } from '../core';
import { applyBaseline, BASELINE_FILE_NAME, baselineEntry, emptyBaseline, parseBaseline, serializeBaseline, withEntries, withoutAccepted, type Baseline, type BaselineEntry } from '../core/baseline';
import type { DiagnosticData } from './diagnostics';

/** The command of the quick fix; arguments: the baseline file path and the entry. */
export const ACCEPT_FINDING_COMMAND = 'tunelint.server.acceptFinding';

/** Where a document's baseline is and how the document is named in it. */
interface BaselineTarget {
	baselineFile: string;
	file: string;
}

export class BaselineService {
	private readonly cache = new Map<string, { mtimeMs: number; baseline: Baseline }>();

	constructor(private readonly folderOf: (uri: string) => string | undefined, private readonly refresh: () => void) {}

	/** The lint result without the findings the baseline accepts. */
	async augment(uri: string, lines: readonly string[], result: LintResult): Promise<LintResult> {
		const target = this.targetOf(uri);
		if (target === undefined) {
			return result;
		}
		const baseline = await this.load(target.baselineFile);
		if (baseline.findings.length === 0) {
			return result;
		}
		return withoutAccepted(result, applyBaseline(result.findings, baseline, target.file, (line) => lines[line]));
	}

	/** "Accept this finding" for each Tunelint diagnostic of the request. */
	codeActions(uri: string, diagnostics: readonly Diagnostic[], result: LintResult, lines: readonly string[]): CodeAction[] {
		const target = this.targetOf(uri);
		if (target === undefined) {
			return [];
		}
		return diagnostics.flatMap((diagnostic): CodeAction[] => {
			const data = diagnostic.data as DiagnosticData | undefined;
			const finding = data === undefined ? undefined : result.findings[data.index];
			if (finding === undefined || finding.ruleId !== data?.ruleId) {
				return [];
			}
			const title = `Accept this finding (add it to ${BASELINE_FILE_NAME})`;
			const entry = baselineEntry(finding, target.file, lines[finding.range.line]);
			return [{ title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], command: { title, command: ACCEPT_FINDING_COMMAND, arguments: [target.baselineFile, entry] } }];
		});
	}

	/** Adds the entry to the baseline file (creating it) and re-lints. */
	async accept(args: readonly unknown[]): Promise<void> {
		const [baselineFile, entry] = args as [unknown, Partial<BaselineEntry> | undefined];
		if (typeof baselineFile !== 'string' || path.basename(baselineFile) !== BASELINE_FILE_NAME || typeof entry?.file !== 'string' || typeof entry.ruleId !== 'string' || typeof entry.fingerprint !== 'string') {
			throw new Error('Accept this finding: malformed arguments');
		}
		const text = await fs.readFile(baselineFile, 'utf8').catch(() => undefined);
		let baseline = emptyBaseline();
		if (text !== undefined) {
			const parsed = parseBaseline(text);
			// Never replace a file we cannot read with one that would drop its entries.
			if (parsed.problem !== undefined && parsed.baseline.findings.length === 0) {
				throw new Error(`${baselineFile} is ${parsed.problem}; fix or delete it first (it was left as it is)`);
			}
			baseline = parsed.baseline;
		}
		await fs.writeFile(baselineFile, serializeBaseline(withEntries(baseline, [{ file: entry.file, ruleId: entry.ruleId, fingerprint: entry.fingerprint, message: String(entry.message ?? '') }])));
		this.cache.delete(baselineFile);
		this.refresh();
	}

	/** Forgets cached baselines (the file changed on disk). */
	forget(): void {
		this.cache.clear();
	}

	private targetOf(uri: string): BaselineTarget | undefined {
		if (!uri.startsWith('file:')) {
			return undefined;
		}
		const file = URI.parse(uri).fsPath;
		const folder = this.folderOf(uri);
		const root = folder === undefined ? path.dirname(file) : URI.parse(folder).fsPath;
		return { baselineFile: path.join(root, BASELINE_FILE_NAME), file: path.relative(root, file).split(path.sep).join('/') };
	}

	private async load(baselineFile: string): Promise<Baseline> {
		const stat = await fs.stat(baselineFile).catch(() => undefined);
		if (stat === undefined) {
			return emptyBaseline();
		}
		const cached = this.cache.get(baselineFile);
		if (cached !== undefined && cached.mtimeMs === stat.mtimeMs) {
			return cached.baseline;
		}
		const { baseline } = parseBaseline(await fs.readFile(baselineFile, 'utf8'));
		this.cache.set(baselineFile, { mtimeMs: stat.mtimeMs, baseline });
		return baseline;
	}
}
