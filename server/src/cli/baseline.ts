/**
 * `tunelint check --baseline FILE` leaves out the findings FILE accepts (the `.tunelint-baseline.json` the editor's
 * "Accept this finding" writes); `--update-baseline` writes every current finding into it (FILE, or
 * `.tunelint-baseline.json` in the current directory), so that from then on only new findings are reported.
 * Files are named relative to the baseline file's folder, as the editor names them relative to the workspace folder.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { applyBaseline, BASELINE_FILE_NAME, baselineEntry, parseBaseline, serializeBaseline, withoutAccepted, type Baseline, type BaselineEntry } from '../core/baseline';
import { readLines } from '../node/readLines';
import { ConfigError } from './config';
import type { CliIo } from './io';
import type { FileReport } from './reporters/types';

/** The baseline options of `check`. */
export interface BaselineOptions {
	baseline?: string;
	update: boolean;
}

/** Applies (or first updates, then applies) the baseline to the reports, in place. */
export async function applyCliBaseline(reports: FileReport[], options: BaselineOptions, io: CliIo): Promise<void> {
	const baselineFile = options.baseline ?? (options.update ? path.join(process.cwd(), BASELINE_FILE_NAME) : undefined);
	if (baselineFile === undefined) {
		return;
	}
	const root = path.dirname(path.resolve(baselineFile));
	const nameOf = (file: string): string => path.relative(root, path.resolve(file)).split(path.sep).join('/');
	let baseline: Baseline;
	if (options.update) {
		const entries: BaselineEntry[] = [];
		for (const report of reports) {
			const texts = await lineTexts(report.file, new Set(report.result.findings.filter((finding) => finding.scope === 'line').map((finding) => finding.range.line)));
			entries.push(...report.result.findings.map((finding) => baselineEntry(finding, nameOf(report.file), texts.get(finding.range.line))));
		}
		baseline = { version: 1, findings: entries };
		// The user asked for this file to be (re)written with --update-baseline.
		await fs.writeFile(baselineFile, serializeBaseline(baseline));
		io.err(`tunelint: wrote ${entries.length} accepted findings to ${baselineFile}`);
	} else {
		const text = await fs.readFile(baselineFile, 'utf8').catch((error: NodeJS.ErrnoException) => {
			throw new ConfigError(`--baseline ${baselineFile}: cannot read the file (${error.code ?? error.message})`);
		});
		const parsed = parseBaseline(text);
		if (parsed.problem !== undefined) {
			io.err(`tunelint: warning: ${baselineFile}: ${parsed.problem}`);
		}
		baseline = parsed.baseline;
	}
	for (const report of reports) {
		const texts = await lineTexts(report.file, new Set(report.result.findings.map((finding) => finding.range.line)));
		const split = applyBaseline(report.result.findings, baseline, nameOf(report.file), (line) => texts.get(line));
		report.result = withoutAccepted(report.result, split);
	}
}

/** The texts of some lines of a file, read streaming. */
async function lineTexts(file: string, wanted: ReadonlySet<number>): Promise<Map<number, string>> {
	const texts = new Map<number, string>();
	if (wanted.size === 0) {
		return texts;
	}
	const last = Math.max(...wanted);
	let line = 0;
	for await (const text of readLines(file)) {
		if (wanted.has(line)) {
			texts.set(line, text);
		}
		if (line++ >= last) {
			break;
		}
	}
	return texts;
}
