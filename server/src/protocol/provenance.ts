/**
 * The provenance part of the custom protocol between the Tunelint client and server (workspace/executeCommand
 * commands with plain JSON arguments). Only names and types, so the client bundle imports no server code.
 */

/** What the language status item shows about the open dataset. */
export interface ProvenanceStatus {
	uri: string;
	/** `none`: no lock file applies to this file; `error`: the lock or the key could not be read. */
	state: 'locked' | 'modified' | 'unlocked' | 'none' | 'error';
	/** One sentence for the item's detail. */
	detail: string;
	/** The lock file's path, when there is one. */
	lockFile?: string;
}

/** `[uri]` → ProvenanceStatus: the provenance state of an open document as of its last lint. */
export const PROVENANCE_STATUS_COMMAND = 'tunelint.server.provenanceStatus';

/** `[LockWriteArguments]` → LockWriteResult: adds entries for files (refuses files already locked). */
export const LOCK_ADD_COMMAND = 'tunelint.server.lockAdd';

/** `[LockWriteArguments]` → LockWriteResult: re-locks files after a reviewed change. */
export const LOCK_UPDATE_COMMAND = 'tunelint.server.lockUpdate';

/** `[LockFolderArguments]` → LockReport: verifies every entry of the folder's lock (never writes it). */
export const LOCK_VERIFY_COMMAND = 'tunelint.server.lockVerify';

/** `[LockFolderArguments]` → LockListResult: the entries of the folder's lock. */
export const LOCK_LIST_COMMAND = 'tunelint.server.lockList';

/** `[uri]` → LockedVersion: the locked version of a file, from git, for a diff view. */
export const LOCKED_VERSION_COMMAND = 'tunelint.server.lockedVersion';

/** `[]` → null: the lock file changed on disk; lint the open documents again. */
export const PROVENANCE_REFRESH_COMMAND = 'tunelint.server.provenanceRefresh';

/** Every provenance command the server handles. */
export const PROVENANCE_COMMANDS = [PROVENANCE_STATUS_COMMAND, LOCK_ADD_COMMAND, LOCK_UPDATE_COMMAND, LOCK_VERIFY_COMMAND, LOCK_LIST_COMMAND, LOCKED_VERSION_COMMAND, PROVENANCE_REFRESH_COMMAND];

export interface LockWriteArguments {
	/** File URIs of the datasets. */
	uris: string[];
	/** Required by add; update keeps the locked value when absent. */
	source?: string;
	license?: string;
	/** Path of a PEM private key to sign with; read for this command only. */
	signKey?: string;
}

export interface LockWriteResult {
	lockFile: string;
	/** One line per entry written. */
	written: string[];
	notes: string[];
}

export interface LockFolderArguments {
	/** A file or folder URI inside the workspace folder whose lock is meant. */
	uri: string;
	/** Path of a PEM public key to verify signatures with (default: the `provenance-signature.publicKey` option). */
	publicKey?: string;
	requireSignature?: boolean;
}

export interface LockReport {
	lockFile: string;
	ok: boolean;
	/** One line per entry, `ok   path` or `FAIL path: why`. */
	lines: string[];
}

export interface LockListResult {
	lockFile: string;
	entries: Array<{ path: string; uri: string; records: number; size: number; source: string; license: string; lockedAt: string; signedBy?: string }>;
}

export type LockedVersion = { commit: string; text: string } | { unavailable: string };
