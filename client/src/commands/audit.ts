/**
 * `Tunelint: Audit Dataset` (palette, editor title of a .jsonl file, explorer context menu): asks the server for the
 * audit data of the dataset, with a cancellable progress notification, and shows it in the report webview.
 */
import * as vscode from 'vscode';
import { LSPErrorCodes, ResponseError } from 'vscode-languageclient/node';
import { AUDIT_REQUEST, type AuditParams } from '../../../server/src/protocol/audit';
import type { AuditData } from '../../../server/src/core/audit/types';
import { errorMessage, type Ctx, type CtxInit } from '../ctx';
import { showAuditPanel } from '../report/panel';

/** The command: the explorer passes the clicked URI, the editor title the editor's, the palette nothing. */
export function auditDataset(ctx: CtxInit): (uri?: unknown) => Promise<void> {
	return async (uri) => {
		// The explorer and the editor title pass a Uri, the server's code lens a URI string.
		const target = uri instanceof vscode.Uri ? uri : typeof uri === 'string' ? vscode.Uri.parse(uri, true) : vscode.window.activeTextEditor?.document.uri;
		if (target === undefined) {
			void vscode.window.showWarningMessage('Tunelint: open a JSONL dataset (or pick one in the explorer) to audit it.');
			return;
		}
		const load = (dataset: vscode.Uri): Promise<AuditData | undefined> => requestAudit(ctx, dataset);
		const data = await load(target);
		if (data !== undefined) {
			showAuditPanel(ctx.extensionContext, target, data, load);
		}
	};
}

async function requestAudit(ctx: CtxInit, uri: vscode.Uri): Promise<AuditData | undefined> {
	try {
		return await vscode.window.withProgress(
			{ location: vscode.ProgressLocation.Notification, title: `Tunelint: auditing ${vscode.workspace.asRelativePath(uri)}`, cancellable: true },
			(_progress, token) => ctx.client.sendRequest<AuditData>(AUDIT_REQUEST, { uri: ctx.client.code2ProtocolConverter.asUri(uri) } satisfies AuditParams, token),
		);
	} catch (error) {
		if (error instanceof ResponseError && (error.code === LSPErrorCodes.RequestCancelled)) {
			return undefined;
		}
		ctx.outputChannel.error(`Auditing ${uri.toString()} failed: ${errorMessage(error)}`);
		void vscode.window.showErrorMessage(`Tunelint could not audit the dataset: ${errorMessage(error)}`);
		return undefined;
	}
}

/** `Tunelint: Open Sample Dataset` (the walkthrough's first step): the sample as an untitled JSONL document. */
export function openSampleDataset(ctx: Ctx): () => Promise<void> {
	return async () => {
		const sample = vscode.Uri.joinPath(ctx.extensionContext.extensionUri, 'media', 'walkthrough', 'sample.jsonl');
		const content = new TextDecoder().decode(await vscode.workspace.fs.readFile(sample));
		await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ language: 'jsonl', content }));
	};
}
