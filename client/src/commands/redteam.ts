/**
 * `Tunelint: Red-Team Dataset`: simulates an attack to test the defences. Runs `tunelint redteam FILE --attack …
 * --format json` in its own process (the dataset is never modified; the poisoned copy and the ground truth are new
 * files, never replacing existing ones), then shows the recall of each rule on the planted records and offers to open
 * the poisoned copy.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { runCli, showFailure, showJson, targetFile } from './cliProcess';

const ATTACKS: ReadonlyArray<vscode.QuickPickItem & { attack: string }> = [
	{ label: 'Rare-token trigger', description: 'dirty-label backdoor with a random rare token', attack: 'rare-token' },
	{ label: 'Trigger phrase', description: 'dirty-label backdoor with a random phrase', attack: 'phrase' },
	{ label: 'Hidden Unicode', description: 'invisible tag characters smuggled into the text', attack: 'unicode' },
	{ label: 'Prompt injection', description: 'paraphrased injection sentences appended to inputs', attack: 'injection' },
];

interface RedTeamReport {
	out: string;
	planted: unknown[];
	expectedRules: Array<{ ruleId: string; found: number; planted: number; recall: number }>;
}

export function redTeamDataset(ctx: Ctx): (uri?: unknown) => Promise<void> {
	return async (uri) => {
		// Red-team data is attack data: it is written only where the user trusts the workspace.
		if (!vscode.workspace.isTrusted) {
			void vscode.window.showWarningMessage('Tunelint: red-teaming is unavailable in Restricted Mode: it writes attack data into the workspace. Trust the workspace to use it.');
			return;
		}
		const file = await targetFile(uri, 'Red-Team Dataset');
		if (file === undefined) {
			return;
		}
		const choice = await vscode.window.showQuickPick(ATTACKS, { title: 'Tunelint: Red-Team Dataset', placeHolder: 'Which attack should be planted in a copy?' });
		if (choice === undefined) {
			return;
		}
		const rate = await vscode.window.showInputBox({ prompt: 'Share of records to poison (0–1)', value: '0.01', validateInput: (value) => (Number(value) > 0 && Number(value) < 1 ? undefined : 'a number between 0 and 1') });
		if (rate === undefined) {
			return;
		}
		const outcome = await runCli(ctx, ['redteam', file, '--attack', choice.attack, '--rate', rate, '--format', 'json'], `Tunelint: red-teaming ${path.basename(file)}`);
		if (outcome === undefined) {
			return;
		}
		if (outcome.code !== 0) {
			showFailure(outcome, 'red-teaming');
			return;
		}
		const report = JSON.parse(outcome.stdout) as RedTeamReport;
		const recall = report.expectedRules.map((rule) => `${rule.ruleId} ${rule.found}/${rule.planted}`).join(', ');
		const action = await vscode.window.showInformationMessage(`Tunelint: planted ${report.planted.length} records; recall: ${recall}.`, 'Open Poisoned Copy', 'Open Report');
		if (action === 'Open Poisoned Copy') {
			const poisoned = path.isAbsolute(report.out) ? report.out : path.join(path.dirname(file), path.basename(report.out));
			await vscode.window.showTextDocument(vscode.Uri.file(poisoned), { preview: false });
		} else if (action === 'Open Report') {
			await showJson(outcome.stdout);
		}
	};
}
