/**
 * `Tunelint: Train Proxy Model (Validation Fine-Tune)`: runs `tunelint train FILE --format json` in its own Node
 * process (never in the extension host), shows its JSON progress lines from stderr as a cancellable notification,
 * and when it finishes shows the findings as diagnostics (label issues with a "Relabel" quick fix) and offers the
 * saved run. Cancel sends SIGTERM; the CLI
 * stops the training process within two seconds and saves nothing. Training runs the user's data through
 * TensorFlow.js, so the command is unavailable in Restricted Mode (untrusted workspaces).
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
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
	findings: unknown[];
	runDirectory: string;
}

/** A range as the engine writes it in the run's findings.json (0-based, UTF-16 columns). */
interface EngineRange {
	line: number;
	column: number;
	endLine: number;
	endColumn: number;
}

/** An engine finding from findings.json, with its fix (the relabel of a label issue). */
interface EngineFinding {
	ruleId: string;
	severity: string;
	message: string;
	range: EngineRange;
	fix?: { title: string; edits: (EngineRange & { newText: string })[] };
}

const DIAGNOSTIC_SOURCE = 'tunelint (proxy model)';
let diagnostics: vscode.DiagnosticCollection | undefined;
/**
 * The fix of each training diagnostic, for the quick-fix provider. Keyed by document, range and message: the
 * diagnostics a provider receives are copies made by VS Code, not the objects this command created.
 */
const fixes = new Map<string, NonNullable<EngineFinding['fix']>>();
const fixKey = (uri: vscode.Uri, diagnostic: vscode.Diagnostic): string => {
	const { start, end } = diagnostic.range;
	return `${uri.toString()}#${start.line}:${start.character}-${end.line}:${end.character}#${diagnostic.message}`;
};

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
		if (diagnostics === undefined) {
			diagnostics = vscode.languages.createDiagnosticCollection('tunelint-training');
			ctx.extensionContext.subscriptions.push(diagnostics, vscode.languages.registerCodeActionsProvider({ language: 'jsonl' }, { provideCodeActions: relabelActions }, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }));
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
	// The run's findings.json keeps the engine's findings with their fixes, which the CLI's JSON output leaves out.
	const findings = JSON.parse(await readFile(path.join(result.runDirectory, 'findings.json'), 'utf8')) as EngineFinding[];
	for (const key of [...fixes.keys()].filter((candidate) => candidate.startsWith(`${target.toString()}#`))) {
		fixes.delete(key);
	}
	const severity = (name: string) => (name === 'error' ? vscode.DiagnosticSeverity.Error : name === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information);
	diagnostics?.set(
		target,
		findings.map((finding) => {
			const diagnostic = new vscode.Diagnostic(toRange(finding.range), finding.message, severity(finding.severity));
			diagnostic.source = DIAGNOSTIC_SOURCE;
			diagnostic.code = finding.ruleId;
			if (finding.fix !== undefined) {
				fixes.set(fixKey(target, diagnostic), finding.fix);
			}
			return diagnostic;
		}),
	);
	const validation = result.metrics.validation;
	const choice = await vscode.window.showInformationMessage(
		`Tunelint: validation accuracy ${validation.accuracy.toFixed(3)} (macro F1 ${validation.macroF1.toFixed(3)}, best epoch ${result.bestEpoch}, ${result.backend} backend); ${findings.length} findings.`,
		'Open Run',
		'Open Label Issues',
	);
	if (choice !== undefined) {
		const name = choice === 'Open Run' ? 'run.json' : 'label-issues.json';
		await vscode.window.showTextDocument(vscode.Uri.file(path.join(result.runDirectory, name)));
	}
}

/** Quick fixes for training diagnostics: "Relabel as …", applied as a workspace edit, so Undo reverts it. */
function relabelActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
	return context.diagnostics.flatMap((diagnostic) => {
		const fix = diagnostic.source === DIAGNOSTIC_SOURCE ? fixes.get(fixKey(document.uri, diagnostic)) : undefined;
		if (fix === undefined) {
			return [];
		}
		const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
		action.diagnostics = [diagnostic];
		action.edit = new vscode.WorkspaceEdit();
		for (const edit of fix.edits) {
			action.edit.replace(document.uri, toRange(edit), edit.newText);
		}
		return [action];
	});
}

function toRange(range: EngineRange): vscode.Range {
	return new vscode.Range(range.line, range.column, range.endLine, range.endColumn);
}
