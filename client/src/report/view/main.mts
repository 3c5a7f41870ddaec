/**
 * The audit report's renderer: reads the audit data (the JSON block of the page, or a message from the extension
 * when the dataset changes) and builds the report with DOM calls only. It is bundled by esbuild with Chart.js and the
 * @vscode-elements controls into one script that the page inlines under its nonce.
 */
import type { AuditData } from '../../../../server/src/core/audit/types.js';
import { h, section } from './dom.mjs';
import { findingsTable } from './findingsTable.mjs';
import { inWebview, post } from './host.mjs';
import { chartSections } from './sections.mjs';
import { STYLES } from './styles.mjs';
import { summarySection } from './summary.mjs';

const nonce = document.currentScript instanceof HTMLScriptElement ? document.currentScript.nonce : '';

function addStyles(): void {
	const style = document.createElement('style');
	style.nonce = nonce;
	style.textContent = STYLES;
	document.head.append(style);
}

/** Renders the whole report into #app. */
function render(data: AuditData): void {
	const app = document.getElementById('app');
	if (app === null) {
		return;
	}
	const table = findingsTable(data.findings, data.findingsTruncated);
	app.replaceChildren(
		...summarySection(data, (ruleId) => table.showRule(ruleId)),
		...chartSections(data, (filter) => table.showLines(filter)),
		section('findings', 'Findings', table.element),
	);
	document.documentElement.dataset.rendered = 'true';
}

function start(): void {
	addStyles();
	const block = document.getElementById('audit-data');
	try {
		render(JSON.parse(block?.textContent ?? 'null') as AuditData);
	} catch (error) {
		document.getElementById('app')?.replaceChildren(h('p', {}, `The report could not be shown: ${String(error)}`));
	}
	// The extension sends fresh data when the dataset changes; only the data is replaced, never the page.
	// In a browser nothing may push data into the page.
	if (inWebview) {
		window.addEventListener('message', (event: MessageEvent<{ type?: string; data?: AuditData }>) => {
			if (event.data?.type === 'data' && event.data.data !== undefined) {
				render(event.data.data);
			}
		});
	}
	post({ type: 'ready' });
}

start();
