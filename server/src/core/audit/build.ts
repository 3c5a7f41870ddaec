/**
 * Computes the audit report's data once, from the lint result and one more pass over the lines. Everything the report
 * shows comes from here, so the HTML export, the JSON export and the editor's webview always agree.
 */
import { labelOf, isClassificationLike, MAX_ANSWER_CLASSES } from '../balance/labels';
import { detectRecordFormat } from '../formats';
import { startAudit } from '../fairness/audit';
import { auditOptionsFrom } from '../fairness/ruleInput';
import { fairnessLexicon } from '../fairness/settings';
import type { LintResult } from '../engine';
import { parseLine } from '../records';
import { createLineInput, RuleOptions } from '../rule';
import { ruleById } from '../rules';
import { countTokens, TOKENIZER_NAME, TOKENS_PER_CONVERSATION, TOKENS_PER_MESSAGE } from '../tokens';
import type { Finding, Settings } from '../types';
import { duplicateSummary, linesOfBiggestClusters } from './duplicates';
import { histogram, percentile } from './histogram';
import { AUDIT_DATA_VERSION, type AuditData, type AuditRun, type FindingRow, type GroupLabelHeatmap, type LabelDistribution, type RuleCount, type TriggerRow } from './types';

/** What the adapter knows beyond the lines: the file's name and size, the lint's duration, saved runs. */
export interface AuditInput {
	file: string;
	sizeBytes?: number;
	lintMs?: number;
	runs?: AuditRun[];
	/** Above this many records, tokens are counted on every n-th record only (default 2,000). */
	tokenSampleLimit?: number;
	/** At most this many findings go into the table (default 5,000). */
	maxFindingRows?: number;
}

/** Lines listed per chart element for click-to-filter; the counts stay exact. */
const MAX_LINES_PER_ELEMENT = 500;
const CLIPPED_TEXT = 300;

/** Builds the audit of a dataset; `lines` must be the same lines `lint` was computed from. */
export async function buildAudit(lines: Iterable<string> | AsyncIterable<string>, lint: LintResult, settings: Settings, input: AuditInput): Promise<AuditData> {
	const sampleLimit = input.tokenSampleLimit ?? 2000;
	const stride = Math.max(1, Math.ceil(lint.recordCount / sampleLimit));
	const wanted = linesOfBiggestClusters(lint.findings);
	const clusterTexts = new Map<number, string>();
	const lengths: Array<{ line: number; value: number }> = [];
	const tokens: Array<{ line: number; value: number }> = [];
	const labels = new Map<string, { count: number; lines: number[] }>();
	let labelled = 0;
	let labelOverflow = false;
	const { lexicon } = fairnessLexicon(settings);
	const fairness = startAudit(lexicon, auditOptionsFrom(new RuleOptions(settings.ruleOptions['group-label-association'] ?? {})));
	let lineNumber = 0;
	let recordIndex = 0;
	for await (const text of lines) {
		const line = lineNumber++;
		const parsed = parseLine(text);
		if (parsed.kind !== 'value' || typeof parsed.value !== 'object' || parsed.value === null || Array.isArray(parsed.value)) {
			continue;
		}
		const entry = createLineInput(parsed, detectRecordFormat(parsed.value, settings.fields), settings);
		entry.line = line;
		const content = entry.content();
		if (content === undefined) {
			continue;
		}
		lengths.push({ line, value: content.text.length });
		if (recordIndex++ % stride === 0) {
			const overhead = content.turns.length > 0 ? content.turns.length * TOKENS_PER_MESSAGE + TOKENS_PER_CONVERSATION : 0;
			const texts = content.turns.length > 0 ? content.turns.map((turn) => turn.content) : [content.text];
			tokens.push({ line, value: texts.reduce((sum, item) => sum + countTokens(item), overhead) });
		}
		if (wanted.has(line)) {
			clusterTexts.set(line, content.text.slice(0, CLIPPED_TEXT));
		}
		const label = labelOf(entry);
		if (label !== undefined) {
			labelled++;
			const slot = labels.get(label.label);
			if (slot !== undefined) {
				slot.count++;
				if (slot.lines.length < MAX_LINES_PER_ELEMENT) {
					slot.lines.push(line);
				}
			} else if (labels.size < MAX_ANSWER_CLASSES) {
				labels.set(label.label, { count: 1, lines: [line] });
			} else {
				labelOverflow = true;
			}
		}
		fairness.add(content);
	}
	const tokenValues = tokens.map((item) => item.value).sort((a, b) => a - b);
	const tokenSum = tokenValues.reduce((sum, value) => sum + value, 0);
	const sampled = stride > 1;
	return {
		version: AUDIT_DATA_VERSION,
		file: input.file,
		summary: {
			lines: lint.lineCount,
			records: lint.recordCount,
			format: lint.format ?? null,
			formatCounts: lint.formatCounts,
			sizeBytes: input.sizeBytes ?? null,
			lintMs: input.lintMs === undefined ? null : Math.round(input.lintMs),
			problems: lint.counts,
			tokens: {
				tokenizer: TOKENIZER_NAME,
				counted: tokens.length,
				sampled,
				stride,
				total: sampled && tokens.length > 0 ? Math.round((tokenSum / tokens.length) * lengths.length) : tokenSum,
				median: percentile(tokenValues, 0.5),
				p95: percentile(tokenValues, 0.95),
			},
		},
		rules: ruleCounts(lint.findings),
		findings: lint.findings.slice(0, input.maxFindingRows ?? 5000).map(findingRow),
		findingsTruncated: lint.truncated || lint.findings.length > (input.maxFindingRows ?? 5000),
		labels: labelDistribution(labels, labelled, labelOverflow, lint),
		lengthHistogram: histogram(lengths, 'characters', MAX_LINES_PER_ELEMENT),
		tokenHistogram: histogram(tokens, `${TOKENIZER_NAME} tokens`, MAX_LINES_PER_ELEMENT),
		heatmap: heatmapOf(fairness.finish()),
		duplicates: duplicateSummary(lint.findings, clusterTexts),
		triggers: triggerRows(lint.findings),
		runs: input.runs ?? [],
	};
}

function findingRow(finding: Finding): FindingRow {
	return { line: finding.range.line, column: finding.range.column, ruleId: finding.ruleId, severity: finding.severity, message: finding.message, scope: finding.scope };
}

/**
 * Counts per rule from the kept findings. When the lint was capped the per-rule split covers the kept findings only;
 * the summary's totals stay exact and the report says the table was capped.
 */
function ruleCounts(findings: readonly Finding[]): RuleCount[] {
	const counts = new Map<string, RuleCount>();
	for (const finding of findings) {
		let row = counts.get(finding.ruleId);
		if (row === undefined) {
			const rule = ruleById(finding.ruleId);
			row = { ruleId: finding.ruleId, category: rule?.category ?? '', description: rule?.description ?? '', error: 0, warning: 0, info: 0 };
			counts.set(finding.ruleId, row);
		}
		row[finding.severity]++;
	}
	return [...counts.values()].sort((a, b) => b.error - a.error || b.warning - a.warning || b.info - a.info || a.ruleId.localeCompare(b.ruleId));
}

function labelDistribution(labels: Map<string, { count: number; lines: number[] }>, labelled: number, overflow: boolean, lint: LintResult): LabelDistribution {
	const source = lint.format === 'classification' || lint.format === 'unpaired-preference' ? 'label' : 'answer';
	if (labelled === 0) {
		return { source: null, note: 'The records have no labels (no label field, and no final answers to count).', counts: [] };
	}
	if (overflow || !isClassificationLike(lint.format, labels.size, labelled)) {
		return { source: null, note: `The final answers are free text (${overflow ? `more than ${MAX_ANSWER_CLASSES}` : labels.size} distinct answers), not a label set.`, counts: [] };
	}
	const counts = [...labels].map(([label, slot]) => ({ label, count: slot.count, lines: slot.lines })).sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
	return { source, note: null, counts };
}

function heatmapOf(audit: ReturnType<ReturnType<typeof startAudit>['finish']>): GroupLabelHeatmap {
	const rows = new Map<string, GroupLabelHeatmap['rows'][number]>();
	for (const row of audit.association.rows) {
		const key = `${row.axis}\u0000${row.group}`;
		let target = rows.get(key);
		if (target === undefined) {
			target = { axis: row.axis, group: row.group, records: row.count, cells: [] };
			rows.set(key, target);
		}
		target.cells.push({ label: row.label, count: row.labelCount, rate: row.groupRate, overallRate: row.overallRate, pValue: row.adjustedPValue, significant: row.significant });
	}
	return { labelSource: audit.labelSource ?? null, labels: audit.association.labels, rows: [...rows.values()], untestedGroups: audit.association.untestedGroups.length };
}

/** The trigger-candidate rule's dataset finding lists the candidates; its line findings say which lines carry each. */
function triggerRows(findings: readonly Finding[]): TriggerRow[] {
	const rows = new Map<string, TriggerRow>();
	for (const finding of findings) {
		const data = finding.data;
		if (finding.ruleId !== 'trigger-candidate' || data === undefined) {
			continue;
		}
		if (Array.isArray(data.candidates)) {
			for (const candidate of data.candidates as Array<Record<string, unknown>>) {
				const key = `${String(candidate.ngram)}\u0000${String(candidate.label)}`;
				rows.set(key, { ngram: String(candidate.ngram), label: String(candidate.label), support: Number(candidate.support), purity: Number(candidate.purity), pValue: Number(candidate.pValue), lines: rows.get(key)?.lines ?? [] });
			}
		} else if (typeof data.ngram === 'string') {
			const key = `${data.ngram}\u0000${String(data.label)}`;
			const row = rows.get(key) ?? { ngram: data.ngram, label: String(data.label), support: Number(data.support), purity: Number(data.purity), pValue: Number(data.pValue), lines: [] };
			if (row.lines.length < MAX_LINES_PER_ELEMENT) {
				row.lines.push(finding.range.line);
			}
			rows.set(key, row);
		}
	}
	return [...rows.values()].sort((a, b) => a.pValue - b.pValue || b.support - a.support);
}
