/**
 * `Tunelint: Probe Forgetting`: runs `tunelint forget --base BASE --target NEW --format json` (the active or chosen
 * file is the new dataset; the base is picked) and opens the table of mitigations (retention against new-task accuracy).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { refuseUntrusted, runCli, showFailure, showJson, targetFile } from './cliProcess';

export function probeForgetting(ctx: Ctx): (uri?: unknown) => Promise<void> {
	return async (uri) => {
		if (refuseUntrusted('the forgetting probe')) {
			return;
		}
		const target = await targetFile(uri, 'New dataset to fine-tune on');
		if (target === undefined) {
			return;
		}
		const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Base task dataset', filters: { JSONL: ['jsonl'] } });
		const base = picked?.[0]?.fsPath;
		if (base === undefined) {
			return;
		}
		const outcome = await runCli(ctx, ['forget', '--base', base, '--target', target, '--format', 'json'], `Tunelint: forgetting probe ${path.basename(base)} → ${path.basename(target)}`);
		if (outcome === undefined) {
			return;
		}
		if (outcome.code !== 0) {
			showFailure(outcome, 'the forgetting probe');
			return;
		}
		const report = JSON.parse(outcome.stdout) as { base: { before: number }; rows: { method: string; retention: number; newTask: number }[] };
		const plain = report.rows.find((row) => row.method === 'plain');
		const choice = await vscode.window.showInformationMessage(`Tunelint: base accuracy ${report.base.before.toFixed(3)}; a plain fine-tune keeps ${((plain?.retention ?? 0) * 100).toFixed(1)} % of it (new task ${plain?.newTask.toFixed(3)}).`, 'Open Table');
		if (choice === 'Open Table') {
			await showJson(outcome.stdout);
		}
	};
}
