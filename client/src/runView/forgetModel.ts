/**
 * The run view's model of a `tunelint forget --format json` result (server/src/training/forget/probe.ts,
 * ForgetReport): the table of mitigations with the base accuracy before fine-tuning as its first row, and a picture
 * of retention against new-task accuracy, the trade-off the probe is about. Pure and defensive, like model.ts.
 */
import { type ChartColor, type ChartMarker, type ChartModel, type ChartSeries, type DetailModel, type Fact, formatMetric, formatParams, isFiniteNumber, isRecord, type TableModel } from './model';

/** The `tunelint forget --format json` object, as far as the view reads it. */
export interface ForgetReportInput {
	base?: unknown;
	target?: unknown;
	rows?: unknown;
	seed?: unknown;
}

/** A row of the report that has what the table needs. */
export interface ForgetRowInput {
	method: string;
	params: Record<string, unknown>;
	retention: number;
	baseAfter: number | null;
	newTask: number;
}

/** The colour of each mitigation in the chart; other methods take the remaining colours in turn. */
const METHOD_COLORS: Record<string, ChartColor> = { plain: 'red', replay: 'blue', 'l2-sp': 'green', ewc: 'purple', distillation: 'yellow' };

/** The rows of a report that can be shown (a method, a retention and a new-task accuracy), in their order. */
export function forgetRows(report: ForgetReportInput): ForgetRowInput[] {
	return (Array.isArray(report.rows) ? report.rows : []).filter(isRecord).flatMap((row) => (typeof row.method === 'string' && isFiniteNumber(row.retention) && isFiniteNumber(row.newTask)
		? [{ method: row.method, params: isRecord(row.params) ? row.params : {}, retention: row.retention, baseAfter: isFiniteNumber(row.baseAfter) ? row.baseAfter : null, newTask: row.newTask }]
		: []));
}

/**
 * The indices of the rows no other row beats on both retention and new-task accuracy (the Pareto front): the
 * mitigations worth choosing between.
 */
export function paretoFront(rows: readonly ForgetRowInput[]): number[] {
	return rows.flatMap((row, index) => (rows.some((other) => other.retention >= row.retention && other.newTask >= row.newTask && (other.retention > row.retention || other.newTask > row.newTask)) ? [] : [index]));
}

/** The base task's accuracy before fine-tuning, when the report has it. */
export function forgetBaseBefore(report: ForgetReportInput): number | null {
	return isRecord(report.base) && isFiniteNumber(report.base.before) ? report.base.before : null;
}

/** `0.8234` → `82.3 %`. */
export function formatRetention(retention: number): string {
	return `${(retention * 100).toFixed(1)} %`;
}

/**
 * The chart (the `forget-tradeoff` hook): one point per mitigation, retention on x and new-task accuracy on y, so
 * that up and to the right is better; the replay sweep is a line through its shares.
 */
export function forgetChart(rows: readonly ForgetRowInput[]): ChartModel | undefined {
	if (rows.length === 0) {
		return undefined;
	}
	const spare: ChartColor[] = ['orange', 'green', 'purple', 'yellow', 'blue', 'red'];
	const colorOf = (method: string, index: number): ChartColor => METHOD_COLORS[method] ?? spare[index % spare.length];
	const markers: ChartMarker[] = rows.map((row, index) => ({ label: methodLabel(row), color: colorOf(row.method, index), points: [{ x: row.retention, y: row.newTask }] }));
	const replay = rows.filter((row) => row.method === 'replay' && isFiniteNumber(row.params.share)).sort((a, b) => (a.params.share as number) - (b.params.share as number));
	const series: ChartSeries[] = replay.length < 2 ? [] : [{ label: 'replay, share swept', color: 'blue', points: replay.map((row) => ({ x: row.retention, y: row.newTask })) }];
	return { chart: 'forget-tradeoff', title: 'Retention of the base task against new-task accuracy', xTitle: 'retention (base accuracy after / before)', yTitle: 'new-task accuracy', series, markers, xFractional: true };
}

/** The detail of a forgetting probe: facts, the trade-off chart and the table of mitigations. */
export function forgetDetail(report: ForgetReportInput, title: string): DetailModel {
	const base = isRecord(report.base) ? report.base : {};
	const target = isRecord(report.target) ? report.target : {};
	const before = forgetBaseBefore(report);
	const rows = forgetRows(report);
	const front = paretoFront(rows);
	const plain = rows.find((row) => row.method === 'plain');
	const facts: Fact[] = [
		...(typeof base.file === 'string' ? [{ name: 'base task', value: base.file }] : []),
		...(typeof target.file === 'string' ? [{ name: 'new task', value: target.file }] : []),
		...labelsFact('base labels', base.labels),
		...labelsFact('new labels', target.labels),
		{ name: 'base accuracy before', value: before === null ? '—' : formatMetric(before) },
		...(plain === undefined ? [] : [{ name: 'plain fine-tune keeps', value: `${formatRetention(plain.retention)} of it (new task ${formatMetric(plain.newTask)})` }]),
		...(isFiniteNumber(report.seed) ? [{ name: 'seed', value: String(report.seed) }] : []),
	];
	const table: TableModel = {
		id: 'forget',
		caption: 'Mitigations',
		columns: ['method', 'parameters', 'retention', 'base accuracy', 'new-task accuracy'],
		numeric: [false, false, true, true, true],
		rows: [
			['before fine-tuning', '—', '100.0 %', before === null ? '—' : formatMetric(before), '—'],
			...rows.map((row) => [row.method, formatParams(row.params) || '—', formatRetention(row.retention), row.baseAfter === null ? '—' : formatMetric(row.baseAfter), formatMetric(row.newTask)]),
		],
		// The first row of the table is the base before fine-tuning.
		highlight: front.map((index) => index + 1),
	};
	const chart = forgetChart(rows);
	return {
		kind: 'forget',
		title,
		facts,
		charts: chart === undefined ? [] : [chart],
		tables: [table],
		findings: [],
		findingsOmitted: 0,
		labelIssues: 0,
		notes: rows.length === 0 ? ['The probe reported no mitigation.'] : ['Retention is the base task\'s accuracy after the fine-tune divided by before. Highlighted: the mitigations no other one beats on both retention and new-task accuracy.'],
	};
}

function methodLabel(row: ForgetRowInput): string {
	const params = formatParams(row.params);
	return params === '' ? row.method : `${row.method} (${params})`;
}

function labelsFact(name: string, labels: unknown): Fact[] {
	return Array.isArray(labels) && labels.length > 0 ? [{ name, value: labels.map(String).join(', ') }] : [];
}
