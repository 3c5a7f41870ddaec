import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit } from 'vscode-languageserver';
import type { Finding, Fix, LintResult } from '../core';
import type { DiagnosticData } from './diagnostics';

/** The fix-all kind of Tunelint, for `editor.codeActionsOnSave`; it applies only fixes marked safe. */
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.tunelint`;

/**
 * Findings whose remedy needs a choice and a preview rather than an edit: the quick fix runs a client command
 * (which asks, previews and writes a new file) instead of editing the document.
 */
const COMMAND_FIXES: Readonly<Record<string, { title: string; command: string }>> = {
	'label-imbalance': { title: 'Rebalance the dataset into a new file…', command: 'tunelint.rebalance' },
	'label-rare-class': { title: 'Rebalance the dataset into a new file…', command: 'tunelint.rebalance' },
};

/** Quick fixes for the diagnostics in a code-action request, from the lint result they were made from. */
export function quickFixes(uri: string, diagnostics: readonly Diagnostic[], result: LintResult): CodeAction[] {
	const actions: CodeAction[] = [];
	for (const diagnostic of diagnostics) {
		const finding = findingOf(diagnostic, result);
		if (finding === undefined) {
			continue;
		}
		const commandFix = COMMAND_FIXES[finding.ruleId];
		if (commandFix !== undefined) {
			actions.push({ title: commandFix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], command: { title: commandFix.title, command: commandFix.command, arguments: [uri] } });
		}
		const fixes = [finding.fix, ...(finding.alternativeFixes ?? [])].filter((fix): fix is Fix => fix !== undefined);
		fixes.forEach((fix, index) => {
			actions.push({
				title: fix.title,
				kind: CodeActionKind.QuickFix,
				diagnostics: [diagnostic],
				isPreferred: index === 0 && fix.safe === true,
				edit: { changes: { [uri]: fix.edits.map(toTextEdit) } },
			});
		});
	}
	return actions;
}

/**
 * One action applying every safe fix of the document. Overlapping edits would be rejected by the editor, so a
 * fix whose lines overlap an already chosen one is left for the next run.
 */
export function fixAll(uri: string, result: LintResult): CodeAction | undefined {
	const edits: TextEdit[] = [];
	const taken: Array<[number, number]> = [];
	for (const finding of result.findings) {
		const fix = finding.fix;
		if (fix?.safe !== true) {
			continue;
		}
		// Half-open line spans: deleting line 2 ([2, 3)) and deleting line 3 ([3, 4)) do not overlap.
		const spans = fix.edits.map((edit): [number, number] => [edit.line, edit.endColumn === 0 && edit.endLine > edit.line ? edit.endLine : edit.endLine + 1]);
		if (spans.some(([start, end]) => taken.some(([s, e]) => start < e && s < end))) {
			continue;
		}
		taken.push(...spans);
		edits.push(...fix.edits.map(toTextEdit));
	}
	if (edits.length === 0) {
		return undefined;
	}
	return { title: 'Fix all safe Tunelint problems', kind: FIX_ALL_KIND, edit: { changes: { [uri]: edits } } };
}

function findingOf(diagnostic: Diagnostic, result: LintResult): Finding | undefined {
	const data = diagnostic.data as DiagnosticData | undefined;
	if (data === undefined || typeof data.index !== 'number') {
		return undefined;
	}
	const finding = result.findings[data.index];
	return finding?.ruleId === data.ruleId ? finding : undefined;
}

function toTextEdit(edit: Fix['edits'][number]): TextEdit {
	return { range: { start: { line: edit.line, character: edit.column }, end: { line: edit.endLine, character: edit.endColumn } }, newText: edit.newText };
}
