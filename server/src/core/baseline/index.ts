/**
 * The baseline: findings a user accepted, stored as fingerprints in `.tunelint-baseline.json` beside the data (in the
 * workspace folder), shared by the editor and the CLI, so that accepted findings stop being reported without any
 * edit of the data. A fingerprint depends on the rule and the text of the finding's line (or, for a dataset-level
 * finding, its message without numbers), never on the line number: moving records around keeps them accepted, and
 * editing an accepted record brings its findings back.
 */
import { hashString53 } from '../dedup/hash';
import type { Finding } from '../types';

/** The name of the baseline file in a workspace folder (or the CLI's current directory). */
export const BASELINE_FILE_NAME = '.tunelint-baseline.json';

/** One accepted finding. `file` is relative to the baseline file's folder, with forward slashes. */
export interface BaselineEntry {
	file: string;
	ruleId: string;
	fingerprint: string;
	/** The message when it was accepted, for people reading the file. */
	message: string;
}

/** The content of a baseline file. */
export interface Baseline {
	version: 1;
	findings: BaselineEntry[];
}

/** An empty baseline. */
export function emptyBaseline(): Baseline {
	return { version: 1, findings: [] };
}

/** Reads a baseline file's text; a malformed file is reported, never thrown, and suppresses nothing. */
export function parseBaseline(text: string): { baseline: Baseline; problem?: string } {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (error) {
		return { baseline: emptyBaseline(), problem: `not valid JSON (${(error as Error).message})` };
	}
	const findings = (value as { findings?: unknown })?.findings;
	if (typeof value !== 'object' || value === null || !Array.isArray(findings)) {
		return { baseline: emptyBaseline(), problem: 'expected an object with a "findings" array' };
	}
	const entries = findings.filter((item): item is BaselineEntry => typeof item === 'object' && item !== null
		&& typeof item.file === 'string' && typeof item.ruleId === 'string' && typeof item.fingerprint === 'string');
	const skipped = findings.length - entries.length;
	return {
		baseline: { version: 1, findings: entries.map((entry) => ({ file: entry.file, ruleId: entry.ruleId, fingerprint: entry.fingerprint, message: typeof entry.message === 'string' ? entry.message : '' })) },
		...(skipped > 0 ? { problem: `${skipped} entries without file, ruleId and fingerprint were ignored` } : {}),
	};
}

/** The file's text: sorted entries, one per line, so that diffs of the baseline stay readable. */
export function serializeBaseline(baseline: Baseline): string {
	const sorted = [...baseline.findings].sort((a, b) => a.file.localeCompare(b.file) || a.ruleId.localeCompare(b.ruleId) || a.fingerprint.localeCompare(b.fingerprint));
	const lines = sorted.map((entry) => `\t\t${JSON.stringify(entry)}`);
	return `{\n\t"version": 1,\n\t"findings": [${lines.length === 0 ? '' : `\n${lines.join(',\n')}\n\t`}]\n}\n`;
}

/** The fingerprint of a finding; `lineText` is the text of its line (unused for dataset-level findings). */
export function fingerprint(finding: Finding, lineText: string | undefined): string {
	const subject = finding.scope === 'file' ? `file\u0000${finding.message.replace(/\d+(?:[.,]\d+)*/g, '#')}` : `line\u0000${lineText ?? ''}\u0000${finding.range.column}`;
	return hashString53(`${finding.ruleId}\u0000${subject}`).toString(16).padStart(14, '0');
}

/** The entries for `file`, as a multiset of `ruleId fingerprint` keys: N entries accept N equal findings. */
function acceptedCounts(baseline: Baseline, file: string): Map<string, number> {
	const counts = new Map<string, number>();
	for (const entry of baseline.findings) {
		if (entry.file === file) {
			const key = `${entry.ruleId} ${entry.fingerprint}`;
			counts.set(key, (counts.get(key) ?? 0) + 1);
		}
	}
	return counts;
}

/** Findings split into those still reported and those the baseline accepts. */
export interface BaselineSplit {
	reported: Finding[];
	accepted: Finding[];
}

/** Splits the findings of `file` by the baseline; `lineText(n)` gives the text of line n. */
export function applyBaseline(findings: readonly Finding[], baseline: Baseline, file: string, lineText: (line: number) => string | undefined): BaselineSplit {
	const remaining = acceptedCounts(baseline, file);
	const split: BaselineSplit = { reported: [], accepted: [] };
	if (remaining.size === 0) {
		split.reported = [...findings];
		return split;
	}
	for (const finding of findings) {
		const key = `${finding.ruleId} ${fingerprint(finding, lineText(finding.range.line))}`;
		const left = remaining.get(key) ?? 0;
		if (left > 0) {
			remaining.set(key, left - 1);
			split.accepted.push(finding);
		} else {
			split.reported.push(finding);
		}
	}
	return split;
}

/** The baseline entry that accepts a finding. */
export function baselineEntry(finding: Finding, file: string, lineText: string | undefined): BaselineEntry {
	return { file, ruleId: finding.ruleId, fingerprint: fingerprint(finding, lineText), message: finding.message };
}

/** A baseline with `entries` added. */
export function withEntries(baseline: Baseline, entries: readonly BaselineEntry[]): Baseline {
	return { version: 1, findings: [...baseline.findings, ...entries] };
}

/** The lint result without the accepted findings; the counts drop by the accepted findings' severities. */
export function withoutAccepted<T extends { findings: Finding[]; counts: Record<Finding['severity'], number> }>(result: T, split: BaselineSplit): T {
	const counts = { ...result.counts };
	for (const finding of split.accepted) {
		counts[finding.severity] = Math.max(0, counts[finding.severity] - 1);
	}
	return { ...result, findings: split.reported, counts };
}
