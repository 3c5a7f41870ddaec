/**
 * Compact storage of the records a one-off near-duplicate run has seen (the CLI on files of millions of records): no
 * object per record, bucket keys and sketches in growable typed arrays, and normalised texts kept for exact
 * confirmation only up to a budget of characters. Past the budget a record keeps a b-bit MinHash sketch instead, and
 * its candidate pairs are confirmed by the similarity estimated from sketches, which keeps memory at about 200 bytes
 * per record whatever the length of the records.
 */

import { cachedSimilarity, sketchSimilarity, type BandKeyHasher } from './nearDuplicates';
import { shingleSet, type ShingleOptions } from './shingles';

/** Characters of normalised text kept for exact confirmation by default (about 50 MB for ASCII text). */
export const DEFAULT_RETAINED_TEXT_CHARS = 50_000_000;

export class StreamedSlots {
	private keys: Uint32Array;
	private sketches: Uint8Array;
	private readonly texts: Array<string | undefined> = [];
	private retainedChars = 0;
	private estimatedSlots = 0;
	private readonly bands: number;
	private readonly bins: number;

	constructor(private readonly hasher: BandKeyHasher, private readonly maxRetainedChars: number) {
		this.bands = hasher.banding.bands;
		this.bins = hasher.sketchBytes;
		this.keys = new Uint32Array(1024 * this.bands);
		this.sketches = new Uint8Array(1024 * this.bins);
	}

	/** How many records were stored. */
	get count(): number {
		return this.texts.length;
	}

	/** How many records are confirmed by estimated rather than exact similarity. */
	get estimated(): number {
		return this.estimatedSlots;
	}

	/** Stores the next record by its normalised text (never empty), hashing it into bucket keys, one per band. */
	add(text: string): void {
		const slot = this.texts.length;
		this.keys = ensure(this.keys, (slot + 1) * this.bands);
		this.hasher.write(text, this.keys, slot * this.bands, 1);
		if (this.retainedChars + text.length <= this.maxRetainedChars) {
			this.texts.push(text);
			this.retainedChars += text.length;
			return;
		}
		this.texts.push(undefined);
		this.estimatedSlots++;
		this.sketches = ensure(this.sketches, (slot + 1) * this.bins);
		this.hasher.writeSketch(text, this.sketches, slot * this.bins);
	}

	/** The bucket keys laid out record by record, as `clusterSteps` takes them. */
	bucketKeys(): Uint32Array {
		return this.keys.subarray(0, this.count * this.bands);
	}

	/**
	 * The similarity of two stored records: exact Jaccard of their shingle sets when both texts were kept, otherwise
	 * the estimate from their sketches (a kept text's sketch is computed when needed).
	 */
	similarity(shingles: ShingleOptions): (a: number, b: number) => number {
		const exact = cachedSimilarity((slot) => shingleSet(this.texts[slot] ?? '', shingles));
		const scratchA = new Uint8Array(this.bins);
		const scratchB = new Uint8Array(this.bins);
		const sketchOf = (slot: number, scratch: Uint8Array): [Uint8Array, number] => {
			const text = this.texts[slot];
			if (text === undefined) {
				return [this.sketches, slot * this.bins];
			}
			this.hasher.writeSketch(text, scratch, 0);
			return [scratch, 0];
		};
		return (a, b) => {
			if (this.texts[a] !== undefined && this.texts[b] !== undefined) {
				return exact(a, b);
			}
			const [sketchA, offsetA] = sketchOf(a, scratchA);
			const [sketchB, offsetB] = sketchOf(b, scratchB);
			return sketchSimilarity(sketchA, offsetA, sketchB, offsetB, this.bins);
		};
	}
}

/** `array` or a copy grown by half (not doubled, to keep the momentary copy small) that holds at least `length` values. */
function ensure<T extends Uint32Array | Uint8Array>(array: T, length: number): T {
	if (length <= array.length) {
		return array;
	}
	const grown = new (array.constructor as new (size: number) => T)(Math.max(length, Math.ceil(array.length * 1.5)));
	grown.set(array);
	return grown;
}
