import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { describeLockProblem, emptyLock, LOCK_FILE_NAME, parseLock, serializeLock, type LockFile, type LockProblem } from '../core/provenance/lock';
import { ProvenanceError } from './errors';

/** A lock file read from disk: where it is, what it holds, and what is wrong with it. */
export interface LoadedLock {
	/** Absolute path of the lock file. */
	file: string;
	/** True when the file exists (a missing lock file is an empty lock for `lock add`). */
	exists: boolean;
	lock: LockFile;
	problems: LockProblem[];
}

/**
 * The lock file to use: `explicit` (a path given on the command line or in `ruleOptions['provenance-mismatch']
 * .lockFile`, relative to `baseDirectory`), else the nearest `tunelint.lock.json` from `startDirectory` upwards,
 * else undefined.
 */
export async function locateLock(explicit: string | undefined, baseDirectory: string, startDirectory: string): Promise<string | undefined> {
	if (explicit !== undefined && explicit !== '') {
		return path.resolve(baseDirectory, explicit);
	}
	let current = path.resolve(startDirectory);
	for (;;) {
		const candidate = path.join(current, LOCK_FILE_NAME);
		if (await fs.stat(candidate).then((stat) => stat.isFile(), () => false)) {
			return candidate;
		}
		const parent = path.dirname(current);
		if (parent === current) {
			return undefined;
		}
		current = parent;
	}
}

/** Reads and validates a lock file; a missing file gives an empty lock with `exists: false`. */
export async function readLock(file: string): Promise<LoadedLock> {
	let text: string;
	try {
		text = await fs.readFile(file, 'utf8');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT') {
			return { file, exists: false, lock: emptyLock(), problems: [] };
		}
		throw new ProvenanceError(`${file}: cannot read the lock file (${code ?? (error as Error).message})`);
	}
	const { lock, problems } = parseLock(text);
	return { file, exists: true, lock, problems };
}

/** Reads a lock file that must exist and be valid in full (for commands that rewrite it or gate CI). */
export async function readValidLock(file: string): Promise<LoadedLock> {
	const loaded = await readLock(file);
	if (!loaded.exists) {
		throw new ProvenanceError(`${file}: no lock file here; create one with \`tunelint lock add FILE --source S --license L\``);
	}
	throwOnProblems(loaded);
	return loaded;
}

/** Refuses a lock with problems, naming each entry and problem; nothing is written over a damaged lock. */
export function throwOnProblems(loaded: LoadedLock): void {
	if (loaded.problems.length > 0) {
		const lines = loaded.problems.map((problem) => `  ${describeLockProblem(problem)}`);
		throw new ProvenanceError(`${loaded.file}: the lock file is invalid; fix it by hand or restore it from version control:\n${lines.join('\n')}`);
	}
}

/** Writes the lock atomically (a temporary file renamed over it), so an interrupted write never leaves half a lock. */
export async function writeLock(file: string, lock: LockFile): Promise<void> {
	const temporary = `${file}.${process.pid}.tmp`;
	await fs.writeFile(temporary, serializeLock(lock), 'utf8');
	await fs.rename(temporary, file);
}

/**
 * The path a dataset file has in the lock: relative to the lock file's directory, `/`-separated; undefined when
 * the file is outside that directory (the lock does not cover it).
 */
export function lockPathOf(lockFile: string, datasetFile: string): string | undefined {
	const relative = path.relative(path.dirname(lockFile), path.resolve(datasetFile));
	if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
		return undefined;
	}
	return relative.split(path.sep).join('/');
}

/** The absolute path of a lock entry's file. */
export function datasetPathOf(lockFile: string, entryPath: string): string {
	return path.resolve(path.dirname(lockFile), ...entryPath.split('/'));
}
