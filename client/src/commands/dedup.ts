/**
 * `Tunelint: Remove Exact Duplicates` and `Tunelint: Remove Near Duplicates`: the server plans (the same plan as
 * `tunelint dedup`), the user sees the clusters in a modal preview, and the dropped lines are deleted from the open
 * document by one WorkspaceEdit. Only whole lines are deleted, kept lines are not touched, and Undo restores them all.
 */
import * as vscode from 'vscode';
import { ExecuteCommandRequest } from 'vscode-languageclient/node';
import { PLAN_DEDUP_COMMAND, type DedupCluster, type DedupCommandRequest, type DedupPreview } from '../../../server/src/protocol/dedup';
import type { CtxInit } from '../ctx';
import { errorMessage } from '../ctx';
import { deletionSpans } from './dedupRanges';

/** Clusters listed in the modal; the rest are counted. */
const PREVIEW_CLUSTERS = 8;

const KEEP_CHOICES: ReadonlyArray<vscode.QuickPickItem & { keep: DedupCommandRequest['keep'] }> = [
	{ label: 'Keep First', description: 'keep the first record of each cluster, in file order', keep: 'first' },
	{ label: 'Keep Longest', description: 'keep the record with the longest content of each cluster', keep: 'longest' },
];

export function removeExactDuplicates(ctx: CtxInit): (uri?: unknown) => Promise<void> {
	return (uri) => removeDuplicates(ctx, uri, { near: false, keep: 'first' });
}

export function removeNearDuplicates(ctx: CtxInit): (uri?: unknown) => Promise<void> {
	return async (uri) => {
		const choice = await vscode.window.showQuickPick(KEEP_CHOICES, { title: 'Tunelint: Remove Near Duplicates', placeHolder: 'Which record of each near-duplicate cluster should stay?' });
		if (choice !== undefined) {
			await removeDuplicates(ctx, uri, { near: true, keep: choice.keep });
		}
	};
}

async function removeDuplicates(ctx: CtxInit, uri: unknown, request: DedupCommandRequest): Promise<void> {
	const document = await datasetDocument(uri);
	if (document === undefined) {
		return;
	}
	const version = document.version;
	let preview: DedupPreview;
	try {
		preview = (await ctx.client.sendRequest(ExecuteCommandRequest.type, { command: PLAN_DEDUP_COMMAND, arguments: [document.uri.toString(), request] })) as DedupPreview;
	} catch (error) {
		void vscode.window.showErrorMessage(`Tunelint: ${errorMessage(error)}`);
		return;
	}
	if (preview.droppedLines.length === 0) {
		void vscode.window.showInformationMessage(`Tunelint: no ${request.near ? 'exact or near' : 'exact'} duplicates among the ${preview.recordCount} records.`);
		return;
	}
	const removeLabel = `Remove ${plural(preview.droppedLines.length, 'Line')}`;
	const confirmed = await vscode.window.showWarningMessage(question(preview, request), { modal: true, detail: detail(preview) }, removeLabel);
	if (confirmed !== removeLabel) {
		return;
	}
	// The plan names lines: if the document changed meanwhile (or the server read another text), they may be others now.
	// The editor counts the empty line after a final newline, the plan does not.
	if (document.version !== version || (preview.version !== null && preview.version !== version) || (preview.version === null && document.isDirty) || (document.lineCount !== preview.lineCount && document.lineCount !== preview.lineCount + 1)) {
		void vscode.window.showWarningMessage('Tunelint: the document changed while the preview was open; nothing was removed. Run the command again.');
		return;
	}
	const edit = new vscode.WorkspaceEdit();
	for (const span of deletionSpans(preview.droppedLines, document.lineCount, (line) => document.lineAt(line).text.length)) {
		edit.delete(document.uri, new vscode.Range(span.startLine, span.startCharacter, span.endLine, span.endCharacter));
	}
	if (!(await vscode.workspace.applyEdit(edit))) {
		void vscode.window.showErrorMessage('Tunelint: the duplicates could not be removed; the document is unchanged.');
		return;
	}
	void vscode.window.setStatusBarMessage(`Tunelint: removed ${plural(preview.droppedLines.length, 'duplicate line')} (Undo restores them)`, 5000);
}

function question(preview: DedupPreview, request: DedupCommandRequest): string {
	const near = request.near ? ` and ${plural(preview.near, 'near duplicate')} (similarity ≥ ${preview.threshold}, keep ${preview.keep})` : '';
	return `Remove ${plural(preview.exact, 'exact duplicate')}${near} from ${preview.recordCount} records?`;
}

function detail(preview: DedupPreview): string {
	const shown = preview.clusters.slice(0, PREVIEW_CLUSTERS).map(describeCluster);
	const more = preview.clusters.length > PREVIEW_CLUSTERS ? [`… and ${plural(preview.clusters.length - PREVIEW_CLUSTERS, 'more cluster')}.`] : [];
	return [...shown, ...more, '', 'Only the dropped lines are deleted; Undo (Ctrl+Z) restores them.'].join('\n');
}

function describeCluster(cluster: DedupCluster): string {
	const dropped = cluster.dropped.map((item) => (item.reason === 'exact' ? `${item.line + 1}` : `${item.line + 1} (${item.similarity.toFixed(2)})`));
	const text = cluster.keptText.length > 60 ? `${cluster.keptText.slice(0, 60)}…` : cluster.keptText;
	return `Keep line ${cluster.keptLine + 1} ${text}\n   drop ${dropped.slice(0, 12).join(', ')}${dropped.length > 12 ? `, … (${dropped.length})` : ''}`;
}

async function datasetDocument(uri: unknown): Promise<vscode.TextDocument | undefined> {
	const target = typeof uri === 'string' ? vscode.Uri.parse(uri) : uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
	if (target === undefined) {
		void vscode.window.showWarningMessage('Tunelint: open a JSONL dataset first.');
		return undefined;
	}
	return vscode.workspace.openTextDocument(target);
}

function plural(count: number, noun: string): string {
	return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
