import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { FileDigest } from '../core/provenance/observation';
import { splitLineBatches } from '../node/readLines';

/**
 * Hashes a file's bytes while they stream past, counting records (lines with a byte other than ASCII whitespace)
 * on the way, so a multi-GB file is hashed in bounded memory and, in `tunelint check`, in the same read as the lint.
 */
export class DigestStream {
	private readonly hash: Hash = createHash('sha256');
	private size = 0;
	private records = 0;
	/** True while the current, unfinished line has shown a byte other than whitespace. */
	private lineHasContent = false;

	/** Feeds a chunk of the file's bytes. */
	update(chunk: Buffer): void {
		this.hash.update(chunk);
		this.size += chunk.length;
		this.countRecords(chunk);
	}

	/** The digest, once every chunk has been fed; the stream cannot be used afterwards. */
	finish(): FileDigest {
		if (this.lineHasContent) {
			this.records++;
			this.lineHasContent = false;
		}
		return { sha256: this.hash.digest('hex'), size: this.size, records: this.records };
	}

	/**
	 * Counts records on the bytes, without decoding: a line is a record as soon as it has a byte other than ASCII
	 * whitespace, and the rest of it is skipped with a native search for the newline. Decoding and splitting the
	 * text instead made hashing three times slower.
	 */
	private countRecords(chunk: Buffer): void {
		let position = 0;
		while (position < chunk.length) {
			if (!this.lineHasContent) {
				while (position < chunk.length && isBlankByte(chunk[position])) {
					position++;
				}
				if (position === chunk.length) {
					return;
				}
				if (chunk[position] === NEWLINE) {
					position++;
					continue;
				}
				this.lineHasContent = true;
			}
			const newline = chunk.indexOf(NEWLINE, position);
			if (newline === -1) {
				return;
			}
			this.records++;
			this.lineHasContent = false;
			position = newline + 1;
		}
	}
}

const NEWLINE = 0x0a;

/** Space, tab, carriage return, vertical tab and form feed: what makes a line blank (the newline ends it). */
function isBlankByte(byte: number): boolean {
	return byte === 0x20 || byte === 0x09 || byte === 0x0d || byte === 0x0b || byte === 0x0c;
}

/** The digest of a file on disk, streamed. */
export async function digestFile(file: string): Promise<FileDigest> {
	const digest = new DigestStream();
	for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
		digest.update(chunk as Buffer);
	}
	return digest.finish();
}

/** The digest of a document as it would be saved (UTF-8, no byte order mark added). */
export function digestText(text: string): FileDigest {
	const digest = new DigestStream();
	digest.update(Buffer.from(text, 'utf8'));
	return digest.finish();
}

/**
 * The lines of a file for the linter, in batches (the same splitting as `readLineBatches`: CRLF removed, invalid UTF-8
 * as U+FFFD) and, once they are exhausted, the digest of the same bytes: one read serves both.
 */
export function readLinesWithDigest(file: string): { lines: AsyncIterable<readonly string[]>; digest: () => FileDigest } {
	const digest = new DigestStream();
	async function* hashed(): AsyncGenerator<Buffer> {
		for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
			digest.update(chunk as Buffer);
			yield chunk as Buffer;
		}
	}
	let result: FileDigest | undefined;
	return {
		lines: splitLineBatches(hashed()),
		digest: () => {
			result ??= digest.finish();
			return result;
		},
	};
}
