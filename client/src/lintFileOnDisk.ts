/**
 * `Tunelint: Lint File on Disk`: VS Code does not hand files over 50 MB to extensions, so the server streams the
 * file from disk itself and publishes diagnostics for its URI. The command picks the file, asks the server and
 * shows the progress and the outcome.
 */
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ExecuteCommandRequest, LSPErrorCodes, ResponseError, WorkDoneProgress, type ExecuteCommandParams } from 'vscode-languageclient/node';
import { LINT_FILE_ON_DISK_COMMAND, type StatusParams } from '../../server/src/protocol/messages';
import type { CtxInit } from './ctx';
import { errorMessage } from './ctx';
import { isStatusParams, summarizeLint } from './statusText';

/** The file extensions offered by the file picker and accepted from the explorer. */
const JSONL_EXTENSIONS = ['jsonl', 'ndjson'];

/**
 * Lints the explorer selection (all selected files), else the active editor's file, else a file the user picks.
 * The explorer passes the clicked URI and the whole selection; the palette passes nothing.
 */
export function lintFileOnDisk(ctx: CtxInit): (clicked?: unknown, selection?: unknown) => Promise<void> {
	return async (clicked, selection) => {
		const targets = explorerTargets(clicked, selection) ?? activeEditorTarget() ?? await pickTarget();
		if (targets === undefined) {
			return;
		}
		const files = targets.filter((uri) => uri.scheme === 'file');
		if (files.length < targets.length) {
			void vscode.window.showWarningMessage('Tunelint can lint only files on the local disk; other locations were skipped.');
		}
		for (const file of files) {
			const outcome = await lintWithProgress(ctx, file);
			if (outcome === 'cancelled') {
				return;
			}
		}
	};
}

async function lintWithProgress(ctx: CtxInit, file: vscode.Uri): Promise<'done' | 'cancelled'> {
	const fileName = path.basename(file.fsPath);
	try {
		const result = await vscode.window.withProgress(
			{ location: vscode.ProgressLocation.Notification, title: `Tunelint: linting ${fileName} from disk`, cancellable: true },
			async (progress, token) => {
				// The server's own progress (line counts) is shown in this notification rather than in a second one.
				const detach = ctx.progressRouter.attach((message) => progress.report({ message }));
				try {
					return await requestLint(ctx, file, token, (message) => progress.report({ message }));
				} finally {
					detach();
				}
			},
		);
		void reportResult(fileName, result);
		return 'done';
	} catch (error) {
		if (isCancellation(error)) {
			ctx.outputChannel.info(`Linting ${file.fsPath} from disk was cancelled.`);
			return 'cancelled';
		}
		ctx.outputChannel.error(`Linting ${file.fsPath} from disk failed: ${errorMessage(error)}`);
		void vscode.window.showErrorMessage(`Tunelint could not lint ${fileName}: ${errorMessage(error)}`);
		return 'done';
	}
}

/**
 * Sends the request with a work-done token of its own, so a server that reports on it feeds this notification.
 * A cancel rejects at once, so the notification closes even if the server is slow to notice the
 * $/cancelRequest the client sends it.
 */
function requestLint(ctx: CtxInit, file: vscode.Uri, token: vscode.CancellationToken, report: (message: string) => void): Promise<unknown> {
	const workDoneToken = `tunelint/lintFileOnDisk/${randomUUID()}`;
	const ownProgress = ctx.client.onProgress(WorkDoneProgress.type, workDoneToken, (value) => {
		if (value.kind !== 'end' && value.message !== undefined) {
			report(value.message);
		}
	});
	return new Promise((resolve, reject) => {
		const cancellation = token.onCancellationRequested(() => reject(new vscode.CancellationError()));
		const params: ExecuteCommandParams = { command: LINT_FILE_ON_DISK_COMMAND, arguments: [file.toString()], workDoneToken };
		ctx.client.sendRequest(ExecuteCommandRequest.type, params, token)
			.then(resolve, reject)
			.finally(() => {
				cancellation.dispose();
				ownProgress.dispose();
			});
	});
}

async function reportResult(fileName: string, result: unknown): Promise<void> {
	// A server that returns no summary has still published its diagnostics; say where they are.
	const message = `Tunelint: ${isStatusParams(result) ? summarizeLint(fileName, result) : `${fileName} was linted; see the Problems panel.`}`;
	if (isStatusParams(result) && totalProblems(result) === 0) {
		void vscode.window.showInformationMessage(message);
		return;
	}
	const choice = await vscode.window.showInformationMessage(message, 'Show Problems');
	if (choice === 'Show Problems') {
		await vscode.commands.executeCommand('workbench.actions.view.problems');
	}
}

function totalProblems(status: StatusParams): number {
	return status.problems.error + status.problems.warning + status.problems.info;
}

/** The JSON Lines files of an explorer multi-selection (folders and other files in it are skipped), else the clicked one. */
function explorerTargets(clicked: unknown, selection: unknown): vscode.Uri[] | undefined {
	if (Array.isArray(selection)) {
		const selected = selection.filter((item): item is vscode.Uri => item instanceof vscode.Uri && isJsonLines(item));
		if (selected.length > 0) {
			return selected;
		}
	}
	return clicked instanceof vscode.Uri ? [clicked] : undefined;
}

function isJsonLines(uri: vscode.Uri): boolean {
	return JSONL_EXTENSIONS.includes(path.extname(uri.path).slice(1).toLowerCase());
}

/**
 * The file of the active editor tab. Tabs are used rather than `activeTextEditor` because a file too large to
 * be synchronised is open in a tab but has no text editor: exactly the case this command exists for.
 */
function activeEditorTarget(): vscode.Uri[] | undefined {
	const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
	const uri = input instanceof vscode.TabInputText ? input.uri : vscode.window.activeTextEditor?.document.uri;
	if (uri === undefined || !isJsonLines(uri)) {
		return undefined;
	}
	return [uri];
}

async function pickTarget(): Promise<vscode.Uri[] | undefined> {
	const picked = await vscode.window.showOpenDialog({
		canSelectFiles: true,
		canSelectFolders: false,
		canSelectMany: false,
		defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
		filters: { 'JSON Lines': JSONL_EXTENSIONS, 'All files': ['*'] },
		openLabel: 'Lint',
		title: 'Tunelint: choose a JSON Lines file to lint from disk',
	});
	return picked !== undefined && picked.length > 0 ? picked : undefined;
}

function isCancellation(error: unknown): boolean {
	return error instanceof vscode.CancellationError
		|| (error instanceof ResponseError && (error.code === LSPErrorCodes.RequestCancelled || error.code === LSPErrorCodes.ServerCancelled));
}
