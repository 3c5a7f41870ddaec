import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { effectiveSeverity, splitLines, type LintResult, type Settings } from '../core';
import { RuleOptions } from '../core/rule';
import { splitCompanions } from '../core/dedup/crossFile';
import { checkSplitLeakage, splitLeakage } from '../core/rules/split-leakage';

/**
 * `split-leakage` in the editor: an open `x_train.jsonl` is checked against `x_valid.jsonl`, `x_test.jsonl` … beside it
 * on disk (and a held-out file against its training file), or against the files named in the rule's `against` option
 * (paths relative to the document's folder). Companion files are read once per modification time.
 */
export class SplitLeakageService {
	private readonly companions = new Map<string, { mtimeMs: number; lines: string[] }>();

	/** Adds the leakage findings of the document to its lint result (unchanged when nothing is paired or the rule is off). */
	async augment(uri: string, lines: readonly string[], result: LintResult, settings: Settings): Promise<LintResult> {
		if (!uri.startsWith('file:') || effectiveSeverity(splitLeakage, settings) === undefined) {
			return result;
		}
		const file = fileURLToPath(uri);
		const directory = path.dirname(file);
		const siblings = await fs.readdir(directory).catch(() => [] as string[]);
		const findings = [...result.findings];
		const counts = { ...result.counts };
		const named = new RuleOptions(settings.ruleOptions['split-leakage'] ?? {}).strings('against', []);
		const companions = named.length > 0 ? named.filter((name) => path.resolve(directory, name) !== file) : splitCompanions(path.basename(file), siblings);
		for (const name of companions) {
			const companion = await this.read(path.join(directory, name));
			if (companion === undefined) {
				continue;
			}
			const companionUri = pathToFileURL(path.join(directory, name)).toString();
			for (const finding of checkSplitLeakage(lines, { name, lines: companion }, settings)) {
				counts[finding.severity]++;
				// Messages name the file as the user sees it; related locations need its URI.
				findings.push({ ...finding, related: finding.related?.map((related) => ({ ...related, file: companionUri })) });
			}
		}
		if (findings.length === result.findings.length) {
			return result;
		}
		findings.sort((a, b) => a.range.line - b.range.line || a.range.column - b.range.column);
		return { ...result, findings, counts };
	}

	private async read(file: string): Promise<string[] | undefined> {
		const stat = await fs.stat(file).catch(() => undefined);
		if (stat === undefined || !stat.isFile()) {
			this.companions.delete(file);
			return undefined;
		}
		const cached = this.companions.get(file);
		if (cached !== undefined && cached.mtimeMs === stat.mtimeMs) {
			return cached.lines;
		}
		const text = await fs.readFile(file, 'utf8').catch(() => undefined);
		if (text === undefined) {
			return undefined;
		}
		const lines = splitLines(text);
		this.companions.set(file, { mtimeMs: stat.mtimeMs, lines });
		return lines;
	}
}
