/**
 * The run view's data → view-model step, pure (no VS Code, no DOM, no file system) so that it is unit-tested on its
 * own: saved runs, `tunelint tune` results and `tunelint log` reports become rows, facts, tables and chart series
 * (forgetModel.ts and driftModel.ts do the same for `tunelint forget` and `tunelint drift`).
 * Runs are files a person may edit, and the next-token proxy saves other metrics than the classifier, so every field
 * is read defensively and whatever numeric metrics a run has are shown.
 */

/** A saved run as runStore.ts reads it from `.tunelint/runs/<id>/`. */
export interface SavedRun {
	id: string;
	/** run.json: file, backend, seed, config, metrics, bestEpoch, seconds… */
	summary: Record<string, unknown>;
	/** history.json: one object per epoch (epoch, loss, valLoss, accuracy, valAccuracy…). */
	history: Record<string, unknown>[];
	/** learning-curve.json: validation metrics at 10/25/50/100 % of the training data. */
	learningCurve: Record<string, unknown>[];
	/** findings.json: engine findings (0-based ranges). */
	findings: Record<string, unknown>[];
}

/** The chart colours of the VS Code theme (`--vscode-charts-*`). */
export type ChartColor = 'blue' | 'red' | 'yellow' | 'orange' | 'green' | 'purple';

export interface Point {
	x: number;
	y: number;
}

/** A line of a chart. */
export interface ChartSeries {
	label: string;
	color: ChartColor;
	points: Point[];
	/** Drawn as steps (a best-so-far curve only changes at a trial). */
	stepped?: boolean;
}

/** Emphasised points without a line: the best epoch, the overfitting step, the trials of a search. */
export interface ChartMarker {
	label: string;
	color: ChartColor;
	points: Point[];
}

/** One chart; `chart` becomes the canvas's `data-chart` attribute, the hook end-to-end tests wait on. */
export interface ChartModel {
	chart: string;
	title: string;
	xTitle: string;
	yTitle: string;
	series: ChartSeries[];
	markers: ChartMarker[];
	/** The x values are fractions (retention), so the x ticks are not rounded to whole numbers like epochs. */
	xFractional?: boolean;
}

export interface Fact {
	name: string;
	value: string;
}

/** A table of plain text cells; `highlight` rows are emphasised (the best trial). */
export interface TableModel {
	/** The table element's id (`trials`). */
	id: string;
	caption: string;
	columns: string[];
	/** Columns aligned as numbers. */
	numeric: boolean[];
	rows: string[][];
	highlight: number[];
	/** Rows shown as a warning (a drift figure over its threshold). */
	flagged?: number[];
}

/** A finding of a run; `line` is 0-based, null for dataset-level findings. */
export interface FindingRow {
	ruleId: string;
	severity: string;
	message: string;
	line: number | null;
}

/** What an entry of the runs list is. */
export type EntryKind = 'run' | 'tune' | 'log' | 'forget' | 'drift';

/** A verdict shown above everything else (drift or not), with the reasons. */
export interface VerdictModel {
	alarm: boolean;
	headline: string;
	reasons: string[];
}

/** A button of the detail; the view posts its id with the entry's key, and the extension runs it. */
export interface ActionModel {
	id: string;
	label: string;
}

/** What the view shows for the selected entry. */
export interface DetailModel {
	kind: EntryKind;
	title: string;
	facts: Fact[];
	charts: ChartModel[];
	tables: TableModel[];
	findings: FindingRow[];
	/** Findings left out of `findings` (label issues beyond the first ones), said in a note. */
	findingsOmitted: number;
	/** Label issues the run found; the view offers to export them when there are some. */
	labelIssues: number;
	notes: string[];
	verdict?: VerdictModel;
	actions?: ActionModel[];
}

/** A row of the runs list. `key` identifies the entry in messages from the view. */
export interface ListRow {
	key: string;
	kind: EntryKind;
	id: string;
	date: string;
	file: string;
	backend: string;
	metrics: string;
	bestEpoch: string;
}

/** Everything the view renders. */
export interface RunViewState {
	rows: ListRow[];
	selected: string | null;
	detail: DetailModel | null;
	/** Shown instead of the detail when nothing is selected (no runs yet, or a run that cannot be read). */
	note: string | null;
}

/** At most this many label issues are listed under a run; the export command writes them all. */
export const MAX_LISTED_LABEL_ISSUES = 50;
/** Curves of long logs are thinned to this many points per series (the markers keep their exact steps). */
export const MAX_CURVE_POINTS = 2000;

/** `20261129T174058Z-seed42` → `2026-11-29 17:40:58 UTC`; ids of another shape give ''. */
export function runDate(id: string): string {
	const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/.exec(id);
	return match === null ? '' : `${match[1]}-${match[2]}-${match[3]} ${match[4]}:${match[5]}:${match[6]} UTC`;
}

/** `macroF1` → `macro F1`, `valTokenAccuracy` → `val token accuracy`. */
export function metricName(key: string): string {
	return key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/\b([A-Z])(?=[a-z])/g, (letter) => letter.toLowerCase());
}

/** A metric value with four significant digits at most; integers as they are. */
export function formatMetric(value: number): string {
	return Number.isInteger(value) ? String(value) : Number(value.toPrecision(4)).toString();
}

/** Every finite number of a metrics object (`{train: {...}, validation: {...}}`), validation first. */
export function metricFacts(metrics: unknown): Fact[] {
	if (!isRecord(metrics)) {
		return [];
	}
	const sets = Object.keys(metrics).sort((a, b) => Number(b === 'validation') - Number(a === 'validation'));
	return sets.flatMap((set) => {
		const values = metrics[set];
		if (typeof values === 'number' && Number.isFinite(values)) {
			return [{ name: metricName(set), value: formatMetric(values) }];
		}
		return isRecord(values) ? Object.entries(values).filter((entry): entry is [string, number] => isFiniteNumber(entry[1])).map(([key, value]) => ({ name: `${set} ${metricName(key)}`, value: formatMetric(value) })) : [];
	});
}

/** The runs list row of a saved run: its validation metrics in one short cell. */
export function runRow(run: SavedRun): ListRow {
	const metrics = isRecord(run.summary.metrics) ? run.summary.metrics.validation : undefined;
	const validation = isRecord(metrics) ? Object.entries(metrics).filter((entry): entry is [string, number] => isFiniteNumber(entry[1])).map(([key, value]) => `${metricName(key)} ${formatMetric(value)}`) : [];
	const bestEpoch = run.summary.bestEpoch;
	return {
		key: `run:${run.id}`,
		kind: 'run',
		id: run.id,
		date: runDate(run.id),
		file: typeof run.summary.file === 'string' ? run.summary.file : '',
		backend: typeof run.summary.backend === 'string' ? run.summary.backend : '',
		metrics: validation.join(', '),
		bestEpoch: isFiniteNumber(bestEpoch) ? String(bestEpoch) : '',
	};
}

/**
 * The loss chart of a run's epochs (train and validation loss, the `learning-curve` hook) and one chart of the other
 * per-epoch metrics (accuracy, token accuracy…, the `accuracy-curve` hook), each with the best epoch marked.
 */
export function epochCharts(history: readonly Record<string, unknown>[], bestEpoch: number | null): ChartModel[] {
	const epochs = history.filter((record) => isFiniteNumber(record.epoch));
	if (epochs.length === 0) {
		return [];
	}
	const seriesOf = (key: string, label: string, color: ChartColor): ChartSeries[] => {
		const points = epochs.filter((record) => isFiniteNumber(record[key])).map((record) => ({ x: record.epoch as number, y: record[key] as number }));
		return points.length === 0 ? [] : [{ label, color, points }];
	};
	const loss = [...seriesOf('loss', 'train loss', 'blue'), ...seriesOf('valLoss', 'validation loss', 'orange')];
	const charts: ChartModel[] = [];
	if (loss.length > 0) {
		charts.push({ chart: 'learning-curve', title: 'Loss per epoch', xTitle: 'epoch', yTitle: 'loss', series: loss, markers: bestEpochMarker(loss, bestEpoch) });
	}
	const ignored = new Set(['epoch', 'seconds', 'loss', 'valLoss']);
	const trainKeys = [...new Set(epochs.flatMap((record) => Object.keys(record)))].filter((key) => !ignored.has(key) && !/^val[A-Z]/.test(key) && epochs.some((record) => isFiniteNumber(record[key])));
	const colors: Array<[ChartColor, ChartColor]> = [['green', 'purple'], ['yellow', 'red']];
	const others = trainKeys.flatMap((key, index) => {
		const [trainColor, validationColor] = colors[index % colors.length];
		return [...seriesOf(key, `train ${metricName(key)}`, trainColor), ...seriesOf(`val${key[0].toUpperCase()}${key.slice(1)}`, `validation ${metricName(key)}`, validationColor)];
	});
	if (others.length > 0) {
		const names = trainKeys.map(metricName).join(', ');
		charts.push({ chart: 'accuracy-curve', title: `${names[0].toUpperCase()}${names.slice(1)} per epoch`, xTitle: 'epoch', yTitle: names, series: others, markers: bestEpochMarker(others, bestEpoch) });
	}
	return charts;
}

/** The best epoch as a marker on the validation series (the last series) of a chart, or on the first when there is none. */
export function bestEpochMarker(series: readonly ChartSeries[], bestEpoch: number | null): ChartMarker[] {
	if (bestEpoch === null) {
		return [];
	}
	const carrier = series.find((item) => item.label.startsWith('validation')) ?? series[0];
	const point = carrier?.points.find((candidate) => candidate.x === bestEpoch);
	return point === undefined ? [] : [{ label: `best epoch (${bestEpoch})`, color: 'red', points: [point] }];
}

/** The learning curve over shares of the training data (the `training-size-curve` hook), when the run drew one. */
export function trainingSizeChart(curve: readonly Record<string, unknown>[]): ChartModel | undefined {
	const points = curve.filter((point) => isFiniteNumber(point.records));
	const metric = ['accuracy', 'tokenAccuracy', 'loss'].find((key) => points.some((point) => isFiniteNumber(point[key])));
	if (metric === undefined) {
		return undefined;
	}
	const series: ChartSeries = { label: `validation ${metricName(metric)}`, color: 'green', points: points.filter((point) => isFiniteNumber(point[metric])).map((point) => ({ x: point.records as number, y: point[metric] as number })) };
	return { chart: 'training-size-curve', title: 'Learning curve over the training data (insufficient-data)', xTitle: 'training records', yTitle: metricName(metric), series: [series], markers: [] };
}

/** The detail of a saved run: facts, the epoch charts, the training-size curve, and its findings. */
export function runDetail(run: SavedRun): DetailModel {
	const summary = run.summary;
	const bestEpoch = isFiniteNumber(summary.bestEpoch) ? summary.bestEpoch : null;
	const facts: Fact[] = [
		{ name: 'file', value: typeof summary.file === 'string' ? summary.file : '—' },
		...(typeof summary.validationFile === 'string' ? [{ name: 'validation file', value: summary.validationFile }] : []),
		{ name: 'date', value: runDate(run.id) || '—' },
		{ name: 'backend', value: typeof summary.backend === 'string' ? summary.backend : '—' },
		...(isFiniteNumber(summary.seed) ? [{ name: 'seed', value: String(summary.seed) }] : []),
		{ name: 'best epoch', value: bestEpoch === null ? '—' : String(bestEpoch) },
		...metricFacts(summary.metrics),
		...(isFiniteNumber(summary.seconds) ? [{ name: 'time', value: `${summary.seconds.toFixed(1)} s` }] : []),
	];
	const charts = epochCharts(run.history, bestEpoch);
	const sizeChart = trainingSizeChart(run.learningCurve);
	if (sizeChart !== undefined) {
		charts.push(sizeChart);
	}
	const findings = run.findings.map(findingRow).filter((row): row is FindingRow => row !== undefined);
	const labelIssues = findings.filter((row) => row.ruleId === 'label-issue');
	const listed = [...findings.filter((row) => row.ruleId !== 'label-issue'), ...labelIssues.slice(0, MAX_LISTED_LABEL_ISSUES)];
	const notes = charts.length === 0 ? ['This run has no per-epoch history to draw.'] : [];
	return { kind: 'run', title: `Run ${run.id}`, facts, charts, tables: [], findings: listed, findingsOmitted: findings.length - listed.length, labelIssues: labelIssues.length, notes };
}

/** Running best of a series: the minimum so far (`lower` is better) or the maximum. */
export function bestSoFar(values: readonly number[], better: 'lower' | 'higher'): number[] {
	let best = better === 'lower' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
	return values.map((value) => (best = better === 'lower' ? Math.min(best, value) : Math.max(best, value)));
}

/** The `tunelint tune --format json` object, as far as the view reads it. */
export interface TuneResult {
	method?: unknown;
	trials?: unknown;
	best?: unknown;
	metricName?: unknown;
	file?: unknown;
	backend?: unknown;
	stoppedEarly?: unknown;
}

/** Which way a metric improves: losses go down, accuracies and F1 go up. */
export function improves(name: string): 'lower' | 'higher' {
	return /accuracy|f1|auc|precision|recall/i.test(name) && !/loss|error/i.test(name) ? 'higher' : 'lower';
}

/**
 * A search's trial table and its best-so-far curve (the `tune-best-so-far` hook), the best trial marked. Earlier
 * searches of the same file and metric (`compared`, e.g. grid and random before bayes) are drawn beside it, so the
 * methods can be compared at equal numbers of trials.
 */
export function tuneDetail(result: TuneResult, title: string, compared: readonly TuneResult[] = []): DetailModel {
	const name = typeof result.metricName === 'string' ? result.metricName : 'validation loss';
	const direction = improves(name);
	const trials = finishedTrials(result);
	const metrics = trials.map((trial) => trial.metric as number);
	const best = bestSoFar(metrics, direction);
	const bestIndex = metrics.indexOf(best[best.length - 1]);
	const rows = trials.map((trial, index) => [String(index + 1), formatParams(trial.params), formatMetric(metrics[index]), isFiniteNumber(trial.seconds) ? trial.seconds.toFixed(1) : '—']);
	const x = (index: number): number => index + 1;
	const chart: ChartModel = {
		chart: 'tune-best-so-far',
		title: `Best ${name} so far`,
		xTitle: 'trial',
		yTitle: name,
		series: [
			{ label: `best so far (${String(result.method ?? 'search')})`, color: 'blue', points: best.map((y, index) => ({ x: x(index), y })), stepped: true },
			...compared.map((other, index): ChartSeries => ({
				label: `best so far (${String(other.method ?? 'search')}, earlier)`,
				color: COMPARED_COLORS[index % COMPARED_COLORS.length],
				points: bestSoFar(finishedTrials(other).map((trial) => trial.metric as number), direction).map((y, trial) => ({ x: x(trial), y })),
				stepped: true,
			})),
		],
		markers: [{ label: 'trial', color: 'orange', points: metrics.map((y, index) => ({ x: x(index), y })) }, ...(bestIndex < 0 ? [] : [{ label: 'best trial', color: 'red' as const, points: [{ x: x(bestIndex), y: metrics[bestIndex] }] }])],
	};
	const facts: Fact[] = [
		{ name: 'method', value: String(result.method ?? '—') },
		...(typeof result.file === 'string' ? [{ name: 'file', value: result.file }] : []),
		...(typeof result.backend === 'string' ? [{ name: 'backend', value: result.backend }] : []),
		{ name: 'trials', value: String(trials.length) },
		{ name: `best ${name}`, value: bestIndex < 0 ? '—' : formatMetric(metrics[bestIndex]) },
		{ name: 'best parameters', value: bestIndex < 0 ? '—' : formatParams(trials[bestIndex].params) },
	];
	return {
		kind: 'tune',
		title,
		facts,
		charts: trials.length === 0 ? [] : [chart],
		tables: [{ id: 'trials', caption: 'Trials', columns: ['trial', 'parameters', name, 'time (s)'], numeric: [true, false, true, true], rows, highlight: bestIndex < 0 ? [] : [bestIndex] }],
		findings: [],
		findingsOmitted: 0,
		labelIssues: 0,
		notes: [...(trials.length === 0 ? ['No trial finished.'] : []), ...(result.stoppedEarly === true ? ['The search stopped early (its time budget ran out or it was cancelled).'] : [])],
	};
}

const COMPARED_COLORS: readonly ChartColor[] = ['green', 'purple', 'yellow'];

function finishedTrials(result: TuneResult): Record<string, unknown>[] {
	return (Array.isArray(result.trials) ? result.trials : []).filter(isRecord).filter((trial) => isFiniteNumber(trial.metric));
}

/** `{learningRate: 0.05, l2: 0.0001}` → `learning rate 0.05, l2 0.0001`. */
export function formatParams(params: unknown): string {
	return isRecord(params) ? Object.entries(params).map(([key, value]) => `${metricName(key)} ${isFiniteNumber(value) ? formatMetric(value) : String(value)}`).join(', ') : '';
}

/** The `tunelint log --format json` object, as far as the view reads it. */
export interface LogReportInput {
	file?: unknown;
	format?: unknown;
	curves?: unknown;
	overfitting?: unknown;
	earlyStopping?: unknown;
	problems?: unknown;
}

/**
 * A training log's curves: training and validation loss per step (the `log-loss` hook) with the overfitting step and
 * the step early stopping would have kept marked on the validation curve, and the accuracies when logged.
 */
export function logDetail(report: LogReportInput, title: string): DetailModel {
	const curves = isRecord(report.curves) ? report.curves : {};
	const curve = (key: string): Point[] => (Array.isArray(curves[key]) ? curves[key] : []).filter(isRecord).filter((point) => isFiniteNumber(point.step) && isFiniteNumber(point.value)).map((point) => ({ x: point.step as number, y: point.value as number }));
	const lossSeries = [{ label: 'training loss', color: 'blue' as const, points: curve('trainLoss') }, { label: 'validation loss', color: 'orange' as const, points: curve('validLoss') }].filter((series) => series.points.length > 0);
	const validation = curve('validLoss');
	const overfitting = isRecord(report.overfitting) && isFiniteNumber(report.overfitting.step) ? report.overfitting : undefined;
	const stopping = isRecord(report.earlyStopping) && isFiniteNumber(report.earlyStopping.step) ? report.earlyStopping : undefined;
	const markers: ChartMarker[] = [];
	const overfittingPoint = overfitting === undefined ? undefined : pointAt(validation, overfitting.step as number);
	if (overfittingPoint !== undefined) {
		markers.push({ label: `overfitting from step ${overfittingPoint.x}`, color: 'red', points: [overfittingPoint] });
	}
	const stoppingPoint = stopping === undefined ? undefined : pointAt(validation, stopping.step as number);
	if (stoppingPoint !== undefined) {
		markers.push({ label: `early stopping keeps step ${stoppingPoint.x}`, color: 'green', points: [stoppingPoint] });
	}
	const charts: ChartModel[] = [];
	if (lossSeries.length > 0) {
		charts.push({ chart: 'log-loss', title: 'Loss per step', xTitle: 'step', yTitle: 'loss', series: lossSeries.map((series) => ({ ...series, points: thin(series.points, MAX_CURVE_POINTS) })), markers });
	}
	const accuracy = [{ label: 'training accuracy', color: 'green' as const, points: curve('trainAccuracy') }, { label: 'validation accuracy', color: 'purple' as const, points: curve('validAccuracy') }].filter((series) => series.points.length > 0);
	if (accuracy.length > 0) {
		charts.push({ chart: 'log-accuracy', title: 'Accuracy per step', xTitle: 'step', yTitle: 'accuracy', series: accuracy.map((series) => ({ ...series, points: thin(series.points, MAX_CURVE_POINTS) })), markers: [] });
	}
	const facts: Fact[] = [
		...(typeof report.file === 'string' ? [{ name: 'file', value: report.file }] : []),
		...(typeof report.format === 'string' ? [{ name: 'format', value: report.format }] : []),
		{ name: 'overfitting', value: overfitting === undefined ? 'not found' : `from step ${String(overfitting.step)}${isFiniteNumber(overfitting.gap) ? `, final gap ${formatMetric(overfitting.gap)}` : ''}` },
		{ name: 'early stopping', value: stopping === undefined ? 'no validation loss logged' : `would keep step ${String(stopping.step)}${isFiniteNumber(stopping.stepsSaved) ? ` (${stopping.stepsSaved} steps saved)` : ''}` },
	];
	const problems = Array.isArray(report.problems) ? report.problems.filter((problem): problem is string => typeof problem === 'string') : [];
	return { kind: 'log', title, facts, charts, tables: [], findings: [], findingsOmitted: 0, labelIssues: 0, notes: [...(charts.length === 0 ? ['The log has no loss curve to draw.'] : []), ...problems] };
}

/** Every k-th point so that at most `max` remain; the first and the last are always kept. */
export function thin(points: readonly Point[], max: number): Point[] {
	if (points.length <= max) {
		return [...points];
	}
	const stride = Math.ceil((points.length - 1) / (max - 1));
	const kept = points.filter((_, index) => index % stride === 0);
	if (kept[kept.length - 1] !== points[points.length - 1]) {
		kept.push(points[points.length - 1]);
	}
	return kept;
}

/** The point of a curve at a step, or the first one after it (validation is logged less often than training). */
function pointAt(points: readonly Point[], step: number): Point | undefined {
	return points.find((point) => point.x === step) ?? points.find((point) => point.x > step);
}

function findingRow(value: Record<string, unknown>): FindingRow | undefined {
	if (typeof value.ruleId !== 'string' || typeof value.message !== 'string') {
		return undefined;
	}
	const range = isRecord(value.range) ? value.range : undefined;
	const line = value.scope === 'line' && range !== undefined && isFiniteNumber(range.line) ? range.line : null;
	return { ruleId: value.ruleId, severity: typeof value.severity === 'string' ? value.severity : 'info', message: value.message, line };
}

/** A JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A number that is neither NaN nor infinite. */
export function isFiniteNumber(value: unknown): value is number {
	return typeof value === 'number' && Number.isFinite(value);
}
