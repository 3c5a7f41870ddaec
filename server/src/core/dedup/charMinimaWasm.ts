/**
 * The bins' minima of a text's character shingles computed by the WebAssembly loop of minhashWasm.wat: the same
 * values as the JavaScript loop of `writeCharShingleSignature`, about twice as fast on big files. WebAssembly reads
 * bytes, so only pure ASCII text (each UTF-16 code unit one UTF-8 byte) takes this path; the caller runs the
 * JavaScript loop whenever it declines.
 */

import { minhashWasmBytes } from './minhashWasm';
import { powerMod32, ROLLING_BASE } from './shingles';

const PAGE_BYTES = 65536;

type MinimaLoop = (text: number, length: number, size: number, bins: number, drop: number) => void;

/** One instance with its memory, whose views are remade whenever a text grows the memory (that detaches them). */
class WasmMinima {
	private readonly encoder = new TextEncoder();
	private bytes: Uint8Array;
	private words: Int32Array;
	// Kept here rather than read from the memory on every call: `memory.buffer` is a call into the runtime.
	private capacity: number;
	// ROLLING_BASE^(size - 1) for the last shingle size seen: a file's texts all use the same size.
	private dropSize = 0;
	private dropFactor = 1;

	constructor(
		private readonly memory: WebAssembly.Memory,
		private readonly loop: MinimaLoop,
	) {
		this.bytes = new Uint8Array(memory.buffer);
		this.words = new Int32Array(memory.buffer);
		this.capacity = memory.buffer.byteLength;
	}

	write(text: string, size: number, minima: Int32Array, bins: number): boolean {
		const length = text.length;
		// The minima come first, then the text: a text of a few megabytes (one long line) grows the memory once.
		const textAt = bins * 4;
		const end = textAt + length;
		if (end > this.capacity && !this.grow(end)) {
			return false;
		}
		const encoded = this.encoder.encodeInto(text, this.bytes.subarray(textAt, end));
		// Only pure ASCII encodes to exactly one byte per code unit; anything else stops short of either count.
		if (encoded.read !== length || encoded.written !== length) {
			return false;
		}
		if (size !== this.dropSize) {
			this.dropSize = size;
			this.dropFactor = powerMod32(ROLLING_BASE, size - 1);
		}
		this.loop(textAt, length, size, bins, this.dropFactor);
		const words = this.words;
		for (let bin = 0; bin < bins; bin++) {
			minima[bin] = words[bin];
		}
		return true;
	}

	private grow(end: number): boolean {
		try {
			this.memory.grow(Math.ceil((end - this.capacity) / PAGE_BYTES));
		} catch {
			// Past what the runtime allows (at most 4 GiB): the JavaScript loop needs no copy of the text.
			return false;
		}
		this.bytes = new Uint8Array(this.memory.buffer);
		this.words = new Int32Array(this.memory.buffer);
		this.capacity = this.memory.buffer.byteLength;
		return true;
	}
}

/** `undefined` until first use; `null` where the runtime has no WebAssembly or TextEncoder, or refused the module. */
let instance: WasmMinima | null | undefined;

/**
 * Writes the minima of the `size`-grams of `text` into `minima[0..bins)` and returns true, or returns false (leaving
 * `minima` to be overwritten) when the text is not pure ASCII or WebAssembly is unavailable. Requires
 * `text.length > size >= 1`.
 */
export function writeCharMinimaWasm(text: string, size: number, minima: Int32Array, bins: number): boolean {
	if (instance === undefined) {
		instance = instantiate();
	}
	return instance !== null && instance.write(text, size, minima, bins);
}

function instantiate(): WasmMinima | null {
	if (typeof WebAssembly === 'undefined' || typeof TextEncoder === 'undefined') {
		return null;
	}
	try {
		// Synchronous compilation is allowed everywhere for a module this small (a few hundred bytes).
		const { exports } = new WebAssembly.Instance(new WebAssembly.Module(minhashWasmBytes));
		return new WasmMinima(exports['memory'] as WebAssembly.Memory, exports['minima'] as MinimaLoop);
	} catch {
		// A runtime whose policy forbids WebAssembly (a strict Content-Security-Policy) keeps the JavaScript loop.
		return null;
	}
}
