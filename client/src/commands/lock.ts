/**
 * The editor's lock commands, mirroring `tunelint lock add|update|verify|list`, and the diff of a dataset against
 * its locked version. The server does the work (hashing, signing, git); these commands ask the user for what the
 * CLI takes as options and show the outcome. Keys are PEM files the user picks for one command; nothing keeps them.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ExecuteCommandRequest } from 'vscode-languageclient/node';
import {
	LOCK_ADD_COMMAND,
	LOCK_LIST_COMMAND,
	LOCK_UPDATE_COMMAND,
	LOCK_VERIFY_COMMAND,
	LOCKED_VERSION_COMMAND,
	type LockedVersion,
	type LockListResult,
	type LockReport,
	type LockWriteArguments,
	type LockWriteResult,
} from '../../../server/src/protocol/provenance';
import { errorMessage, type CtxInit } from '../ctx';

/** The scheme of the read-only documents that hold locked versions for the diff editor. */
export const LOCKED_SCHEME = 'tunelint-locked';

/** Locked texts by the URI of their read-only document, filled before the diff editor asks for them. */
const lockedTexts = new Map<string, string>();

/** Serves the locked versions to the diff editor; register once at activation. */
export function registerLockedVersionProvider(): vscode.Disposable {
	return vscode.workspace.registerTextDocumentContentProvider(LOCKED_SCHEME, {
		provideTextDocumentContent: (uri) => lockedTexts.get(uri.toString()) ?? '',
	});
}

/** `Tunelint: Add Dataset to Lock`: asks for the source, the licence and optionally a signing key. */
export function lockAdd(ctx: CtxInit): (target?: unknown, selection?: unknown) => Promise<void> {
	return async (target, selection) => {
		const uris = targetsOf(target, selection) ?? (await pickDatasets());
		if (uris === undefined) {
			return;
		}
		const source = await vscode.window.showInputBox({ title: 'Lock: source', prompt: 'Where does this data come from? A URL or a description.', ignoreFocusOut: true, validateInput: required });
		if (source === undefined) {
			return;
		}
		const license = await vscode.window.showInputBox({ title: 'Lock: licence', prompt: 'Under which licence may it be used (e.g. CC-BY-4.0)?', ignoreFocusOut: true, validateInput: required });
		if (license === undefined) {
			return;
		}
		const signKey = await pickSigningKey();
		if (signKey === null) {
			return;
		}
		await writeLock(ctx, LOCK_ADD_COMMAND, { uris: uris.map(String), source: source.trim(), license: license.trim(), ...(signKey === undefined ? {} : { signKey }) }, 'Locked');
	};
}

/** `Tunelint: Update Lock Entry`: re-locks a file after the user confirms they reviewed the change. */
export function lockUpdate(ctx: CtxInit): (target?: unknown, selection?: unknown) => Promise<void> {
	return async (target, selection) => {
		const uris = targetsOf(target, selection) ?? (await pickDatasets());
		if (uris === undefined) {
			return;
		}
		const names = uris.map((uri) => path.basename(uri.fsPath)).join(', ');
		const choice = await vscode.window.showWarningMessage(
			`Update the lock entry of ${names}?`,
			{ modal: true, detail: 'The lock records what was reviewed. Update it only after reviewing the changes since the file was locked.' },
			'Show Changes',
			'Update Lock',
		);
		if (choice === 'Show Changes') {
			await showLockedDiff(ctx)(uris[0]);
			return;
		}
		if (choice !== 'Update Lock') {
			return;
		}
		const signKey = await pickSigningKey();
		if (signKey === null) {
			return;
		}
		await writeLock(ctx, LOCK_UPDATE_COMMAND, { uris: uris.map(String), ...(signKey === undefined ? {} : { signKey }) }, 'Updated');
	};
}

/** `Tunelint: Verify Lock`: checks every entry of the workspace's lock; details go to the output channel. */
export function lockVerify(ctx: CtxInit): (target?: unknown) => Promise<void> {
	return async (target) => {
		const scope = scopeOf(target);
		if (scope === undefined) {
			void vscode.window.showWarningMessage('Open a folder or a dataset to verify its lock.');
			return;
		}
		const report = await request<LockReport>(ctx, LOCK_VERIFY_COMMAND, { uri: scope.toString() });
		if (report === undefined) {
			return;
		}
		ctx.outputChannel.info(`Verified ${report.lockFile}:\n${report.lines.join('\n')}`);
		const failed = report.lines.filter((line) => line.startsWith('FAIL')).length;
		const show = failed === 0
			? await vscode.window.showInformationMessage(`${report.lines.length} lock ${plural(report.lines.length, 'entry', 'entries')} verified.`, 'Show Output')
			: await vscode.window.showErrorMessage(`${failed} of ${report.lines.length} lock ${plural(report.lines.length, 'entry', 'entries')} failed verification.`, 'Show Output');
		if (show === 'Show Output') {
			ctx.outputChannel.show(true);
		}
	};
}

/** `Tunelint: List Locked Datasets`: a quick pick of the entries; choosing one opens the file. */
export function lockList(ctx: CtxInit): (target?: unknown) => Promise<void> {
	return async (target) => {
		const scope = scopeOf(target);
		if (scope === undefined) {
			void vscode.window.showWarningMessage('Open a folder or a dataset to list its lock.');
			return;
		}
		const listed = await request<LockListResult>(ctx, LOCK_LIST_COMMAND, { uri: scope.toString() });
		if (listed === undefined) {
			return;
		}
		const picked = await vscode.window.showQuickPick(listed.entries.map((entry) => ({
			label: entry.path,
			description: `${entry.records.toLocaleString('en-US')} records · ${entry.license}`,
			detail: `${entry.source} · locked ${entry.lockedAt.slice(0, 10)}${entry.signedBy === undefined ? '' : ` · signed by ${entry.signedBy}`}`,
			uri: entry.uri,
		})), { title: `Locked datasets (${listed.lockFile})`, matchOnDescription: true, matchOnDetail: true, placeHolder: listed.entries.length === 0 ? 'The lock has no entries' : 'Open a locked dataset' });
		if (picked !== undefined) {
			await vscode.window.showTextDocument(vscode.Uri.parse(picked.uri));
		}
	};
}

/**
 * `Tunelint: Show Changes Since Lock`: the diff editor with the locked version (from git) on the left, then an
 * offer to update the lock once the user has reviewed it.
 */
export function showLockedDiff(ctx: CtxInit): (target?: unknown) => Promise<void> {
	return async (target) => {
		const uri = targetsOf(target, undefined)?.[0] ?? activeDataset();
		if (uri === undefined) {
			void vscode.window.showWarningMessage('Open a locked dataset to compare it with its locked version.');
			return;
		}
		const locked = await request<LockedVersion>(ctx, LOCKED_VERSION_COMMAND, uri.toString());
		if (locked === undefined) {
			return;
		}
		if ('unavailable' in locked) {
			void vscode.window.showWarningMessage(`The locked version of ${path.basename(uri.fsPath)} cannot be shown: ${locked.unavailable}.`);
			return;
		}
		const left = vscode.Uri.from({ scheme: LOCKED_SCHEME, path: uri.path, query: locked.commit });
		lockedTexts.set(left.toString(), locked.text);
		await vscode.commands.executeCommand('vscode.diff', left, uri, `${path.basename(uri.fsPath)} (locked, ${locked.commit.slice(0, 8)}) ↔ current`);
		const choice = await vscode.window.showInformationMessage(`Reviewed the changes to ${path.basename(uri.fsPath)}?`, 'Update Lock Entry');
		if (choice === 'Update Lock Entry') {
			await lockUpdate(ctx)(uri);
		}
	};
}

async function writeLock(ctx: CtxInit, command: string, args: LockWriteArguments, verb: string): Promise<void> {
	const result = await request<LockWriteResult>(ctx, command, args);
	if (result === undefined) {
		return;
	}
	for (const note of result.notes) {
		ctx.outputChannel.warn(note);
	}
	ctx.outputChannel.info(`${verb} in ${result.lockFile}:\n${result.written.join('\n')}`);
	const notes = result.notes.length > 0 ? ` ${result.notes.join(' ')}` : '';
	void vscode.window.showInformationMessage(`${verb} ${result.written.join('; ')}.${notes}`);
}

/** Sends a provenance command to the server; a refusal (bad input) is shown with the server's message. */
async function request<T>(ctx: CtxInit, command: string, argument: unknown): Promise<T | undefined> {
	try {
		return (await ctx.client.sendRequest(ExecuteCommandRequest.type, { command, arguments: [argument] })) as T;
	} catch (error) {
		void vscode.window.showErrorMessage(`Tunelint: ${errorMessage(error)}`);
		return undefined;
	}
}

/** undefined: do not sign; null: the user cancelled; a string: the key file they picked. */
async function pickSigningKey(): Promise<string | undefined | null> {
	const choice = await vscode.window.showQuickPick(
		[{ label: 'Do not sign', sign: false }, { label: 'Sign with an Ed25519 private key (PEM)…', detail: 'The key is read for this command only and never stored.', sign: true }],
		{ title: 'Lock: signature', ignoreFocusOut: true },
	);
	if (choice === undefined) {
		return null;
	}
	if (!choice.sign) {
		return undefined;
	}
	const picked = await vscode.window.showOpenDialog({ title: 'Private key (PEM)', canSelectMany: false, filters: { 'PEM keys': ['pem', 'key'], 'All files': ['*'] } });
	return picked?.[0]?.fsPath ?? null;
}

/** The explorer selection or a URI passed by a quick fix; undefined when the command came from the palette. */
function targetsOf(target: unknown, selection: unknown): vscode.Uri[] | undefined {
	if (Array.isArray(selection) && selection.length > 0 && selection.every((item) => item instanceof vscode.Uri)) {
		return selection as vscode.Uri[];
	}
	if (target instanceof vscode.Uri) {
		return [target];
	}
	if (typeof target === 'string' && target !== '') {
		return [vscode.Uri.parse(target)];
	}
	const active = activeDataset();
	return active === undefined ? undefined : [active];
}

function activeDataset(): vscode.Uri | undefined {
	const document = vscode.window.activeTextEditor?.document;
	return document !== undefined && document.languageId === 'jsonl' && document.uri.scheme === 'file' ? document.uri : undefined;
}

async function pickDatasets(): Promise<vscode.Uri[] | undefined> {
	const picked = await vscode.window.showOpenDialog({ title: 'Datasets to lock', canSelectMany: true, filters: { 'JSON Lines': ['jsonl', 'ndjson'] } });
	return picked === undefined || picked.length === 0 ? undefined : picked;
}

/** A URI inside the workspace folder whose lock is meant: the target, the active dataset, or the first folder. */
function scopeOf(target: unknown): vscode.Uri | undefined {
	return targetsOf(target, undefined)?.[0] ?? vscode.workspace.workspaceFolders?.[0]?.uri;
}

function required(value: string): string | undefined {
	return value.trim() === '' ? 'Required' : undefined;
}

function plural(count: number, singular: string, pluralForm: string): string {
	return count === 1 ? singular : pluralForm;
}
