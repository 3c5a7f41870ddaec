/**
 * One-permutation MinHash with optimal densification (Shrivastava, "Optimal Densification for Fast and Accurate
 * Minwise Hashing", ICML 2017). Each shingle is hashed once; the hash picks one of `bins` bins by its high bits and the
 * bin keeps its smallest hash. Bins left empty (short texts) copy the value of a non-empty bin chosen by a probe
 * sequence that depends only on the bin number, so two texts agree on a bin with probability equal to their Jaccard
 * similarity, as with `bins` independent permutations, at the cost of one hash per shingle instead of `bins`.
 */

import { fmix32, hashString32 } from './hash';
import { CHAR_SEED, powerMod32, ROLLING_BASE } from './shingles';

const TWO_POW_32 = 4294967296;
const PROBE_SEED = 0x5bd1e995;

/** A signature of `bins` values; two signatures are comparable only when computed with the same `bins`. */
export function minhashSignature(shingles: Uint32Array, bins: number): Uint32Array {
	const signature = new Uint32Array(bins);
	writeMinhashSignature(shingles, shingles.length, signature, new Uint8Array(bins));
	return signature;
}

/**
 * The allocation-free form: the signature of `shingles[0..count)` goes into `signature` (its length is the bin count),
 * with `filled` as scratch of the same length.
 */
export function writeMinhashSignature(shingles: Uint32Array, count: number, signature: Uint32Array, filled: Uint8Array): void {
	const bins = signature.length;
	filled.fill(0);
	for (let i = 0; i < count; i++) {
		const h = shingles[i];
		const bin = Math.floor((h / TWO_POW_32) * bins);
		if (filled[bin] === 0 || h < signature[bin]) {
			signature[bin] = h;
			filled[bin] = 1;
		}
	}
	if (count > 0) {
		densify(signature, filled, bins);
	}
}

/**
 * The signature of the character `size`-grams of `text`, hashed on the fly: the same values as `writeShingleHashes`
 * followed by `writeMinhashSignature`, without writing the shingles out (the hottest loop on big files). Returns false
 * for an empty text.
 */
export function writeCharShingleSignature(text: string, size: number, signature: Uint32Array, filled: Uint8Array): boolean {
	const length = text.length;
	if (length === 0) {
		return false;
	}
	const bins = signature.length;
	filled.fill(0);
	if (length <= size) {
		const h = hashString32(text, CHAR_SEED);
		const bin = Math.floor((h / TWO_POW_32) * bins);
		signature[bin] = h;
		filled[bin] = 1;
	} else {
		const dropFactor = powerMod32(ROLLING_BASE, size - 1);
		let rolling = 0;
		for (let offset = 0; offset < size - 1; offset++) {
			rolling = (Math.imul(rolling, ROLLING_BASE) + text.charCodeAt(offset)) | 0;
		}
		const count = length - size + 1;
		for (let start = 0; start < count; start++) {
			rolling = (Math.imul(rolling, ROLLING_BASE) + text.charCodeAt(start + size - 1)) | 0;
			const h = fmix32(rolling ^ CHAR_SEED);
			const bin = Math.floor((h / TWO_POW_32) * bins);
			if (filled[bin] === 0 || h < signature[bin]) {
				signature[bin] = h;
				filled[bin] = 1;
			}
			rolling = (rolling - Math.imul(text.charCodeAt(start), dropFactor)) | 0;
		}
	}
	densify(signature, filled, bins);
	return true;
}

/** Fills each empty bin from the first non-empty bin of its own pseudo-random probe sequence. */
function densify(signature: Uint32Array, filled: Uint8Array, bins: number): void {
	const probes = probeTable(bins);
	for (let bin = 0; bin < bins; bin++) {
		if (filled[bin] === 1) {
			continue;
		}
		let attempt = 1;
		for (; attempt <= PROBES_TABLED; attempt++) {
			const probe = probes[bin * PROBES_TABLED + attempt - 1];
			if (filled[probe] === 1) {
				signature[bin] = signature[probe];
				break;
			}
		}
		for (; attempt > PROBES_TABLED; attempt++) {
			const probe = probeOf(bin, attempt, bins);
			if (filled[probe] === 1) {
				signature[bin] = signature[probe];
				break;
			}
		}
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
