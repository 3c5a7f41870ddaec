/**
 * The data of an audit report, as plain JSON: `tunelint audit --format json` prints it, and the HTML report and the
 * editor's webview render it. Lines are 0-based everywhere (the renderer shows them 1-based).
 */

/** A finding's severity (the engine's ReportedSeverity; this file imports nothing so that the webview can use it). */
export type AuditSeverity = 'error' | 'warning' | 'info';

/** Version of this shape; bump when a field changes meaning. */
export const AUDIT_DATA_VERSION = 1;

/** The whole report. */
export interface AuditData {
	version: number;
	file: string;
	summary: AuditSummary;
	rules: RuleCount[];
	findings: FindingRow[];
	/** True when `findings` holds fewer rows than the lint produced (the counts stay exact). */
	findingsTruncated: boolean;
	labels: LabelDistribution;
	lengthHistogram: Histogram;
	tokenHistogram: Histogram;
	heatmap: GroupLabelHeatmap;
	duplicates: DuplicateSummary;
	triggers: TriggerRow[];
	runs: AuditRun[];
}

/** Facts about the file and the lint. */
export interface AuditSummary {
	lines: number;
	records: number;
	format: string | null;
	formatCounts: Record<string, number>;
	sizeBytes: number | null;
	lintMs: number | null;
	problems: Record<AuditSeverity, number>;
	tokens: TokenSummary;
}

/** Token statistics; above `sampleLimit` records they come from a deterministic sample, which the report says. */
export interface TokenSummary {
	tokenizer: string;
	/** Records whose tokens were counted. */
	counted: number;
	sampled: boolean;
	/** Every `stride`-th record was counted (1 when all were). */
	stride: number;
	/** Exact when not sampled; otherwise the sample mean times the records. */
	total: number;
	median: number;
	p95: number;
}

/** How many findings of each severity one rule produced, with its one-line explanation. */
export interface RuleCount {
	ruleId: string;
	category: string;
	description: string;
	error: number;
	warning: number;
	info: number;
}

/** One row of the findings table. */
export interface FindingRow {
	line: number;
	column: number;
	ruleId: string;
	severity: AuditSeverity;
	message: string;
	scope: 'line' | 'file';
}

/** Records per label; `lines` lists (some of) the lines of each label, for click-to-filter. */
export interface LabelDistribution {
	source: 'label' | 'answer' | null;
	/** Why there is no distribution, when there is none (e.g. generative answers). */
	note: string | null;
	counts: Array<{ label: string; count: number; lines: number[] }>;
}

/** Equal-width bins; the last bin also holds everything above its start (outliers beyond the 99th percentile). */
export interface Histogram {
	unit: string;
	/** Values counted (records, or the token sample). */
	values: number;
	bins: Array<{ from: number; to: number; count: number; lines: number[] }>;
}

/** Records with each label among the records that mention each identity group (the tested groups). */
export interface GroupLabelHeatmap {
	labelSource: string | null;
	labels: string[];
	rows: Array<{
		axis: string;
		group: string;
		records: number;
		cells: Array<{ label: string; count: number; rate: number; overallRate: number; pValue: number; significant: boolean }>;
	}>;
	untestedGroups: number;
}

/** Exact and near duplicate clusters, from the duplicate rules' findings. */
export interface DuplicateSummary {
	exactClusters: number;
	nearClusters: number;
	/** How many clusters have each size, with (some of) their lines. */
	sizeDistribution: Array<{ size: number; exact: number; near: number; lines: number[] }>;
	/** The biggest clusters with the (clipped) text of their first record. */
	biggest: Array<{ kind: 'exact' | 'near'; size: number; lines: number[]; text: string }>;
}

/** A trigger candidate of the poisoning rule and the lines that carry it. */
export interface TriggerRow {
	ngram: string;
	label: string;
	support: number;
	purity: number;
	pValue: number;
	lines: number[];
}

/** A saved validation fine-tune (issue 7) of this dataset, reduced to what the report draws. */
export interface AuditRun {
	id: string;
	backend: string;
	seconds: number;
	accuracy: number | null;
	macroF1: number | null;
	history: Array<{ epoch: number; loss: number; valLoss: number | null; accuracy: number; valAccuracy: number | null }>;
	learningCurve: Array<{ share: number; records: number; accuracy: number; loss: number }>;
	labelIssues: Array<{ line: number; given: string; suggested: string; probability: number }>;
	groups: Array<{ group: string; records: number; accuracy: number | null; gap: number | null; pValue: number | null }>;
}
