/**
 * The Tunelint language status item: server health while it starts or after it stops, and for the active
 * document the records, format, problems and time reported by the server's `tunelint/status` notification.
 */
import * as vscode from 'vscode';
import type { StatusParams } from '../../server/src/protocol/messages';
import { DOCUMENT_SELECTOR } from './client';
import { readClientSettings } from './config';
import { describeStatus } from './statusText';

/** The server's lifecycle as the user sees it. */
export type ServerHealth = 'starting' | 'running' | 'stopped';

/** Command ids the status item links to; kept here so the item does not import the command table. */
const SHOW_OUTPUT_COMMAND = 'tunelint.showOutput';
const RESTART_COMMAND = 'tunelint.restartServer';

/** Owns the language status item and the latest status of every open document. */
export class LanguageStatus implements vscode.Disposable {
	private readonly item: vscode.LanguageStatusItem;
	private readonly statusByUri = new Map<string, StatusParams>();
	private readonly disposables: vscode.Disposable[] = [];
	private health: ServerHealth = 'starting';
	private healthMessage = '';

	constructor() {
		this.item = vscode.languages.createLanguageStatusItem('tunelint.status', DOCUMENT_SELECTOR);
		this.item.name = 'Tunelint';
		this.disposables.push(
			this.item,
			vscode.window.onDidChangeActiveTextEditor(() => this.render()),
			vscode.workspace.onDidCloseTextDocument((document) => this.forget(document.uri.toString())),
			vscode.workspace.onDidChangeConfiguration((event) => {
				if (event.affectsConfiguration('tunelint.enable')) {
					this.render();
				}
			}),
		);
		this.render();
	}

	/** Shows the server's health; `message` explains a stop. */
	setHealth(health: ServerHealth, message = ''): void {
		this.health = health;
		this.healthMessage = message;
		if (health !== 'running') {
			// Statuses from a previous server describe results that may no longer be on screen.
			this.statusByUri.clear();
		}
		this.render();
	}

	/** Records the status the server reported for a document and shows it if that document is active. */
	update(status: StatusParams): void {
		this.statusByUri.set(normalizeUri(status.uri), status);
		this.render();
	}

	/** Drops the status of a closed document. */
	forget(uri: string): void {
		if (this.statusByUri.delete(uri)) {
			this.render();
		}
	}

	dispose(): void {
		for (const disposable of this.disposables) {
			disposable.dispose();
		}
	}

	private render(): void {
		const item = this.item;
		item.busy = false;
		item.severity = vscode.LanguageStatusSeverity.Information;
		item.command = { title: 'Show Output', command: SHOW_OUTPUT_COMMAND };
		if (this.health === 'starting') {
			item.busy = true;
			item.text = 'Starting';
			item.detail = 'The Tunelint server is starting';
			return;
		}
		if (this.health === 'stopped') {
			item.severity = vscode.LanguageStatusSeverity.Error;
			item.text = 'Server stopped';
			item.detail = this.healthMessage;
			item.command = { title: 'Restart Server', command: RESTART_COMMAND };
			return;
		}
		const document = vscode.window.activeTextEditor?.document;
		if (document !== undefined && !readClientSettings(document.uri).enable) {
			item.text = 'Disabled';
			item.detail = 'tunelint.enable is off for this file';
			return;
		}
		const status = document === undefined ? undefined : this.statusByUri.get(document.uri.toString());
		if (status === undefined) {
			item.text = 'Tunelint';
			item.detail = 'Waiting for the first lint';
			return;
		}
		const description = describeStatus(status);
		item.text = description.text;
		item.detail = description.detail;
		item.severity = description.severity === 'warning' ? vscode.LanguageStatusSeverity.Warning : vscode.LanguageStatusSeverity.Information;
	}
}

/** Puts a URI string from the server in the form `Uri.toString()` gives, so both sides compare equal. */
function normalizeUri(uri: string): string {
	try {
		return vscode.Uri.parse(uri, true).toString();
	} catch {
		return uri;
	}
}
