/**
 * `Tunelint: Compare Datasets`: runs `tunelint drift A B --format json` (A is the reference; either may be a
 * `tunelint stats` snapshot) and shows the verdict with its reasons, every figure against its threshold, and the
 * n-grams and groups behind them in the run view; the raw JSON opens from there or from the notification.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import type { DriftReportInput } from '../runView/driftModel';
import { newSessionKey, showRunView } from '../runView/panel';
import { refuseUntrusted, runCli, showFailure, showJson, targetFile } from './cliProcess';

export function compareDatasets(ctx: Ctx): (uri?: unknown) => Promise<void> {
	return async (uri) => {
		if (refuseUntrusted('comparing datasets (its domain classifier)')) {
			return;
		}
		const reference = await targetFile(uri, 'Reference dataset (A)');
		if (reference === undefined) {
			return;
		}
		const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Compare with (B)', filters: { 'JSONL or stats snapshot': ['jsonl', 'json'] } });
		const other = picked?.[0]?.fsPath;
		if (other === undefined) {
			return;
		}
		const outcome = await runCli(ctx, ['drift', reference, other, '--format', 'json'], `Tunelint: comparing ${path.basename(other)} with ${path.basename(reference)}`);
		if (outcome === undefined) {
			return;
		}
		if (outcome.code !== 0 && outcome.code !== 1) {
			showFailure(outcome, 'comparing the datasets');
			return;
		}
		const report = JSON.parse(outcome.stdout) as DriftReportInput & { drift: boolean; signals: string[]; reasons: string[] };
		const openJson = { id: 'json', label: 'Open JSON', run: () => showJson(outcome.stdout) };
		showRunView(ctx, { kind: 'drift', key: newSessionKey('drift'), title: `${path.basename(other)} against ${path.basename(reference)}`, report, actions: [openJson] }, true);
		const summary = report.drift ? `drift in ${report.signals.join(', ')}: ${report.reasons[0] ?? ''}` : 'no drift found';
		const choice = await (report.drift ? vscode.window.showWarningMessage : vscode.window.showInformationMessage)(`Tunelint: ${path.basename(other)} against ${path.basename(reference)}: ${summary}`, openJson.label);
		if (choice === openJson.label) {
			await openJson.run();
		}
	};
}
