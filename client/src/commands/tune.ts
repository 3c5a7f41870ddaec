/**
 * `Tunelint: Search Hyperparameters`: runs `tunelint tune FILE --method … --trials … --format json` and streams each
 * finished trial into the progress notification and into the run view (the trial table and the best-so-far plot),
 * which then shows the final result; the JSON stays one click away.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import type { TuneResult } from '../runView/model';
import { newSessionKey, showRunView } from '../runView/panel';
import { refuseUntrusted, runCli, showFailure, showJson, targetFile } from './cliProcess';

const SHOW_ONLY = 'Show the results only';
const SAVE_BEST = 'Save the best to the config file (used by later validation fine-tunes)';

export function searchHyperparameters(ctx: Ctx): (uri?: unknown) => Promise<void> {
	return async (uri) => {
		if (refuseUntrusted('hyper-parameter search')) {
			return;
		}
		const file = await targetFile(uri, 'Search Hyperparameters');
		if (file === undefined) {
			return;
		}
		const method = await vscode.window.showQuickPick(['bayes', 'tpe', 'random', 'grid'], { placeHolder: 'Search method (bayes: Gaussian process with expected improvement; tpe: tree-structured Parzen estimators)' });
		if (method === undefined) {
			return;
		}
		const trials = await vscode.window.showInputBox({ prompt: 'Number of trials', value: '20', validateInput: (value) => (/^[1-9]\d*$/.test(value) ? undefined : 'a whole number of at least 1') });
		if (trials === undefined) {
			return;
		}
		// Saving is asked before the search, so that the CLI writes the best configuration once it knows it.
		const save = await vscode.window.showQuickPick([SHOW_ONLY, SAVE_BEST], { placeHolder: 'Keep the best configuration?' });
		if (save === undefined) {
			return;
		}
		let best = Number.POSITIVE_INFINITY;
		const key = newSessionKey('tune');
		const title = `${method} search on ${path.basename(file)}`;
		const finished: Array<{ params: unknown; metric: number; seconds: unknown }> = [];
		const outcome = await runCli(ctx, ['tune', file, '--method', method, '--trials', trials, '--format', 'json', ...(save === SAVE_BEST ? ['--save'] : [])], `Tunelint: ${method} search on ${path.basename(file)}`, (line) => {
			if (line.type !== 'trial' || typeof line.metric !== 'number') {
				return undefined;
			}
			best = Math.min(best, line.metric);
			finished.push({ params: line.params, metric: line.metric, seconds: line.seconds });
			showRunView(ctx, { kind: 'tune', key, title: `${title} (running)`, result: { method, trials: finished, file, metricName: 'validation loss' } }, true);
			ctx.outputChannel.info(`trial ${String(line.index)}: ${JSON.stringify(line.params)} → validation loss ${line.metric.toFixed(4)} (${String(line.seconds)} s)`);
			return `trial ${String(line.index)}/${trials}: validation loss ${line.metric.toFixed(4)}, best ${best.toFixed(4)}`;
		});
		if (outcome === undefined || outcome.code !== 0) {
			// The trials that finished stay in the run view, marked as such.
			if (finished.length > 0) {
				showRunView(ctx, { kind: 'tune', key, title: `${title} (${outcome === undefined ? 'cancelled' : 'failed'})`, result: { method, trials: finished, file, metricName: 'validation loss', stoppedEarly: true } }, true);
			}
			if (outcome !== undefined) {
				showFailure(outcome, 'the hyper-parameter search');
			}
			return;
		}
		const result = JSON.parse(outcome.stdout) as TuneResult & { best: { params: Record<string, number>; metric: number } | null };
		showRunView(ctx, { kind: 'tune', key, title, result }, true);
		const saved = (result as { saved?: { configFile?: unknown } }).saved?.configFile;
		const summary = (result.best === null ? 'no trial finished' : `best validation loss ${result.best.metric.toFixed(4)} with ${JSON.stringify(result.best.params)}`)
			+ (typeof saved === 'string' ? `; saved to ${saved}` : '');
		const choice = await vscode.window.showInformationMessage(`Tunelint: ${summary}`, 'Open JSON');
		if (choice === 'Open JSON') {
			await showJson(outcome.stdout);
		}
	};
}
