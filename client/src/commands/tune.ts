/**
 * `Tunelint: Search Hyperparameters`: runs `tunelint tune FILE --method … --trials … --format json` and streams each
 * finished trial into the progress notification (trial, validation loss, best so far); the result opens as JSON.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { refuseUntrusted, runCli, showFailure, showJson, targetFile } from './cliProcess';

export function searchHyperparameters(ctx: Ctx): (uri?: unknown) => Promise<void> {
	return async (uri) => {
		if (refuseUntrusted('hyper-parameter search')) {
			return;
		}
		const file = await targetFile(uri, 'Search Hyperparameters');
		if (file === undefined) {
			return;
		}
		const method = await vscode.window.showQuickPick(['bayes', 'random', 'grid'], { placeHolder: 'Search method (bayes: Gaussian process with expected improvement)' });
		if (method === undefined) {
			return;
		}
		const trials = await vscode.window.showInputBox({ prompt: 'Number of trials', value: '20', validateInput: (value) => (/^[1-9]\d*$/.test(value) ? undefined : 'a whole number of at least 1') });
		if (trials === undefined) {
			return;
		}
		let best = Number.POSITIVE_INFINITY;
		const outcome = await runCli(ctx, ['tune', file, '--method', method, '--trials', trials, '--format', 'json'], `Tunelint: ${method} search on ${path.basename(file)}`, (line) => {
			if (line.type !== 'trial' || typeof line.metric !== 'number') {
				return undefined;
			}
			best = Math.min(best, line.metric);
			ctx.outputChannel.info(`trial ${String(line.index)}: ${JSON.stringify(line.params)} → validation loss ${line.metric.toFixed(4)} (${String(line.seconds)} s)`);
			return `trial ${String(line.index)}/${trials}: validation loss ${line.metric.toFixed(4)}, best ${best.toFixed(4)}`;
		});
		if (outcome === undefined) {
			return;
		}
		if (outcome.code !== 0) {
			showFailure(outcome, 'the hyper-parameter search');
			return;
		}
		const result = JSON.parse(outcome.stdout) as { best: { params: Record<string, number>; metric: number } | null };
		const summary = result.best === null ? 'no trial finished' : `best validation loss ${result.best.metric.toFixed(4)} with ${JSON.stringify(result.best.params)}`;
		const choice = await vscode.window.showInformationMessage(`Tunelint: ${summary}`, 'Open Trials');
		if (choice === 'Open Trials') {
			await showJson(outcome.stdout);
		}
	};
}
