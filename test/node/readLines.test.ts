import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { seededRandom } from '../../server/src/core/poisoning/random';
import { readLineBatches, readLines, splitLineBatches } from '../../server/src/node/readLines';
import { readLinesWithDigest } from '../../server/src/provenance/digest';

/** Inputs where line splitting can go wrong: every kind of break, at and across chunk boundaries, and bad UTF-8. */
const CASES: Record<string, Buffer> = {
	empty: Buffer.alloc(0),
	'one newline': Buffer.from('\n'),
	'no final newline': Buffer.from('{"a":1}\n{"b":2}'),
	'blank lines': Buffer.from('a\n\n\nb\n\n'),
	crlf: Buffer.from('a\r\nb\r\n\r\nc\r\n'),
	'lone cr': Buffer.from('a\rb\r\rc'),
	'cr at the end': Buffer.from('a\nb\r'),
	'mixed breaks': Buffer.from('x\r\n\ny\r\rz\n\r\n'),
	'multi-byte characters': Buffer.from('é€😀\n日本語\r\nΩ\n'),
	'invalid utf-8': Buffer.concat([Buffer.from('ok\n'), Buffer.from([0xff, 0xfe, 0x41, 0xc3]), Buffer.from('\nend')]),
	'truncated sequence at the end': Buffer.concat([Buffer.from('a\n'), Buffer.from([0xe2, 0x82])]),
	'byte order mark': Buffer.from('\ufeff{"a":1}\n'),
};

/**
 * What readline with `crlfDelay: Infinity` over a UTF-8 decoding stream gives: the splitter this replaces (and the
 * benchmark's reference). The stream decodes, so a sequence cut short by the end of the file still gives U+FFFD.
 */
async function readlineLines(chunks: Buffer[]): Promise<string[]> {
	const lines: string[] = [];
	for await (const line of readline.createInterface({ input: Readable.from(chunks).setEncoding('utf8'), crlfDelay: Infinity })) {
		lines.push(line);
	}
	return lines;
}

/** Every line of a source of lines or of batches of lines. */
async function collect(lines: AsyncIterable<string | readonly string[]>): Promise<string[]> {
	const result: string[] = [];
	for await (const item of lines) {
		result.push(...(typeof item === 'string' ? [item] : item));
	}
	return result;
}

function chunked(bytes: Buffer, size: number): Buffer[] {
	const chunks: Buffer[] = [];
	for (let start = 0; start < bytes.length; start += size) {
		chunks.push(bytes.subarray(start, start + size));
	}
	return chunks;
}

void describe('splitLineBatches', () => {
	for (const [name, bytes] of Object.entries(CASES)) {
		void it(`gives readline's lines for ${name}, whatever the chunk size`, async () => {
			for (const size of [1, 2, 3, 4, 5, 7, bytes.length + 1]) {
				const chunks = chunked(bytes, size);
				assert.deepEqual(await collect(splitLineBatches(chunks)), await readlineLines(chunks), `chunks of ${size} bytes`);
			}
		});
	}

	void it('gives readline\'s lines for random mixes of breaks, text and multi-byte characters', async () => {
		const pieces = ['\n', '\r', '\r\n', 'ab', 'é', '😀', ' ', '{"x":"y"}'];
		const next = seededRandom(7);
		const below = (limit: number): number => Math.floor(next() * limit);
		for (let round = 0; round < 200; round++) {
			const text = Array.from({ length: 1 + below(40) }, () => pieces[below(pieces.length)]).join('');
			const chunks = chunked(Buffer.from(text), 1 + below(6));
			assert.deepEqual(await collect(splitLineBatches(chunks)), await readlineLines(chunks), JSON.stringify(text));
		}
	});
});

void describe('readLines and readLinesWithDigest', () => {
	void it('read a file from disk as readline does, and the digest covers the same bytes', async () => {
		const folder = mkdtempSync(path.join(tmpdir(), 'tunelint-lines-'));
		try {
			const file = path.join(folder, 'data.jsonl');
			const bytes = Buffer.concat(Object.values(CASES));
			writeFileSync(file, bytes);
			const expected = await readlineLines([bytes]);
			assert.deepEqual(await collect(readLines(file)), expected);
			assert.deepEqual(await collect(readLineBatches(file)), expected);
			const reading = readLinesWithDigest(file);
			assert.deepEqual(await collect(reading.lines), expected);
			assert.equal(reading.digest().size, bytes.length);
		} finally {
			rmSync(folder, { recursive: true, force: true });
		}
	});
});
