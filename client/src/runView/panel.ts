/**
 * The "Tunelint Runs" webview: one panel listing the saved validation fine-tunes of the workspace (newest first) and
 * this session's hyper-parameter searches, training logs, forgetting probes and drift comparisons, with the selected
 * entry's curves and tables. The training, tune, log, forget and drift commands open or reveal it with their result; `Tunelint: Show Runs` opens it on the newest run. The page is
 * built like the audit report's (everything inline, nonce CSP, no local resources); the webview only ever names an
 * entry by its list key, and the extension resolves files itself.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { exportRunLabelIssues } from './exportCommand';
import { driftDetail, type DriftReportInput } from './driftModel';
import { forgetDetail, type ForgetReportInput } from './forgetModel';
import { type DetailModel, type EntryKind, type ListRow, logDetail, type LogReportInput, runDetail, runRow, type RunViewState, tuneDetail, type TuneResult } from './model';
import { runViewPage } from './page';
import { datasetOf, listRuns, readRunSummary, readSavedRun, type RunLocation } from './runStore';
import { runsDirectories } from './runsDirectories';

/** A button of a session entry's detail ("Open JSON", "Write Replay Mix…"): the view names it by id, the extension runs it. */
export interface SessionAction {
	id: string;
	label: string;
	run: () => Promise<void>;
}

/** A search, training log, forgetting probe or drift comparison shown in this session (they are not saved, unlike runs). */
interface SessionEntry {
	row: ListRow;
	detail: DetailModel;
	/** The result of a finished search, which later searches of the same file are compared with. */
	search?: TuneResult;
	actions: readonly SessionAction[];
}

/** A result of this session under its key; `actions` become buttons of its detail. */
type SessionFocus =
	| { kind: 'tune'; key: string; result: TuneResult; title: string }
	| { kind: 'log'; key: string; report: LogReportInput; title: string }
	| { kind: 'forget'; key: string; report: ForgetReportInput; title: string; actions?: readonly SessionAction[] }
	| { kind: 'drift'; key: string; report: DriftReportInput; title: string; actions?: readonly SessionAction[] };

/** What to show: a saved run (the newest when no id is given), or a result of this session under its key. */
export type RunViewFocus = { kind: 'run'; id?: string } | SessionFocus;

type SessionKind = SessionFocus['kind'];

let panel: RunViewPanel | undefined;
let sessionCounter = 0;

/** A fresh key for a search, log, forgetting probe or drift comparison shown in this session. */
export function newSessionKey(kind: SessionKind): string {
	return `${kind}:${++sessionCounter}`;
}

/** Opens the run view (or reveals it) and selects `focus`; `preserveFocus` keeps the keyboard in the editor. */
export function showRunView(ctx: Ctx, focus: RunViewFocus, preserveFocus = false): void {
	panel ??= new RunViewPanel(ctx, preserveFocus);
	panel.show(focus, preserveFocus);
}

/** Re-reads the runs of an open run view (a run was saved or deleted). */
export function refreshRunView(): void {
	panel?.refresh();
}

class RunViewPanel {
	private readonly panel: vscode.WebviewPanel;
	private readonly sessions = new Map<string, SessionEntry>();
	private readonly disposables: vscode.Disposable[] = [];
	private selected: string | null = null;

	constructor(private readonly ctx: Ctx, preserveFocus: boolean) {
		this.panel = vscode.window.createWebviewPanel('tunelint.runs', 'Tunelint Runs', { viewColumn: vscode.ViewColumn.Beside, preserveFocus }, {
			enableScripts: true,
			// The page inlines everything it needs, so the webview may read no files at all.
			localResourceRoots: [],
			enableFindWidget: true,
			retainContextWhenHidden: false,
		});
		this.panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
		this.panel.webview.onDidReceiveMessage((message: unknown) => void this.onMessage(message), undefined, this.disposables);
	}

	show(focus: RunViewFocus, preserveFocus: boolean): void {
		if (focus.kind === 'run') {
			// Without an id the selection stays (the newest run when the view opens).
			this.selected = focus.id === undefined ? this.selected : `run:${focus.id}`;
		} else {
			const actions = focus.kind === 'forget' || focus.kind === 'drift' ? focus.actions ?? [] : [];
			const detail = { ...this.sessionDetail(focus), actions: actions.map(({ id, label }) => ({ id, label })) };
			// A search streams into its entry: the row keeps the time the search started.
			const started = this.sessions.get(focus.key)?.row.date ?? new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
			this.sessions.set(focus.key, { row: sessionRow(focus.key, focus.kind, focus.title, detail, started), detail, search: focus.kind === 'tune' ? focus.result : undefined, actions });
			this.selected = focus.key;
		}
		// Results that arrive in the background show without moving the view; Show Runs brings it forward.
		if (!preserveFocus || !this.panel.visible) {
			this.panel.reveal(undefined, preserveFocus);
		}
		this.render();
	}

	private sessionDetail(focus: SessionFocus): DetailModel {
		switch (focus.kind) {
			case 'tune':
				return tuneDetail(focus.result, focus.title, this.earlierSearches(focus.key, focus.result));
			case 'log':
				return logDetail(focus.report, focus.title);
			case 'forget':
				return forgetDetail(focus.report, focus.title);
			case 'drift':
				return driftDetail(focus.report, focus.title);
		}
	}

	/** The finished searches of this session on the same file and metric as `result`, other than `key`. */
	private earlierSearches(key: string, result: TuneResult): TuneResult[] {
		const metricOf = (search: TuneResult): unknown => search.metricName ?? 'validation loss';
		return [...this.sessions.entries()].flatMap(([other, { search }]) => (other !== key && search !== undefined && search.file === result.file && metricOf(search) === metricOf(result) ? [search] : []));
	}

	refresh(): void {
		void this.panel.webview.postMessage({ type: 'state', state: this.state() });
	}

	/** The first render writes the page; later ones post the state, so the page is not reloaded. */
	private render(): void {
		if (this.panel.webview.html === '') {
			const script = readFileSync(vscode.Uri.joinPath(this.ctx.extensionContext.extensionUri, 'server', 'out', 'runView.js').fsPath, 'utf8');
			this.panel.webview.html = runViewPage(this.state(), script, randomBytes(16).toString('base64'));
		} else {
			this.refresh();
		}
	}

	private runs(): RunLocation[] {
		return listRuns(runsDirectories());
	}

	private state(): RunViewState {
		const runs = this.runs();
		const runRows = runs.flatMap((location) => {
			const summary = readRunSummary(location);
			return summary === undefined ? [] : [runRow({ id: location.id, summary, history: [], learningCurve: [], findings: [] })];
		});
		const rows = [...[...this.sessions.values()].reverse().map((entry) => entry.row), ...runRows];
		if (this.selected === null || !rows.some((row) => row.key === this.selected)) {
			this.selected = rows[0]?.key ?? null;
		}
		const selected = this.selected;
		if (selected === null) {
			return { rows, selected: null, detail: null, note: 'No saved runs yet.' };
		}
		const session = this.sessions.get(selected);
		if (session !== undefined) {
			return { rows, selected, detail: session.detail, note: null };
		}
		const location = runs.find((candidate) => `run:${candidate.id}` === selected);
		const run = location === undefined ? undefined : readSavedRun(location);
		return run === undefined ? { rows, selected, detail: null, note: `Run ${selected.slice(4)} could not be read.` } : { rows, selected, detail: runDetail(run), note: null };
	}

	/** Messages come from a page that shows dataset text: each is checked, and only names an entry of the list. */
	private async onMessage(message: unknown): Promise<void> {
		const candidate = (typeof message === 'object' && message !== null ? message : {}) as { type?: unknown; key?: unknown; line?: unknown; action?: unknown };
		const key = typeof candidate.key === 'string' ? candidate.key : undefined;
		if (candidate.type === 'ready') {
			// The page is (re)loaded, e.g. shown again after it was hidden: it gets the current state, not the one it was built with.
			this.refresh();
		} else if (candidate.type === 'select' && key !== undefined) {
			this.selected = key;
			this.refresh();
		} else if (candidate.type === 'export' && key !== undefined) {
			const run = this.runOf(key);
			if (run !== undefined) {
				await exportRunLabelIssues(run);
			}
		} else if (candidate.type === 'action' && key !== undefined && typeof candidate.action === 'string') {
			// Only an action the extension itself attached to that entry runs.
			const action = this.sessions.get(key)?.actions.find((attached) => attached.id === candidate.action);
			try {
				await action?.run();
			} catch (error) {
				void vscode.window.showErrorMessage(`Tunelint: ${action?.label ?? 'the action'} failed: ${error instanceof Error ? error.message : String(error)}`);
			}
		} else if (candidate.type === 'open' && key !== undefined && typeof candidate.line === 'number' && Number.isInteger(candidate.line) && candidate.line >= 0) {
			await this.openLine(key, candidate.line);
		}
	}

	private runOf(key: string): RunLocation | undefined {
		return this.runs().find((location) => `run:${location.id}` === key);
	}

	private async openLine(key: string, line: number): Promise<void> {
		const run = this.runOf(key);
		const summary = run === undefined ? undefined : readRunSummary(run);
		const dataset = run === undefined || summary === undefined ? undefined : datasetOf(run, summary);
		if (dataset === undefined) {
			return;
		}
		const position = new vscode.Position(line, 0);
		try {
			await vscode.window.showTextDocument(vscode.Uri.file(dataset), { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(position, position) });
		} catch (error) {
			void vscode.window.showWarningMessage(`Tunelint: could not open ${dataset}: ${error instanceof Error ? error.message : String(error)}`);
		}
	}

	private dispose(): void {
		panel = undefined;
		for (const disposable of this.disposables.splice(0)) {
			disposable.dispose();
		}
	}
}

function sessionRow(key: string, kind: EntryKind, title: string, detail: DetailModel, date: string): ListRow {
	const fact = (name: string): string => detail.facts.find((item) => item.name === name)?.value ?? '';
	return {
		key,
		kind,
		id: title,
		date,
		file: kind === 'forget' ? fact('new task') : kind === 'drift' ? fact('compared (B)') : fact('file'),
		backend: fact('backend'),
		metrics: sessionSummary(kind, detail, fact),
		bestEpoch: '',
	};
}

/** The short summary of a session entry in the runs list. */
function sessionSummary(kind: EntryKind, detail: DetailModel, fact: (name: string) => string): string {
	switch (kind) {
		case 'tune': {
			const best = detail.facts.find((item) => item.name.startsWith('best ') && item.name !== 'best parameters');
			return best === undefined ? '' : `${best.name} ${best.value}`;
		}
		case 'log':
			return `overfitting ${fact('overfitting')}`;
		case 'forget':
			return fact('plain fine-tune keeps') === '' ? '' : `plain fine-tune keeps ${fact('plain fine-tune keeps')}`;
		case 'drift':
			return fact('verdict');
		case 'run':
			return '';
	}
}
