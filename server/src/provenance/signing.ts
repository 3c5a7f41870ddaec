import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { signingPayload, type EntrySignature, type LockEntry } from '../core/provenance/lock';
import type { SignatureVerdict } from '../core/provenance/observation';
import { ProvenanceError } from './errors';

/** A key read from a PEM file the user named; Tunelint keeps it in memory for one command and never stores it. */
export interface NamedKey {
	key: KeyObject;
	/** The file it came from, for messages. */
	file: string;
	/** `SHA256:<base64>` of the public key. */
	fingerprint: string;
}

/** The environment variable holding the passphrase of an encrypted private key. */
export const PASSPHRASE_VARIABLE = 'TUNELINT_KEY_PASSPHRASE';

/** Reads an Ed25519 private key (PEM, PKCS#8; encrypted keys take their passphrase from TUNELINT_KEY_PASSPHRASE). */
export async function loadPrivateKey(file: string): Promise<NamedKey> {
	const pem = await readKeyFile(file);
	let key: KeyObject;
	try {
		key = createPrivateKey({ key: pem, format: 'pem', passphrase: process.env[PASSPHRASE_VARIABLE] });
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ERR_MISSING_PASSPHRASE') {
			throw new ProvenanceError(`${file}: the private key is encrypted; put its passphrase in ${PASSPHRASE_VARIABLE}`);
		}
		throw new ProvenanceError(`${file}: not a PEM private key (${(error as Error).message}); make one with \`openssl genpkey -algorithm ed25519 -out key.pem\``);
	}
	requireEd25519(key, file);
	return { key, file, fingerprint: fingerprintOf(createPublicKey(key)) };
}

/** Reads an Ed25519 public key (PEM, SPKI); a private key file is accepted and its public half used. */
export async function loadPublicKey(file: string): Promise<NamedKey> {
	const pem = await readKeyFile(file);
	let key: KeyObject;
	try {
		key = createPublicKey({ key: pem, format: 'pem' });
	} catch (error) {
		throw new ProvenanceError(`${file}: not a PEM public key (${(error as Error).message}); export one with \`openssl pkey -in key.pem -pubout -out key.pub.pem\``);
	}
	requireEd25519(key, file);
	return { key, file, fingerprint: fingerprintOf(key) };
}

/** Signs an entry's signing payload. */
export function signEntry(entry: LockEntry, privateKey: NamedKey): EntrySignature {
	const value = sign(null, Buffer.from(signingPayload(entry), 'utf8'), privateKey.key).toString('base64');
	return { algorithm: 'ed25519', key: privateKey.fingerprint, value };
}

/** Checks an entry's signature with a public key; says why when it does not verify. */
export function verifyEntry(entry: LockEntry, publicKey: NamedKey): SignatureVerdict {
	const signature = entry.signature;
	if (signature === undefined) {
		return { status: 'unsigned', key: publicKey.fingerprint };
	}
	const bytes = Buffer.from(signature.value, 'base64');
	if (bytes.length !== 64) {
		return { status: 'invalid', key: publicKey.fingerprint, reason: `the signature is ${bytes.length} bytes long, an Ed25519 signature is 64` };
	}
	let valid = false;
	try {
		valid = verify(null, Buffer.from(signingPayload(entry), 'utf8'), publicKey.key, bytes);
	} catch (error) {
		return { status: 'invalid', key: publicKey.fingerprint, reason: (error as Error).message };
	}
	if (valid) {
		return { status: 'valid', key: publicKey.fingerprint };
	}
	const reason = signature.key === publicKey.fingerprint
		? 'the entry (hash, size, records, source, licence or date) was changed after it was signed'
		: `it was signed with another key (${signature.key}), or the entry was changed after signing`;
	return { status: 'invalid', key: publicKey.fingerprint, reason };
}

/** `SHA256:<base64>` of the DER SubjectPublicKeyInfo, the form `ssh-keygen -l` users recognise. */
export function fingerprintOf(publicKey: KeyObject): string {
	const der = publicKey.export({ format: 'der', type: 'spki' });
	return `SHA256:${createHash('sha256').update(der).digest('base64').replace(/=+$/, '')}`;
}

async function readKeyFile(file: string): Promise<string> {
	try {
		return await fs.readFile(file, 'utf8');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		throw new ProvenanceError(`${file}: cannot read the key file (${code === 'ENOENT' ? 'no such file' : (code ?? (error as Error).message)})`);
	}
}

function requireEd25519(key: KeyObject, file: string): void {
	if (key.asymmetricKeyType !== 'ed25519') {
		throw new ProvenanceError(`${file}: this is an ${key.asymmetricKeyType ?? 'unknown'} key; Tunelint signs with Ed25519 (\`openssl genpkey -algorithm ed25519 -out key.pem\`)`);
	}
}
