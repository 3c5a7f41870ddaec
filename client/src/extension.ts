/**
 * The extension's entry points. activate only composes: the context, the commands and the first server start.
 */
import type * as vscode from 'vscode';
import { registerCommands } from './commands';
import { registerLockedVersionProvider } from './commands/lock';
import { Ctx, errorMessage } from './ctx';
import { ProvenanceStatusItem } from './provenanceStatus';
import { watchRuns } from './runView/runWatcher';

let ctx: Ctx | undefined;

/** Called by VS Code on `onLanguage:jsonl` or the first Tunelint command. */
export function activate(context: vscode.ExtensionContext): void {
	const activeCtx = new Ctx(context);
	ctx = activeCtx;
	context.subscriptions.push(activeCtx, ...registerCommands(activeCtx), registerLockedVersionProvider(), new ProvenanceStatusItem(activeCtx), watchRuns(activeCtx));
	// Activation does not wait for the server: commands are usable at once and wait for it themselves.
	activeCtx.start().catch((error: unknown) => activeCtx.outputChannel.error(`Starting the server failed: ${errorMessage(error)}`));
}

/** Stops the server; VS Code waits for the returned promise before it ends the extension host. */
export async function deactivate(): Promise<void> {
	await ctx?.stop();
	ctx = undefined;
}
