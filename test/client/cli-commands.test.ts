/**
 * Issue 8's editor commands (Search Hyperparameters, Probe Forgetting, Compare Datasets, Open Training Log) against a
 * scripted `vscode` API and the real bundled CLI (server/out/cli.js, which `node esbuild.mjs` builds): each runs the
 * CLI in the workspace folder of its file, streams its progress into a cancellable notification, and hands the
 * result to the run view (a stand-in here records what it was given; test/client/run-view-*.test.ts render it).
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import { build, type Plugin } from 'esbuild';
import { CLI, FIXTURES } from '../helpers/paths';

const repositoryRoot = path.resolve(__dirname, '..', '..', '..');
const scratch = mkdtempSync(path.join(tmpdir(), 'tunelint-cli-commands-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const SKIP = existsSync(CLI) ? false : `${CLI} is missing: build it with "node esbuild.mjs"`;

/** What the commands asked of the editor and gave the run view. */
interface Recorded {
	progress: string[];
	messages: Array<{ message: string; items: string[] }>;
	errors: string[];
	shown: string[];
	/** What the run view was given; `trialsShown` counts a search's trials when it was shown (the list grows after). */
	runView: Array<{ kind: string; title: string; result?: Record<string, unknown>; report?: Record<string, unknown>; actions?: Array<{ label: string }>; trialsShown?: number }>;
}

/** The user's answers, consumed in order, and what to do when the notification shows progress. */
interface Script {
	picks: string[];
	inputs: string[];
	opened: string[];
	saved?: string;
	/** The button to press on the command's closing message. */
	choose?: string;
	/** Called with each progress message; `cancel` presses the notification's Cancel. */
	onProgress?(message: string, cancel: () => void): void;
}

let recorded: Recorded;
let script: Script;
let workspaceFolder: string;

class FakeUri {
	readonly scheme = 'file';
	constructor(readonly fsPath: string) {}
	static file(fsPath: string): FakeUri {
		return new FakeUri(fsPath);
	}
}

const fakeVscode = {
	Uri: FakeUri,
	ProgressLocation: { Notification: 15 },
	window: {
		activeTextEditor: undefined,
		showQuickPick: async () => script.picks.shift(),
		showInputBox: async () => script.inputs.shift(),
		showOpenDialog: async () => [FakeUri.file(script.opened.shift() ?? '')],
		showSaveDialog: async () => (script.saved === undefined ? undefined : FakeUri.file(script.saved)),
		withProgress: async (_options: unknown, task: (progress: unknown, token: unknown) => Promise<unknown>) => {
			const listeners: Array<() => void> = [];
			const cancel = (): void => listeners.splice(0).forEach((listener) => listener());
			const progress = {
				report: ({ message }: { message?: string }) => {
					if (message !== undefined) {
						recorded.progress.push(message);
						script.onProgress?.(message, cancel);
					}
				},
			};
			return task(progress, { onCancellationRequested: (listener: () => void) => listeners.push(listener) });
		},
		showInformationMessage: async (message: string, ...items: string[]) => {
			recorded.messages.push({ message, items });
			return script.choose;
		},
		showWarningMessage: async (message: string, ...items: string[]) => {
			recorded.messages.push({ message, items });
			return script.choose;
		},
		showErrorMessage: async (message: string) => {
			recorded.errors.push(message);
		},
		showTextDocument: async (document: FakeUri | { content: string }) => {
			recorded.shown.push(document instanceof FakeUri ? document.fsPath : 'JSON');
		},
	},
	workspace: {
		isTrusted: true,
		get workspaceFolders() {
			return [{ uri: FakeUri.file(workspaceFolder) }];
		},
		getWorkspaceFolder: (uri: FakeUri) => (uri.fsPath.startsWith(workspaceFolder + path.sep) ? { uri: FakeUri.file(workspaceFolder) } : undefined),
		openTextDocument: async (options: { content: string }) => options,
	},
};

/** The run view's panel, replaced by a recorder: the commands' part ends where they hand it a result. */
const fakePanel = {
	newSessionKey: (kind: string) => `${kind}-1`,
	showRunView: (_ctx: unknown, focus: Recorded['runView'][number]) => recorded.runView.push({ ...focus, trialsShown: (focus.result?.trials as unknown[] | undefined)?.length }),
};

const standIns: Plugin = {
	name: 'stand-ins',
	setup(build) {
		build.onResolve({ filter: /^vscode$|runView\/panel$/ }, (args) => ({ path: args.path, namespace: 'stand-in' }));
		build.onLoad({ filter: /.*/, namespace: 'stand-in' }, (args) => ({
			contents: args.path === 'vscode' ? 'module.exports = globalThis.tunelintFakeVscode;' : 'module.exports = globalThis.tunelintFakePanel;',
			loader: 'js',
		}));
	},
};

type Command = (ctx: unknown) => (uri?: unknown) => Promise<void>;

async function loadCommand(name: string, exported: string): Promise<Command> {
	const outfile = path.join(scratch, `${name}.js`);
	await build({ entryPoints: [path.join(repositoryRoot, 'client', 'src', 'commands', `${name}.ts`)], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', plugins: [standIns], logLevel: 'silent', write: true });
	Object.assign(globalThis, { tunelintFakeVscode: fakeVscode, tunelintFakePanel: fakePanel });
	// eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle just built, by its path.
	return (require(outfile) as Record<string, Command>)[exported];
}

/** The extension's context as the commands use it: the bundled CLI lives under the extension's folder. */
const ctx = { extensionContext: { extensionPath: repositoryRoot }, outputChannel: { info: () => undefined } };

/** A new workspace folder holding copies of `files` (name → source path). */
function workspace(files: Record<string, string>): string {
	const folder = mkdtempSync(path.join(scratch, 'workspace-'));
	for (const [name, source] of Object.entries(files)) {
		copyFileSync(source, path.join(folder, name));
	}
	return folder;
}

const SENTIMENT = path.join(FIXTURES, 'training', 'sentiment.jsonl');
const SAVE_BEST = 'Save the best to the config file (used by later validation fine-tunes)';

void describe('issue 8 commands in the editor (scripted vscode, real CLI)', { skip: SKIP }, () => {
	beforeEach(() => {
		recorded = { progress: [], messages: [], errors: [], shown: [], runView: [] };
	});

	void it('Search Hyperparameters streams each trial into the run view and saves the best in the workspace config file', async () => {
		const command = await loadCommand('tune', 'searchHyperparameters');
		workspaceFolder = workspace({ 'data.jsonl': SENTIMENT });
		script = { picks: ['random', SAVE_BEST], inputs: ['2'], opened: [] };
		await command(ctx)(FakeUri.file(path.join(workspaceFolder, 'data.jsonl')));
		assert.deepEqual(recorded.errors, []);
		assert.equal(recorded.progress.filter((message) => /^trial [12]\/2: validation loss/.test(message)).length, 2, recorded.progress.join('; '));
		const views = recorded.runView.filter((focus) => focus.kind === 'tune');
		assert.deepEqual(views.map((focus) => focus.trialsShown), [1, 2, 2], 'one entry per finished trial, then the result');
		assert.match(views[0].title, /\(running\)$/);
		const result = views[2].result as { method: string; best: { params: Record<string, number>; metric: number } };
		assert.equal(result.method, 'random');
		const saved = JSON.parse(readFileSync(path.join(workspaceFolder, '.tunelintrc.json'), 'utf8')) as { training: Record<string, number> };
		assert.equal(saved.training.batchSize, result.best.params.batchSize, 'saved in the workspace folder, where tunelint train finds it');
		assert.match(recorded.messages[0].message, /best validation loss .* saved to .*\.tunelintrc\.json/);
	});

	void it('Search Hyperparameters is cancelled from its notification: the CLI stops and the finished trials stay, marked cancelled', async () => {
		const command = await loadCommand('tune', 'searchHyperparameters');
		workspaceFolder = workspace({ 'data.jsonl': SENTIMENT });
		script = { picks: ['random', SAVE_BEST], inputs: ['50'], opened: [], onProgress: (_message, cancel) => cancel() };
		await command(ctx)(FakeUri.file(path.join(workspaceFolder, 'data.jsonl')));
		const last = recorded.runView[recorded.runView.length - 1];
		assert.match(last.title, /\(cancelled\)$/);
		assert.equal(last.result?.stoppedEarly, true);
		assert.ok((last.result?.trials as unknown[]).length < 50);
		assert.equal(existsSync(path.join(workspaceFolder, '.tunelintrc.json')), false, 'a cancelled search saves nothing');
		assert.deepEqual(recorded.messages, []);
	});

	void it('Probe Forgetting shows the mitigations in the run view and writes the replay mix as a new file', async () => {
		const command = await loadCommand('forget', 'probeForgetting');
		workspaceFolder = workspace({ 'new.jsonl': SENTIMENT });
		const mixed = path.join(workspaceFolder, 'new.replay.jsonl');
		script = { picks: [], inputs: ['0.1'], opened: [path.join(FIXTURES, 'drift', 'reference.jsonl')], saved: mixed, choose: 'Write Replay Mix…' };
		await command(ctx)(FakeUri.file(path.join(workspaceFolder, 'new.jsonl')));
		assert.deepEqual(recorded.errors, []);
		const [view] = recorded.runView;
		assert.equal(view.kind, 'forget');
		const rows = (view.report as { rows: Array<{ method: string }> }).rows;
		assert.deepEqual([...new Set(rows.map((row) => row.method))], ['plain', 'replay', 'l2-sp', 'ewc', 'distillation']);
		assert.deepEqual(view.actions?.map((action) => action.label), ['Write Replay Mix…', 'Open JSON']);
		assert.match(recorded.messages[0].message, /base accuracy \d\.\d{3}; a plain fine-tune keeps/);
		assert.equal(readFileSync(mixed, 'utf8').trim().split('\n').length, 330);
		assert.deepEqual(recorded.shown, [mixed]);
	});

	void it('Compare Datasets reads the workspace config file (its field names) and shows the drift in the run view', async () => {
		workspaceFolder = mkdtempSync(path.join(scratch, 'workspace-'));
		const renamed = (name: string): string => {
			const lines = readFileSync(path.join(FIXTURES, 'drift', name), 'utf8').trimEnd().split('\n').map((line) => {
				const { text, label } = JSON.parse(line) as { text: string; label: string };
				return JSON.stringify({ review: text, verdict: label });
			});
			writeFileSync(path.join(workspaceFolder, name), `${lines.join('\n')}\n`);
			return path.join(workspaceFolder, name);
		};
		writeFileSync(path.join(workspaceFolder, '.tunelintrc.json'), JSON.stringify({ fields: { text: ['review'], label: ['verdict'] } }));
		const command = await loadCommand('drift', 'compareDatasets');
		script = { picks: [], inputs: [], opened: [renamed('shifted.jsonl')] };
		await command(ctx)(FakeUri.file(renamed('reference.jsonl')));
		assert.deepEqual(recorded.errors, []);
		const [view] = recorded.runView;
		assert.equal(view.kind, 'drift');
		const report = view.report as { drift: boolean; signals: string[]; labels: { psi: number } | null };
		assert.equal(report.drift, true);
		assert.ok(report.labels !== null && report.labels.psi >= 0.2, 'labels read through the workspace\'s field names');
		assert.ok(report.signals.includes('vocabulary'));
		assert.match(recorded.messages[0].message, /shifted\.jsonl against reference\.jsonl: drift in labels/);
	});

	void it('Open Training Log draws the log in the run view and names the overfitting and early-stopping steps', async () => {
		const command = await loadCommand('log', 'openTrainingLog');
		workspaceFolder = workspace({ 'result.csv': path.join(FIXTURES, 'logs', 'openai_result.csv') });
		script = { picks: [], inputs: [], opened: [] };
		await command(ctx)(FakeUri.file(path.join(workspaceFolder, 'result.csv')));
		assert.deepEqual(recorded.errors, []);
		const [view] = recorded.runView;
		assert.equal(view.kind, 'log');
		const report = view.report as { curves: { trainLoss: unknown[]; validLoss: unknown[] }; overfitting: { step: number }; earlyStopping: { step: number } };
		assert.equal(report.curves.trainLoss.length, 60);
		assert.equal(report.curves.validLoss.length, 12);
		assert.match(recorded.messages[0].message, new RegExp(`overfitting from step ${report.overfitting.step} \\(final gap \\d\\.\\d{3}\\); early stopping would have kept step ${report.earlyStopping.step}`));
	});

	void it('a log it cannot read is reported with the file and the problem, and nothing reaches the run view', async () => {
		const command = await loadCommand('log', 'openTrainingLog');
		workspaceFolder = mkdtempSync(path.join(scratch, 'workspace-'));
		writeFileSync(path.join(workspaceFolder, 'broken.csv'), 'epoch,loss\n1,0.5\n');
		script = { picks: [], inputs: [], opened: [] };
		await command(ctx)(FakeUri.file(path.join(workspaceFolder, 'broken.csv')));
		assert.deepEqual(recorded.runView, []);
		assert.match(recorded.errors[0] ?? '', /^Tunelint: .*broken\.csv: line 1: no step column/);
	});
});
