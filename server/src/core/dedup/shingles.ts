/** Shingling: the set of overlapping pieces of a text whose overlap measures how similar two texts are. */

import { fmix32, hashString32, mixWord } from './hash';

/** Character n-grams (robust to small edits) or word n-grams (the classic choice for long documents). */
export interface ShingleOptions {
	unit: 'char' | 'word';
	size: number;
}

/** Character 5-grams: one changed word in forty leaves most of them intact but breaks most word 5-grams. */
export const DEFAULT_SHINGLES: ShingleOptions = { unit: 'char', size: 5 };

/** An odd multiplier with well-spread bits, so the rolling hash of distinct 5-grams rarely collides. */
export const ROLLING_BASE = 0x01000193;
export const CHAR_SEED = 0x811c9dc5;
const WORD_SEED = 0x3c6ef372;

/**
 * One 32-bit hash per shingle of an already normalised text, in text order and with repeats (one-permutation MinHash
 * takes a minimum per bin, so repeats cost nothing but time). A text shorter than one shingle is one shingle; an empty
 * text has none.
 */
export function shingleHashes(text: string, options: ShingleOptions = DEFAULT_SHINGLES): Uint32Array {
	const buffer = new Uint32Array(shingleCount(text, options));
	writeShingleHashes(text, options, buffer);
	return buffer;
}

/** How many shingles `text` has: what `writeShingleHashes` needs room for. */
export function shingleCount(text: string, options: ShingleOptions): number {
	if (text.length === 0) {
		return 0;
	}
	if (options.unit === 'char') {
		return Math.max(1, text.length - options.size + 1);
	}
	let words = 1;
	for (let i = 0; i < text.length; i++) {
		if (text.charCodeAt(i) === 32) {
			words++;
		}
	}
	return Math.max(1, words - options.size + 1);
}

/**
 * Writes the shingle hashes of `text` into `out` (which must hold `shingleCount` values) and returns how many it wrote.
 * Reusing one buffer matters: allocating a typed array per record costs more than hashing a short record.
 */
export function writeShingleHashes(text: string, options: ShingleOptions, out: Uint32Array): number {
	return options.unit === 'char' ? writeCharShingles(text, options.size, out) : writeWordShingles(text, options.size, out);
}

/** The distinct shingle hashes, sorted ascending: the set that exact Jaccard similarity is computed on. */
export function shingleSet(text: string, options: ShingleOptions = DEFAULT_SHINGLES): Uint32Array {
	const hashes = shingleHashes(text, options).sort();
	let distinct = 0;
	for (let i = 0; i < hashes.length; i++) {
		if (i === 0 || hashes[i] !== hashes[distinct - 1]) {
			hashes[distinct++] = hashes[i];
		}
	}
	return hashes.subarray(0, distinct);
}

function writeCharShingles(text: string, size: number, hashes: Uint32Array): number {
	const length = text.length;
	if (length === 0) {
		return 0;
	}
	if (length <= size) {
		hashes[0] = hashString32(text, CHAR_SEED);
		return 1;
	}
	// A polynomial rolling hash updates in O(1) per position (drop the oldest code unit, add the newest); the
	// MurmurHash3 finaliser then spreads its bits, which one-permutation MinHash needs to pick bins uniformly.
	const dropFactor = powerMod32(ROLLING_BASE, size - 1);
	let rolling = 0;
	for (let offset = 0; offset < size - 1; offset++) {
		rolling = (Math.imul(rolling, ROLLING_BASE) + text.charCodeAt(offset)) | 0;
	}
	const count = length - size + 1;
	for (let start = 0; start < count; start++) {
		rolling = (Math.imul(rolling, ROLLING_BASE) + text.charCodeAt(start + size - 1)) | 0;
		hashes[start] = fmix32(rolling ^ CHAR_SEED);
		rolling = (rolling - Math.imul(text.charCodeAt(start), dropFactor)) | 0;
	}
	return count;
}

/** base^exponent modulo 2^32. */
export function powerMod32(base: number, exponent: number): number {
	let result = 1;
	for (let i = 0; i < exponent; i++) {
		result = Math.imul(result, base);
	}
	return result;
}

function writeWordShingles(text: string, size: number, hashes: Uint32Array): number {
	if (text.length === 0) {
		return 0;
	}
	const words = text.split(' ');
	const wordHashes = new Uint32Array(words.length);
	for (let i = 0; i < words.length; i++) {
		wordHashes[i] = hashString32(words[i], WORD_SEED);
	}
	const count = Math.max(1, words.length - size + 1);
	const span = Math.min(size, words.length);
	for (let start = 0; start < count; start++) {
		let h = WORD_SEED;
		for (let offset = 0; offset < span; offset++) {
			h = mixWord(h, wordHashes[start + offset]);
		}
		hashes[start] = fmix32(h ^ span);
	}
	return count;
}

/** Exact Jaccard similarity |A ∩ B| / |A ∪ B| of two sorted distinct hash sets (two empty sets are identical). */
export function jaccard(a: Uint32Array, b: Uint32Array): number {
	if (a.length === 0 && b.length === 0) {
		return 1;
	}
	let i = 0;
	let j = 0;
	let shared = 0;
	while (i < a.length && j < b.length) {
		if (a[i] === b[j]) {
			shared++;
			i++;
			j++;
		} else if (a[i] < b[j]) {
			i++;
		} else {
			j++;
		}
	}
	return shared / (a.length + b.length - shared);
}
