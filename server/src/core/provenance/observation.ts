/**
 * What an adapter observed about one dataset file against the lock: the digest it computed while reading the
 * bytes, the lock entry, the signature check and, when git had the locked version, the record diff. The pure
 * functions here turn an observation into the drafts of the three provenance rules, so the CLI, the language
 * server and the golden fixtures (through `ruleOptions[<rule>].observation`) share one wording.
 */
import type { FileFindingDraft } from '../rule';
import { entryErrors, type LockEntry } from './lock';
import type { RecordDiff } from './recordDiff';

/** A file's identity as the lock records it. */
export interface FileDigest {
	sha256: string;
	size: number;
	/** Lines with a byte other than ASCII whitespace (blank lines are not records; invalid JSON lines are). */
	records: number;
}

/** The outcome of checking an entry's signature with the public key the user named. */
export type SignatureVerdict =
	| { status: 'valid'; key: string }
	| { status: 'invalid'; key: string; reason: string }
	/** The entry has no signature although a key was named. */
	| { status: 'unsigned'; key: string };

/** The locked version's records compared with the current ones, and the commit the locked version came from. */
export interface HistoryDiff extends RecordDiff {
	commit: string;
}

export interface ProvenanceObservation {
	/** The file as the lock names it (relative to the lock file, `/` separators). */
	path: string;
	/** The lock file as the adapter shows it (a relative path). */
	lockFile: string;
	/** Undefined when the file has no entry. */
	entry?: LockEntry;
	digest: FileDigest;
	/** Present when a public key was named and the file has an entry. */
	signature?: SignatureVerdict;
	/** Present when the file differs from the lock and git holds the locked version. */
	history?: HistoryDiff;
	/** Why the locked version could not be compared record by record (e.g. "not a git repository"). */
	historyUnavailable?: string;
	/** The key's display name (a path) for messages. */
	keyName?: string;
}

/** The state the editor shows for a dataset: locked and unchanged, changed since locked, or not in the lock. */
export type ProvenanceState = 'locked' | 'modified' | 'unlocked';

/** Locked, modified or unlocked, from the digest alone. */
export function provenanceState(observation: ProvenanceObservation): ProvenanceState {
	if (observation.entry === undefined) {
		return 'unlocked';
	}
	return digestMatches(observation.entry, observation.digest) ? 'locked' : 'modified';
}

/** True when the file's bytes are the locked bytes (the hash decides; size and records only explain). */
export function digestMatches(entry: LockEntry, digest: FileDigest): boolean {
	return entry.sha256 === digest.sha256;
}

/** `provenance-mismatch`: the file's hash is not the locked one; says when it was locked and what changed. */
export function mismatchDrafts(observation: ProvenanceObservation): FileFindingDraft[] {
	const { entry, digest } = observation;
	if (entry === undefined || digestMatches(entry, digest)) {
		return [];
	}
	const changes: string[] = [];
	if (entry.size !== digest.size) {
		changes.push(`size ${count(entry.size)} → ${count(digest.size)} bytes`);
	}
	if (entry.records !== digest.records) {
		changes.push(`records ${count(entry.records)} → ${count(digest.records)}`);
	}
	const sameShape = changes.length === 0 ? 'same size and record count, so records were edited in place or re-ordered' : changes.join(', ');
	const history = observation.history;
	const historyText = history === undefined
		? observation.historyUnavailable === undefined ? '' : ` The locked version could not be compared record by record: ${observation.historyUnavailable}.`
		: ` ${describeHistory(history)}`;
	return [{
		message: `${observation.path} changed since it was locked on ${dateOf(entry.lockedAt)} in ${observation.lockFile} (${sameShape}).${historyText} Review the change, then run \`tunelint lock update ${observation.path}\`.`,
		data: {
			lockedAt: entry.lockedAt,
			lockedSha256: entry.sha256,
			sha256: digest.sha256,
			lockedSize: entry.size,
			size: digest.size,
			lockedRecords: entry.records,
			records: digest.records,
			...(history === undefined ? {} : { commit: history.commit, added: history.added, removed: history.removed, changed: history.changed, reordered: history.reordered }),
		},
	}];
}

/** `provenance-unlocked`: the file has no lock entry. */
export function unlockedDrafts(observation: ProvenanceObservation): FileFindingDraft[] {
	if (observation.entry !== undefined) {
		return [];
	}
	return [{
		message: `${observation.path} has no entry in ${observation.lockFile}: record where it came from with \`tunelint lock add ${observation.path} --source … --license …\`.`,
		data: { sha256: observation.digest.sha256, size: observation.digest.size, records: observation.digest.records },
	}];
}

/** `provenance-signature`: the entry's signature does not verify with the named key, or is missing when required. */
export function signatureDrafts(observation: ProvenanceObservation, requireSignature: boolean): FileFindingDraft[] {
	const verdict = observation.signature;
	const entry = observation.entry;
	if (verdict === undefined || entry === undefined) {
		return [];
	}
	const keyText = `public key ${verdict.key}${observation.keyName === undefined ? '' : ` (${observation.keyName})`}`;
	if (verdict.status === 'invalid') {
		return [{
			message: `The lock entry of ${observation.path} in ${observation.lockFile} has a signature that does not verify with ${keyText}: ${verdict.reason}.`,
			data: { key: verdict.key, signedBy: entry.signature?.key, lockedAt: entry.lockedAt },
		}];
	}
	if (verdict.status === 'unsigned' && requireSignature) {
		return [{
			message: `The lock entry of ${observation.path} in ${observation.lockFile} is not signed, and signatures are required: sign it with \`tunelint lock update ${observation.path} --sign KEY.pem\`.`,
			data: { key: verdict.key },
		}];
	}
	return [];
}

/** "3 records changed, 1 added, 0 removed against the locked version in git (commit abc1234)." */
export function describeHistory(history: HistoryDiff): string {
	const commit = history.commit.slice(0, 12);
	if (history.reordered) {
		return `The same records are in a different order than in the locked version (git commit ${commit}).`;
	}
	return `Against the locked version (git commit ${commit}): ${plural(history.changed, 'record')} changed, ${count(history.added)} added, ${count(history.removed)} removed.`;
}

/**
 * Checks the shape of an observation passed through settings (golden fixtures); settings are user data, so a
 * malformed one is ignored rather than trusted.
 */
export function isObservation(value: unknown): value is ProvenanceObservation {
	if (typeof value !== 'object' || value === null) {
		return false;
	}
	const candidate = value as Partial<ProvenanceObservation>;
	const digest = candidate.digest;
	return typeof candidate.path === 'string' && typeof candidate.lockFile === 'string'
		&& typeof digest === 'object' && digest !== null && typeof digest.sha256 === 'string' && typeof digest.size === 'number' && typeof digest.records === 'number'
		&& (candidate.entry === undefined || entryErrors(candidate.entry).length === 0);
}

function dateOf(iso: string): string {
	return iso.slice(0, 10);
}

function count(value: number): string {
	return value.toLocaleString('en-US');
}

function plural(value: number, noun: string): string {
	return `${count(value)} ${noun}${value === 1 ? '' : 's'}`;
}
