import { promises as fs } from 'node:fs';
import * as path from 'node:path';

import { effectiveSeverity, splitLines, type Settings } from '../core';
import { RuleOptions } from '../core/rule';
import { splitCompanions } from '../core/dedup/crossFile';
import { checkSplitLeakage, splitLeakage } from '../core/rules/split-leakage';
import { ConfigError } from './config';
import type { FileReport } from './reporters/types';

/**
 * Adds `split-leakage` findings to a file's report: against each `--against` file, or else the rule's `against` option
 * (paths relative to the file's folder), or else the files paired with it by name in its folder (x_train.jsonl with
 * x_valid/x_val/x_dev/x_test/x_eval.jsonl, and back).
 */
export async function addSplitLeakage(report: FileReport, against: readonly string[], settings: Settings): Promise<void> {
	if (effectiveSeverity(splitLeakage, settings) === undefined) {
		return;
	}
	const named = new RuleOptions(settings.ruleOptions['split-leakage'] ?? {}).strings('against', []).map((name) => path.join(path.dirname(report.file), name));
	const explicit = against.length > 0 ? against : named;
	const companions = explicit.length > 0 ? explicit.filter((file) => path.resolve(file) !== path.resolve(report.file)) : await pairedByName(report.file);
	if (companions.length === 0) {
		return;
	}
	const lines = splitLines(await readText(report.file));
	for (const companion of companions) {
		const findings = checkSplitLeakage(lines, { name: companion, lines: splitLines(await readText(companion)) }, settings);
		for (const finding of findings) {
			report.result.counts[finding.severity]++;
		}
		report.result.findings.push(...findings);
	}
	report.result.findings.sort((a, b) => a.range.line - b.range.line || a.range.column - b.range.column);
}

async function pairedByName(file: string): Promise<string[]> {
	const directory = path.dirname(file);
	const siblings = await fs.readdir(directory).catch(() => [] as string[]);
	return splitCompanions(path.basename(file), siblings).map((name) => path.join(directory, name));
}

async function readText(file: string): Promise<string> {
	try {
		return await fs.readFile(file, 'utf8');
	} catch (error) {
		throw new ConfigError(`${file}: cannot read the file for split-leakage: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
	}
}
