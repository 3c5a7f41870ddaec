import { promises as fs } from 'node:fs';
import { findEntry } from '../core/provenance/lock';
import { digestMatches, type FileDigest, type ProvenanceObservation } from '../core/provenance/observation';
import { diffRecords } from '../core/provenance/recordDiff';
import { findLockedVersion, MAX_DIFF_BYTES } from './git';
import { lockPathOf, type LoadedLock } from './lockStore';
import { verifyEntry, type NamedKey } from './signing';

/** What verifying files against one lock needs: the lock, how to name it, and the public key if one was named. */
export interface ProvenanceContext {
	loaded: LoadedLock;
	/** The lock file as messages show it (relative to the working directory or workspace). */
	lockName: string;
	publicKey?: NamedKey;
	/** Finds the locked version in git; the language server passes a memoised one, since it lints on every edit. */
	findLocked?: typeof findLockedVersion;
}

/** Where the current records come from when the file changed: the open document, or the file on disk. */
export type CurrentLines = () => Promise<readonly string[] | undefined>;

/**
 * Observes one dataset file against the lock: its entry, the signature verdict and, when the bytes differ and
 * git holds the locked version, the record diff. Undefined when the lock does not cover the file (it lies outside
 * the lock file's directory).
 */
export async function observe(context: ProvenanceContext, file: string, digest: FileDigest, currentLines: CurrentLines): Promise<ProvenanceObservation | undefined> {
	const lockPath = lockPathOf(context.loaded.file, file);
	if (lockPath === undefined) {
		return undefined;
	}
	const entry = findEntry(context.loaded.lock, lockPath);
	const observation: ProvenanceObservation = { path: lockPath, lockFile: context.lockName, digest };
	if (entry === undefined) {
		return observation;
	}
	observation.entry = entry;
	if (context.publicKey !== undefined) {
		observation.signature = verifyEntry(entry, context.publicKey);
		observation.keyName = context.publicKey.file;
	}
	if (!digestMatches(entry, digest)) {
		const locked = await (context.findLocked ?? findLockedVersion)(file, entry.sha256, entry.size);
		if ('unavailable' in locked) {
			observation.historyUnavailable = locked.unavailable;
		} else {
			const current = await currentLines();
			if (current === undefined) {
				observation.historyUnavailable = `the current file is larger than ${MAX_DIFF_BYTES / 1024 / 1024} MB`;
			} else {
				observation.history = { commit: locked.commit, ...diffRecords(splitText(locked.text), current) };
			}
		}
	}
	return observation;
}

/** The current lines of a file on disk, unless it is too large to diff in memory. */
export function diskLines(file: string): CurrentLines {
	return async () => {
		const stat = await fs.stat(file);
		return stat.size > MAX_DIFF_BYTES ? undefined : splitText(await fs.readFile(file, 'utf8'));
	};
}

function splitText(text: string): string[] {
	return text.split('\n');
}
