/**
 * The run view's model of a `tunelint drift --format json` result (server/src/core/drift/compare.ts, DriftReport):
 * the verdict with its reasons, every figure beside the threshold it is judged by, and the label shares, n-grams
 * and groups behind them. Figures are judged by the rules of compareProfiles, with the thresholds the report carries.
 * Pure and defensive, like model.ts; n-grams, labels and group names are dataset text and stay plain strings here.
 */
import { type DetailModel, type Fact, formatMetric, isFiniteNumber, isRecord, type TableModel } from './model';

/** The `tunelint drift --format json` object, as far as the view reads it. */
export interface DriftReportInput {
	a?: unknown;
	b?: unknown;
	labels?: unknown;
	length?: unknown;
	tokens?: unknown;
	vocabulary?: unknown;
	format?: unknown;
	roles?: unknown;
	groups?: unknown;
	domainClassifier?: unknown;
	domainClassifierSkipped?: unknown;
	thresholds?: unknown;
	signals?: unknown;
	reasons?: unknown;
	drift?: unknown;
}

/** The thresholds the figures are judged by. */
export interface DriftThresholdValues {
	psi: number;
	js: number;
	ks: number;
	ksPValue: number;
	vocabularyJs: number;
	groupShare: number;
	auc: number;
}

/**
 * The CLI's defaults (DEFAULT_DRIFT_THRESHOLDS in server/src/core/drift/compare.ts, restated because the client
 * project does not compile the engine; a test keeps them equal), used for any threshold a report lacks.
 */
export const DEFAULT_THRESHOLDS: DriftThresholdValues = { psi: 0.2, js: 0.1, ks: 0.1, ksPValue: 0.01, vocabularyJs: 0.05, groupShare: 0.05, auc: 0.7 };

/** Group shares must move with a two-proportion p below this (fixed in compareProfiles). */
const GROUP_P_VALUE = 0.01;

/** One figure of the report beside its threshold; `over` is null when the figure was not measured. */
export interface DriftFigure {
	signal: string;
	statistic: string;
	value: string;
	threshold: string;
	over: boolean | null;
}

/** The report's thresholds, with the defaults for any that are missing. */
export function driftThresholds(report: DriftReportInput): DriftThresholdValues {
	const given = isRecord(report.thresholds) ? report.thresholds : {};
	const pick = (name: keyof DriftThresholdValues): number => (isFiniteNumber(given[name]) ? given[name] : DEFAULT_THRESHOLDS[name]);
	return { psi: pick('psi'), js: pick('js'), ks: pick('ks'), ksPValue: pick('ksPValue'), vocabularyJs: pick('vocabularyJs'), groupShare: pick('groupShare'), auc: pick('auc') };
}

/** Every figure of the report, judged against its threshold, in the order of the CLI's text report. */
export function driftFigures(report: DriftReportInput, thresholds: DriftThresholdValues = driftThresholds(report)): DriftFigure[] {
	const figures: DriftFigure[] = [];
	const at = (value: number, threshold: number): boolean => value >= threshold;
	const labels = isRecord(report.labels) ? report.labels : undefined;
	if (labels !== undefined && isFiniteNumber(labels.psi) && isFiniteNumber(labels.js)) {
		figures.push({ signal: 'labels', statistic: 'PSI', value: formatMetric(labels.psi), threshold: `≥ ${thresholds.psi}`, over: at(labels.psi, thresholds.psi) });
		figures.push({ signal: 'labels', statistic: 'Jensen-Shannon', value: formatMetric(labels.js), threshold: `≥ ${thresholds.js}`, over: at(labels.js, thresholds.js) });
	} else {
		figures.push({ signal: 'labels', statistic: 'PSI, Jensen-Shannon', value: 'no labels', threshold: `≥ ${thresholds.psi}, ≥ ${thresholds.js}`, over: null });
	}
	for (const [key, signal] of [['length', 'length'], ['tokens', 'tokens']] as const) {
		const numeric = isRecord(report[key]) ? report[key] : {};
		if (isFiniteNumber(numeric.ks)) {
			const pValue = isFiniteNumber(numeric.pValue) ? numeric.pValue : 1;
			figures.push({ signal, statistic: 'Kolmogorov-Smirnov', value: `${formatMetric(numeric.ks)} (p ${formatP(pValue)})`, threshold: `≥ ${thresholds.ks} with p < ${thresholds.ksPValue}`, over: at(numeric.ks, thresholds.ks) && pValue < thresholds.ksPValue });
		}
		if (isFiniteNumber(numeric.psi)) {
			figures.push({ signal, statistic: 'PSI', value: formatMetric(numeric.psi), threshold: `≥ ${thresholds.psi}`, over: at(numeric.psi, thresholds.psi) });
		}
	}
	const vocabulary = isRecord(report.vocabulary) ? report.vocabulary : {};
	if (isFiniteNumber(vocabulary.js)) {
		const baseline = isFiniteNumber(vocabulary.baseline) ? vocabulary.baseline : 0;
		// The threshold sits above what sampling alone gives (compareProfiles judges js − baseline).
		figures.push({ signal: 'vocabulary', statistic: 'Jensen-Shannon', value: formatMetric(vocabulary.js), threshold: `≥ ${formatMetric(baseline + thresholds.vocabularyJs)} (sampling alone ${formatMetric(baseline)} + ${thresholds.vocabularyJs})`, over: at(vocabulary.js - baseline, thresholds.vocabularyJs) });
	}
	for (const [key, signal] of [['format', 'formats'], ['roles', 'roles']] as const) {
		const categorical = isRecord(report[key]) ? report[key] : {};
		if (isFiniteNumber(categorical.js)) {
			figures.push({ signal, statistic: 'Jensen-Shannon', value: formatMetric(categorical.js), threshold: `≥ ${thresholds.js}`, over: at(categorical.js, thresholds.js) });
		}
	}
	figures.push(groupFigure(report, thresholds));
	const domain = isRecord(report.domainClassifier) ? report.domainClassifier : undefined;
	if (domain !== undefined && isFiniteNumber(domain.auc)) {
		figures.push({ signal: 'domain classifier', statistic: 'AUC', value: formatMetric(domain.auc), threshold: `≥ ${thresholds.auc}`, over: at(domain.auc, thresholds.auc) });
	} else {
		figures.push({ signal: 'domain classifier', statistic: 'AUC', value: `skipped${typeof report.domainClassifierSkipped === 'string' ? `: ${report.domainClassifierSkipped}` : ''}`, threshold: `≥ ${thresholds.auc}`, over: null });
	}
	return figures;
}

/** The largest change of a group's share of records; drift when the report lists a changed group. */
function groupFigure(report: DriftReportInput, thresholds: DriftThresholdValues): DriftFigure {
	const rows = groupRows(report);
	const threshold = `≥ ${formatMetric(thresholds.groupShare * 100)} points with p < ${GROUP_P_VALUE}`;
	if (rows.length === 0) {
		return { signal: 'groups', statistic: 'largest change of a group\'s share', value: 'no identity group in either dataset', threshold, over: false };
	}
	const largest = rows.reduce((best, row) => (Math.abs(row.shareB - row.shareA) > Math.abs(best.shareB - best.shareA) ? row : best));
	return { signal: 'groups', statistic: 'largest change of a group\'s share', value: `${formatPoints(largest.shareB - largest.shareA)} (${largest.group})`, threshold, over: rows.some((row) => row.changed) };
}

interface GroupRow {
	group: string;
	shareA: number;
	shareB: number;
	pValue: number | null;
	changed: boolean;
}

/** Every group of either side with its share of records; `changed` for those the report flagged. */
function groupRows(report: DriftReportInput): GroupRow[] {
	const groups = isRecord(report.groups) ? report.groups : {};
	const changed = new Map((Array.isArray(groups.changed) ? groups.changed : []).filter(isRecord).flatMap((shift) => (typeof shift.group === 'string' ? [[shift.group, shift] as const] : [])));
	const countsA = isRecord(groups.a) ? groups.a : {};
	const countsB = isRecord(groups.b) ? groups.b : {};
	const recordsA = recordsOf(report.a);
	const recordsB = recordsOf(report.b);
	const names = [...new Set([...changed.keys(), ...Object.keys(countsA), ...Object.keys(countsB)])];
	const rows = names.flatMap((group) => {
		const shift = changed.get(group);
		// The report's shares of a changed group; else the counts over the records (a group absent on a side is 0).
		const share = (given: unknown, counts: Record<string, unknown>, records: number): number | null => {
			const count = counts[group] ?? 0;
			return isFiniteNumber(given) ? given : isFiniteNumber(count) && records > 0 ? count / records : null;
		};
		const shareA = share(shift?.shareA, countsA, recordsA);
		const shareB = share(shift?.shareB, countsB, recordsB);
		return shareA === null || shareB === null ? [] : [{ group, shareA, shareB, pValue: isFiniteNumber(shift?.pValue) ? shift.pValue : null, changed: shift !== undefined }];
	});
	// The largest moves first; the sort is stable, so equal moves keep the report's order.
	return rows.sort((x, y) => Math.abs(y.shareB - y.shareA) - Math.abs(x.shareB - x.shareA));
}

/** The detail of a drift comparison: the verdict, the figures against their thresholds, and what lies behind them. */
export function driftDetail(report: DriftReportInput, title: string): DetailModel {
	const thresholds = driftThresholds(report);
	const figures = driftFigures(report, thresholds);
	const signals = Array.isArray(report.signals) ? report.signals.filter((signal): signal is string => typeof signal === 'string') : [];
	const reasons = Array.isArray(report.reasons) ? report.reasons.filter((reason): reason is string => typeof reason === 'string') : [];
	// The report's own verdict decides; the figures only decide for a report that lacks one.
	const alarm = typeof report.drift === 'boolean' ? report.drift : figures.some((figure) => figure.over === true);
	const headline = alarm ? `Drift${signals.length > 0 ? ` in ${signals.map(signalName).join(', ')}` : ''}` : 'No drift';
	const length = isRecord(report.length) ? report.length : {};
	const tokens = isRecord(report.tokens) ? report.tokens : {};
	const domain = isRecord(report.domainClassifier) ? report.domainClassifier : undefined;
	const facts: Fact[] = [
		...sideFact('reference (A)', report.a),
		...sideFact('compared (B)', report.b),
		{ name: 'verdict', value: headline },
		...medianFact('median length', length, ' characters'),
		...medianFact('median token count', tokens, ''),
		...(domain !== undefined && isFiniteNumber(domain.auc) ? [{ name: 'domain classifier', value: `AUC ${formatMetric(domain.auc)} (0.5: A and B cannot be told apart)` }] : []),
	];
	const figureTable: TableModel = {
		id: 'drift-figures',
		caption: 'Figures against their thresholds',
		columns: ['signal', 'statistic', 'value', 'drift when', 'verdict'],
		numeric: [false, false, true, false, false],
		rows: figures.map((figure) => [figure.signal, figure.statistic, figure.value, figure.threshold, figure.over === null ? 'not measured' : figure.over ? 'drift' : 'ok']),
		highlight: [],
		flagged: figures.flatMap((figure, index) => (figure.over === true ? [index] : [])),
	};
	const tables = [figureTable, ...[labelTable(report), ngramTable(report, 'appeared'), ngramTable(report, 'vanished'), groupTable(report), domainTable(domain)].filter((table): table is TableModel => table !== undefined)];
	return {
		kind: 'drift',
		title,
		facts,
		charts: [],
		tables,
		findings: [],
		findingsOmitted: 0,
		labelIssues: 0,
		notes: [],
		verdict: { alarm, headline, reasons },
	};
}

function labelTable(report: DriftReportInput): TableModel | undefined {
	const labels = isRecord(report.labels) ? report.labels : undefined;
	if (labels === undefined) {
		return undefined;
	}
	const countsA = numbersOf(labels.a);
	const countsB = numbersOf(labels.b);
	const totalA = sum(countsA);
	const totalB = sum(countsB);
	const names = [...new Set([...Object.keys(countsA), ...Object.keys(countsB)])];
	const share = (count: number, total: number): string => (total === 0 ? '—' : formatShare(count / total));
	return {
		id: 'drift-labels',
		caption: 'Labels',
		columns: ['label', 'records in A', 'share in A', 'records in B', 'share in B'],
		numeric: [false, true, true, true, true],
		rows: names.map((name) => [name, String(countsA[name] ?? 0), share(countsA[name] ?? 0, totalA), String(countsB[name] ?? 0), share(countsB[name] ?? 0, totalB)]),
		highlight: [],
	};
}

function ngramTable(report: DriftReportInput, which: 'appeared' | 'vanished'): TableModel | undefined {
	const vocabulary = isRecord(report.vocabulary) ? report.vocabulary : {};
	const shifts = (Array.isArray(vocabulary[which]) ? vocabulary[which] : []).filter(isRecord).filter((shift) => typeof shift.ngram === 'string');
	if (shifts.length === 0) {
		return undefined;
	}
	const number = (value: unknown, format: (value: number) => string): string => (isFiniteNumber(value) ? format(value) : '—');
	return {
		id: `drift-${which}`,
		caption: which === 'appeared' ? 'N-grams that appeared (grew most in B)' : 'N-grams that vanished (shrank most in B)',
		columns: ['n-gram', 'count in A', 'count in B', 'share in A', 'share in B'],
		numeric: [false, true, true, true, true],
		rows: shifts.map((shift) => [shift.ngram as string, number(shift.countA, String), number(shift.countB, String), number(shift.shareA, formatShare), number(shift.shareB, formatShare)]),
		highlight: [],
	};
}

function groupTable(report: DriftReportInput): TableModel | undefined {
	const rows = groupRows(report);
	if (rows.length === 0) {
		return undefined;
	}
	return {
		id: 'drift-groups',
		caption: 'Identity groups (share of records)',
		columns: ['group', 'share in A', 'share in B', 'change', 'p'],
		numeric: [false, true, true, true, true],
		rows: rows.map((row) => [row.group, formatShare(row.shareA), formatShare(row.shareB), formatPoints(row.shareB - row.shareA), row.pValue === null ? '—' : formatP(row.pValue)]),
		highlight: [],
		flagged: rows.flatMap((row, index) => (row.changed ? [index] : [])),
	};
}

function domainTable(domain: Record<string, unknown> | undefined): TableModel | undefined {
	const top = (domain !== undefined && Array.isArray(domain.topNgrams) ? domain.topNgrams : []).filter(isRecord).filter((entry) => typeof entry.ngram === 'string');
	if (top.length === 0) {
		return undefined;
	}
	return {
		id: 'drift-domain',
		caption: 'N-grams that tell A from B (domain classifier)',
		columns: ['n-gram', 'points to', 'weight'],
		numeric: [false, false, true],
		rows: top.map((entry) => [entry.ngram as string, entry.side === 'A' || entry.side === 'B' ? entry.side : '—', isFiniteNumber(entry.weight) ? formatMetric(entry.weight) : '—']),
		highlight: [],
	};
}

/** The signal names of compareProfiles as a person reads them. */
function signalName(signal: string): string {
	return signal === 'domainClassifier' ? 'domain classifier' : signal === 'format' ? 'formats' : signal;
}

function sideFact(name: string, side: unknown): Fact[] {
	if (!isRecord(side) || typeof side.file !== 'string') {
		return [];
	}
	return [{ name, value: isFiniteNumber(side.records) ? `${side.file} (${side.records} records)` : side.file }];
}

function medianFact(name: string, numeric: Record<string, unknown>, unit: string): Fact[] {
	return isFiniteNumber(numeric.medianA) && isFiniteNumber(numeric.medianB) ? [{ name, value: `${formatMetric(numeric.medianA)} → ${formatMetric(numeric.medianB)}${unit}` }] : [];
}

function recordsOf(side: unknown): number {
	return isRecord(side) && isFiniteNumber(side.records) ? side.records : 0;
}

function numbersOf(value: unknown): Record<string, number> {
	return isRecord(value) ? Object.fromEntries(Object.entries(value).filter((entry): entry is [string, number] => isFiniteNumber(entry[1]))) : {};
}

function sum(counts: Record<string, number>): number {
	return Object.values(counts).reduce((total, count) => total + count, 0);
}

/** `0.1234` → `12.3 %`; below 1 % two decimals, so the small shares of n-grams are not all `0.0 %`. */
function formatShare(share: number): string {
	return `${(share * 100).toFixed(Math.abs(share) < 0.01 ? 2 : 1)} %`;
}

/** A change of share in percentage points, signed unless it rounds to zero. */
function formatPoints(change: number): string {
	const points = Math.abs(change * 100).toFixed(1);
	return `${points === '0.0' ? '' : change > 0 ? '+' : '−'}${points} points`;
}

function formatP(value: number): string {
	return value < 1e-4 ? value.toExponential(1) : value.toPrecision(2);
}
