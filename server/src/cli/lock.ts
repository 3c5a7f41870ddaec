import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { LOCK_FILE_NAME } from '../core/provenance/lock';
import { RuleOptions } from '../core/rule';
import { LOCK_FILE_OPTION, PUBLIC_KEY_OPTION } from '../provenance/adapter';
import { ProvenanceError } from '../provenance/errors';
import { locateLock, readValidLock } from '../provenance/lockStore';
import { addEntries, updateEntries, verifyLock } from '../provenance/operations';
import { describeVerification } from '../provenance/report';
import { loadPrivateKey, loadPublicKey, PASSPHRASE_VARIABLE } from '../provenance/signing';
import { loadSettings } from './config';
import { UsageError, type CliIo } from './io';

export const LOCK_USAGE = `Usage: tunelint lock <add|update|verify|list> [options]

  lock add FILE... --source S --license L [--sign KEY.pem]
      record each file's SHA-256, size, record count, source and licence (refuses files already locked)
  lock update FILE... [--source S] [--license L] [--sign KEY.pem]
      re-lock files after a reviewed change (keeps source and licence unless given)
  lock verify [FILE...] [--key PUB.pem] [--require-signature]
      check every entry (or the files given) against the files on disk; never writes the lock
      (without --key: ruleOptions["provenance-signature"].publicKey of the config file, if set)
  lock list [--format text|json]
      show the entries

Options:
  --lock FILE    the lock file (default: the nearest ${LOCK_FILE_NAME} upwards, or ./${LOCK_FILE_NAME} for add)

Keys are PEM files you keep: \`openssl genpkey -algorithm ed25519 -out key.pem\`,
\`openssl pkey -in key.pem -pubout -out key.pub.pem\`. An encrypted key reads its passphrase from ${PASSPHRASE_VARIABLE}.
Exit codes: 0 ok, 1 verification failed, 2 bad input (nothing written).`;

const OPTIONS = {
	lock: { type: 'string' },
	source: { type: 'string' },
	license: { type: 'string' },
	sign: { type: 'string' },
	key: { type: 'string' },
	'require-signature': { type: 'boolean', default: false },
	format: { type: 'string', default: 'text' },
	help: { type: 'boolean', default: false },
} as const;

type LockValues = ReturnType<typeof parseLockArgs>['values'];

/** `tunelint lock …`: returns the exit code; bad input is reported with the file and the problem (exit 2). */
export async function runLock(argv: string[], io: CliIo): Promise<number> {
	const [action, ...rest] = argv;
	const { values, positionals } = parseLockArgs(rest);
	if (action === undefined || action === '--help' || values.help) {
		io.out(LOCK_USAGE);
		return action === undefined ? 2 : 0;
	}
	try {
		switch (action) {
			case 'add':
				return await add(positionals, values, io);
			case 'update':
				return await update(positionals, values, io);
			case 'verify':
				return await verify(positionals, values, io);
			case 'list':
				return await list(values, io);
			default:
				throw new UsageError(`unknown lock command "${action}" (use add, update, verify or list)`);
		}
	} catch (error) {
		if (error instanceof ProvenanceError) {
			io.err(`tunelint: ${error.message}`);
			return 2;
		}
		throw error;
	}
}

function parseLockArgs(argv: string[]) {
	return parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
}

async function add(files: string[], values: LockValues, io: CliIo): Promise<number> {
	if (files.length === 0) {
		throw new UsageError('lock add: no files given');
	}
	if (values.source === undefined || values.license === undefined || values.source.trim() === '' || values.license.trim() === '') {
		throw new UsageError('lock add: --source and --license are required (where the data came from, and under which licence)');
	}
	const lockFile = await lockFileFor(values, 'create');
	const signWith = values.sign === undefined ? undefined : await loadPrivateKey(values.sign);
	const report = await addEntries(lockFile, files, { source: values.source, license: values.license, signWith });
	for (const entry of report.entries) {
		io.out(`locked ${entry.path}: ${entry.records} records, ${entry.size} bytes, sha256 ${entry.sha256.slice(0, 12)}…${entry.signature === undefined ? '' : `, signed by ${entry.signature.key}`}`);
	}
	io.out(`wrote ${displayPath(lockFile)}`);
	return 0;
}

async function update(files: string[], values: LockValues, io: CliIo): Promise<number> {
	if (files.length === 0) {
		throw new UsageError('lock update: no files given');
	}
	const lockFile = await lockFileFor(values, 'existing');
	const signWith = values.sign === undefined ? undefined : await loadPrivateKey(values.sign);
	const report = await updateEntries(lockFile, files, { source: values.source, license: values.license, signWith });
	for (const note of report.notes) {
		io.err(`tunelint: note: ${note}`);
	}
	for (const entry of report.entries) {
		io.out(`updated ${entry.path}: ${entry.records} records, ${entry.size} bytes, sha256 ${entry.sha256.slice(0, 12)}…${entry.signature === undefined ? '' : `, signed by ${entry.signature.key}`}`);
	}
	io.out(`wrote ${displayPath(lockFile)}`);
	return 0;
}

async function verify(files: string[], values: LockValues, io: CliIo): Promise<number> {
	const lockFile = await lockFileFor(values, 'existing');
	// Without --key, the public key and the signature requirement of the config file apply, as in `check` and the editor.
	const { settings, configFile } = await loadSettings(undefined, process.cwd());
	const signatureOptions = new RuleOptions(settings.ruleOptions['provenance-signature'] ?? {});
	const configuredKey = signatureOptions.string(PUBLIC_KEY_OPTION, '');
	const keyFile = values.key ?? (configuredKey === '' ? undefined : path.resolve(configFile === undefined ? process.cwd() : path.dirname(configFile), configuredKey));
	const publicKey = keyFile === undefined ? undefined : await loadPublicKey(keyFile);
	const requireSignature = values['require-signature'] || signatureOptions.boolean('requireSignature', false);
	const results = await verifyLock(lockFile, displayPath(lockFile), { publicKey, requireSignature, files: files.length === 0 ? undefined : files });
	for (const result of results) {
		io.out(describeVerification(result, requireSignature));
	}
	const failed = results.filter((result) => !result.ok).length;
	const signedUnchecked = publicKey === undefined ? results.filter((result) => 'observation' in result && result.observation.entry?.signature !== undefined).length : 0;
	if (signedUnchecked > 0) {
		io.err(`tunelint: note: ${signedUnchecked} signed ${signedUnchecked === 1 ? 'entry was' : 'entries were'} not checked; pass --key PUB.pem to verify signatures`);
	}
	io.out(failed === 0 ? `${results.length} ${results.length === 1 ? 'entry' : 'entries'} verified` : `${failed} of ${results.length} ${results.length === 1 ? 'entry' : 'entries'} failed verification`);
	return failed === 0 ? 0 : 1;
}

async function list(values: LockValues, io: CliIo): Promise<number> {
	const lockFile = await lockFileFor(values, 'existing');
	const { lock } = await readValidLock(lockFile);
	if (values.format === 'json') {
		io.out(JSON.stringify(lock.entries, null, 2));
		return 0;
	}
	if (values.format !== 'text') {
		throw new UsageError(`lock list: unknown --format "${values.format}" (use text or json)`);
	}
	if (lock.entries.length === 0) {
		io.out(`${displayPath(lockFile)}: no entries`);
		return 0;
	}
	for (const entry of lock.entries) {
		const signed = entry.signature === undefined ? 'unsigned' : `signed by ${entry.signature.key}`;
		io.out(`${entry.path}\n  ${entry.records} records, ${entry.size} bytes, sha256 ${entry.sha256}\n  source: ${entry.source}\n  license: ${entry.license}\n  locked ${entry.lockedAt}, ${signed}`);
	}
	return 0;
}

/**
 * The lock file: `--lock`, else `ruleOptions['provenance-mismatch'].lockFile` of the nearest config file (relative
 * to that file), else the nearest existing tunelint.lock.json, else (for add) ./tunelint.lock.json.
 */
async function lockFileFor(values: LockValues, mode: 'create' | 'existing'): Promise<string> {
	const cwd = process.cwd();
	const { settings, configFile } = await loadSettings(undefined, cwd);
	const configured = new RuleOptions(settings.ruleOptions['provenance-mismatch'] ?? {}).string(LOCK_FILE_OPTION, '');
	const found = values.lock !== undefined
		? await locateLock(values.lock, cwd, cwd)
		: await locateLock(configured, configFile === undefined ? cwd : path.dirname(configFile), cwd);
	if (found !== undefined) {
		return found;
	}
	if (mode === 'create') {
		return path.resolve(LOCK_FILE_NAME);
	}
	throw new ProvenanceError(`no ${LOCK_FILE_NAME} in ${process.cwd()} or above; create one with \`tunelint lock add FILE --source S --license L\``);
}

function displayPath(file: string): string {
	const relative = path.relative(process.cwd(), file);
	return relative === '' || relative.startsWith('..') ? file : relative;
}
