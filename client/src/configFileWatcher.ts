/**
 * Watches the Tunelint config file of every workspace folder (`tunelint.configFile`, `.tunelintrc.json` by
 * default) and reports changes, so the server re-reads it: the server caches settings per document and relies on
 * the client for workspace/didChangeWatchedFiles.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readClientSettings } from './config';

/** LSP FileChangeType values: created 1, changed 2, deleted 3. */
export type FileChange = 1 | 2 | 3;

export class ConfigFileWatcher implements vscode.Disposable {
	private watchers: vscode.Disposable[] = [];
	private readonly listeners: vscode.Disposable[];

	constructor(private readonly onChange: (uri: vscode.Uri, change: FileChange) => void) {
		this.listeners = [
			vscode.workspace.onDidChangeWorkspaceFolders(() => this.watch()),
			vscode.workspace.onDidChangeConfiguration((event) => {
				if (event.affectsConfiguration('tunelint.configFile')) {
					this.watch();
				}
			}),
		];
		this.watch();
	}

	dispose(): void {
		for (const disposable of [...this.watchers, ...this.listeners]) {
			disposable.dispose();
		}
		this.watchers = [];
	}

	/** Replaces the watchers with one per workspace folder, for the config file that folder's settings name. */
	private watch(): void {
		for (const watcher of this.watchers) {
			watcher.dispose();
		}
		this.watchers = (vscode.workspace.workspaceFolders ?? []).map((folder) => {
			const configFile = readClientSettings(folder.uri).configFile;
			const pattern = path.isAbsolute(configFile)
				? new vscode.RelativePattern(vscode.Uri.file(path.dirname(configFile)), path.basename(configFile))
				: new vscode.RelativePattern(folder, configFile.split(path.sep).join('/'));
			const watcher = vscode.workspace.createFileSystemWatcher(pattern);
			watcher.onDidCreate((uri) => this.onChange(uri, 1));
			watcher.onDidChange((uri) => this.onChange(uri, 2));
			watcher.onDidDelete((uri) => this.onChange(uri, 3));
			return watcher;
		});
	}
}
