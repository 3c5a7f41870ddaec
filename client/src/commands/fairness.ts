/**
 * `Tunelint: Audit Demographic Skew` and `Tunelint: Add Counterfactual Examples` (issue 5). The server computes; the
 * audit opens as a Markdown preview of an untitled document, and the augmentation is previewed (which swaps, how many
 * records) before the new file is created by one WorkspaceEdit, so Undo removes it. The dataset is never modified.
 */
import * as vscode from 'vscode';
import { ExecuteCommandRequest } from 'vscode-languageclient/node';
import { AUDIT_FAIRNESS_COMMAND, PLAN_COUNTERFACTUAL_COMMAND, type CounterfactualPair, type CounterfactualPreview, type FairnessAuditView } from '../../../server/src/protocol/fairness';
import type { CtxInit } from '../ctx';
import { errorMessage } from '../ctx';

export function auditDemographicSkew(ctx: CtxInit): (uri?: unknown) => Promise<void> {
	return async (uri) => {
		const target = datasetUri(uri);
		if (target === undefined) {
			return;
		}
		const view = await request<FairnessAuditView>(ctx, AUDIT_FAIRNESS_COMMAND, [target.toString()]);
		if (view === undefined) {
			return;
		}
		if (view.lexiconError !== undefined) {
			void vscode.window.showWarningMessage(`Tunelint: ${view.lexiconError}.`);
		}
		const name = decodeURIComponent(target.path.split('/').pop() ?? target.toString());
		const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: view.markdown.replace(/^# Demographic audit/, `# Demographic audit of ${name}`) });
		try {
			await vscode.commands.executeCommand('markdown.showPreview', document.uri);
		} catch {
			// Without the built-in Markdown extension, the tables are still readable as text.
			await vscode.window.showTextDocument(document, { preview: false });
		}
	};
}

export function addCounterfactualExamples(ctx: CtxInit): (uri?: unknown) => Promise<void> {
	return async (uri) => {
		const target = datasetUri(uri);
		if (target === undefined) {
			return;
		}
		let preview = await request<CounterfactualPreview>(ctx, PLAN_COUNTERFACTUAL_COMMAND, [target.toString()]);
		if (preview === undefined) {
			return;
		}
		if (preview.pairs.length === 0) {
			void vscode.window.showInformationMessage('Tunelint: no identity group is over-associated with a label in this file, so there is nothing to add. Run "Tunelint: Audit Demographic Skew" to see the table.');
			return;
		}
		const items = preview.pairs.map((pair) => ({ label: `${pair.fromGroup} → ${pair.toGroup}`, description: pair.axis, detail: `${pair.records} record${pair.records === 1 ? '' : 's'} copied with the terms swapped`, picked: true, pair }));
		const chosen = await vscode.window.showQuickPick(items, { title: 'Tunelint: Add Counterfactual Examples', placeHolder: 'Which swaps should be written?', canPickMany: true });
		if (chosen === undefined || chosen.length === 0) {
			return;
		}
		if (chosen.length < items.length) {
			const pairs: CounterfactualPair[] = chosen.map(({ pair }) => ({ axis: pair.axis, fromGroup: pair.fromGroup, toGroup: pair.toGroup }));
			preview = await request<CounterfactualPreview>(ctx, PLAN_COUNTERFACTUAL_COMMAND, [target.toString(), pairs]);
			if (preview === undefined) {
				return;
			}
		}
		if (preview.files.length === 0) {
			void vscode.window.showInformationMessage(`Tunelint: every record of these swaps has a term without a counterpart (${preview.skipped} skipped); nothing to add.`);
			return;
		}
		const swaps = preview.pairs.filter((pair) => pair.records > 0).map((pair) => `${pair.axis}: ${pair.fromGroup} → ${pair.toGroup}, ${pair.records} records`).join('\n');
		const file = preview.files[0];
		const detail = `${swaps}\n\n${preview.added} records added${preview.skipped > 0 ? `, ${preview.skipped} skipped (a term without a counterpart)` : ''}.\n\nWrites ${decodeURIComponent(file.uri.split('/').pop() ?? file.uri)}: the dataset, then the new records. The original file is not changed.`;
		const confirmed = await vscode.window.showInformationMessage('Add counterfactual examples?', { modal: true, detail }, 'Create File');
		if (confirmed !== 'Create File') {
			return;
		}
		const edit = new vscode.WorkspaceEdit();
		const created = vscode.Uri.parse(file.uri);
		// overwrite: false with ignoreIfExists: false makes the edit fail rather than replace an existing file.
		edit.createFile(created, { overwrite: false, ignoreIfExists: false });
		edit.insert(created, new vscode.Position(0, 0), file.content);
		if (!(await vscode.workspace.applyEdit(edit))) {
			void vscode.window.showErrorMessage(`Tunelint: could not create ${created.fsPath} (does it exist already?). Nothing was changed.`);
			return;
		}
		await vscode.window.showTextDocument(created, { preview: false });
	};
}

async function request<T>(ctx: CtxInit, command: string, args: unknown[]): Promise<T | undefined> {
	try {
		return (await ctx.client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args })) as T;
	} catch (error) {
		void vscode.window.showErrorMessage(`Tunelint: ${errorMessage(error)}`);
		return undefined;
	}
}

function datasetUri(uri: unknown): vscode.Uri | undefined {
	if (typeof uri === 'string') {
		return vscode.Uri.parse(uri);
	}
	if (uri instanceof vscode.Uri) {
		return uri;
	}
	const active = vscode.window.activeTextEditor?.document.uri;
	if (active === undefined) {
		void vscode.window.showWarningMessage('Tunelint: open a JSONL dataset first.');
	}
	return active;
}
