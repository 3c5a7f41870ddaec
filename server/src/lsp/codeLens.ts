import type { CodeLens } from 'vscode-languageserver';
import type { LintResult } from '../core';

function plural(count: number, noun: string): string {
	return `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * The summary code lens on line 1: records · format · errors · warnings (opening the Problems panel), and "Audit"
 * (opening the audit report of the document).
 */
export function summaryLenses(uri: string, result: LintResult): CodeLens[] {
	const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
	const title = [plural(result.recordCount, 'record'), result.format ?? 'unknown format', plural(result.counts.error, 'error'), plural(result.counts.warning, 'warning')].join(' · ');
	return [
		{ range, command: { title, command: 'workbench.actions.view.problems' } },
		{ range, command: { title: 'Audit', command: 'tunelint.audit', arguments: [uri] } },
	];
}
