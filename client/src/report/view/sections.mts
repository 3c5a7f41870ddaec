/**
 * The chart sections of the report. Every bar, point or cell that stands for records narrows the findings table to
 * them (and lists them, each line opening the dataset in VS Code).
 */
import type { AuditData, AuditRun, Histogram } from '../../../../server/src/core/audit/types.js';
import { chartFigure } from './charts.mjs';
import { formatCount, formatP, formatPercent, h, section, untrusted, visibleText } from './dom.mjs';
import { type LineFilter, lineButton } from './findingsTable.mjs';

type ShowLines = (filter: LineFilter) => void;

/** All chart sections, in reading order. */
export function chartSections(data: AuditData, showLines: ShowLines): HTMLElement[] {
	return [
		section('distributions', 'Distributions', h('div', { class: 'charts' }, ...distributionCharts(data, showLines))),
		heatmapSection(data, showLines),
		duplicatesSection(data, showLines),
		triggersSection(data, showLines),
		runsSection(data.runs, showLines),
	];
}

function clip(text: string, length = 40): string {
	const visible = visibleText(text);
	return visible.length > length ? `${visible.slice(0, length - 1)}…` : visible;
}

function distributionCharts(data: AuditData, showLines: ShowLines): HTMLElement[] {
	const figures: HTMLElement[] = [];
	const labels = data.labels;
	if (labels.counts.length > 0) {
		figures.push(chartFigure({
			id: 'chart-labels',
			title: `Label distribution (${labels.source === 'label' ? 'label field' : 'final answers'})`,
			kind: 'bar',
			labels: labels.counts.map((item) => clip(item.label)),
			series: [{ label: 'records', values: labels.counts.map((item) => item.count), color: 'blue' }],
			yTitle: 'records',
			onActivate: (index) => showLines({ title: `label ${clip(labels.counts[index].label)}`, lines: labels.counts[index].lines }),
		}));
	} else {
		figures.push(h('figure', { class: 'chart' }, h('figcaption', {}, 'Label distribution'), h('p', { class: 'note' }, labels.note ?? 'No labels.')));
	}
	figures.push(histogramFigure('chart-lengths', 'Record length', data.lengthHistogram, 'green', showLines));
	const tokens = data.summary.tokens;
	figures.push(histogramFigure('chart-tokens', `Tokens per record (${tokens.tokenizer}${tokens.sampled ? `, sample of ${formatCount(tokens.counted)}` : ''})`, data.tokenHistogram, 'purple', showLines));
	return figures;
}

function histogramFigure(id: string, title: string, histogram: Histogram, color: 'green' | 'purple', showLines: ShowLines): HTMLElement {
	const label = (bin: Histogram['bins'][number], index: number): string => (index === histogram.bins.length - 1 ? `≥ ${formatCount(bin.from)}`
		: bin.to - 1 === bin.from ? formatCount(bin.from) : `${formatCount(bin.from)}–${formatCount(bin.to - 1)}`);
	return chartFigure({
		id,
		title,
		kind: 'bar',
		labels: histogram.bins.map(label),
		series: [{ label: 'records', values: histogram.bins.map((bin) => bin.count), color }],
		xTitle: histogram.unit,
		yTitle: 'records',
		onActivate: (index) => showLines({ title: `${label(histogram.bins[index], index)} ${histogram.unit}`, lines: histogram.bins[index].lines }),
	});
}

function heatmapSection(data: AuditData, showLines: ShowLines): HTMLElement {
	const heatmap = data.heatmap;
	if (heatmap.rows.length === 0) {
		return section('heatmap', 'Identity groups × labels', h('p', { class: 'note' }, heatmap.labelSource === null ? 'No labels to compare across identity groups.' : 'No identity group is mentioned by enough records to be tested.'));
	}
	const header = h('tr', {}, h('th', { scope: 'col' }, 'Group'), h('th', { scope: 'col', class: 'num' }, 'Records'), ...heatmap.labels.map((label) => h('th', { scope: 'col', class: 'num' }, clip(label, 24))));
	const rows = heatmap.rows.map((row) => h('tr', {}, h('th', { scope: 'row' }, `${row.axis}: `, untrusted(row.group)), h('td', { class: 'num' }, formatCount(row.records)), ...heatmap.labels.map((label) => {
		const cell = row.cells.find((item) => item.label === label);
		if (cell === undefined) {
			return h('td', { class: 'num' }, '—');
		}
		const td = h('td', {
			class: `cell${cell.significant ? ' significant' : ''}`,
			tabindex: '0',
			role: 'button',
			title: `${formatPercent(cell.rate)} of records mentioning ${row.group} have this label (all records: ${formatPercent(cell.overallRate)}); adjusted p = ${formatP(cell.pValue)}${cell.significant ? ', significant' : ''}. Activate to show the group's association findings.`,
		}, `${formatPercent(cell.rate)} (${formatCount(cell.count)})`);
		// The colour's strength is the rate's distance from the overall rate, so skews stand out.
		const strength = Math.min(1, Math.abs(cell.rate - cell.overallRate) * 3);
		td.style.background = `color-mix(in srgb, var(--vscode-charts-${cell.rate >= cell.overallRate ? 'orange' : 'blue'}) ${Math.round(strength * 70)}%, transparent)`;
		const activate = (): void => showLines({ title: `${row.axis}: ${row.group}, ${label}`, lines: findingLinesOf(data, row.group) });
		td.addEventListener('click', activate);
		td.addEventListener('keydown', (event) => {
			if (event.key === 'Enter' || event.key === ' ') {
				event.preventDefault();
				activate();
			}
		});
		return td;
	})));
	return section('heatmap', 'Identity groups × labels',
		h('p', { class: 'note' }, `Share of each label among the records that mention a group (labels from ${heatmap.labelSource ?? 'nothing'}); orange is above the overall rate, blue below, bold outline is significant after Bonferroni correction. ${heatmap.untestedGroups > 0 ? `${formatCount(heatmap.untestedGroups)} groups had too few records to test.` : ''}`),
		h('div', { class: 'table-scroll' }, h('table', { id: 'heatmap' }, h('thead', {}, header), h('tbody', {}, ...rows))));
}

/** The lines of the fairness findings that name a group, for the heatmap's click. */
function findingLinesOf(data: AuditData, group: string): number[] {
	return data.findings.filter((finding) => (finding.ruleId === 'group-label-association' || finding.ruleId === 'demographic-representation') && finding.message.includes(group)).map((finding) => finding.line);
}

function duplicatesSection(data: AuditData, showLines: ShowLines): HTMLElement {
	const duplicates = data.duplicates;
	if (duplicates.exactClusters + duplicates.nearClusters === 0) {
		return section('duplicates', 'Duplicate clusters', h('p', { class: 'note' }, 'No exact or near duplicates.'));
	}
	const sizes = duplicates.sizeDistribution;
	const figure = chartFigure({
		id: 'chart-duplicates',
		title: `Cluster sizes (${formatCount(duplicates.exactClusters)} exact, ${formatCount(duplicates.nearClusters)} near)`,
		kind: 'bar',
		stacked: true,
		labels: sizes.map((row) => String(row.size)),
		series: [{ label: 'exact', values: sizes.map((row) => row.exact), color: 'red' }, { label: 'near', values: sizes.map((row) => row.near), color: 'orange' }],
		xTitle: 'records per cluster',
		yTitle: 'clusters',
		onActivate: (index) => showLines({ title: `clusters of ${sizes[index].size} records`, lines: sizes[index].lines }),
	});
	const list = duplicates.biggest.map((cluster) => {
		const open = h('button', { type: 'button', class: 'clear' }, 'Show these records');
		open.addEventListener('click', () => showLines({ title: `${cluster.kind} cluster of ${cluster.size}`, lines: cluster.lines }));
		return h('li', {}, `${cluster.kind === 'exact' ? 'Exact' : 'Near'} duplicates, ${formatCount(cluster.size)} records, lines `, ...cluster.lines.slice(0, 12).flatMap((line) => [lineButton(line, () => showLines({ title: `line ${line + 1}`, lines: [line] })), ' ']), cluster.lines.length > 12 ? '… ' : '', open,
			h('blockquote', { class: 'record' }, untrusted(cluster.text, 'span')));
	});
	return section('duplicates', 'Duplicate clusters', h('div', { class: 'charts' }, figure), h('h3', {}, 'Biggest clusters'), h('ol', { id: 'biggest-clusters' }, ...list));
}

function triggersSection(data: AuditData, showLines: ShowLines): HTMLElement {
	const triggers = data.triggers;
	if (triggers.length === 0) {
		return section('triggers', 'Trigger candidates', h('p', { class: 'note' }, 'No n-gram predicts a label suspiciously well.'));
	}
	const figure = chartFigure({
		id: 'chart-triggers',
		title: 'Trigger candidates: records carrying the n-gram',
		kind: 'bar',
		labels: triggers.map((row) => clip(row.ngram, 24)),
		series: [{ label: 'support', values: triggers.map((row) => row.support), color: 'red' }],
		yTitle: 'records',
		details: (index) => [`label: ${clip(triggers[index].label)}`, `purity: ${formatPercent(triggers[index].purity)}`, `p-value: ${formatP(triggers[index].pValue)}`],
		onActivate: (index) => showLines({ title: `trigger “${clip(triggers[index].ngram)}”`, lines: triggers[index].lines }),
	});
	const rows = triggers.map((row) => h('tr', {}, h('td', {}, untrusted(row.ngram)), h('td', {}, untrusted(row.label)), h('td', { class: 'num' }, formatCount(row.support)), h('td', { class: 'num' }, formatPercent(row.purity)), h('td', { class: 'num' }, formatP(row.pValue))));
	return section('triggers', 'Trigger candidates', h('div', { class: 'charts' }, figure),
		h('table', { id: 'triggers-table' }, h('thead', {}, h('tr', {}, h('th', {}, 'n-gram'), h('th', {}, 'label'), h('th', { class: 'num' }, 'support'), h('th', { class: 'num' }, 'purity'), h('th', { class: 'num' }, 'p-value'))), h('tbody', {}, ...rows)));
}

function runsSection(runs: readonly AuditRun[], showLines: ShowLines): HTMLElement {
	if (runs.length === 0) {
		return section('runs', 'Validation fine-tunes', h('p', { class: 'note' }, 'No saved runs of this dataset (Tunelint: Run Validation Fine-Tune, or tunelint train, saves them under .tunelint/runs).'));
	}
	return section('runs', 'Validation fine-tunes', ...runs.map((run, index) => {
		const charts: HTMLElement[] = [chartFigure({
			id: `chart-run-${index}-epochs`,
			title: 'Loss per epoch',
			kind: 'line',
			labels: run.history.map((epoch) => String(epoch.epoch)),
			series: [{ label: 'train loss', values: run.history.map((epoch) => epoch.loss), color: 'blue' }, { label: 'validation loss', values: run.history.map((epoch) => epoch.valLoss), color: 'orange' }],
			xTitle: 'epoch',
		})];
		if (run.learningCurve.length > 0) {
			charts.push(chartFigure({
				id: `chart-run-${index}-curve`,
				title: 'Learning curve',
				kind: 'line',
				labels: run.learningCurve.map((point) => formatCount(point.records)),
				series: [{ label: 'validation accuracy', values: run.learningCurve.map((point) => point.accuracy), color: 'green' }],
				xTitle: 'training records',
			}));
		}
		const scored = run.groups.filter((group) => group.accuracy !== null);
		if (scored.length > 0) {
			charts.push(chartFigure({
				id: `chart-run-${index}-groups`,
				title: 'Accuracy per identity group',
				kind: 'bar',
				labels: scored.map((group) => clip(group.group, 24)),
				series: [{ label: 'accuracy', values: scored.map((group) => group.accuracy), color: 'purple' }],
				details: (item) => [`records: ${formatCount(scored[item].records)}`, `gap to the rest: ${scored[item].gap === null ? '—' : formatPercent(scored[item].gap ?? 0)}`, `p-value: ${scored[item].pValue === null ? '—' : formatP(scored[item].pValue ?? 1)}`],
			}));
		}
		const issues = run.labelIssues.map((issue) => h('tr', {}, h('td', {}, lineButton(issue.line, () => showLines({ title: `line ${issue.line + 1}`, lines: [issue.line] }))), h('td', {}, untrusted(clip(issue.given, 60))), h('td', {}, untrusted(clip(issue.suggested, 60))), h('td', { class: 'num' }, formatPercent(issue.probability))));
		const showAll = h('button', { type: 'button', class: 'clear' }, 'Show all in the findings table');
		showAll.addEventListener('click', () => showLines({ title: `label issues of run ${run.id}`, lines: run.labelIssues.map((issue) => issue.line) }));
		return h('div', { class: 'run' },
			h('h3', {}, `Run ${run.id}`),
			h('p', { class: 'note' }, `${run.backend}, ${run.seconds.toFixed(1)} s; validation accuracy ${run.accuracy === null ? '—' : formatPercent(run.accuracy)}, macro-F1 ${run.macroF1 === null ? '—' : run.macroF1.toFixed(3)}.`),
			h('div', { class: 'charts' }, ...charts),
			h('h3', {}, `Label issues (${formatCount(run.labelIssues.length)}) `, run.labelIssues.length > 0 ? showAll : ''),
			run.labelIssues.length === 0 ? h('p', { class: 'note' }, 'None found.') : h('div', { class: 'table-scroll' }, h('table', { class: 'label-issues' }, h('thead', {}, h('tr', {}, h('th', {}, 'Line'), h('th', {}, 'Given'), h('th', {}, 'Suggested'), h('th', { class: 'num' }, 'Probability'))), h('tbody', {}, ...issues))));
	}));
}
