/**
 * `Tunelint: Probe Forgetting`: runs `tunelint forget --base BASE --target NEW --format json` (the active or chosen
 * file is the new dataset; the base is picked) and shows the table of mitigations (retention against new-task accuracy)
 * in the run view, whose buttons (and the notification's) write the new dataset with base records replayed into it as
 * a new file, or open the raw JSON.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { forgetBaseBefore, forgetRows, formatRetention, type ForgetReportInput } from '../runView/forgetModel';
import { newSessionKey, type SessionAction, showRunView } from '../runView/panel';
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
		const report = JSON.parse(outcome.stdout) as ForgetReportInput;
		const actions: SessionAction[] = [
			{ id: 'replay', label: WRITE_REPLAY, run: () => writeReplayMix(ctx, base, target) },
			{ id: 'json', label: OPEN_JSON, run: () => showJson(outcome.stdout) },
		];
		showRunView(ctx, { kind: 'forget', key: newSessionKey('forget'), title: `${path.basename(base)} → ${path.basename(target)}`, report, actions }, true);
		const plain = forgetRows(report).find((row) => row.method === 'plain');
		const before = forgetBaseBefore(report);
		const kept = plain === undefined ? 'the table is in the run view' : `a plain fine-tune keeps ${formatRetention(plain.retention)} of it (new task ${plain.newTask.toFixed(3)})`;
		const choice = await vscode.window.showInformationMessage(`Tunelint: base accuracy ${before === null ? '?' : before.toFixed(3)}; ${kept}.`, WRITE_REPLAY, OPEN_JSON);
		await actions.find((action) => action.label === choice)?.run();
	};
}

const WRITE_REPLAY = 'Write Replay Mix…';
const OPEN_JSON = 'Open JSON';

/**
 * Writes the new dataset with a share of base records mixed in (`tunelint forget --write-replay R --out FILE`) to a
 * new file the user names; the save dialog asks before replacing a file, and only then is the CLI told to replace it.
 */
async function writeReplayMix(ctx: Ctx, base: string, target: string): Promise<void> {
	const share = await vscode.window.showInputBox({
		prompt: 'Share of base records to mix in, relative to the new dataset\'s size (0.3 = 30 %)',
		value: '0.3',
		validateInput: (value) => (Number(value) > 0 && Number(value) <= 10 ? undefined : 'a number above 0 and at most 10'),
	});
	if (share === undefined) {
		return;
	}
	const suggested = path.join(path.dirname(target), `${path.basename(target, path.extname(target))}.replay-${share}.jsonl`);
	const chosen = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(suggested), filters: { JSONL: ['jsonl'] }, saveLabel: 'Write Replay Mix' });
	if (chosen === undefined) {
		return;
	}
	const args = ['forget', '--base', base, '--target', target, '--write-replay', share, '--out', chosen.fsPath, ...(existsSync(chosen.fsPath) ? ['--force'] : [])];
	const outcome = await runCli(ctx, args, `Tunelint: replay mix of ${path.basename(base)} into ${path.basename(target)}`);
	if (outcome === undefined) {
		return;
	}
	if (outcome.code !== 0) {
		showFailure(outcome, 'writing the replay mix');
		return;
	}
	await vscode.window.showTextDocument(chosen);
}
