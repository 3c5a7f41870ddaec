/**
 * Notices runs saved or deleted by anyone (the training command, `tunelint train` in a terminal, a person deleting a
 * folder): the language server re-reads the runs, so a new run's label issues show and a deleted run's go, and an
 * open run view lists them.
 */
import * as vscode from 'vscode';
import { RUNS_CHANGED_NOTIFICATION } from '../../../server/src/protocol/runs';
import type { Ctx } from '../ctx';
import { refreshRunView } from './panel';

/** Saving a run writes several files and renames a folder; one notification follows the burst. */
const SETTLE_MS = 300;

/** Watches `.tunelint/runs` of every workspace folder. */
export function watchRuns(ctx: Ctx): vscode.Disposable {
	const watcher = vscode.workspace.createFileSystemWatcher('**/.tunelint/runs/**');
	let timer: NodeJS.Timeout | undefined;
	const changed = (): void => {
		clearTimeout(timer);
		timer = setTimeout(() => notifyRunsChanged(ctx), SETTLE_MS);
	};
	return vscode.Disposable.from(watcher, watcher.onDidCreate(changed), watcher.onDidChange(changed), watcher.onDidDelete(changed), { dispose: () => clearTimeout(timer) });
}

/** Tells the server and the run view that runs changed (also called by the training command when its run is saved). */
export function notifyRunsChanged(ctx: Ctx): void {
	if (ctx.isRunning()) {
		void ctx.client.sendNotification(RUNS_CHANGED_NOTIFICATION).catch(() => undefined);
	}
	refreshRunView();
}
