/** The report's header, summary cards and per-rule counts. */
import type { AuditData } from '../../../../server/src/core/audit/types.js';
import { formatCount, h, section, untrusted } from './dom.mjs';

/** The header, the summary cards and the rules table; clicking a rule filters the findings table to it. */
export function summarySection(data: AuditData, showRule: (ruleId: string) => void): HTMLElement[] {
	const { summary } = data;
	const tokens = summary.tokens;
	const card = (label: string, value: string, title?: string): HTMLElement => h('div', { class: 'card', ...(title === undefined ? {} : { title }) }, h('div', { class: 'value' }, value), h('div', { class: 'label' }, label));
	const tokenNote = tokens.sampled
		? `estimated from a deterministic sample of ${formatCount(tokens.counted)} records (every ${formatCount(tokens.stride)}th)`
		: `counted on all ${formatCount(tokens.counted)} records`;
	const header = h('header', {}, h('h1', {}, 'Tunelint audit'), h('p', { class: 'subtitle' }, untrusted(data.file)));
	const cards = h('div', { class: 'cards' },
		card('records', formatCount(summary.records), `${formatCount(summary.lines)} lines`),
		card('format', summary.format ?? 'unknown'),
		card(`tokens total (${tokens.tokenizer})`, `${tokens.sampled ? '≈ ' : ''}${formatCount(tokens.total)}`, tokenNote),
		card('tokens median / p95', `${formatCount(tokens.median)} / ${formatCount(tokens.p95)}`, tokenNote),
		card('size', summary.sizeBytes === null ? '—' : formatBytes(summary.sizeBytes)),
		card('time to lint', summary.lintMs === null ? '—' : `${formatCount(summary.lintMs)} ms`),
		card('errors', formatCount(summary.problems.error)),
		card('warnings', formatCount(summary.problems.warning)),
		card('info', formatCount(summary.problems.info)));
	const rows = data.rules.map((rule) => {
		const link = h('button', { type: 'button', class: 'rule-link', title: `Show the findings of ${rule.ruleId}` }, rule.ruleId);
		link.addEventListener('click', () => {
			showRule(rule.ruleId);
			document.getElementById('findings')?.scrollIntoView({ block: 'start' });
		});
		return h('tr', {}, h('td', {}, link), h('td', {}, rule.category), h('td', { class: 'num' }, formatCount(rule.error)), h('td', { class: 'num' }, formatCount(rule.warning)), h('td', { class: 'num' }, formatCount(rule.info)), h('td', {}, rule.description));
	});
	const rulesTable = rows.length === 0
		? h('p', {}, 'No findings.')
		: h('table', { id: 'rules-table' }, h('thead', {}, h('tr', {}, h('th', {}, 'Rule'), h('th', {}, 'Category'), h('th', { class: 'num' }, 'Errors'), h('th', { class: 'num' }, 'Warnings'), h('th', { class: 'num' }, 'Info'), h('th', {}, 'What it checks'))), h('tbody', {}, ...rows));
	return [header, section('summary', 'Summary', cards, h('p', { class: 'note' }, `Tokens: ${tokens.tokenizer}, ${tokenNote}.`)), section('rules', 'Findings by rule', rulesTable)];
}

function formatBytes(bytes: number): string {
	const units = ['B', 'KB', 'MB', 'GB'];
	let value = bytes;
	let unit = 0;
	while (value >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit++;
	}
	return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
