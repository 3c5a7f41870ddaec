/**
 * `Tunelint: Rebalance Dataset` and `Tunelint: Split Train/Validation`: the server plans, the user sees the counts
 * before and after, and the new files are created next to the dataset by one WorkspaceEdit, so Undo removes them.
 * The dataset itself is never modified, and existing files are never replaced.
 */
import * as vscode from 'vscode';
import { ExecuteCommandRequest } from 'vscode-languageclient/node';
import { PLAN_REBALANCE_COMMAND, PLAN_SPLIT_COMMAND, type GroupChoice, type PlannedFile, type RebalancePreview, type SplitPreview } from '../../../server/src/protocol/balance';
import type { CtxInit } from '../ctx';
import { errorMessage } from '../ctx';

const STRATEGIES: ReadonlyArray<vscode.QuickPickItem & { strategy: string }> = [
	{ label: 'Undersample', description: 'keep a random subset of each class, as large as the smallest', strategy: 'under' },
	{ label: 'Oversample', description: 'keep everything, append copies of minority records (listed)', strategy: 'over' },
	{ label: 'Reweigh', description: 'keep the data, write sampling weights to a sidecar file', strategy: 'reweigh' },
];

export function rebalance(ctx: CtxInit): (uri?: unknown) => Promise<void> {
	return async (uri) => {
		const target = datasetUri(uri);
		if (target === undefined) {
			return;
		}
		const choice = await vscode.window.showQuickPick(STRATEGIES, { title: 'Tunelint: Rebalance Dataset', placeHolder: 'How should the classes be balanced?' });
		if (choice === undefined) {
			return;
		}
		let preview = await plan<RebalancePreview>(ctx, PLAN_REBALANCE_COMMAND, [target.toString(), choice.strategy, 1]);
		if (preview === undefined) {
			return;
		}
		if (choice.strategy === 'reweigh') {
			const axis = await chooseGroupAxis(preview, 'Reweigh by label alone, or by label and demographic group (AIF360 Reweighing)?');
			if (axis === CANCELLED) {
				return;
			}
			if (axis !== undefined) {
				preview = await plan<RebalancePreview>(ctx, PLAN_REBALANCE_COMMAND, [target.toString(), choice.strategy, 1, axis]);
				if (preview === undefined) {
					return;
				}
			}
		}
		const copies = preview.copies.length > 0 ? `\n${preview.copies.length} copies will be appended (lines ${preview.copies.slice(0, 10).join(', ')}${preview.copies.length > 10 ? ', …' : ''}).` : '';
		const leftOut = preview.unlabelledLeftOut > 0 ? `\n${preview.unlabelledLeftOut === 1 ? '1 line without a label is' : `${preview.unlabelledLeftOut} lines without a label are`} left out.` : '';
		const detail = `Before: ${counts(preview.before)}\nAfter: ${counts(preview.after)}${copies}${leftOut}\n\nWrites ${names(preview.files)}; the original file is not changed.`;
		await confirmAndCreate(`Rebalance (${choice.label.toLowerCase()})?`, detail, preview.files);
	};
}

export function splitDataset(ctx: CtxInit): (uri?: unknown) => Promise<void> {
	return async (uri) => {
		const target = datasetUri(uri);
		if (target === undefined) {
			return;
		}
		const answer = await vscode.window.showInputBox({ title: 'Tunelint: Split Train/Validation', prompt: 'Share of records for validation (0–1)', value: '0.1', validateInput: (text) => (Number(text) > 0 && Number(text) < 1 ? undefined : 'Enter a number between 0 and 1') });
		if (answer === undefined) {
			return;
		}
		let preview = await plan<SplitPreview>(ctx, PLAN_SPLIT_COMMAND, [target.toString(), Number(answer), 1]);
		if (preview === undefined) {
			return;
		}
		const axis = await chooseGroupAxis(preview, 'Stratify by label alone, or by label and demographic group?');
		if (axis === CANCELLED) {
			return;
		}
		if (axis !== undefined) {
			preview = await plan<SplitPreview>(ctx, PLAN_SPLIT_COMMAND, [target.toString(), Number(answer), 1, axis]);
			if (preview === undefined) {
				return;
			}
		}
		const strata = preview.groupAxis === undefined ? 'label' : `label and ${preview.groupAxis} group`;
		const detail = `${preview.trainRecords} lines for training, ${preview.validationRecords} for validation, stratified by ${strata}; exact duplicates stay on one side.\n\nWrites ${names(preview.files)}; the original file is not changed.`;
		await confirmAndCreate('Split the dataset?', detail, preview.files);
	};
}

/** The user's answer when they dismiss the group question: the command stops. */
const CANCELLED = Symbol('cancelled');

/** Asks for a group axis of the lexicon (or none); undefined means by label alone. */
async function chooseGroupAxis(choice: GroupChoice, placeHolder: string): Promise<string | undefined | typeof CANCELLED> {
	if (choice.groupAxes.length === 0) {
		return undefined;
	}
	const items = [
		{ label: 'By label alone', axis: undefined },
		...choice.groupAxes.map((axis) => ({ label: `By label and ${axis}`, description: `the ${axis} group a record mentions`, axis })),
	];
	const picked = await vscode.window.showQuickPick(items, { title: 'Tunelint: groups', placeHolder });
	return picked === undefined ? CANCELLED : picked.axis;
}

async function plan<T>(ctx: CtxInit, command: string, args: unknown[]): Promise<T | undefined> {
	try {
		return (await ctx.client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args })) as T;
	} catch (error) {
		void vscode.window.showErrorMessage(`Tunelint: ${errorMessage(error)}`);
		return undefined;
	}
}

/** Shows the preview in a modal dialog and, when confirmed, creates the files in one undoable edit. */
async function confirmAndCreate(question: string, detail: string, files: readonly PlannedFile[]): Promise<void> {
	const confirmed = await vscode.window.showInformationMessage(question, { modal: true, detail }, 'Create Files');
	if (confirmed !== 'Create Files') {
		return;
	}
	const edit = new vscode.WorkspaceEdit();
	for (const file of files) {
		const uri = vscode.Uri.parse(file.uri);
		// ignoreIfExists: false with overwrite: false makes the edit fail rather than replace an existing file.
		edit.createFile(uri, { overwrite: false, ignoreIfExists: false });
		edit.insert(uri, new vscode.Position(0, 0), file.content);
	}
	const applied = await vscode.workspace.applyEdit(edit);
	if (!applied) {
		void vscode.window.showErrorMessage(`Tunelint: could not create ${names(files)} (does a file of that name exist already?). Nothing was changed.`);
		return;
	}
	await vscode.window.showTextDocument(vscode.Uri.parse(files[0].uri), { preview: false });
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

function counts(values: Record<string, number>): string {
	return Object.entries(values).map(([label, count]) => `${label} ${count}`).join(', ');
}

function names(files: readonly PlannedFile[]): string {
	return files.map((file) => decodeURIComponent(file.uri.split('/').pop() ?? file.uri)).join(' and ');
}
