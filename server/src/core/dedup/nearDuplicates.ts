/**
 * Near-duplicate clustering: MinHash signatures, LSH banding to find candidate pairs without comparing all pairs,
 * exact Jaccard similarity to confirm each candidate, and connected components of the confirmed pairs.
 */

import { LintCancelled, type CancellationSignal } from '../types';
import { chooseBanding, SameKeyLinker, writeBandKeys, type Banding } from './lsh';
import { writeCharShingleSignature, writeMinhashSignature } from './minhash';
import { DEFAULT_SHINGLES, jaccard, shingleCount, shingleSet, writeShingleHashes, type ShingleOptions } from './shingles';
import { UnionFind } from './unionFind';

/** Everything that decides what counts as a near duplicate. */
export interface NearDuplicateOptions {
	/** Pairs whose exact Jaccard similarity of shingles reaches this are near duplicates. */
	threshold: number;
	shingles: ShingleOptions;
	/** A pair exactly at the threshold becomes a candidate with at least this probability. */
	minProbability: number;
	/** Budget of MinHash values per record; more allows steeper banding. */
	maxBins: number;
	/**
	 * Each member of an LSH bucket is compared with at most this many earlier members, so that a bucket of a million
	 * templated records costs linear, not quadratic, time. Members already in one cluster are never compared again.
	 */
	bucketWindow: number;
}

/** Defaults: character 5-grams, Jaccard 0.8, 99% candidate probability at the threshold. */
export const DEFAULT_NEAR_DUPLICATE_OPTIONS: NearDuplicateOptions = {
	threshold: 0.8,
	shingles: DEFAULT_SHINGLES,
	minProbability: 0.99,
	maxBins: 128,
	bucketWindow: 8,
};

/** Two records whose exact Jaccard similarity was computed and reached the threshold; `a < b`. */
export interface SimilarPair {
	a: number;
	b: number;
	similarity: number;
}

/** The outcome of one clustering run. */
export interface NearDuplicateResult {
	banding: Banding;
	/** Connected components of `pairs` with two or more members, each ascending, ordered by first member. */
	clusters: number[][];
	/** The confirmed pairs that joined the clusters. */
	pairs: SimilarPair[];
	/** How many candidate pairs had their exact similarity computed (the work LSH could not avoid). */
	candidatesChecked: number;
}

/** The banding implied by the options. */
export function bandingFor(options: NearDuplicateOptions): Banding {
	return chooseBanding(options.threshold, options.minProbability, options.maxBins);
}

/**
 * Computes the LSH bucket keys of normalised texts, one per band, reusing its scratch buffers across texts (a typed
 * array allocated per record would cost more than hashing the record).
 */
export class BandKeyHasher {
	readonly banding: Banding;
	private shingles = new Uint32Array(1024);
	private readonly signature: Uint32Array;
	private readonly minima: Int32Array;
	private readonly keys: Uint32Array;

	constructor(private readonly options: NearDuplicateOptions = DEFAULT_NEAR_DUPLICATE_OPTIONS) {
		this.banding = bandingFor(options);
		this.signature = new Uint32Array(this.banding.bands * this.banding.rows);
		this.minima = new Int32Array(this.signature.length);
		this.keys = new Uint32Array(this.banding.bands);
	}

	/**
	 * Writes the keys of `text` to `out[offset + band * stride]` for each band and returns true, or returns false and
	 * writes nothing for an empty text, which is never a near duplicate.
	 */
	write(text: string, out: Uint32Array, offset: number, stride: number): boolean {
		if (this.options.shingles.unit === 'char') {
			if (!writeCharShingleSignature(text, this.options.shingles.size, this.signature, this.minima)) {
				return false;
			}
		} else {
			const needed = shingleCount(text, this.options.shingles);
			if (needed === 0) {
				return false;
			}
			if (needed > this.shingles.length) {
				this.shingles = new Uint32Array(Math.max(needed, this.shingles.length * 2));
			}
			const count = writeShingleHashes(text, this.options.shingles, this.shingles);
			writeMinhashSignature(this.shingles, count, this.signature, this.minima);
		}
		writeBandKeys(this.signature, this.banding, this.keys, 0);
		for (let band = 0; band < this.banding.bands; band++) {
			out[offset + band * stride] = this.keys[band];
		}
		this.lastText = text;
		return true;
	}

	/** How many bytes `writeSketch` writes: one per MinHash bin. */
	get sketchBytes(): number {
		return this.signature.length;
	}

	/**
	 * Writes the low byte of each MinHash bin of `text` (b-bit minwise hashing): a compact sketch from which
	 * `sketchSimilarity` estimates the Jaccard similarity of two texts. Free right after `write` of the same text.
	 */
	writeSketch(text: string, out: Uint8Array, offset: number): void {
		if (text !== this.lastText && !this.write(text, this.keys, 0, 1)) {
			out.fill(0, offset, offset + this.signature.length);
			return;
		}
		for (let bin = 0; bin < this.signature.length; bin++) {
			out[offset + bin] = this.signature[bin] & 0xff;
		}
	}

	private lastText: string | undefined;
}

/**
 * The Jaccard similarity estimated from two b-bit sketches of `bins` bytes: bins agree with probability
 * J + (1 − J) / 256, so the agreement rate is corrected for chance agreement of the low bytes.
 */
export function sketchSimilarity(a: Uint8Array, offsetA: number, b: Uint8Array, offsetB: number, bins: number): number {
	let equal = 0;
	for (let bin = 0; bin < bins; bin++) {
		if (a[offsetA + bin] === b[offsetB + bin]) {
			equal++;
		}
	}
	return Math.max(0, (equal / bins - 1 / 256) / (1 - 1 / 256));
}

/**
 * Clusters normalised texts (already free of exact duplicates, or exact copies simply cluster at similarity 1).
 * `signal` is polled between bands and every few thousand records.
 */
export function findNearDuplicates(texts: readonly string[], options: NearDuplicateOptions = DEFAULT_NEAR_DUPLICATE_OPTIONS, signal?: CancellationSignal): NearDuplicateResult {
	const hasher = new BandKeyHasher(options);
	const keys = new Uint32Array(texts.length * hasher.banding.bands);
	const present = new Uint8Array(texts.length);
	for (let index = 0; index < texts.length; index++) {
		if ((index & 4095) === 4095) {
			throwIfCancelled(signal);
		}
		present[index] = hasher.write(texts[index], keys, index * hasher.banding.bands, 1) ? 1 : 0;
	}
	const similarity = cachedSimilarity((index) => shingleSet(texts[index], options.shingles));
	return clusterByBands(keys, present, hasher.banding, similarity, options, signal);
}

/**
 * The banding and confirmation step alone, over precomputed keys laid out record by record
 * (`keys[index * bands + band]`), so that a caller that caches keys per line (the editor) re-runs only this linear
 * step after an edit, and a streaming caller appends each record's keys without reordering them.
 * `present[index] === 0` marks records without keys. `similarity(a, b)` returns the exact Jaccard similarity.
 * `signal` is polled between chunks of work.
 */
export function clusterByBands(
	keys: Uint32Array,
	present: Uint8Array,
	banding: Banding,
	similarity: (a: number, b: number) => number,
	options: NearDuplicateOptions,
	signal?: CancellationSignal,
): NearDuplicateResult {
	const steps = clusterSteps(keys, present, banding, similarity, options);
	for (;;) {
		const step = steps.next();
		if (step.done === true) {
			return step.value;
		}
		throwIfCancelled(signal);
	}
}

/** How many records `clusterSteps` handles between two pauses. */
const RECORDS_PER_STEP = 1 << 15;

/**
 * `clusterByBands` as a generator that pauses between chunks of work (a band's linking, then every
 * `RECORDS_PER_STEP` records), so an async caller can yield to other work and notice a cancellation between steps.
 * When `shared` is given, it is filled with 1 for every record that shares a bucket with another record (the others
 * can never be part of a cluster).
 */
export function* clusterSteps(
	keys: Uint32Array,
	present: Uint8Array,
	banding: Banding,
	similarity: (a: number, b: number) => number,
	options: NearDuplicateOptions,
	shared?: Uint8Array,
): Generator<void, NearDuplicateResult, void> {
	const count = present.length;
	const components = new UnionFind(count);
	const linker = new SameKeyLinker(count);
	const pairs: SimilarPair[] = [];
	const rejected = new RejectedPairs();
	let candidatesChecked = 0;
	for (let band = 0; band < banding.bands; band++) {
		yield;
		const previous = linker.link(keys, band, banding.bands);
		for (let b = 0; b < count; b++) {
			if ((b & (RECORDS_PER_STEP - 1)) === RECORDS_PER_STEP - 1) {
				yield;
			}
			if (present[b] === 0) {
				continue;
			}
			if (shared !== undefined && previous[b] !== -1) {
				shared[b] = 1;
				shared[previous[b]] = 1;
			}
			// Each record is compared with at most `bucketWindow` earlier members of its bucket.
			let a = previous[b];
			for (let step = 0; a !== -1 && step < options.bucketWindow; step++, a = previous[a]) {
				if (present[a] === 0 || components.find(a) === components.find(b)) {
					continue;
				}
				if (rejected.has(a, b)) {
					continue;
				}
				candidatesChecked++;
				const value = similarity(a, b);
				if (value >= options.threshold) {
					components.union(a, b);
					pairs.push({ a, b, similarity: value });
				} else {
					rejected.add(a, b);
				}
			}
		}
	}
	return { banding, clusters: components.groups(2), pairs, candidatesChecked };
}

/** Slots of the rejected-pair memory: 2^20 pairs in 8 MB, whatever the size of the file. */
const REJECTED_PAIR_SLOTS = 1 << 20;

/**
 * The candidate pairs already confirmed to be below the threshold, so that a pair meeting in several bands is compared
 * once. It is a direct-mapped table of fixed size rather than a set of every rejected pair: on a file of a million
 * records that set grew past V8's limit of 2^24 entries and ended the rule. A pair pushed out by a later one is only
 * compared again, so forgetting costs time, never a wrong answer.
 */
export class RejectedPairs {
	private readonly first = new Int32Array(REJECTED_PAIR_SLOTS).fill(-1);
	private readonly second = new Int32Array(REJECTED_PAIR_SLOTS);

	has(a: number, b: number): boolean {
		const slot = RejectedPairs.slot(a, b);
		return this.first[slot] === a && this.second[slot] === b;
	}

	add(a: number, b: number): void {
		const slot = RejectedPairs.slot(a, b);
		this.first[slot] = a;
		this.second[slot] = b;
	}

	private static slot(a: number, b: number): number {
		return ((Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca77)) >>> 12) & (REJECTED_PAIR_SLOTS - 1);
	}
}

/** How many shingles the similarity cache may hold in all: 4M, 16 MB, whatever the size of the file. */
const CACHED_SHINGLES = 4_000_000;

/**
 * Exact similarity with the shingle sets of recently compared records kept, since a record in a bucket is compared
 * with several neighbours. The cache is emptied when the shingles it holds pass `maxShingles`: a budget in shingles
 * rather than in records, because on a file of long texts 50,000 cached records came to 180 MB.
 */
export function cachedSimilarity(setOf: (index: number) => Uint32Array, maxShingles = CACHED_SHINGLES): (a: number, b: number) => number {
	const cache = new Map<number, Uint32Array>();
	let cachedShingles = 0;
	const get = (index: number): Uint32Array => {
		let set = cache.get(index);
		if (set === undefined) {
			set = setOf(index);
			if (cachedShingles + set.length > maxShingles) {
				cache.clear();
				cachedShingles = 0;
			}
			cache.set(index, set);
			cachedShingles += set.length;
		}
		return set;
	};
	return (a, b) => jaccard(get(a), get(b));
}

function throwIfCancelled(signal: CancellationSignal | undefined): void {
	if (signal?.isCancellationRequested === true) {
		throw new LintCancelled();
	}
}
