/**
 * `Tunelint: Run Validation Fine-Tune`: runs `tunelint train FILE --format json` in its own Node
 * process (never in the extension host), shows its JSON progress lines from stderr as a cancellable notification,
 * and when it finishes opens the saved run in the run view and tells the language server, which shows the run's
 * label issues as diagnostics with the "Relabel as …" quick fix. Cancel sends SIGTERM; the CLI
 * stops the training process within two seconds and saves nothing. Training runs the user's data through
 * TensorFlow.js, so the command is unavailable in Restricted Mode (untrusted workspaces).
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { exportRunLabelIssues } from '../runView/exportCommand';
import { metricName } from '../runView/model';
import { showRunView } from '../runView/panel';
import { runsDirectoryFor } from '../runView/runsDirectories';
import { notifyRunsChanged } from '../runView/runWatcher';
import { INITIAL_PROGRESS, nextProgress, parseProgressLine } from './trainProgress';

/** The parts of the CLI's result object this command shows; the next-token proxy has other metrics than macro F1. */
interface TrainResult {
	backend: string;
	bestEpoch: number;
	metrics: { validation: Record<string, unknown> };
	findings: Array<{ ruleId?: unknown }>;
	runDirectory: string;
}

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
		const result = await runWithProgress(ctx, target.fsPath, runsDirectoryFor(target.fsPath));
		if (result !== undefined) {
			await showResult(ctx, result);
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
			let shown = INITIAL_PROGRESS;
			const messages: string[] = [];
			child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
			child.stderr.on('data', (chunk: Buffer) => {
				pending += chunk.toString();
				const lines = pending.split('\n');
				pending = lines.pop() ?? '';
				for (const line of lines) {
					const parsed = parseProgressLine(line);
					if (parsed === undefined) {
						messages.push(line);
						ctx.outputChannel.info(line);
						continue;
					}
					const { state, message } = nextProgress(shown, parsed);
					shown = state;
					if (message !== undefined) {
						progress.report({ message });
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

async function showResult(ctx: Ctx, result: TrainResult): Promise<void> {
	notifyRunsChanged(ctx);
	const runDirectory = path.resolve(result.runDirectory);
	showRunView(ctx, { kind: 'run', id: path.basename(runDirectory) }, true);
	const labelIssues = result.findings.filter((finding) => finding.ruleId === 'label-issue').length;
	// A free-text run has unusual answers where a classification run has label issues; both are shown on their lines.
	const answerOutliers = result.findings.filter((finding) => finding.ruleId === 'answer-outlier').length;
	const onLines = answerOutliers > 0 ? `${answerOutliers} unusual answers` : `${labelIssues} label issues`;
	const choice = await vscode.window.showInformationMessage(`Tunelint: ${summarize(result)}; ${result.findings.length} findings (${onLines}, shown on their lines).`, ...(labelIssues > 0 ? ['Export Label Issues'] : []));
	if (choice === 'Export Label Issues') {
		await exportRunLabelIssues({ id: path.basename(runDirectory), directory: runDirectory, runsDirectory: path.dirname(runDirectory) });
	}
}

/** `validation accuracy 0.812 (loss 0.43, macro F1 0.801, best epoch 3, wasm backend)`, with whatever metrics the run has. */
function summarize(result: TrainResult): string {
	const metrics = Object.entries(result.metrics.validation).filter((entry): entry is [string, number] => typeof entry[1] === 'number' && Number.isFinite(entry[1]));
	const headline = metrics.find(([name]) => name === 'accuracy') ?? metrics[0];
	const rest = metrics.filter((entry) => entry !== headline).map(([name, value]) => `${metricName(name)} ${value.toFixed(3)}`);
	const head = headline === undefined ? 'validation metrics unavailable' : `validation ${metricName(headline[0])} ${headline[1].toFixed(3)}`;
	return `${head} (${[...rest, `best epoch ${result.bestEpoch}`, `${result.backend} backend`].join(', ')})`;
}
