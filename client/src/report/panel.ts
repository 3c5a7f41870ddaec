/**
 * The audit report's webview: one panel per dataset, built from the same page as `tunelint audit --format html`
 * (client/src/report/view rendered under a nonce CSP, no local resources at all). The panel refreshes when the
 * dataset changes or is saved, and opens the dataset at a line when the report asks.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { auditPage } from '../../../server/src/core/audit/page';
import type { AuditData } from '../../../server/src/core/audit/types';

/** Fetches fresh audit data of a dataset; undefined when the user cancelled. */
export type AuditLoader = (uri: vscode.Uri) => Promise<AuditData | undefined>;

/** Typing pauses this long before the report is recomputed. */
const REFRESH_DELAY_MS = 1500;

const panels = new Map<string, AuditPanel>();

/** Shows the report of `uri`, reusing its panel when one is open. */
export function showAuditPanel(context: vscode.ExtensionContext, uri: vscode.Uri, data: AuditData, load: AuditLoader): void {
	const existing = panels.get(uri.toString());
	if (existing !== undefined) {
		existing.update(data);
		existing.panel.reveal();
		return;
	}
	panels.set(uri.toString(), new AuditPanel(context, uri, data, load));
}

class AuditPanel {
	readonly panel: vscode.WebviewPanel;
	private readonly disposables: vscode.Disposable[] = [];
	private timer: NodeJS.Timeout | undefined;

	constructor(context: vscode.ExtensionContext, private readonly uri: vscode.Uri, data: AuditData, private readonly load: AuditLoader) {
		this.panel = vscode.window.createWebviewPanel('tunelint.audit', `Audit: ${path.basename(uri.fsPath || uri.path)}`, vscode.ViewColumn.Beside, {
			enableScripts: true,
			// The page inlines everything it needs, so the webview may read no files at all.
			localResourceRoots: [],
			enableFindWidget: true,
		});
		const script = readFileSync(path.join(context.extensionPath, 'server', 'out', 'reportView.js'), 'utf8');
		this.panel.webview.html = auditPage({ data, script, nonce: randomBytes(16).toString('base64'), host: 'webview' });
		this.disposables.push(
			this.panel.webview.onDidReceiveMessage((message: unknown) => this.onMessage(message)),
			vscode.workspace.onDidChangeTextDocument((event) => {
				if (event.document.uri.toString() === this.uri.toString() && event.contentChanges.length > 0) {
					this.scheduleRefresh();
				}
			}),
			vscode.workspace.onDidSaveTextDocument((document) => {
				if (document.uri.toString() === this.uri.toString()) {
					this.scheduleRefresh();
				}
			}),
		);
		if (uri.scheme === 'file') {
			const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(uri.fsPath)), path.basename(uri.fsPath)));
			watcher.onDidChange(() => this.scheduleRefresh(), undefined, this.disposables);
			this.disposables.push(watcher);
		}
		this.panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
	}

	update(data: AuditData): void {
		void this.panel.webview.postMessage({ type: 'data', data });
	}

	private scheduleRefresh(): void {
		clearTimeout(this.timer);
		this.timer = setTimeout(() => {
			void this.load(this.uri).then((data) => data !== undefined && this.update(data), () => undefined);
		}, REFRESH_DELAY_MS);
	}

	/** The report is untrusted territory too (it renders dataset text): accept only a well-formed line number. */
	private async onMessage(message: unknown): Promise<void> {
		const candidate = message as { type?: unknown; line?: unknown };
		if (candidate?.type !== 'open' || typeof candidate.line !== 'number' || !Number.isInteger(candidate.line) || candidate.line < 0) {
			return;
		}
		const position = new vscode.Position(candidate.line, 0);
		const editor = await vscode.window.showTextDocument(this.uri, { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(position, position), preserveFocus: false });
		editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
	}

	private dispose(): void {
		clearTimeout(this.timer);
		panels.delete(this.uri.toString());
		for (const disposable of this.disposables.splice(0)) {
			disposable.dispose();
		}
	}
}
