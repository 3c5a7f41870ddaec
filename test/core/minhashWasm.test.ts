import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import wabt from 'wabt';

import { writeCharMinimaWasm } from '../../server/src/core/dedup/charMinimaWasm';
import { writeCharShingleSignature, writeCharShingleSignatureJs } from '../../server/src/core/dedup/minhash';
import { minhashWasmBytes } from '../../server/src/core/dedup/minhashWasm';
import { seededRandom as random } from '../../server/src/core/poisoning/random';
import { REPO_ROOT } from '../helpers/paths';

function integer(next: () => number, min: number, max: number): number {
	return min + Math.floor(next() * (max - min + 1));
}

/** Random ASCII: sometimes the whole range 0–127 (controls included), sometimes a few letters, so shingles repeat. */
function asciiText(next: () => number, length: number): string {
	const alphabet = next() < 0.5 ? 128 : integer(next, 1, 6);
	const first = alphabet === 128 ? 0 : 97;
	return Buffer.from(Array.from({ length }, () => first + Math.floor(next() * alphabet))).toString('latin1');
}

interface Signatures {
	written: boolean;
	signature: Uint32Array;
	minima: Int32Array;
}

function signaturesOf(write: typeof writeCharShingleSignature, text: string, size: number, bins: number): Signatures {
	const signature = new Uint32Array(bins);
	const minima = new Int32Array(bins);
	return { written: write(text, size, signature, minima), signature, minima };
}

/** Both paths give the same signature and the same minima; returns whether the WebAssembly loop took the text. */
function assertSamePaths(text: string, size: number, bins: number): boolean {
	const label = `length ${text.length}, size ${size}, bins ${bins}`;
	assert.deepEqual(signaturesOf(writeCharShingleSignature, text, size, bins), signaturesOf(writeCharShingleSignatureJs, text, size, bins), label);
	return text.length > size && writeCharMinimaWasm(text, size, new Int32Array(bins), bins);
}

void describe('writeCharShingleSignature in WebAssembly', () => {
	void it('gives the signatures of the JavaScript loop on random ASCII texts, sizes and bin counts', () => {
		const next = random(3);
		let tookWasm = 0;
		for (let i = 0; i < 600; i++) {
			const length = i < 20 ? i : integer(next, 0, 5000);
			const size = integer(next, 1, 9);
			if (assertSamePaths(asciiText(next, length), size, integer(next, 8, 1024))) {
				tookWasm++;
			} else {
				assert.ok(length <= size, `an ASCII text of length ${length} longer than size ${size} declined`);
			}
		}
		assert.ok(tookWasm > 500, `${tookWasm} texts took the WebAssembly loop`);
	});

	void it('leaves non-ASCII text to the JavaScript loop, with the same signature', () => {
		const next = random(5);
		const ascii = asciiText(next, 3000);
		for (const text of ['café au lait', '\u0080' + ascii, ascii + '\u00ff', ascii.slice(0, 1500) + '日本語' + ascii.slice(1500), 'emoji 😀 here', '\ud800 lone surrogate']) {
			for (const size of [1, 3, 5]) {
				assert.equal(assertSamePaths(text, size, 96), false, JSON.stringify(text.slice(0, 40)));
			}
		}
	});

	void it('grows its memory for a text of megabytes and keeps working on short texts afterwards', () => {
		const next = random(7);
		const long = asciiText(next, 3_000_000);
		assert.equal(assertSamePaths(long, 5, 1024), true);
		assert.equal(assertSamePaths(long.slice(0, 4_000_000) + 'é', 5, 96), false);
		assert.equal(assertSamePaths(asciiText(next, 200), 5, 96), true);
	});

	void it('falls back to the JavaScript loop where the runtime has no WebAssembly', () => {
		// The instance is made once per process, so a fresh Node without the WebAssembly global (--no-expose-wasm) runs
		// the check.
		const script = `
			const { writeCharShingleSignature, writeCharShingleSignatureJs } = require(${JSON.stringify(require.resolve('../../server/src/core/dedup/minhash'))});
			const { writeCharMinimaWasm } = require(${JSON.stringify(require.resolve('../../server/src/core/dedup/charMinimaWasm'))});
			const text = 'plain ascii text, long enough for many shingles';
			const fast = new Uint32Array(64);
			const reference = new Uint32Array(64);
			writeCharShingleSignature(text, 5, fast, new Int32Array(64));
			writeCharShingleSignatureJs(text, 5, reference, new Int32Array(64));
			console.log(JSON.stringify([typeof WebAssembly, writeCharMinimaWasm(text, 5, new Int32Array(64), 64), fast.every((value, i) => value === reference[i])]));
		`;
		const child = spawnSync(process.execPath, ['--no-expose-wasm', '-e', script], { encoding: 'utf8' });
		assert.equal(child.stderr, '');
		assert.deepEqual(JSON.parse(child.stdout), ['undefined', false, true]);
	});

	void it('ships the bytes that assembling minhashWasm.wat gives (run `npm run build:wasm` after editing it)', async () => {
		const source = path.join(REPO_ROOT, 'server', 'src', 'core', 'dedup', 'minhashWasm.wat');
		const module = (await wabt()).parseWat(path.basename(source), readFileSync(source, 'utf8'));
		try {
			module.validate();
			assert.deepEqual(Buffer.from(minhashWasmBytes), Buffer.from(module.toBinary({}).buffer));
		} finally {
			module.destroy();
		}
	});
});
