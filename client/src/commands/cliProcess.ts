/**
 * Runs a `tunelint … --format json` command in its own Node process (as the train command does), with a cancellable
 * progress notification fed by the JSON lines the command writes on stderr. Shared by the tune, forget, drift and
 * log commands; nothing of TensorFlow.js ever loads in the extension host.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';

/** What a finished command printed: its exit code, its stdout, and the non-JSON lines of its stderr. */
export interface CliOutcome {
	code: number;
	stdout: string;
	messages: string[];
}

/**
 * Runs the bundled CLI with `args`; `onJsonLine` sees each JSON object on stderr and returns the progress message to
 * show, if any. Resolves with undefined when the process could not start or the user cancelled.
 */
export function runCli(ctx: Ctx, args: readonly string[], title: string, onJsonLine: (line: Record<string, unknown>) => string | undefined = () => undefined): Thenable<CliOutcome | undefined> {
	const cli = path.join(ctx.extensionContext.extensionPath, 'server', 'out', 'cli.js');
	return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) =>
		new Promise<CliOutcome | undefined>((resolve) => {
			// ELECTRON_RUN_AS_NODE makes VS Code's own runtime behave as plain Node for the child.
			const child = spawn(process.execPath, [cli, ...args], { cwd: workingFolder(args), env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
			let cancelled = false;
			token.onCancellationRequested(() => {
				cancelled = true;
				child.kill('SIGTERM');
			});
			let stdout = '';
			let pending = '';
			const messages: string[] = [];
			child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
			child.stderr.on('data', (chunk: Buffer) => {
				pending += chunk.toString();
				const lines = pending.split('\n');
				pending = lines.pop() ?? '';
				for (const line of lines) {
					const parsed = jsonLine(line);
					if (parsed === undefined) {
						messages.push(line);
						ctx.outputChannel.info(line);
						continue;
					}
					const message = onJsonLine(parsed);
					if (message !== undefined) {
						progress.report({ message });
					}
				}
			});
			child.on('error', (error) => {
				void vscode.window.showErrorMessage(`Tunelint: could not start the tunelint process: ${error.message}`);
				resolve(undefined);
			});
			child.on('close', (code) => resolve(cancelled ? undefined : { code: code ?? 2, stdout, messages }));
		}),
	);
}

/**
 * Where the CLI runs: the workspace folder of a file it is given, else the first file's folder, as if typed in the
 * integrated terminal. The CLI reads the nearest config file from there (field names, thresholds) and `tune --save`
 * writes a new one there; the extension host's own working directory is no place the user chose.
 */
function workingFolder(args: readonly string[]): string | undefined {
	const files = args.filter((arg) => path.isAbsolute(arg));
	for (const file of files) {
		const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file));
		if (folder !== undefined) {
			return folder.uri.fsPath;
		}
	}
	return files.length > 0 ? path.dirname(files[0]) : vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

/** Shows a failed command's message (its stderr, which names the file and the problem). */
export function showFailure(outcome: CliOutcome, what: string): void {
	void vscode.window.showErrorMessage(outcome.messages.join(' ').replace(/^tunelint: /, 'Tunelint: ') || `Tunelint: ${what} failed (exit code ${outcome.code}).`);
}

/** Opens a command's JSON result in an untitled editor, so it can be read, searched and saved. */
export async function showJson(json: string): Promise<void> {
	const document = await vscode.workspace.openTextDocument({ language: 'json', content: json });
	await vscode.window.showTextDocument(document, { preview: false });
}

/** The file a command acts on: the explorer selection, else the active editor, else a pick. */
export async function targetFile(uri: unknown, prompt: string, filters?: Record<string, string[]>): Promise<string | undefined> {
	if (uri instanceof vscode.Uri && uri.scheme === 'file') {
		return uri.fsPath;
	}
	const active = vscode.window.activeTextEditor?.document.uri;
	if (filters === undefined && active?.scheme === 'file') {
		return active.fsPath;
	}
	const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: prompt, filters });
	return picked?.[0]?.fsPath;
}

/** TensorFlow.js commands run the user's data through a separate process; like training, not in Restricted Mode. */
export function refuseUntrusted(what: string): boolean {
	if (vscode.workspace.isTrusted) {
		return false;
	}
	void vscode.window.showWarningMessage(`Tunelint: ${what} is unavailable in Restricted Mode: it runs TensorFlow.js over the dataset in a separate process. Trust the workspace to use it.`);
	return true;
}

function jsonLine(line: string): Record<string, unknown> | undefined {
	if (!line.startsWith('{')) {
		return undefined;
	}
	try {
		return JSON.parse(line) as Record<string, unknown>;
	} catch {
		return undefined;
	}
}
