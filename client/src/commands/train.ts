/**
 * `Tunelint: Train Proxy Model (Validation Fine-Tune)`: runs `tunelint train FILE --format json` in its own Node
 * process (never in the extension host), shows its JSON progress lines from stderr as a cancellable notification,
 * and when it finishes shows the findings as diagnostics and offers the saved run. Cancel sends SIGTERM; the CLI
 * stops the training process within two seconds and saves nothing. Training runs the user's data through
 * TensorFlow.js, so the command is unavailable in Restricted Mode (untrusted workspaces).
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';

/** A progress line of `tunelint train --format json` (see server/src/cli/train.ts). */
interface ProgressLine {
	type: string;
	stage?: string;
	message?: string;
	fit?: number;
	fits?: number;
	epoch?: number;
	epochs?: number;
	batch?: number;
	batches?: number;
	etaSeconds?: number;
	valLoss?: number;
	valAccuracy?: number;
}

/** The parts of the CLI's result object this command shows. */
interface TrainResult {
	backend: string;
	bestEpoch: number;
	metrics: { validation: { accuracy: number; macroF1: number } };
	findings: { line: number; column: number; endLine: number; endColumn: number; ruleId: string; severity: string; message: string; scope: string }[];
	runDirectory: string;
}

let diagnostics: vscode.DiagnosticCollection | undefined;

export function trainProxy(ctx: Ctx): (uri?: unknown) => Promise<void> {
	return async (uri) => {
		if (!vscode.workspace.isTrusted) {
			void vscode.window.showWarningMessage('Tunelint: validation fine-tunes are unavailable in Restricted Mode: they run TensorFlow.js over the dataset in a separate process. Trust the workspace to use them.');
			return;
		}
		const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
		if (target === undefined || target.scheme !== 'file') {
			void vscode.window.showWarningMessage('Tunelint: open a JSONL dataset on the local disk (or pick one in the explorer) to train a proxy model on it.');
			return;
		}
		diagnostics ??= vscode.languages.createDiagnosticCollection('tunelint-training');
		if (!ctx.extensionContext.subscriptions.includes(diagnostics)) {
			ctx.extensionContext.subscriptions.push(diagnostics);
		}
		const folder = vscode.workspace.getWorkspaceFolder(target)?.uri.fsPath ?? path.dirname(target.fsPath);
		const result = await runWithProgress(ctx, target.fsPath, path.join(folder, '.tunelint', 'runs'));
		if (result !== undefined) {
			await showResult(target, result);
		}
	};
}

function runWithProgress(ctx: Ctx, file: string, runs: string): Thenable<TrainResult | undefined> {
	const cli = path.join(ctx.extensionContext.extensionPath, 'server', 'out', 'cli.js');
	return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Tunelint: training on ${path.basename(file)}`, cancellable: true }, (progress, token) =>
		new Promise<TrainResult | undefined>((resolve) => {
			// ELECTRON_RUN_AS_NODE makes VS Code's own runtime behave as plain Node for the child.
			const child = spawn(process.execPath, [cli, 'train', file, '--format', 'json', '--out', runs], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
			token.onCancellationRequested(() => child.kill('SIGTERM'));
			let stdout = '';
			let pending = '';
			const messages: string[] = [];
			child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
			child.stderr.on('data', (chunk: Buffer) => {
				pending += chunk.toString();
				const lines = pending.split('\n');
				pending = lines.pop() ?? '';
				for (const line of lines) {
					const message = parseLine(line);
					if (message === undefined) {
						messages.push(line);
						ctx.outputChannel.info(line);
					} else {
						report(progress, message);
					}
				}
			});
			child.on('error', (error) => {
				void vscode.window.showErrorMessage(`Tunelint: could not start the training process: ${error.message}`);
				resolve(undefined);
			});
			child.on('close', (code) => {
				if (code === 0 || code === 1) {
					resolve(JSON.parse(stdout) as TrainResult);
					return;
				}
				if (code !== 130) {
					void vscode.window.showErrorMessage(messages.join(' ').replace(/^tunelint: /, 'Tunelint: ') || `Tunelint: training failed (exit code ${code}).`);
				}
				resolve(undefined);
			});
		}),
	);
}

function parseLine(line: string): ProgressLine | undefined {
	if (!line.startsWith('{')) {
		return undefined;
	}
	try {
		return JSON.parse(line) as ProgressLine;
	} catch {
		return undefined;
	}
}

function report(progress: vscode.Progress<{ message?: string; increment?: number }>, line: ProgressLine): void {
	if (line.type === 'stage') {
		progress.report({ message: line.message });
	} else if (line.type === 'progress' && line.fits !== undefined && line.fit !== undefined) {
		const eta = line.etaSeconds === undefined ? '' : `, about ${Math.ceil(line.etaSeconds)} s left in this fit`;
		progress.report({ message: `${line.stage} (fit ${line.fit}/${line.fits}): epoch ${line.epoch}/${line.epochs}, batch ${line.batch}/${line.batches}${eta}` });
	}
}

async function showResult(target: vscode.Uri, result: TrainResult): Promise<void> {
	const severity = (name: string) => (name === 'error' ? vscode.DiagnosticSeverity.Error : name === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information);
	diagnostics?.set(
		target,
		result.findings.map((finding) => {
			const range = new vscode.Range(finding.line - 1, finding.column - 1, finding.endLine - 1, finding.endColumn - 1);
			const diagnostic = new vscode.Diagnostic(range, finding.message, severity(finding.severity));
			diagnostic.source = 'tunelint (proxy model)';
			diagnostic.code = finding.ruleId;
			return diagnostic;
		}),
	);
	const validation = result.metrics.validation;
	const choice = await vscode.window.showInformationMessage(
		`Tunelint: validation accuracy ${validation.accuracy.toFixed(3)} (macro F1 ${validation.macroF1.toFixed(3)}, best epoch ${result.bestEpoch}, ${result.backend} backend); ${result.findings.length} findings.`,
		'Open Run',
		'Open Label Issues',
	);
	if (choice !== undefined) {
		const name = choice === 'Open Run' ? 'run.json' : 'label-issues.json';
		await vscode.window.showTextDocument(vscode.Uri.file(path.join(result.runDirectory, name)));
	}
}
