/**
 * The provenance lock file (`tunelint.lock.json`): what each dataset file was when a person locked it. Parsing
 * and validation are pure, so the CLI, the language server and the tests read a lock the same way; reading the
 * file, hashing and signing live in the Node-side `server/src/provenance/`.
 */

/** The lock file's name at the workspace root, unless `ruleOptions['provenance-mismatch'].lockFile` names another. */
export const LOCK_FILE_NAME = 'tunelint.lock.json';

/** The only lock format version so far; a newer file is refused rather than half understood. */
export const LOCK_VERSION = 1;

/** An Ed25519 signature over an entry's signing payload, made with a key only the user holds. */
export interface EntrySignature {
	algorithm: 'ed25519';
	/** `SHA256:<base64>` of the signer's public key (SubjectPublicKeyInfo DER), to tell keys apart in messages. */
	key: string;
	/** The signature, base64. */
	value: string;
}

/** One locked dataset file. */
export interface LockEntry {
	/** Relative to the lock file's directory, with `/` separators. */
	path: string;
	/** Lowercase hex SHA-256 of the file's bytes. */
	sha256: string;
	/** Bytes. */
	size: number;
	/** Lines with a byte other than ASCII whitespace (blank lines are not records; invalid JSON lines are). */
	records: number;
	/** Where the data came from: a URL or free text. */
	source: string;
	license: string;
	/** ISO 8601 time the entry was written. */
	lockedAt: string;
	signature?: EntrySignature;
}

export interface LockFile {
	version: number;
	entries: LockEntry[];
}

/** A problem in a lock file, naming the entry when there is one. */
export interface LockProblem {
	/** Index of the entry in `entries`, when the problem is in one. */
	entry?: number;
	/** The entry's path when it has a readable one. */
	path?: string;
	message: string;
}

/** A lock file after parsing: the entries that are valid, and a problem for everything that is not. */
export interface ParsedLock {
	lock: LockFile;
	problems: LockProblem[];
}

/**
 * Parses and validates a lock file's text. Never throws: invalid JSON, a wrong version or a bad entry become
 * problems; valid entries are kept so that an editor can still verify the files whose entries are intact.
 */
export function parseLock(text: string): ParsedLock {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (error) {
		return { lock: emptyLock(), problems: [{ message: `not valid JSON (${error instanceof Error ? error.message : String(error)})` }] };
	}
	if (!isObject(value)) {
		return { lock: emptyLock(), problems: [{ message: 'the lock file must be a JSON object with "version" and "entries"' }] };
	}
	if (value.version !== LOCK_VERSION) {
		return { lock: emptyLock(), problems: [{ message: `unsupported lock version ${JSON.stringify(value.version)} (this Tunelint reads version ${LOCK_VERSION})` }] };
	}
	if (!Array.isArray(value.entries)) {
		return { lock: emptyLock(), problems: [{ message: '"entries" must be an array' }] };
	}
	const problems: LockProblem[] = [];
	const entries: LockEntry[] = [];
	const seen = new Map<string, number>();
	value.entries.forEach((item: unknown, index: number) => {
		const path = isObject(item) && typeof item.path === 'string' ? item.path : undefined;
		const entryProblems = entryErrors(item);
		if (path !== undefined && seen.has(path)) {
			entryProblems.push(`duplicate of entry ${(seen.get(path) ?? 0) + 1}`);
		}
		if (entryProblems.length > 0) {
			problems.push(...entryProblems.map((message) => ({ entry: index, ...(path === undefined ? {} : { path }), message })));
			return;
		}
		seen.set(path as string, index);
		entries.push(item as unknown as LockEntry);
	});
	return { lock: { version: LOCK_VERSION, entries }, problems };
}

/** One line per problem: `entry 3 ("data/train.jsonl"): sha256 must be …`. */
export function describeLockProblem(problem: LockProblem): string {
	if (problem.entry === undefined) {
		return problem.message;
	}
	return `entry ${problem.entry + 1}${problem.path === undefined ? '' : ` (${JSON.stringify(problem.path)})`}: ${problem.message}`;
}

/** The lock as written to disk: entries sorted by path, tab-indented, final newline (stable diffs in review). */
export function serializeLock(lock: LockFile): string {
	const entries = [...lock.entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).map(orderedEntry);
	return `${JSON.stringify({ version: LOCK_VERSION, entries }, null, '\t')}\n`;
}

/**
 * The exact bytes (as a string) a signature covers: every field of the entry except the signature, in a fixed
 * order, so that changing any of them (the hash, the source, the licence, the date) breaks the signature.
 */
export function signingPayload(entry: LockEntry): string {
	const { path, sha256, size, records, source, license, lockedAt } = entry;
	return `tunelint-lock-entry-v1\n${JSON.stringify({ path, sha256, size, records, source, license, lockedAt })}`;
}

/** The entry for a path, if locked. */
export function findEntry(lock: LockFile, path: string): LockEntry | undefined {
	return lock.entries.find((entry) => entry.path === path);
}

/** A lock with no entries (a new project, or a file too broken to use). */
export function emptyLock(): LockFile {
	return { version: LOCK_VERSION, entries: [] };
}

const KNOWN_FIELDS = new Set(['path', 'sha256', 'size', 'records', 'source', 'license', 'lockedAt', 'signature']);

/** What is wrong with a value meant as a lock entry (empty when it is a valid entry); duplicates are not checked here. */
export function entryErrors(item: unknown): string[] {
	if (!isObject(item)) {
		return ['must be an object'];
	}
	const errors: string[] = [];
	if (typeof item.path !== 'string' || item.path === '') {
		errors.push('"path" must be a non-empty string');
	} else if (item.path.includes('\\') || item.path.startsWith('/') || /^[A-Za-z]:/.test(item.path)) {
		errors.push('"path" must be relative to the lock file, with / separators');
	}
	if (typeof item.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(item.sha256)) {
		errors.push('"sha256" must be 64 lowercase hexadecimal digits');
	}
	for (const field of ['size', 'records'] as const) {
		const count = item[field];
		if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) {
			errors.push(`"${field}" must be a whole number ≥ 0`);
		}
	}
	for (const field of ['source', 'license'] as const) {
		if (typeof item[field] !== 'string') {
			errors.push(`"${field}" must be a string`);
		}
	}
	if (typeof item.lockedAt !== 'string' || Number.isNaN(Date.parse(item.lockedAt))) {
		errors.push('"lockedAt" must be an ISO 8601 date');
	}
	if (item.signature !== undefined) {
		const signature = item.signature;
		if (!isObject(signature) || signature.algorithm !== 'ed25519' || typeof signature.key !== 'string' || typeof signature.value !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(signature.value)) {
			errors.push('"signature" must be {"algorithm": "ed25519", "key": "SHA256:…", "value": "<base64>"}');
		}
	}
	const unknown = Object.keys(item).filter((key) => !KNOWN_FIELDS.has(key));
	if (unknown.length > 0) {
		errors.push(`unknown field${unknown.length === 1 ? '' : 's'} ${unknown.map((key) => JSON.stringify(key)).join(', ')}`);
	}
	return errors;
}

function orderedEntry(entry: LockEntry): LockEntry {
	const { path, sha256, size, records, source, license, lockedAt, signature } = entry;
	return { path, sha256, size, records, source, license, lockedAt, ...(signature === undefined ? {} : { signature: { algorithm: signature.algorithm, key: signature.key, value: signature.value } }) };
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
