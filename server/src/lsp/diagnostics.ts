import { DiagnosticSeverity, DiagnosticTag, type Diagnostic } from 'vscode-languageserver';
import { ruleById, type Finding, type LintResult, type Settings } from '../core';
import { thresholdMarkdown } from './thresholds';

/** Every diagnostic says where it comes from with this source. */
export const DIAGNOSTIC_SOURCE = 'tunelint';
export const RULE_DOCS_BASE = 'https://github.com/tunelint/tunelint/blob/main/docs/rules.md';

const SEVERITIES = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information } as const;

/** What a diagnostic carries back to the server in code-action requests. */
export interface DiagnosticData {
	ruleId: string;
	/** The index of the finding in the lint result the diagnostic came from. */
	index: number;
}

/** Turns a finding into an LSP diagnostic; `uri` is needed for related locations in the same file. */
export function toDiagnostic(finding: Finding, index: number, uri: string): Diagnostic {
	const diagnostic: Diagnostic = {
		range: { start: { line: finding.range.line, character: finding.range.column }, end: { line: finding.range.endLine, character: finding.range.endColumn } },
		severity: SEVERITIES[finding.severity],
		source: DIAGNOSTIC_SOURCE,
		code: finding.ruleId,
		codeDescription: { href: `${RULE_DOCS_BASE}#${finding.ruleId}` },
		message: finding.message,
		data: { ruleId: finding.ruleId, index } satisfies DiagnosticData,
	};
	if (finding.related !== undefined && finding.related.length > 0) {
		diagnostic.relatedInformation = finding.related.slice(0, 50).map((related) => ({
			location: { uri: related.file ?? uri, range: { start: { line: related.line, character: 0 }, end: { line: related.line, character: 0 } } },
			message: related.message,
		}));
	}
	if (finding.ruleId === 'blank-line') {
		diagnostic.tags = [DiagnosticTag.Unnecessary];
	}
	return diagnostic;
}

/** All diagnostics of a lint, plus a note on line 0 when the result was capped at maxProblems. */
export function toDiagnostics(result: LintResult, uri: string, maxProblems: number): Diagnostic[] {
	const diagnostics = result.findings.map((finding, index) => toDiagnostic(finding, index, uri));
	if (result.truncated) {
		const total = result.counts.error + result.counts.warning + result.counts.info;
		diagnostics.push({
			range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
			severity: DiagnosticSeverity.Information,
			source: DIAGNOSTIC_SOURCE,
			code: 'max-problems',
			message: `Showing ${result.findings.length} of ${total} problems (tunelint.maxProblems is ${maxProblems}). Run the audit or the CLI for the full list.`,
		});
	}
	return diagnostics;
}

/**
 * Markdown for a hover on a finding: what the rule checks, the message, its evidence, the threshold in effect and
 * the setting that changes it (from the document's settings when given).
 */
export function hoverMarkdown(finding: Finding, settings?: Settings): string {
	const rule = ruleById(finding.ruleId);
	const lines = [`**${finding.ruleId}** (${finding.severity}) — ${finding.message}`, ''];
	if (rule !== undefined) {
		lines.push(rule.description, '');
	}
	const data = finding.data ?? {};
	const { distribution, ...evidence } = data;
	const entries = Object.entries(evidence).filter(([, value]) => value !== undefined);
	if (entries.length > 0) {
		lines.push('| evidence | value |', '| --- | --- |');
		for (const [key, value] of entries.slice(0, 20)) {
			lines.push(`| ${escapeCell(key)} | ${escapeCell(formatValue(value))} |`);
		}
		lines.push('');
	}
	if (isCounts(distribution)) {
		lines.push(...distributionTable(distribution), '');
	}
	const thresholds = thresholdMarkdown(finding.ruleId, settings);
	if (thresholds.length > 0) {
		lines.push(...thresholds, '');
	}
	lines.push(`[Rule documentation](${RULE_DOCS_BASE}#${finding.ruleId})`);
	return lines.join('\n');
}

/** A label distribution in full (the message names the largest classes only): one row per class, largest first. */
function distributionTable(counts: Record<string, number>): string[] {
	const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
	const rows = Object.entries(counts).sort((a, b) => b[1] - a[1]).map(([label, count]) => `| ${escapeCell(JSON.stringify(label))} | ${count} | ${((100 * count) / total).toFixed(1)}% |`);
	return ['| label | records | share |', '| --- | --- | --- |', ...rows];
}

function isCounts(value: unknown): value is Record<string, number> {
	return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((count) => typeof count === 'number');
}

function formatValue(value: unknown): string {
	if (typeof value === 'number') {
		return Number.isInteger(value) ? String(value) : value.toPrecision(4);
	}
	const text = typeof value === 'string' ? value : JSON.stringify(value);
	return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** Dataset text is untrusted: escape what Markdown would interpret, and pipes that would break the table. */
function escapeCell(text: string): string {
	return text.replace(/[\\`*_{}[\]()#+!<>|]/g, (char) => `\\${char}`).replace(/\n/g, ' ');
}
