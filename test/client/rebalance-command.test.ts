/**
 * `Tunelint: Rebalance Dataset` and `Tunelint: Split Train/Validation` in the client, against a scripted `vscode`
 * API and the real server planner: the preview shows the counts before and after (and the copies), and the new
 * files are created by one WorkspaceEdit (which VS Code can undo) that never overwrites a file and never touches the
 * dataset. The real editor is exercised by the e2e suite; this test pins what the command asks the editor to do.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { build, type Plugin } from 'esbuild';
import { defaultSettings } from '../../server/src/core';
import { planBalanceCommand } from '../../server/src/lsp/balanceCommands';

const repositoryRoot = path.resolve(__dirname, '..', '..', '..');
const bundleDirectory = mkdtempSync(path.join(tmpdir(), 'tunelint-rebalance-command-'));
after(() => rmSync(bundleDirectory, { recursive: true, force: true }));

/** What the command did to the editor: dialogs shown and workspace edits applied. */
interface Recorded {
	quickPicks: string[];
	/** The group axes offered, when the command asked for one. */
	axesOffered: Array<string | undefined>;
	requests: unknown[][];
	confirmations: Array<{ message: string; modal: boolean; detail: string }>;
	errors: string[];
	edits: FakeWorkspaceEdit[];
	shown: string[];
}

/** The answers the user gives, per test. */
interface Script {
	strategy?: string;
	/** The group axis picked (undefined: by label alone). */
	axis?: string;
	share?: string;
	confirm?: string;
	applies: boolean;
}

let recorded: Recorded;
let script: Script;

class FakeUri {
	constructor(private readonly value: string) {}
	static parse(value: string): FakeUri {
		return new FakeUri(value);
	}
	toString(): string {
		return this.value;
	}
}

class FakePosition {
	constructor(readonly line: number, readonly character: number) {}
}

type Operation = { kind: 'createFile'; uri: string; options: unknown } | { kind: 'insert'; uri: string; line: number; character: number; text: string };

class FakeWorkspaceEdit {
	readonly operations: Operation[] = [];
	createFile(uri: FakeUri, options: unknown): void {
		this.operations.push({ kind: 'createFile', uri: uri.toString(), options });
	}
	insert(uri: FakeUri, position: FakePosition, text: string): void {
		this.operations.push({ kind: 'insert', uri: uri.toString(), line: position.line, character: position.character, text });
	}
}

/** The parts of the `vscode` API the commands use; the bundle's `import * as vscode` resolves to this object. */
const fakeVscode = {
	Uri: FakeUri,
	Position: FakePosition,
	WorkspaceEdit: FakeWorkspaceEdit,
	window: {
		activeTextEditor: undefined,
		showQuickPick: async (items: ReadonlyArray<{ label: string; strategy?: string; axis?: string }>) => {
			if (items.some((item) => 'strategy' in item)) {
				recorded.quickPicks.push(...items.map((item) => String(item.strategy)));
				return items.find((item) => item.strategy === script.strategy);
			}
			recorded.axesOffered.push(...items.map((item) => item.axis));
			return items.find((item) => item.axis === script.axis);
		},
		showInputBox: async () => script.share,
		showInformationMessage: async (message: string, options: { modal?: boolean; detail?: string }) => {
			recorded.confirmations.push({ message, modal: options.modal === true, detail: options.detail ?? '' });
			return script.confirm;
		},
		showErrorMessage: async (message: string) => {
			recorded.errors.push(message);
		},
		showWarningMessage: async () => undefined,
		showTextDocument: async (uri: FakeUri) => {
			recorded.shown.push(uri.toString());
		},
	},
	workspace: {
		applyEdit: async (edit: FakeWorkspaceEdit) => {
			recorded.edits.push(edit);
			return script.applies;
		},
	},
};

/** Resolves `vscode` and the language client to stand-ins, so the command module runs outside VS Code. */
const standIns: Plugin = {
	name: 'stand-ins',
	setup(build) {
		build.onResolve({ filter: /^vscode$|^vscode-languageclient\/node$/ }, (args) => ({ path: args.path, namespace: 'stand-in' }));
		build.onLoad({ filter: /.*/, namespace: 'stand-in' }, (args) => ({
			contents: args.path === 'vscode'
				? 'module.exports = globalThis.tunelintFakeVscode;'
				: 'module.exports = { ExecuteCommandRequest: { type: { method: "workspace/executeCommand" } } };',
			loader: 'js',
		}));
	},
};

interface RebalanceCommands {
	rebalance(ctx: unknown): (uri?: unknown) => Promise<void>;
	splitDataset(ctx: unknown): (uri?: unknown) => Promise<void>;
}

async function loadCommands(): Promise<RebalanceCommands> {
	const outfile = path.join(bundleDirectory, 'rebalance.js');
	// Plugins need esbuild's asynchronous API.
	await build({ entryPoints: [path.join(repositoryRoot, 'client', 'src', 'commands', 'rebalance.ts')], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', plugins: [standIns], logLevel: 'silent', write: true });
	(globalThis as { tunelintFakeVscode?: unknown }).tunelintFakeVscode = fakeVscode;
	// eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle just built, by its path.
	return require(outfile) as RebalanceCommands;
}

const uri = 'file:///tmp/tunelint-balance/reviews.jsonl';
const lines = Array.from({ length: 100 }, (_, index) => JSON.stringify({ text: `review number ${index} of item ${index * 7}`, label: index < 80 ? 'pos' : 'neg' }));
const text = `${lines.join('\n')}\n`;
/** The open document the planner answers for. */
let documentText = text;

/** A client whose requests are answered by the server's planner, as the language server would. */
const ctx = {
	client: {
		sendRequest: async (_type: unknown, params: { command: string; arguments: unknown[] }) => {
			recorded.requests.push(params.arguments);
			return planBalanceCommand(params.command, params.arguments, { text: documentText }, defaultSettings());
		},
	},
};

void describe('the Rebalance Dataset and Split Train/Validation commands (client)', () => {
	let commands: RebalanceCommands;
	before(async () => {
		commands = await loadCommands();
	});
	beforeEach(() => {
		recorded = { quickPicks: [], axesOffered: [], requests: [], confirmations: [], errors: [], edits: [], shown: [] };
		script = { confirm: 'Create Files', applies: true };
		documentText = text;
	});

	void it('are named "Tunelint: Rebalance Dataset" and "Tunelint: Split Train/Validation" in the command palette', () => {
		const manifest = JSON.parse(readFileSync(path.join(repositoryRoot, 'package.json'), 'utf8')) as { contributes: { commands: Array<{ command: string; title: string; category: string }> } };
		const named = (id: string): string | undefined => manifest.contributes.commands.filter((command) => command.command === id).map((command) => `${command.category}: ${command.title}`)[0];
		assert.equal(named('tunelint.rebalance'), 'Tunelint: Rebalance Dataset');
		assert.equal(named('tunelint.split'), 'Tunelint: Split Train/Validation');
	});

	void it('previews the counts before and after and the copies, then creates the new file in one workspace edit', async () => {
		script.strategy = 'over';
		await commands.rebalance(ctx)(uri);
		assert.deepEqual(recorded.quickPicks, ['under', 'over', 'reweigh']);
		assert.deepEqual(recorded.axesOffered, [], 'only reweighing asks about groups');
		const [confirmation] = recorded.confirmations;
		assert.equal(confirmation.modal, true);
		const preview = /^Before: pos 80, neg 20\nAfter: pos 80, neg 80\n60 copies will be appended \(lines ((?:\d+, ){10})…\)\./.exec(confirmation.detail);
		assert.ok(preview, confirmation.detail);
		assert.ok(preview[1].split(', ').filter(Boolean).every((line) => Number(line) > 80), 'the copies named are "neg" records (lines 81-100)');
		assert.match(confirmation.detail, /Writes reviews\.rebalanced\.jsonl; the original file is not changed\.$/);
		assert.equal(recorded.edits.length, 1, 'one edit, so one undo removes it');
		const planned = planBalanceCommand('tunelint.server.planRebalance', [uri, 'over', 1], { text }, defaultSettings()) as { files: Array<{ content: string }> };
		assert.deepEqual(recorded.edits[0].operations, [
			{ kind: 'createFile', uri: 'file:///tmp/tunelint-balance/reviews.rebalanced.jsonl', options: { overwrite: false, ignoreIfExists: false } },
			{ kind: 'insert', uri: 'file:///tmp/tunelint-balance/reviews.rebalanced.jsonl', line: 0, character: 0, text: planned.files[0].content },
		]);
		assert.ok(recorded.edits[0].operations.every((operation) => operation.uri !== uri), 'the dataset itself is not edited');
		assert.deepEqual(recorded.shown, ['file:///tmp/tunelint-balance/reviews.rebalanced.jsonl']);
	});

	void it('writes nothing when the preview is dismissed', async () => {
		script.strategy = 'under';
		script.confirm = undefined;
		documentText = `${text}{"text": "a review nobody labelled"}\n`;
		await commands.rebalance(ctx)(uri);
		assert.match(recorded.confirmations[0].detail, /^Before: pos 80, neg 20\nAfter: pos 20, neg 20\n1 line without a label is left out\.\n/);
		assert.deepEqual(recorded.edits, []);
	});

	void it('reports a refused edit (a file of that name exists) and changes nothing', async () => {
		script.strategy = 'reweigh';
		script.applies = false;
		await commands.rebalance(ctx)(uri);
		assert.equal(recorded.edits[0].operations[0].uri, 'file:///tmp/tunelint-balance/reviews.weights.jsonl');
		assert.match(recorded.errors[0], /could not create reviews\.weights\.jsonl .*Nothing was changed\./);
		assert.deepEqual(recorded.shown, []);
	});

	void it('reweighs by label and the group the user picks (AIF360 Reweighing), into the weights sidecar', async () => {
		// "pos" records mostly mention a woman, "neg" records mostly a man.
		documentText = `${Array.from({ length: 20 }, (_, index) => JSON.stringify({ text: `note ${index} from a ${(index < 10 ? index < 8 : index < 12) ? 'woman' : 'man'} on item ${index * 7}`, label: index < 10 ? 'pos' : 'neg' })).join('\n')}\n`;
		script.strategy = 'reweigh';
		script.axis = 'gender';
		await commands.rebalance(ctx)(uri);
		assert.ok(recorded.axesOffered.includes(undefined) && recorded.axesOffered.includes('gender'), 'label alone, or label and an axis of the lexicon');
		assert.deepEqual(recorded.requests.at(-1), [uri, 'reweigh', 1, 'gender']);
		const [, insert] = recorded.edits[0].operations;
		assert.equal(insert.kind === 'insert' && insert.uri, 'file:///tmp/tunelint-balance/reviews.weights.jsonl');
		const weights = insert.kind === 'insert' ? insert.text.trimEnd().split('\n').map((line) => JSON.parse(line) as { label: string; group?: string; weight: number }) : [];
		// P(pos) = 0.5, P(female) = 0.5, P(pos, female) = 0.4: w = 0.625; P(pos, male) = 0.1: w = 2.5.
		assert.deepEqual(weights[0], { line: 1, label: 'pos', group: 'female', weight: 0.625 });
		assert.deepEqual(weights[8], { line: 9, label: 'pos', group: 'male', weight: 2.5 });
	});

	void it('stratifies a split by label and the group the user picks', async () => {
		documentText = `${Array.from({ length: 40 }, (_, index) => JSON.stringify({ text: `note ${index} from a ${index % 2 === 0 ? 'woman' : 'man'} on item ${index * 7}`, label: index < 20 ? 'ok' : 'bad' })).join('\n')}\n`;
		script.share = '0.5';
		script.axis = 'gender';
		await commands.splitDataset(ctx)(uri);
		assert.deepEqual(recorded.requests.at(-1), [uri, 0.5, 1, 'gender']);
		assert.match(recorded.confirmations[0].detail, /^20 lines for training, 20 for validation, stratified by label and gender group;/);
		const planned = planBalanceCommand('tunelint.server.planSplit', [uri, 0.5, 1, 'gender'], { text: documentText }, defaultSettings()) as { strata: Record<string, unknown> };
		assert.deepEqual(Object.keys(planned.strata).sort(), ['bad / female', 'bad / male', 'ok / female', 'ok / male']);
	});

	void it('splits into two new files created by one workspace edit, neither overwriting', async () => {
		script.share = '0.2';
		await commands.splitDataset(ctx)(uri);
		assert.match(recorded.confirmations[0].detail, /^80 lines for training, 20 for validation, stratified by label; exact duplicates stay on one side\./);
		assert.equal(recorded.edits.length, 1);
		const created = recorded.edits[0].operations.filter((operation) => operation.kind === 'createFile');
		assert.deepEqual(created, [
			{ kind: 'createFile', uri: 'file:///tmp/tunelint-balance/reviews.train.jsonl', options: { overwrite: false, ignoreIfExists: false } },
			{ kind: 'createFile', uri: 'file:///tmp/tunelint-balance/reviews.valid.jsonl', options: { overwrite: false, ignoreIfExists: false } },
		]);
		const inserted = recorded.edits[0].operations.flatMap((operation) => (operation.kind === 'insert' ? operation.text.trimEnd().split('\n') : []));
		assert.deepEqual(inserted.sort(), [...lines].sort(), 'the two files hold every record once');
	});
});
