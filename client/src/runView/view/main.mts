/**
 * The "Tunelint Runs" view's renderer: the list of saved runs (and of this session's searches, training logs,
 * forgetting probes and drift comparisons) and the selected entry's verdict, facts, charts, tables and findings,
 * built with DOM calls only. Dataset text (file names, labels, messages, n-grams) enters the page only as text nodes
 * (`textContent`), never as HTML. Bundled by esbuild with
 * Chart.js into server/out/runView.js, which the page inlines under its nonce.
 *
 * Hooks for end-to-end tests (stable; change them only together with the tests):
 * - `body[data-ready="true"]`: every chart of the current state is drawn with pixels that are not blank. It is
 *   "false" while a state renders, so wait for it after each selection.
 * - `body[data-view]`: `run`, `tune`, `log`, `forget`, `drift`, or `empty` when nothing is selected;
 *   `body[data-selected]`: the list key of the selected entry (`run:<run id>`, `tune:<n>`, `log:<n>`, `forget:<n>`,
 *   `drift:<n>`).
 * - `canvas[data-chart="learning-curve"]`: train and validation loss per epoch of the selected run, the best epoch
 *   marked; `accuracy-curve` (the other per-epoch metrics), `training-size-curve` (the insufficient-data learning
 *   curve, when the run drew one), `tune-best-so-far` (a search), `log-loss` and `log-accuracy` (a training log,
 *   the overfitting step marked), `forget-tradeoff` (a forgetting probe: retention against new-task accuracy). Each
 *   canvas gets `data-drawn="true"` once it has pixels.
 * - `table#runs tr[data-key]`: one row per entry, `aria-selected="true"` on the selected one; `table#trials`: the
 *   trials of a search; `#findings li[data-rule]`: the findings of a run; `table#forget`: the mitigations of a
 *   forgetting probe (its first row the base before fine-tuning); `#verdict[data-alarm]` and `table#drift-figures`
 *   (rows over their threshold have class `flagged`), `#drift-labels`, `#drift-appeared`, `#drift-vanished`,
 *   `#drift-groups`, `#drift-domain`: a drift comparison; `button[data-action]`: an entry's actions
 *   (`json`, `replay`).
 * In VS Code the page is the inner frame of the webview's iframe (the panel's title is "Tunelint Runs"); find it as
 * the frame holding `canvas[data-chart]`. test/client/run-view-browser.test.ts checks these hooks in Chromium.
 */
import { formatCount, h, untrusted, visibleText } from '../../report/view/dom.mjs';
import type { ChartModel, DetailModel, ListRow, RunViewState, TableModel } from '../model.js';
import { chartFigure } from './charts.mjs';
import { post, type StateMessage } from './host.mjs';
import { STYLES } from './styles.mjs';

const nonce = document.currentScript instanceof HTMLScriptElement ? document.currentScript.nonce : '';
/** Incremented by every render, so that a slow draw of an older state cannot mark a newer one ready. */
let generation = 0;
/** The state on the page, as JSON: the same state sent again (the extension answers "ready" with it) is not redrawn. */
let shown = '';

function addStyles(): void {
	const style = document.createElement('style');
	style.nonce = nonce;
	style.textContent = STYLES;
	document.head.append(style);
}

function render(state: RunViewState): void {
	const app = document.getElementById('app');
	const json = JSON.stringify(state);
	if (app === null || json === shown) {
		return;
	}
	shown = json;
	const current = ++generation;
	document.body.dataset.ready = 'false';
	document.body.dataset.view = state.detail?.kind ?? 'empty';
	document.body.dataset.selected = state.selected ?? '';
	const charts: Array<Promise<void>> = [];
	app.replaceChildren(
		h('h1', {}, 'Tunelint Runs'),
		runsSection(state),
		state.detail === null ? h('p', { class: 'note' }, visibleText(state.note ?? 'Select a run.')) : detailSection(state.selected ?? '', state.detail, charts),
	);
	void Promise.all(charts).then(() => {
		if (current === generation) {
			document.body.dataset.ready = 'true';
		}
	});
}

function runsSection(state: RunViewState): HTMLElement {
	if (state.rows.length === 0) {
		return h('section', { id: 'runs-section' }, h('p', { class: 'note' }, 'No saved runs yet. Tunelint: Run Validation Fine-Tune saves one under .tunelint/runs.'));
	}
	const header = h('tr', {}, ...['Run', 'Date', 'File', 'Backend', 'Validation', 'Best epoch'].map((name) => h('th', { scope: 'col', class: name === 'Best epoch' ? 'num' : '' }, name)));
	const rows = state.rows.map((row) => listRow(row, row.key === state.selected));
	return h('section', { id: 'runs-section', 'aria-label': 'Runs' }, h('div', { class: 'table-scroll' }, h('table', { id: 'runs' }, h('thead', {}, header), h('tbody', {}, ...rows))));
}

/** How an entry that is not a saved run is introduced in the list. */
const KIND_NAMES: Record<Exclude<ListRow['kind'], 'run'>, string> = { tune: 'search', log: 'log', forget: 'forgetting', drift: 'drift' };

function listRow(row: ListRow, selected: boolean): HTMLElement {
	const kind = row.kind === 'run' ? row.id : `${KIND_NAMES[row.kind]}: ${row.id}`;
	const element = h('tr', { 'data-key': row.key, tabindex: '0', 'aria-selected': String(selected), class: selected ? 'selected' : '' },
		h('td', {}, untrusted(kind)), h('td', {}, row.date), h('td', {}, untrusted(row.file)), h('td', {}, untrusted(row.backend)), h('td', {}, untrusted(row.metrics)), h('td', { class: 'num' }, row.bestEpoch));
	const select = (): void => post({ type: 'select', key: row.key });
	element.addEventListener('click', select);
	element.addEventListener('keydown', (event) => {
		if (event.key === 'Enter' || event.key === ' ') {
			event.preventDefault();
			select();
		}
	});
	return element;
}

function detailSection(key: string, detail: DetailModel, charts: Array<Promise<void>>): HTMLElement {
	const section = h('section', { id: 'detail', 'aria-labelledby': 'detail-title' }, h('h2', { id: 'detail-title' }, untrusted(detail.title)));
	if (detail.verdict !== undefined) {
		const verdict = detail.verdict;
		section.append(h('div', { id: 'verdict', role: 'status', 'data-alarm': String(verdict.alarm) }, h('h3', {}, untrusted(verdict.headline, 'span')),
			verdict.reasons.length === 0 ? null : h('ul', {}, ...verdict.reasons.map((reason) => h('li', {}, untrusted(reason, 'span'))))));
	}
	if (detail.actions !== undefined && detail.actions.length > 0) {
		section.append(h('div', { class: 'actions' }, ...detail.actions.map((action) => {
			const button = h('button', { type: 'button', 'data-action': action.id }, action.label);
			button.addEventListener('click', () => post({ type: 'action', key, action: action.id }));
			return button;
		})));
	}
	section.append(h('dl', { class: 'facts' }, ...detail.facts.flatMap((fact) => [h('dt', {}, untrusted(fact.name)), h('dd', {}, untrusted(fact.value))])));
	for (const note of detail.notes) {
		section.append(h('p', { class: 'note' }, visibleText(note)));
	}
	if (detail.charts.length > 0) {
		section.append(h('div', { class: 'charts' }, ...detail.charts.map((chart) => drawChart(chart, charts))));
	}
	for (const table of detail.tables) {
		section.append(h('h3', {}, table.caption), h('div', { class: 'table-scroll' }, h('table', { id: table.id },
			h('thead', {}, h('tr', {}, ...table.columns.map((column, index) => h('th', { scope: 'col', class: table.numeric[index] ? 'num' : '' }, untrusted(column))))),
			h('tbody', {}, ...table.rows.map((cells, rowIndex) => h('tr', { class: rowClass(table, rowIndex) }, ...cells.map((cell, index) => h('td', { class: table.numeric[index] ? 'num' : '' }, untrusted(cell)))))))));
	}
	if (detail.kind === 'run') {
		section.append(...findingsPart(key, detail));
	}
	return section;
}

function rowClass(table: TableModel, rowIndex: number): string {
	return [table.highlight.includes(rowIndex) ? 'best' : '', table.flagged?.includes(rowIndex) === true ? 'flagged' : ''].filter((name) => name !== '').join(' ');
}

function drawChart(model: ChartModel, charts: Array<Promise<void>>): HTMLElement {
	const figure = chartFigure(model);
	charts.push(figure.drawn);
	return figure.element;
}

function findingsPart(key: string, detail: DetailModel): HTMLElement[] {
	const heading = h('h3', {}, `Findings (${formatCount(detail.findings.length + detail.findingsOmitted)})`);
	if (detail.labelIssues > 0) {
		const exportButton = h('button', { type: 'button', id: 'export-label-issues' }, `Export ${formatCount(detail.labelIssues)} ranked label ${detail.labelIssues === 1 ? 'issue' : 'issues'}…`);
		exportButton.addEventListener('click', () => post({ type: 'export', key }));
		heading.append(' ', exportButton);
	}
	if (detail.findings.length === 0) {
		return [heading, h('p', { class: 'note' }, 'None.')];
	}
	const items = detail.findings.map((finding) => {
		const item = h('li', { 'data-rule': finding.ruleId }, h('span', { class: `severity-${finding.severity}` }, `${finding.severity} `), h('code', {}, finding.ruleId), ' ');
		if (finding.line !== null) {
			const line = finding.line;
			const button = h('button', { type: 'button', class: 'link', title: 'Open the dataset at this line' }, `line ${formatCount(line + 1)}`);
			button.addEventListener('click', () => post({ type: 'open', key, line }));
			item.append(button, ': ');
		}
		item.append(untrusted(finding.message, 'span'));
		return item;
	});
	const parts = [heading, h('ul', { id: 'findings' }, ...items)];
	if (detail.findingsOmitted > 0) {
		parts.push(h('p', { class: 'note' }, `${formatCount(detail.findingsOmitted)} more label issues are not listed here; the export writes them all, ranked.`));
	}
	return parts;
}

function start(): void {
	addStyles();
	try {
		render(JSON.parse(document.getElementById('run-view-state')?.textContent ?? 'null') as RunViewState);
	} catch (error) {
		document.getElementById('app')?.replaceChildren(h('p', {}, `The runs could not be shown: ${String(error)}`));
	}
	window.addEventListener('message', (event: MessageEvent<StateMessage>) => {
		if (event.data?.type === 'state' && typeof event.data.state === 'object' && event.data.state !== null) {
			render(event.data.state);
		}
	});
	post({ type: 'ready' });
}

start();
