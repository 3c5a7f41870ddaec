/**
 * Text → sparse feature vectors: hashed word uni- and bigrams with sublinear TF-IDF weights, L2-normalised (the
 * recipe of the scikit-learn reference). Hashing goes into 2^24 buckets, so collisions are rare, and then only the
 * buckets seen in the training data get a row of the weight table: an unseen bucket would keep a zero weight anyway,
 * and a table of seen rows is 3–10 times smaller than a fixed 2^18 table, which makes every optimiser step cheaper.
 */

/** One record's features: parallel arrays of table rows and weights. */
export interface SparseVector {
	indices: Int32Array;
	values: Float32Array;
}

const HASH_BITS = 24;
const HASH_MASK = (1 << HASH_BITS) - 1;
const WORD_PATTERN = /[\p{L}\p{N}]+(?:'\p{L}+)?|[^\s\p{L}\p{N}]/gu;

/** Lower-cased words, plus punctuation marks as tokens of their own (they carry sentiment: "!" and "?"). */
export function tokenize(text: string): string[] {
	return text.toLowerCase().match(WORD_PATTERN) ?? [];
}

/** FNV-1a over UTF-16 code units. */
function fnv1a(text: string): number {
	let hash = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		hash ^= text.charCodeAt(i);
		hash = Math.imul(hash, 0x01000193);
	}
	return hash >>> 0;
}

/** Counts of the hashed uni- and bigrams of `text`, keyed by bucket. */
export function hashedNgrams(text: string): Map<number, number> {
	const words = tokenize(text);
	const counts = new Map<number, number>();
	const add = (key: string): void => {
		const bucket = fnv1a(key) & HASH_MASK;
		counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
	};
	for (let i = 0; i < words.length; i++) {
		add(words[i]);
		if (i + 1 < words.length) {
			add(`${words[i]} ${words[i + 1]}`);
		}
	}
	return counts;
}

/** The feature space learned from training texts: which buckets have rows, and their inverse document frequencies. */
export class FeatureSpace {
	private constructor(
		private readonly rows: ReadonlyMap<number, number>,
		private readonly idf: Float32Array,
	) {}

	/** Builds the space from the training texts only, so validation words never leak into the model. */
	static fit(texts: readonly string[]): FeatureSpace {
		const documentFrequency = new Map<number, number>();
		for (const text of texts) {
			for (const bucket of hashedNgrams(text).keys()) {
				documentFrequency.set(bucket, (documentFrequency.get(bucket) ?? 0) + 1);
			}
		}
		const rows = new Map<number, number>();
		const idf = new Float32Array(documentFrequency.size);
		for (const [bucket, frequency] of documentFrequency) {
			idf[rows.size] = Math.log((1 + texts.length) / (1 + frequency)) + 1;
			rows.set(bucket, rows.size);
		}
		return new FeatureSpace(rows, idf);
	}

	/** Rows of the weight table. */
	get size(): number {
		return this.idf.length;
	}

	/** The features of one text; n-grams never seen in training are dropped. */
	vectorize(text: string): SparseVector {
		const indices: number[] = [];
		const values: number[] = [];
		let norm = 0;
		for (const [bucket, count] of hashedNgrams(text)) {
			const row = this.rows.get(bucket);
			if (row === undefined) {
				continue;
			}
			const value = (1 + Math.log(count)) * this.idf[row];
			indices.push(row);
			values.push(value);
			norm += value * value;
		}
		const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
		return { indices: Int32Array.from(indices), values: Float32Array.from(values, (value) => value * scale) };
	}
}
