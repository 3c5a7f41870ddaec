/**
 * Small, fast, deterministic 32-bit hashing on JavaScript numbers. Everything in dedup is built on these so that a
 * signature computed in the editor equals the one computed by the CLI for the same text.
 */

const MURMUR_C1 = 0xcc9e2d51;
const MURMUR_C2 = 0x1b873593;

/** The MurmurHash3 finaliser: spreads every input bit over the whole 32-bit result. */
export function fmix32(value: number): number {
	let h = value | 0;
	h ^= h >>> 16;
	h = Math.imul(h, 0x85ebca6b);
	h ^= h >>> 13;
	h = Math.imul(h, 0xc2b2ae35);
	h ^= h >>> 16;
	return h >>> 0;
}

/** Mixes one 32-bit word into a running MurmurHash3 state and returns the new state. */
export function mixWord(state: number, word: number): number {
	let k = Math.imul(word | 0, MURMUR_C1);
	k = (k << 15) | (k >>> 17);
	k = Math.imul(k, MURMUR_C2);
	let h = (state ^ k) | 0;
	h = (h << 13) | (h >>> 19);
	return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** MurmurHash3-style hash of a string's UTF-16 code units, two per 32-bit word. */
export function hashString32(text: string, seed = 0): number {
	let h = seed | 0;
	const length = text.length;
	let i = 0;
	for (; i + 1 < length; i += 2) {
		h = mixWord(h, text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16));
	}
	if (i < length) {
		h = mixWord(h, text.charCodeAt(i));
	}
	return fmix32(h ^ length);
}

const SEED_HIGH = 0x2f6b1c3d;
const SEED_LOW = 0x7a31e5b9;

/**
 * A 53-bit hash (a safe integer, so it can key a Map without allocating strings). Two independent 32-bit hashes make
 * an accidental collision among a million texts about one chance in ten thousand million.
 */
export function hashString53(text: string): number {
	let high = SEED_HIGH;
	let low = SEED_LOW;
	const length = text.length;
	let i = 0;
	for (; i + 1 < length; i += 2) {
		const word = text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16);
		high = mixWord(high, word);
		low = mixWord(low, word);
	}
	if (i < length) {
		high = mixWord(high, text.charCodeAt(i));
		low = mixWord(low, text.charCodeAt(i));
	}
	return (fmix32(high ^ length) & 0x1fffff) * 0x100000000 + fmix32(low ^ length);
}

/**
 * A 53-bit hash like `hashString53` at a fraction of its cost, for hashes kept in memory only, such as the duplicate
 * rules' key of every record; never persist it (`hashString53` is the stable one, and this one depends on the
 * machine's byte order). ASCII text, nearly all of a fine-tuning file, is copied to bytes by the native encoder and
 * hashed four bytes per step; each 32-bit word goes into both lanes with one multiply and a shift each, and
 * MurmurHash3's finaliser ends each lane. Other text is hashed by UTF-16 code units, so that texts differing only in a
 * lone surrogate (which UTF-8 would replace) keep different hashes. On the 300 MB bench file's records this is 2 to 3.5
 * times faster than hashing code units, which had cost about as much as the near-duplicate rule's hash-table linking.
 */
export function hashText53(text: string): number {
	const length = text.length;
	if (scratch.length < length + 4) {
		// A multiple of four bytes, so that the words view covers the whole buffer.
		scratch = new Uint8Array(Math.max(2 * scratch.length, (length + 7) & ~3));
		scratchWords = new Int32Array(scratch.buffer);
	}
	// A text that fits only partly holds a character outside ASCII, as does one that fills more bytes than its length.
	const { read, written } = encoder.encodeInto(text, scratch.subarray(0, length));
	if (read !== length || written !== length) {
		return hashCodeUnits53(text);
	}
	// Zero the bytes after the text up to the next word, so that the last word holds only the text.
	scratch[length] = 0;
	scratch[length + 1] = 0;
	scratch[length + 2] = 0;
	let high = SEED_HIGH;
	let low = SEED_LOW;
	const words = (length + 3) >>> 2;
	for (let i = 0; i < words; i++) {
		const word = scratchWords[i];
		high = Math.imul(high ^ word, 0x9e3779b1);
		high ^= high >>> 15;
		low = Math.imul(low ^ word, 0x85ebca77);
		low ^= low >>> 13;
	}
	return finish53(high, low, length);
}

const encoder = new TextEncoder();
/** Reused for every text; it only grows, to the longest text hashed. */
let scratch = new Uint8Array(64 * 1024);
let scratchWords = new Int32Array(scratch.buffer);

/** `hashText53` of text outside ASCII: by UTF-16 code units, two per 32-bit word. */
function hashCodeUnits53(text: string): number {
	let high = SEED_HIGH;
	let low = SEED_LOW;
	const length = text.length;
	let i = 0;
	for (; i + 1 < length; i += 2) {
		const word = text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16);
		high = Math.imul(high ^ word, 0x9e3779b1);
		high ^= high >>> 15;
		low = Math.imul(low ^ word, 0x85ebca77);
		low ^= low >>> 13;
	}
	if (i < length) {
		const word = text.charCodeAt(i);
		high = Math.imul(high ^ word, 0x9e3779b1);
		low = Math.imul(low ^ word, 0x85ebca77);
	}
	return finish53(high, low, length);
}

function finish53(high: number, low: number, length: number): number {
	return (fmix32(high ^ length) & 0x1fffff) * 0x100000000 + fmix32(low ^ Math.imul(length, 0xc2b2ae3d));
}
