/**
 * `Tunelint: Compare Datasets`: runs `tunelint drift A B --format json` (A is the reference; either may be a
 * `tunelint stats` snapshot), shows the verdict with the reasons, and opens the full report.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
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
		const report = JSON.parse(outcome.stdout) as { drift: boolean; signals: string[]; reasons: string[] };
		const summary = report.drift ? `drift in ${report.signals.join(', ')}: ${report.reasons[0] ?? ''}` : 'no drift found';
		const choice = await (report.drift ? vscode.window.showWarningMessage : vscode.window.showInformationMessage)(`Tunelint: ${path.basename(other)} against ${path.basename(reference)}: ${summary}`, 'Open Report');
		if (choice === 'Open Report') {
			await showJson(outcome.stdout);
		}
	};
}
