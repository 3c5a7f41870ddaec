/**
 * Locality-sensitive hashing by banding: a signature of `bands × rows` values is cut into bands of `rows` values; two
 * records become a candidate pair when all rows of at least one band agree. A pair of Jaccard similarity s is a
 * candidate with probability 1 − (1 − s^rows)^bands, an S-curve whose steepness grows with `rows`.
 */

import { fmix32, mixWord } from './hash';

/** The banding of a signature. */
export interface Banding {
	bands: number;
	rows: number;
}

/** Probability that a pair of Jaccard similarity `similarity` shares at least one band. */
export function candidateProbability(similarity: number, banding: Banding): number {
	return 1 - Math.pow(1 - Math.pow(similarity, banding.rows), banding.bands);
}

/**
 * The banding that makes a pair at `threshold` a candidate with probability at least `minProbability`, within a budget
 * of `maxBins` signature values. Among those it takes the most rows per band, because that is what keeps dissimilar
 * pairs out of the candidates (their chance falls as similarity^rows), then the fewest bands.
 */
export function chooseBanding(threshold: number, minProbability: number, maxBins: number): Banding {
	if (!(threshold > 0 && threshold < 1) || !(minProbability > 0 && minProbability < 1) || maxBins < 1) {
		throw new RangeError(`no banding for threshold ${threshold}, probability ${minProbability}, ${maxBins} bins`);
	}
	for (let rows = maxBins; rows >= 1; rows--) {
		const perBand = Math.pow(threshold, rows);
		const bands = Math.ceil(Math.log(1 - minProbability) / Math.log(1 - perBand));
		if (Number.isFinite(bands) && bands * rows <= maxBins && candidateProbability(threshold, { bands, rows }) >= minProbability) {
			return { bands, rows };
		}
	}
	throw new RangeError(`no banding reaches probability ${minProbability} at threshold ${threshold} within ${maxBins} bins`);
}

/** Samples of the S-curve, for hovers and reports: similarity → candidate probability. */
export function probabilityCurve(banding: Banding, similarities: readonly number[] = [0.5, 0.6, 0.7, 0.8, 0.9, 0.95]): Array<{ similarity: number; probability: number }> {
	return similarities.map((similarity) => ({ similarity, probability: candidateProbability(similarity, banding) }));
}

/** One 32-bit bucket key per band of a signature, written into `out` at `offset` (keys of one band only ever meet keys of the same band). */
export function writeBandKeys(signature: Uint32Array, banding: Banding, out: Uint32Array, offset: number): void {
	for (let band = 0; band < banding.bands; band++) {
		let h = band;
		const start = band * banding.rows;
		for (let row = 0; row < banding.rows; row++) {
			h = mixWord(h, signature[start + row]);
		}
		out[offset + band] = fmix32(h ^ banding.rows);
	}
}

/**
 * The order that sorts `keys` ascending (stable), by a two-pass radix sort: linear time, so grouping a million bucket
 * keys stays proportional to the number of records.
 */
export function radixOrder(keys: Uint32Array): Uint32Array {
	const count = keys.length;
	const counts = new Uint32Array(65537);
	const first = new Uint32Array(count);
	const order = new Uint32Array(count);
	for (let i = 0; i < count; i++) {
		counts[(keys[i] & 0xffff) + 1]++;
	}
	for (let i = 1; i < 65537; i++) {
		counts[i] += counts[i - 1];
	}
	for (let i = 0; i < count; i++) {
		first[counts[keys[i] & 0xffff]++] = i;
	}
	counts.fill(0);
	for (let i = 0; i < count; i++) {
		counts[(keys[i] >>> 16) + 1]++;
	}
	for (let i = 1; i < 65537; i++) {
		counts[i] += counts[i - 1];
	}
	for (let i = 0; i < count; i++) {
		const index = first[i];
		order[counts[keys[index] >>> 16]++] = index;
	}
	return order;
}

/**
 * Links each record to the previous record with the same bucket key: `previous[i]` is the largest `j < i` with
 * `keys[j] === keys[i]`, or -1. One pass over an open-addressing table, so a band's buckets cost one probe per record
 * (cheaper than sorting). The table is scratch owned by the caller, reused across bands.
 */
export class SameKeyLinker {
	/** Open-addressing table of (key, last index + 1) pairs side by side, so a probe touches one cache line. */
	private readonly table: Uint32Array;
	private readonly mask: number;
	readonly previous: Int32Array;

	constructor(count: number) {
		let size = 16;
		while (size < count * 2) {
			size *= 2;
		}
		this.mask = size - 1;
		this.table = new Uint32Array(size * 2);
		this.previous = new Int32Array(count);
	}

	/**
	 * Fills `previous` for one band of keys laid out record by record: record `index` has its key of this band at
	 * `keys[index * stride + band]`. The number of records is the count given to the constructor.
	 */
	link(keys: Uint32Array, band: number, stride: number): Int32Array {
		const { table, mask, previous } = this;
		table.fill(0);
		for (let index = 0; index < previous.length; index++) {
			const key = keys[index * stride + band];
			// Bucket keys are already well-mixed hashes, so their low bits are a fine table position.
			let position = key & mask;
			while (table[2 * position + 1] !== 0 && table[2 * position] !== key) {
				position = (position + 1) & mask;
			}
			previous[index] = table[2 * position + 1] - 1;
			table[2 * position] = key;
			table[2 * position + 1] = index + 1;
		}
		return previous;
	}
}
