import { createHash, type Hash } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import * as readline from 'node:readline';
import { StringDecoder } from 'node:string_decoder';
import type { FileDigest } from '../core/provenance/observation';

/**
 * Hashes a file's bytes while they stream past, counting records (non-blank lines) on the way, so a multi-GB
 * file is hashed in bounded memory and, in `tunelint check`, in the same read as the lint.
 */
export class DigestStream {
	private readonly hash: Hash = createHash('sha256');
	private readonly decoder = new StringDecoder('utf8');
	private size = 0;
	private records = 0;
	private partial = '';

	/** Feeds a chunk of the file's bytes. */
	update(chunk: Buffer): void {
		this.hash.update(chunk);
		this.size += chunk.length;
		this.countLines(this.decoder.write(chunk));
	}

	/** The digest, once every chunk has been fed; the stream cannot be used afterwards. */
	finish(): FileDigest {
		this.countLines(this.decoder.end());
		if (isRecordLine(this.partial)) {
			this.records++;
		}
		this.partial = '';
		return { sha256: this.hash.digest('hex'), size: this.size, records: this.records };
	}

	private countLines(text: string): void {
		const lines = (this.partial + text).split('\n');
		this.partial = lines.pop() ?? '';
		for (const line of lines) {
			if (isRecordLine(line)) {
				this.records++;
			}
		}
	}
}

/** A record is any line that is not blank (JSONL has one record per line; invalid lines still count). */
export function isRecordLine(line: string): boolean {
	return line.trim() !== '';
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
 * The lines of a file for the linter (the same splitting as `readLines`: CRLF removed, invalid UTF-8 as U+FFFD)
 * and, once they are exhausted, the digest of the same bytes: one read serves both.
 */
export function readLinesWithDigest(file: string): { lines: AsyncIterable<string>; digest: () => FileDigest } {
	const stream: ReadStream = createReadStream(file, { highWaterMark: 1 << 20 });
	const digest = new DigestStream();
	stream.on('data', (chunk) => digest.update(chunk as Buffer));
	const lines = readline.createInterface({ input: stream, crlfDelay: Infinity });
	let result: FileDigest | undefined;
	return {
		lines,
		digest: () => {
			result ??= digest.finish();
			return result;
		},
	};
}
