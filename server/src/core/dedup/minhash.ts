/**
 * One-permutation MinHash with optimal densification (Shrivastava, "Optimal Densification for Fast and Accurate
 * Minwise Hashing", ICML 2017). Each shingle is hashed once; the hash picks one of `bins` bins by its high bits and the
 * bin keeps its smallest hash. Bins left empty (short texts) copy the value of a non-empty bin chosen by a probe
 * sequence that depends only on the bin number, so two texts agree on a bin with probability equal to their Jaccard
 * similarity, as with `bins` independent permutations, at the cost of one hash per shingle instead of `bins`.
 */

import { writeCharMinimaWasm } from './charMinimaWasm';
import { fmix32, hashString32 } from './hash';
import { CHAR_SEED, powerMod32, ROLLING_BASE } from './shingles';

const PROBE_SEED = 0x5bd1e995;

/** A signature of `bins` values; two signatures are comparable only when computed with the same `bins`. */
export function minhashSignature(shingles: Uint32Array, bins: number): Uint32Array {
	const signature = new Uint32Array(bins);
	writeMinhashSignature(shingles, shingles.length, signature, new Int32Array(bins));
	return signature;
}

/**
 * The bins' minima are kept as signed integers (a hash xor 2^31), whose order is the unsigned order of the hashes:
 * the hot loop then compares small integers rather than unsigned values that V8 holds as doubles. A bin still at
 * `EMPTY` has seen no shingle (a shingle hashing to 2^32 - 1 counts as none: one chance in four thousand million).
 */
const EMPTY = 0x7fffffff;
const SIGN = 0x80000000;

/**
 * The allocation-free form: the signature of `shingles[0..count)` goes into `signature` (its length is the bin count),
 * with `minima` as scratch of the same length.
 */
export function writeMinhashSignature(shingles: Uint32Array, count: number, signature: Uint32Array, minima: Int32Array): void {
	const bins = signature.length;
	minima.fill(EMPTY);
	for (let i = 0; i < count; i++) {
		const h = shingles[i] | 0;
		const bin = binOf(h, bins);
		const value = h ^ SIGN;
		if (value < minima[bin]) {
			minima[bin] = value;
		}
	}
	if (count > 0) {
		densify(signature, minima, bins);
	}
}

/** floor(h * bins / 2^32) for the unsigned value of `h`, in small-integer arithmetic (exact for bins up to 2^16). */
function binOf(h: number, bins: number): number {
	return ((h >>> 16) * bins + (((h & 0xffff) * bins) >>> 16)) >>> 16;
}

/**
 * The signature of the character `size`-grams of `text`, hashed on the fly: the same values as `writeShingleHashes`
 * followed by `writeMinhashSignature`, without writing the shingles out (the hottest loop on big files): one rolling
 * update, one MurmurHash3 finaliser and one comparison per character, no allocation per character. Pure ASCII text
 * runs the loop in WebAssembly (charMinimaWasm.ts, about twice as fast), any other text or a runtime without
 * WebAssembly the JavaScript loop; both give the same signature. Returns false for an empty text.
 */
export function writeCharShingleSignature(text: string, size: number, signature: Uint32Array, minima: Int32Array): boolean {
	return writeCharShingleSignatureWith(writeCharMinimaFastest, text, size, signature, minima);
}

/** `writeCharShingleSignature` always on the JavaScript loop: the reference the WebAssembly loop is tested against. */
export function writeCharShingleSignatureJs(text: string, size: number, signature: Uint32Array, minima: Int32Array): boolean {
	return writeCharShingleSignatureWith(writeCharMinimaJs, text, size, signature, minima);
}

/** Writes the minima of the `size`-grams of a text longer than `size` into `minima[0..bins)`. */
type CharMinimaWriter = (text: string, size: number, minima: Int32Array, bins: number) => void;

function writeCharShingleSignatureWith(writeMinima: CharMinimaWriter, text: string, size: number, signature: Uint32Array, minima: Int32Array): boolean {
	const length = text.length;
	if (length === 0) {
		return false;
	}
	const bins = signature.length;
	if (length <= size) {
		minima.fill(EMPTY);
		const h = hashString32(text, CHAR_SEED) | 0;
		minima[binOf(h, bins)] = h ^ SIGN;
	} else {
		writeMinima(text, size, minima, bins);
	}
	densify(signature, minima, bins);
	return true;
}

function writeCharMinimaFastest(text: string, size: number, minima: Int32Array, bins: number): void {
	if (!writeCharMinimaWasm(text, size, minima, bins)) {
		writeCharMinimaJs(text, size, minima, bins);
	}
}

function writeCharMinimaJs(text: string, size: number, minima: Int32Array, bins: number): void {
	minima.fill(EMPTY);
	const length = text.length;
	const dropFactor = powerMod32(ROLLING_BASE, size - 1);
	let rolling = 0;
	for (let offset = 0; offset < size - 1; offset++) {
		rolling = (Math.imul(rolling, ROLLING_BASE) + text.charCodeAt(offset)) | 0;
	}
	for (let start = 0, end = size - 1; end < length; start++, end++) {
		rolling = (Math.imul(rolling, ROLLING_BASE) + text.charCodeAt(end)) | 0;
		// fmix32 inlined, kept signed (see EMPTY).
		let h = rolling ^ CHAR_SEED;
		h ^= h >>> 16;
		h = Math.imul(h, 0x85ebca6b);
		h ^= h >>> 13;
		h = Math.imul(h, 0xc2b2ae35);
		h ^= h >>> 16;
		const bin = ((h >>> 16) * bins + (((h & 0xffff) * bins) >>> 16)) >>> 16;
		// Branch-free minimum: about a third of the comparisons succeed at random, and a mispredicted branch per
		// character cost more than the whole hash.
		const value = h ^ SIGN;
		const current = minima[bin];
		minima[bin] = current ^ ((value ^ current) & -(value < current));
		rolling = (rolling - Math.imul(text.charCodeAt(start), dropFactor)) | 0;
	}
}

/**
 * Writes the bins' minima as unsigned hashes, each empty bin filled from the first non-empty bin of its own
 * pseudo-random probe sequence.
 */
function densify(signature: Uint32Array, minima: Int32Array, bins: number): void {
	if (minima.every((value) => value === EMPTY)) {
		// Every shingle hashed to 2^32 - 1 (see EMPTY): that is each bin's minimum, and no probe would end.
		signature.fill(0xffffffff);
		return;
	}
	const probes = probeTable(bins);
	for (let bin = 0; bin < bins; bin++) {
		let value = minima[bin];
		let attempt = 1;
		for (; value === EMPTY && attempt <= PROBES_TABLED; attempt++) {
			value = minima[probes[bin * PROBES_TABLED + attempt - 1]];
		}
		for (; value === EMPTY; attempt++) {
			value = minima[probeOf(bin, attempt, bins)];
		}
		signature[bin] = (value ^ SIGN) >>> 0;
	}
}

/** Probe sequences depend only on (bins, bin, attempt), so the first few are computed once per bin count. */
const PROBES_TABLED = 16;
const probeTables = new Map<number, Uint16Array | Uint32Array>();

function probeTable(bins: number): Uint16Array | Uint32Array {
	let table = probeTables.get(bins);
	if (table === undefined) {
		table = bins <= 65536 ? new Uint16Array(bins * PROBES_TABLED) : new Uint32Array(bins * PROBES_TABLED);
		for (let bin = 0; bin < bins; bin++) {
			for (let attempt = 1; attempt <= PROBES_TABLED; attempt++) {
				table[bin * PROBES_TABLED + attempt - 1] = probeOf(bin, attempt, bins);
			}
		}
		probeTables.set(bins, table);
	}
	return table;
}

function probeOf(bin: number, attempt: number, bins: number): number {
	return fmix32(Math.imul(bin + 1, PROBE_SEED) ^ Math.imul(attempt, 0x9e3779b1)) % bins;
}

/** The share of bins on which two signatures agree: an unbiased estimate of the Jaccard similarity of their texts. */
export function estimatedSimilarity(a: Uint32Array, b: Uint32Array): number {
	let equal = 0;
	for (let i = 0; i < a.length; i++) {
		if (a[i] === b[i]) {
			equal++;
		}
	}
	return a.length === 0 ? 0 : equal / a.length;
}
