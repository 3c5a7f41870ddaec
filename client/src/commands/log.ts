/**
 * `Tunelint: Open Training Log`: runs `tunelint log FILE --format json` on a real fine-tune's metrics (OpenAI result
 * CSV, Hugging Face trainer_state.json, CSV or JSONL of step/loss) and reports overfitting and the step early
 * stopping would have kept; the curves, with the overfitting step marked, show in the run view.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import type { LogReportInput } from '../runView/model';
import { newSessionKey, showRunView } from '../runView/panel';
import { runCli, showFailure, showJson, targetFile } from './cliProcess';

export function openTrainingLog(ctx: Ctx): (uri?: unknown) => Promise<void> {
	return async (uri) => {
		const file = await targetFile(uri, 'Open Training Log', { 'Training logs': ['csv', 'json', 'jsonl', 'tsv'] });
		if (file === undefined) {
			return;
		}
		const outcome = await runCli(ctx, ['log', file, '--format', 'json'], `Tunelint: reading ${path.basename(file)}`);
		if (outcome === undefined) {
			return;
		}
		if (outcome.code !== 0) {
			showFailure(outcome, 'reading the training log');
			return;
		}
		const report = JSON.parse(outcome.stdout) as LogReportInput & { overfitting: { step: number; gap: number } | null; earlyStopping: { step: number } | null };
		showRunView(ctx, { kind: 'log', key: newSessionKey('log'), title: path.basename(file), report }, true);
		const verdict = report.overfitting === null ? 'no overfitting found' : `overfitting from step ${report.overfitting.step} (final gap ${report.overfitting.gap.toFixed(3)})`;
		const stopping = report.earlyStopping === null ? 'no validation loss logged' : `early stopping would have kept step ${report.earlyStopping.step}`;
		const choice = await vscode.window.showInformationMessage(`Tunelint: ${path.basename(file)}: ${verdict}; ${stopping}.`, 'Open JSON');
		if (choice === 'Open JSON') {
			await showJson(outcome.stdout);
		}
	};
}
