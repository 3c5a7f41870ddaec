/**
 * The findings table: sortable by any column (header buttons), filtered by rule, severity, text, and by a set of
 * lines that a chart element or a list stands for. Each row's line opens the dataset there (in VS Code).
 */
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { FindingRow } from '../../../../server/src/core/audit/types.js';
import { formatCount, h, untrusted } from './dom.mjs';
import { inWebview, post } from './host.mjs';

type Column = 'line' | 'severity' | 'ruleId' | 'message';

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;
/** Rows drawn at once; the filters narrow the rest down. */
const MAX_SHOWN = 1000;

/** A filter to a set of lines, named after what it stands for ("label positive", "bin 120–180 characters"). */
export interface LineFilter {
	title: string;
	lines: readonly number[];
}

/** The table and its controls; `showLines` narrows it to the lines behind a chart element. */
export interface FindingsTable {
	element: HTMLElement;
	showLines(filter: LineFilter): void;
	showRule(ruleId: string): void;
}

/** A button showing a 1-based line; it opens the dataset at the line in VS Code, and filters to it in a browser. */
export function lineButton(line: number, onBrowser: (line: number) => void): HTMLButtonElement {
	const button = h('button', { type: 'button', class: 'line-link', title: inWebview ? `Open line ${line + 1}` : `Show the findings of line ${line + 1}` }, String(line + 1));
	button.addEventListener('click', () => (inWebview ? post({ type: 'open', line }) : onBrowser(line)));
	return button;
}

/** Builds the table over the rows. */
export function findingsTable(rows: readonly FindingRow[], truncated: boolean): FindingsTable {
	const state = { rule: '', severity: '', text: '', lines: undefined as LineFilter | undefined, sort: 'line' as Column, descending: false };
	const rules = [...new Set(rows.map((row) => row.ruleId))].sort();
	const ruleSelect = select('Rule', [['', 'All rules'], ...rules.map((rule): [string, string] => [rule, rule])]);
	const severitySelect = select('Severity', [['', 'All severities'], ['error', 'Errors'], ['warning', 'Warnings'], ['info', 'Info']]);
	const textField = document.createElement('vscode-textfield');
	textField.setAttribute('placeholder', 'Filter by text');
	textField.setAttribute('aria-label', 'Filter findings by text');
	const lineChip = h('div', { class: 'line-filter', hidden: '' });
	const count = h('p', { class: 'table-count', 'aria-live': 'polite' });
	const body = h('tbody');
	const headers = (['line', 'severity', 'ruleId', 'message'] as Column[]).map((column) => {
		const button = h('button', { type: 'button', class: 'sort' }, { line: 'Line', severity: 'Severity', ruleId: 'Rule', message: 'Message' }[column]);
		const header = h('th', { scope: 'col', 'aria-sort': 'none' }, button);
		button.addEventListener('click', () => {
			state.descending = state.sort === column ? !state.descending : false;
			state.sort = column;
			render();
		});
		return { column, header };
	});
	const table = h('table', { class: 'findings', id: 'findings-table' }, h('thead', {}, h('tr', {}, ...headers.map((item) => item.header))), body);

	const render = (): void => {
		const needle = state.text.toLowerCase();
		const lineSet = state.lines === undefined ? undefined : new Set(state.lines.lines);
		const shown = rows.filter((row) => (state.rule === '' || row.ruleId === state.rule)
			&& (state.severity === '' || row.severity === state.severity)
			&& (needle === '' || row.message.toLowerCase().includes(needle) || row.ruleId.includes(needle))
			&& (lineSet === undefined || lineSet.has(row.line)));
		shown.sort(compare(state.sort, state.descending));
		for (const { column, header } of headers) {
			header.setAttribute('aria-sort', column === state.sort ? (state.descending ? 'descending' : 'ascending') : 'none');
		}
		body.replaceChildren(...shown.slice(0, MAX_SHOWN).map((row) => h('tr', { class: `severity-${row.severity}`, 'data-line': String(row.line), 'data-rule': row.ruleId },
			h('td', {}, row.scope === 'file' ? h('span', { title: 'about the whole dataset' }, 'file') : lineButton(row.line, filterToLine)),
			h('td', {}, h('span', { class: `badge ${row.severity}` }, row.severity)),
			h('td', {}, h('code', {}, row.ruleId)),
			h('td', {}, untrusted(row.message)))));
		count.textContent = `${formatCount(shown.length)} of ${formatCount(rows.length)} findings${shown.length > MAX_SHOWN ? ` (the first ${formatCount(MAX_SHOWN)} shown; narrow the filters to see the rest)` : ''}${truncated ? '. The lint was capped: the table holds the first findings only.' : ''}`;
		if (state.lines === undefined) {
			lineChip.hidden = true;
			lineChip.replaceChildren();
		} else {
			const clear = h('button', { type: 'button', class: 'clear' }, 'Clear');
			clear.addEventListener('click', () => {
				state.lines = undefined;
				render();
			});
			const listed = state.lines.lines.slice(0, 30).map((line) => lineButton(line, filterToLine));
			lineChip.hidden = false;
			lineChip.replaceChildren(h('strong', {}, 'Records: '), untrusted(state.lines.title, 'span'), ` (${formatCount(state.lines.lines.length)} lines) `, ...listed, state.lines.lines.length > 30 ? ' …' : '', ' ', clear);
		}
	};
	const filterToLine = (line: number): void => {
		state.lines = { title: `line ${line + 1}`, lines: [line] };
		render();
	};
	ruleSelect.addEventListener('change', () => {
		state.rule = (ruleSelect as unknown as { value: string }).value;
		render();
	});
	severitySelect.addEventListener('change', () => {
		state.severity = (severitySelect as unknown as { value: string }).value;
		render();
	});
	textField.addEventListener('input', () => {
		state.text = (textField as unknown as { value: string }).value;
		render();
	});
	render();
	const controls = h('div', { class: 'controls', role: 'search' }, ruleSelect, severitySelect, textField);
	return {
		element: h('div', {}, controls, lineChip, count, h('div', { class: 'table-scroll' }, table)),
		showLines(filter) {
			state.lines = filter;
			render();
			table.scrollIntoView({ block: 'nearest' });
		},
		showRule(ruleId) {
			state.rule = ruleId;
			(ruleSelect as unknown as { value: string }).value = ruleId;
			render();
		},
	};
}

function select(label: string, options: Array<[string, string]>): HTMLElement {
	const element = document.createElement('vscode-single-select');
	element.setAttribute('aria-label', label);
	for (const [value, text] of options) {
		const option = document.createElement('vscode-option');
		option.setAttribute('value', value);
		option.textContent = text;
		element.append(option);
	}
	return element;
}

function compare(column: Column, descending: boolean): (a: FindingRow, b: FindingRow) => number {
	const sign = descending ? -1 : 1;
	return (a, b) => {
		const primary = column === 'line' ? a.line - b.line
			: column === 'severity' ? SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]
				: column === 'ruleId' ? a.ruleId.localeCompare(b.ruleId) : a.message.localeCompare(b.message);
		return sign * primary || a.line - b.line || a.column - b.column;
	};
}
