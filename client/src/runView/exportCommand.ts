/**
 * `Tunelint: Export Ranked Label Issues`: writes the label issues of a dataset's newest validation fine-tune, most
 * suspicious first, to a CSV or JSONL file the user picks (the save dialog asks before replacing a file). Also run
 * from the run view's button and from the language server's quick fix beside a label-issue diagnostic.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { labelIssueRows, labelIssuesCsv, labelIssuesJsonl } from './labelIssueExport';
import { datasetOf, newestRunOf, readLabelIssues, readRunSummary, type RunLocation } from './runStore';
import { runsDirectories } from './runsDirectories';

/** The command: its argument is the dataset (a URI, or its string from the server's code action), else the active editor. */
export function exportLabelIssues(_ctx: Ctx): (target?: unknown) => Promise<void> {
	return async (target) => {
		const uri = target instanceof vscode.Uri ? target : typeof target === 'string' ? vscode.Uri.parse(target) : vscode.window.activeTextEditor?.document.uri;
		if (uri === undefined || uri.scheme !== 'file') {
			void vscode.window.showWarningMessage('Tunelint: open a dataset on the local disk to export the label issues of its newest validation fine-tune.');
			return;
		}
		const run = newestRunOf(runsDirectories([uri.fsPath]), uri.fsPath);
		if (run === undefined) {
			void vscode.window.showWarningMessage(`Tunelint: ${path.basename(uri.fsPath)} has no saved validation fine-tune. Run Tunelint: Run Validation Fine-Tune first.`);
			return;
		}
		await exportRunLabelIssues(run);
	};
}

/** Asks where to write the run's ranked label issues and writes them; nothing is written when the dialog is cancelled. */
export async function exportRunLabelIssues(run: RunLocation): Promise<void> {
	const rows = labelIssueRows(readLabelIssues(run));
	if (rows.length === 0) {
		void vscode.window.showInformationMessage(`Tunelint: run ${run.id} found no label issues.`);
		return;
	}
	const summary = readRunSummary(run);
	const dataset = summary === undefined ? undefined : datasetOf(run, summary);
	const base = dataset === undefined ? path.join(path.dirname(run.runsDirectory), run.id) : dataset.replace(/\.(jsonl|ndjson|json)$/i, '');
	const target = await vscode.window.showSaveDialog({
		defaultUri: vscode.Uri.file(`${base}.label-issues.csv`),
		filters: { 'CSV': ['csv'], 'JSON Lines': ['jsonl'] },
		saveLabel: 'Export Label Issues',
		title: `Export the ${rows.length} ranked label issues of run ${run.id}`,
	});
	if (target === undefined) {
		return;
	}
	const content = /\.jsonl$/i.test(target.path) ? labelIssuesJsonl(rows) : labelIssuesCsv(rows);
	await vscode.workspace.fs.writeFile(target, Buffer.from(content, 'utf8'));
	const choice = await vscode.window.showInformationMessage(`Tunelint: wrote ${rows.length} ranked label issues to ${path.basename(target.fsPath)}.`, 'Open');
	if (choice === 'Open') {
		await vscode.window.showTextDocument(target);
	}
}
