/**
 * The language server's side of provenance: verifies each linted document against the lock (hashing the text as
 * it would be saved), keeps the state the language status item shows, offers the diff and lock-update quick
 * fixes, and runs the lock commands the editor's commands send. server.ts only forwards to this class.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CodeActionKind, LSPErrorCodes, ResponseError, type CodeAction, type Diagnostic } from 'vscode-languageserver';
import { URI } from 'vscode-uri';
import type { LintResult } from '../core/engine';
import { provenanceFindings, withFindings } from '../core/provenance/findings';
import { findEntry, LOCK_FILE_NAME } from '../core/provenance/lock';
import { provenanceState, type FileDigest, type ProvenanceObservation } from '../core/provenance/observation';
import { RuleOptions } from '../core/rule';
import type { Finding, Settings } from '../core/types';
import type { DocumentSettings } from '../lsp/settings';
import { LOCK_FILE_OPTION, lintReader, loadProvenance, PUBLIC_KEY_OPTION } from './adapter';
import { digestFile, digestText } from './digest';
import { ProvenanceError } from './errors';
import { findLockedVersion, type LockedVersion } from './git';
import { datasetPathOf, locateLock, lockPathOf, readValidLock } from './lockStore';
import { observe, type ProvenanceContext } from './observe';
import { addEntries, updateEntries, verifyLock } from './operations';
import {
	LOCK_ADD_COMMAND,
	LOCK_LIST_COMMAND,
	LOCK_UPDATE_COMMAND,
	LOCK_VERIFY_COMMAND,
	LOCKED_VERSION_COMMAND,
	PROVENANCE_COMMANDS,
	PROVENANCE_REFRESH_COMMAND,
	PROVENANCE_STATUS_COMMAND,
	type LockFolderArguments,
	type LockListResult,
	type LockReport,
	type LockWriteArguments,
	type LockWriteResult,
	type ProvenanceStatus,
} from '../protocol/provenance';
import { describeVerification } from './report';
import { loadPrivateKey, loadPublicKey } from './signing';

/** Client-side commands the quick fixes run (registered by client/src/commands/lock.ts). */
export const SHOW_LOCKED_DIFF_CLIENT_COMMAND = 'tunelint.showLockedDiff';
export const LOCK_UPDATE_CLIENT_COMMAND = 'tunelint.lockUpdate';
export const LOCK_ADD_CLIENT_COMMAND = 'tunelint.lockAdd';

/** What the service needs from the server it lives in. */
export interface ProvenanceHost {
	settingsOf(uri: string): Promise<DocumentSettings>;
	/** The workspace folder (a file-system path) containing a document, if any. */
	folderOf(uri: string): string | undefined;
	/** Asks the client to pull diagnostics again (after the lock changed). */
	refresh(): void;
}

/** Per-server provenance state: the status of each linted document and the memoised locked versions from git. */
export class ProvenanceService {
	private readonly statuses = new Map<string, ProvenanceStatus>();
	/** Locked versions found in git, by file and locked hash: the search runs git, too slow to repeat on every edit. */
	private readonly lockedVersions = new Map<string, Promise<LockedVersion>>();

	constructor(private readonly host: ProvenanceHost) {}

	/** True for the commands this service executes. */
	handles(command: string): boolean {
		return PROVENANCE_COMMANDS.includes(command);
	}

	/** A lint result with the provenance findings of the document added, and its status recorded. */
	async augment(uri: string, text: string, result: LintResult, settings: Settings): Promise<LintResult> {
		if (!uri.startsWith('file:')) {
			this.setStatus({ uri, state: 'none', detail: 'Only files on disk are locked.' });
			return result;
		}
		const file = URI.parse(uri).fsPath;
		try {
			const context = await loadProvenance(settings, this.folderDirectory(uri), path.dirname(file));
			if (context === undefined) {
				this.setStatus({ uri, state: 'none', detail: `No ${LOCK_FILE_NAME} applies to this file (or the provenance rules are off).` });
				return result;
			}
			context.findLocked = (lockedFile, sha256, size) => this.lockedVersion(lockedFile, sha256, size);
			const observation = await observe(context, file, await this.documentDigest(file, text, context), async () => text.split('\n'));
			if (observation === undefined) {
				this.setStatus({ uri, state: 'none', detail: `Outside the folder ${context.lockName} covers.`, lockFile: context.loaded.file });
				return result;
			}
			this.setStatus(statusOf(uri, observation, context.loaded.file));
			return withFindings(result, provenanceFindings(observation, settings));
		} catch (error) {
			if (!(error instanceof ProvenanceError)) {
				throw error;
			}
			this.setStatus({ uri, state: 'error', detail: error.message });
			return withFindings(result, [lockErrorFinding(error)]);
		}
	}

	/**
	 * The lines of a file on disk for "lint file on disk" (files too large for the editor), and the step that adds
	 * its provenance findings: the file is hashed in the same streaming read as the lint.
	 */
	async diskReader(uri: string, settings: Settings): Promise<{ lines: AsyncIterable<readonly string[]>; complete: (result: LintResult) => Promise<LintResult> }> {
		const file = URI.parse(uri).fsPath;
		try {
			const context = await loadProvenance(settings, this.folderDirectory(uri), path.dirname(file));
			if (context !== undefined) {
				context.findLocked = (lockedFile, sha256, size) => this.lockedVersion(lockedFile, sha256, size);
			}
			return lintReader(context, file, settings);
		} catch (error) {
			if (!(error instanceof ProvenanceError)) {
				throw error;
			}
			const reader = lintReader(undefined, file, settings);
			return { lines: reader.lines, complete: (result) => Promise.resolve(withFindings(result, [lockErrorFinding(error)])) };
		}
	}

	/** Quick fixes: on a mismatch, the diff against the locked version and the lock update; on an unlocked file, lock add. */
	codeActions(uri: string, diagnostics: readonly Diagnostic[]): CodeAction[] {
		const actions: CodeAction[] = [];
		for (const diagnostic of diagnostics) {
			if (diagnostic.code === 'provenance-mismatch' && this.statuses.get(uri)?.state === 'modified') {
				actions.push(
					{ title: 'Show the changes since the file was locked', kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: true, command: { title: 'Show changes since lock', command: SHOW_LOCKED_DIFF_CLIENT_COMMAND, arguments: [uri] } },
					{ title: 'Update the lock entry (after reviewing the changes)', kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], command: { title: 'Update lock entry', command: LOCK_UPDATE_CLIENT_COMMAND, arguments: [uri] } },
				);
			} else if (diagnostic.code === 'provenance-unlocked') {
				actions.push({ title: 'Add this file to the lock…', kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], command: { title: 'Add to lock', command: LOCK_ADD_CLIENT_COMMAND, arguments: [uri] } });
			}
		}
		return actions;
	}

	/** Runs one of PROVENANCE_COMMANDS; bad input becomes a RequestFailed error whose message names the file and problem. */
	async execute(command: string, args: readonly unknown[]): Promise<unknown> {
		try {
			switch (command) {
				case PROVENANCE_STATUS_COMMAND: {
					const uri = String(args[0] ?? '');
					return this.statuses.get(uri) ?? { uri, state: 'none', detail: 'Not linted yet.' };
				}
				case LOCK_ADD_COMMAND:
					return await this.write(args[0] as LockWriteArguments, 'add');
				case LOCK_UPDATE_COMMAND:
					return await this.write(args[0] as LockWriteArguments, 'update');
				case LOCK_VERIFY_COMMAND:
					return await this.verify(args[0] as LockFolderArguments);
				case LOCK_LIST_COMMAND:
					return await this.list(args[0] as LockFolderArguments);
				case LOCKED_VERSION_COMMAND:
					return await this.lockedVersionOf(String(args[0] ?? ''));
				case PROVENANCE_REFRESH_COMMAND:
					this.lockedVersions.clear();
					this.host.refresh();
					return null;
				default:
					return null;
			}
		} catch (error) {
			if (error instanceof ProvenanceError) {
				throw new ResponseError(LSPErrorCodes.RequestFailed, error.message);
			}
			throw error;
		}
	}

	/** Forgets a closed document. */
	forget(uri: string): void {
		this.statuses.delete(uri);
	}

	private async write(args: LockWriteArguments, mode: 'add' | 'update'): Promise<LockWriteResult> {
		const uris = Array.isArray(args?.uris) ? args.uris.filter((uri) => typeof uri === 'string' && uri.startsWith('file:')) : [];
		if (uris.length === 0) {
			throw new ProvenanceError('no dataset file to lock');
		}
		const { lockFile, folder } = await this.lockFileFor(uris[0], mode === 'add' ? 'create' : 'existing');
		const signWith = args.signKey === undefined || args.signKey === '' ? undefined : await loadPrivateKey(path.resolve(folder, args.signKey));
		const files = uris.map((uri) => URI.parse(uri).fsPath);
		if (mode === 'add' && (args.source === undefined || args.license === undefined)) {
			throw new ProvenanceError('a source and a licence are required to lock a file');
		}
		const report = mode === 'add'
			? await addEntries(lockFile, files, { source: args.source ?? '', license: args.license ?? '', signWith })
			: await updateEntries(lockFile, files, { source: args.source, license: args.license, signWith });
		this.lockedVersions.clear();
		this.host.refresh();
		return {
			lockFile,
			written: report.entries.map((entry) => `${entry.path}: ${entry.records} records, ${entry.size} bytes${entry.signature === undefined ? '' : `, signed by ${entry.signature.key}`}`),
			notes: report.notes,
		};
	}

	private async verify(args: LockFolderArguments): Promise<LockReport> {
		const { lockFile, folder, settings } = await this.lockFileFor(String(args?.uri ?? ''), 'existing');
		const keyFile = args.publicKey ?? new RuleOptions(settings.ruleOptions['provenance-signature'] ?? {}).string(PUBLIC_KEY_OPTION, '');
		const publicKey = keyFile === '' ? undefined : await loadPublicKey(path.resolve(folder, keyFile));
		const requireSignature = args.requireSignature ?? new RuleOptions(settings.ruleOptions['provenance-signature'] ?? {}).boolean('requireSignature', false);
		const results = await verifyLock(lockFile, path.relative(folder, lockFile) || lockFile, { publicKey, requireSignature });
		return { lockFile, ok: results.every((result) => result.ok), lines: results.map((result) => describeVerification(result, requireSignature)) };
	}

	private async list(args: LockFolderArguments): Promise<LockListResult> {
		const { lockFile } = await this.lockFileFor(String(args?.uri ?? ''), 'existing');
		const { lock } = await readValidLock(lockFile);
		return {
			lockFile,
			entries: lock.entries.map((entry) => ({
				path: entry.path,
				uri: URI.file(datasetPathOf(lockFile, entry.path)).toString(),
				records: entry.records,
				size: entry.size,
				source: entry.source,
				license: entry.license,
				lockedAt: entry.lockedAt,
				...(entry.signature === undefined ? {} : { signedBy: entry.signature.key }),
			})),
		};
	}

	private async lockedVersionOf(uri: string): Promise<LockedVersion> {
		const { lockFile } = await this.lockFileFor(uri, 'existing');
		const { lock } = await readValidLock(lockFile);
		const file = URI.parse(uri).fsPath;
		const lockPath = lockPathOf(lockFile, file);
		const entry = lockPath === undefined ? undefined : findEntry(lock, lockPath);
		if (entry === undefined) {
			return { unavailable: `${path.basename(file)} is not in ${lockFile}` };
		}
		return this.lockedVersion(file, entry.sha256, entry.size);
	}

	/** The lock file for a document or folder URI: the configured one, else the nearest, else (for add) at the folder root. */
	private async lockFileFor(uri: string, mode: 'create' | 'existing'): Promise<{ lockFile: string; folder: string; settings: Settings }> {
		if (!uri.startsWith('file:')) {
			throw new ProvenanceError(`not a file on disk: ${uri || 'nothing'}`);
		}
		const { settings } = await this.host.settingsOf(uri);
		const folder = this.folderDirectory(uri);
		const target = URI.parse(uri).fsPath;
		const start = await fs.stat(target).then((stat) => (stat.isDirectory() ? target : path.dirname(target)), () => path.dirname(target));
		const configured = new RuleOptions(settings.ruleOptions['provenance-mismatch'] ?? {}).string(LOCK_FILE_OPTION, '');
		const found = await locateLock(configured, folder, start);
		if (found !== undefined) {
			return { lockFile: found, folder, settings };
		}
		if (mode === 'create') {
			return { lockFile: path.join(folder, LOCK_FILE_NAME), folder, settings };
		}
		throw new ProvenanceError(`no ${LOCK_FILE_NAME} for ${target}; add a file to the lock first`);
	}

	private folderDirectory(uri: string): string {
		return this.host.folderOf(uri) ?? path.dirname(URI.parse(uri).fsPath);
	}

	private lockedVersion(file: string, sha256: string, size: number): Promise<LockedVersion> {
		const key = `${file}\0${sha256}`;
		let found = this.lockedVersions.get(key);
		if (found === undefined) {
			found = findLockedVersion(file, sha256, size);
			this.lockedVersions.set(key, found);
		}
		return found;
	}

	/**
	 * The digest of the document as it would be saved. VS Code drops a UTF-8 byte order mark from the text, so when
	 * the text differs from the lock but the file on disk matches it and decodes to the same text, the disk's
	 * digest is the right one.
	 */
	private async documentDigest(file: string, text: string, context: ProvenanceContext): Promise<FileDigest> {
		const digest = digestText(text);
		const lockPath = lockPathOf(context.loaded.file, file);
		const entry = lockPath === undefined ? undefined : findEntry(context.loaded.lock, lockPath);
		if (entry === undefined || entry.sha256 === digest.sha256) {
			return digest;
		}
		const onDisk = await digestFile(file).catch(() => undefined);
		if (onDisk !== undefined && onDisk.sha256 === entry.sha256) {
			const diskText = await fs.readFile(file, 'utf8').catch(() => undefined);
			if (diskText !== undefined && diskText.replace(/^\uFEFF/, '') === text) {
				return onDisk;
			}
		}
		return digest;
	}

	private setStatus(status: ProvenanceStatus): void {
		this.statuses.set(status.uri, status);
	}
}

/** A lock or key that cannot be read is shown on the dataset, under provenance-mismatch, rather than hidden. */
function lockErrorFinding(error: ProvenanceError): Finding {
	return { ruleId: 'provenance-mismatch', severity: 'error', scope: 'file', message: `Cannot check this file against the lock: ${error.message}`, range: { line: 0, column: 0, endLine: 0, endColumn: 0 } };
}

function statusOf(uri: string, observation: ProvenanceObservation, lockFile: string): ProvenanceStatus {
	const state = provenanceState(observation);
	const entry = observation.entry;
	if (state === 'unlocked' || entry === undefined) {
		return { uri, state: 'unlocked', detail: `Not in ${observation.lockFile}.`, lockFile };
	}
	const locked = `locked ${entry.lockedAt.slice(0, 10)}, source ${entry.source}, licence ${entry.license}`;
	const signature = observation.signature?.status === 'valid' ? ', signature verified' : observation.signature?.status === 'invalid' ? ', signature does NOT verify' : '';
	return state === 'locked'
		? { uri, state, detail: `Matches ${observation.lockFile} (${locked}${signature}).`, lockFile }
		: { uri, state, detail: `Differs from ${observation.lockFile} (${locked}${signature}).`, lockFile };
}
