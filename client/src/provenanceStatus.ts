/**
 * The provenance language status item: "locked ✓", "modified since lock" or "unlocked" for the active dataset,
 * asked from the server after each lint (the server verifies every linted document against the lock). It also
 * tells the server when a lock file changes on disk, so open datasets are verified again.
 */
import * as vscode from 'vscode';
import { ExecuteCommandRequest } from 'vscode-languageclient/node';
import { PROVENANCE_REFRESH_COMMAND, PROVENANCE_STATUS_COMMAND, type ProvenanceStatus } from '../../server/src/protocol/provenance';
import { DOCUMENT_SELECTOR } from './client';
import type { Ctx } from './ctx';

const TEXT: Record<ProvenanceStatus['state'], string> = {
	locked: '$(lock) locked ✓',
	modified: '$(warning) modified since lock',
	unlocked: '$(unlock) unlocked',
	none: 'no lock',
	error: '$(error) lock error',
};

/** Owns the provenance language status item and the lock file watcher. */
export class ProvenanceStatusItem implements vscode.Disposable {
	private readonly item: vscode.LanguageStatusItem;
	private readonly disposables: vscode.Disposable[] = [];
	/** Only the newest query may update the item, so a slow answer for a previous editor never wins. */
	private generation = 0;

	constructor(private readonly ctx: Ctx) {
		this.item = vscode.languages.createLanguageStatusItem('tunelint.provenance', DOCUMENT_SELECTOR);
		this.item.name = 'Tunelint provenance';
		// tunelint.lock.json and configured names like datasets.lock.json; package-lock.json does not match.
		const watcher = vscode.workspace.createFileSystemWatcher('**/*.lock.json');
		const lockChanged = (): void => void this.notifyLockChanged();
		this.disposables.push(
			this.item,
			watcher,
			watcher.onDidChange(lockChanged),
			watcher.onDidCreate(lockChanged),
			watcher.onDidDelete(lockChanged),
			vscode.window.onDidChangeActiveTextEditor(() => void this.refresh()),
			vscode.languages.onDidChangeDiagnostics((event) => {
				const active = vscode.window.activeTextEditor?.document.uri.toString();
				if (active !== undefined && event.uris.some((uri) => uri.toString() === active)) {
					void this.refresh();
				}
			}),
		);
		this.render(undefined);
	}

	dispose(): void {
		for (const disposable of this.disposables) {
			disposable.dispose();
		}
	}

	private async refresh(): Promise<void> {
		const generation = ++this.generation;
		const document = vscode.window.activeTextEditor?.document;
		if (document === undefined || document.languageId !== 'jsonl' || !this.ctx.isRunning()) {
			this.render(undefined);
			return;
		}
		try {
			const status = (await this.ctx.client.sendRequest(ExecuteCommandRequest.type, { command: PROVENANCE_STATUS_COMMAND, arguments: [document.uri.toString()] })) as ProvenanceStatus | null;
			if (generation === this.generation) {
				this.render(status ?? undefined);
			}
		} catch {
			// A server that is restarting answers nothing; the next lint refreshes the item.
		}
	}

	private async notifyLockChanged(): Promise<void> {
		if (this.ctx.isRunning()) {
			await this.ctx.client.sendRequest(ExecuteCommandRequest.type, { command: PROVENANCE_REFRESH_COMMAND, arguments: [] }).then(undefined, () => undefined);
		}
	}

	private render(status: ProvenanceStatus | undefined): void {
		const item = this.item;
		item.severity = vscode.LanguageStatusSeverity.Information;
		item.command = undefined;
		if (status === undefined) {
			item.text = 'provenance';
			item.detail = 'Waiting for the first lint';
			return;
		}
		item.text = TEXT[status.state];
		item.detail = status.detail;
		if (status.state === 'modified') {
			item.severity = vscode.LanguageStatusSeverity.Warning;
			item.command = { title: 'Show Changes', command: 'tunelint.showLockedDiff', arguments: [status.uri] };
		} else if (status.state === 'unlocked') {
			item.command = { title: 'Add to Lock', command: 'tunelint.lockAdd', arguments: [status.uri] };
		} else if (status.state === 'error') {
			item.severity = vscode.LanguageStatusSeverity.Error;
			item.command = { title: 'Show Output', command: 'tunelint.showOutput' };
		}
	}
}
