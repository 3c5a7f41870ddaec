import { promises as fs } from 'node:fs';
import { findEntry, type LockEntry, type LockFile } from '../core/provenance/lock';
import { digestMatches, provenanceState, type ProvenanceObservation } from '../core/provenance/observation';
import { digestFile } from './digest';
import { ProvenanceError } from './errors';
import { lockPathOf, readLock, readValidLock, throwOnProblems, writeLock, datasetPathOf } from './lockStore';
import { diskLines, observe, type ProvenanceContext } from './observe';
import { signEntry, type NamedKey } from './signing';

/** What `lock add` records about the files it adds. */
export interface AddOptions {
	source: string;
	license: string;
	signWith?: NamedKey;
	/** The time written as `lockedAt` (tests pass a fixed one). */
	now?: Date;
}

/** What `lock update` may change besides the digest; unset fields keep their locked values. */
export interface UpdateOptions {
	source?: string;
	license?: string;
	signWith?: NamedKey;
	now?: Date;
}

/** The outcome of a command that wrote the lock: the entries written and notes for the user. */
export interface WriteReport {
	entries: LockEntry[];
	notes: string[];
}

/**
 * Adds new entries. Every file is checked before anything is written: a missing file, a file outside the lock's
 * directory, or a file that already has an entry (which needs `lock update`) stops the command with the lock
 * untouched. Creates the lock file when there is none.
 */
export async function addEntries(lockFile: string, files: readonly string[], options: AddOptions): Promise<WriteReport> {
	const loaded = await readLock(lockFile);
	throwOnProblems(loaded);
	const lockedAt = (options.now ?? new Date()).toISOString();
	const added: LockEntry[] = [];
	for (const file of files) {
		const lockPath = await coveredPath(lockFile, file);
		if (findEntry(loaded.lock, lockPath) !== undefined || added.some((entry) => entry.path === lockPath)) {
			throw new ProvenanceError(`${file}: already in ${lockFile} as "${lockPath}"; after reviewing the change, run \`tunelint lock update ${file}\``);
		}
		const digest = await digestFile(file);
		const entry: LockEntry = { path: lockPath, ...digest, source: options.source, license: options.license, lockedAt };
		added.push(options.signWith === undefined ? entry : { ...entry, signature: signEntry(entry, options.signWith) });
	}
	const lock: LockFile = { version: loaded.lock.version, entries: [...loaded.lock.entries, ...added] };
	await writeLock(lockFile, lock);
	return { entries: added, notes: [] };
}

/**
 * Re-locks files that changed after a review: new digest and date, the same source and licence unless new ones
 * are given. A signed entry whose signature would no longer match is re-signed with `signWith`, or loses its
 * signature with a note saying so.
 */
export async function updateEntries(lockFile: string, files: readonly string[], options: UpdateOptions): Promise<WriteReport> {
	const loaded = await readValidLock(lockFile);
	const lockedAt = (options.now ?? new Date()).toISOString();
	const replaced = new Map<string, LockEntry>();
	const notes: string[] = [];
	for (const file of files) {
		const lockPath = await coveredPath(lockFile, file);
		const old = findEntry(loaded.lock, lockPath);
		if (old === undefined) {
			throw new ProvenanceError(`${file}: not in ${lockFile}; add it with \`tunelint lock add ${file} --source S --license L\``);
		}
		const digest = await digestFile(file);
		const entry: LockEntry = { path: lockPath, ...digest, source: options.source ?? old.source, license: options.license ?? old.license, lockedAt };
		if (options.signWith !== undefined) {
			replaced.set(lockPath, { ...entry, signature: signEntry(entry, options.signWith) });
		} else {
			if (old.signature !== undefined) {
				notes.push(`${lockPath}: the entry was signed by ${old.signature.key}; its signature no longer applies and was removed (pass --sign KEY.pem to sign it again)`);
			}
			replaced.set(lockPath, entry);
		}
		if (digestMatches(old, digest)) {
			notes.push(`${lockPath}: unchanged since ${old.lockedAt.slice(0, 10)}; the entry was rewritten with today's date`);
		}
	}
	const lock: LockFile = { version: loaded.lock.version, entries: loaded.lock.entries.map((entry) => replaced.get(entry.path) ?? entry) };
	await writeLock(lockFile, lock);
	return { entries: [...replaced.values()], notes };
}

/** One entry's verification: its observation, or the reason its file could not be read. */
export type EntryVerification =
	| { path: string; observation: ProvenanceObservation; ok: boolean }
	| { path: string; missing: string; ok: false };

/** The options of a verification run. */
export interface VerifyOptions {
	publicKey?: NamedKey;
	requireSignature: boolean;
	/** Only these dataset files (default: every entry). */
	files?: readonly string[];
}

/**
 * Verifies entries against their files (hash, size, records) and, with a public key, their signatures. Never
 * writes the lock. An entry is ok when its file matches and its signature (when checked) verifies.
 */
export async function verifyLock(lockFile: string, lockName: string, options: VerifyOptions): Promise<EntryVerification[]> {
	const loaded = await readValidLock(lockFile);
	const context: ProvenanceContext = { loaded, lockName, ...(options.publicKey === undefined ? {} : { publicKey: options.publicKey }) };
	let entries = loaded.lock.entries;
	if (options.files !== undefined) {
		const wanted: string[] = [];
		for (const file of options.files) {
			const lockPath = lockPathOf(lockFile, file);
			if (lockPath === undefined || findEntry(loaded.lock, lockPath) === undefined) {
				throw new ProvenanceError(`${file}: not in ${lockFile}`);
			}
			wanted.push(lockPath);
		}
		entries = entries.filter((entry) => wanted.includes(entry.path));
	}
	const results: EntryVerification[] = [];
	for (const entry of entries) {
		const file = datasetPathOf(lockFile, entry.path);
		const stat = await fs.stat(file).catch(() => undefined);
		if (stat === undefined || !stat.isFile()) {
			results.push({ path: entry.path, missing: stat === undefined ? 'the file does not exist' : 'not a regular file', ok: false });
			continue;
		}
		const observation = await observe(context, file, await digestFile(file), diskLines(file));
		if (observation === undefined) {
			continue;
		}
		const signatureOk = observation.signature === undefined || observation.signature.status === 'valid' || (observation.signature.status === 'unsigned' && !options.requireSignature);
		results.push({ path: entry.path, observation, ok: provenanceState(observation) === 'locked' && signatureOk });
	}
	return results;
}

/** The lock path of a dataset file that must exist and lie under the lock's directory. */
async function coveredPath(lockFile: string, file: string): Promise<string> {
	const stat = await fs.stat(file).catch(() => undefined);
	if (stat === undefined) {
		throw new ProvenanceError(`${file}: no such file`);
	}
	if (!stat.isFile()) {
		throw new ProvenanceError(`${file}: not a regular file`);
	}
	const lockPath = lockPathOf(lockFile, file);
	if (lockPath === undefined) {
		throw new ProvenanceError(`${file}: outside the directory of ${lockFile}, which the lock covers`);
	}
	return lockPath;
}
