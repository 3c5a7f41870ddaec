/**
 * Watches the Tunelint config file of every workspace folder (`tunelint.configFile`, `.tunelintrc.json` by
 * default), and the fairness lexicon file it or the settings name, and reports changes, so the server re-reads
 * them: the server caches settings per document and relies on the client for workspace/didChangeWatchedFiles.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readClientSettings } from './config';
import { lexiconFileOf } from './lexiconFiles';

/** LSP FileChangeType values: created 1, changed 2, deleted 3. */
export type FileChange = 1 | 2 | 3;

export class ConfigFileWatcher implements vscode.Disposable {
	private watchers: vscode.Disposable[] = [];
	private readonly listeners: vscode.Disposable[];

	constructor(private readonly onChange: (uri: vscode.Uri, change: FileChange) => void) {
		this.listeners = [
			vscode.workspace.onDidChangeWorkspaceFolders(() => this.watch()),
			vscode.workspace.onDidChangeConfiguration((event) => {
				if (event.affectsConfiguration('tunelint.configFile') || event.affectsConfiguration('tunelint.ruleOptions')) {
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
		this.watchers = (vscode.workspace.workspaceFolders ?? []).flatMap((folder) => {
			const { configFile, ruleOptions } = readClientSettings(folder.uri);
			const pattern = path.isAbsolute(configFile)
				? new vscode.RelativePattern(vscode.Uri.file(path.dirname(configFile)), path.basename(configFile))
				: new vscode.RelativePattern(folder, configFile.split(path.sep).join('/'));
			const watcher = vscode.workspace.createFileSystemWatcher(pattern);
			// The config file may name another lexicon file (issue 5): watch again, then tell the server.
			const rewatch = (uri: vscode.Uri, change: FileChange): void => {
				this.watch();
				this.onChange(uri, change);
			};
			watcher.onDidCreate((uri) => rewatch(uri, 1));
			watcher.onDidChange((uri) => rewatch(uri, 2));
			watcher.onDidDelete((uri) => rewatch(uri, 3));
			const lexiconFile = lexiconFileOf(folder.uri.fsPath, configFile, ruleOptions);
			return lexiconFile === undefined ? [watcher] : [watcher, this.watchFile(lexiconFile)];
		});
	}

	/** A watcher for one file (the fairness rules' user lexicon), reporting its changes like the config file's. */
	private watchFile(file: string): vscode.Disposable {
		const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(file)), path.basename(file)));
		watcher.onDidCreate((uri) => this.onChange(uri, 1));
		watcher.onDidChange((uri) => this.onChange(uri, 2));
		watcher.onDidDelete((uri) => this.onChange(uri, 3));
		return watcher;
	}
}
