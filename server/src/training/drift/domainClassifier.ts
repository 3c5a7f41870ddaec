import type { DomainClassifierResult } from '../../core/drift/compare';
import { rocAuc } from '../../core/drift/statistics';
import { FeatureSpace } from '../features';
import { seededRandom, shuffleInPlace } from '../random';
import { stratifiedSplit } from '../split';
import { DEFAULT_TRAIN_OPTIONS, type EncodedSet, fit } from '../train';

/**
 * The domain classifier of `tunelint drift`: the issue-7 proxy model trained to tell the records of A from those of
 * B. On held-out records its AUC is about 0.5 when the two are exchangeable and near 1 when they differ in ways
 * the summary statistics may miss. The separating n-grams are read off the trained model by scoring each candidate
 * n-gram on its own (the model's weights are private to it; a one-feature input gives the same ordering).
 */

/** Options of the domain classifier. */
export interface DomainClassifierOptions {
	/** Records taken from each side at most (a seeded sample), which bounds the time. */
	maxPerSide: number;
	/** Share of each side held out for the AUC. */
	heldOutShare: number;
	seed: number;
	/** How many separating n-grams to report. */
	topNgrams: number;
}

export const DEFAULT_DOMAIN_OPTIONS: DomainClassifierOptions = { maxPerSide: 2000, heldOutShare: 0.3, seed: 42, topNgrams: 15 };

/** Trains the classifier on texts of A and B and reports its held-out AUC; `candidates` are the n-grams to score. */
export async function domainClassifier(textsA: readonly string[], textsB: readonly string[], candidates: readonly string[], options: DomainClassifierOptions = DEFAULT_DOMAIN_OPTIONS): Promise<DomainClassifierResult> {
	const random = seededRandom(options.seed);
	const a = shuffleInPlace([...textsA], random).slice(0, options.maxPerSide);
	const b = shuffleInPlace([...textsB], random).slice(0, options.maxPerSide);
	const texts = [...a, ...b];
	const classes = Int32Array.from(texts, (_, index) => (index < a.length ? 0 : 1));
	const split = stratifiedSplit(classes, options.heldOutShare, options.seed);
	const space = FeatureSpace.fit(split.train.map((index) => texts[index]));
	const encode = (indices: number[]): EncodedSet => ({ vectors: indices.map((index) => space.vectorize(texts[index])), classes: Int32Array.from(indices, (index) => classes[index]) });
	const train = encode(split.train);
	const heldOut = encode(split.validation);
	const { model } = await fit(train, heldOut, space.size, 2, { ...DEFAULT_TRAIN_OPTIONS, epochs: 5, seed: options.seed });
	try {
		const probabilities = await model.predict(heldOut.vectors);
		const scores = Float64Array.from({ length: heldOut.vectors.length }, (_, row) => probabilities[row * 2 + 1]);
		const auc = rocAuc(scores, Array.from(heldOut.classes, (value) => value === 1));
		const probe = [space.vectorize(''), ...candidates.map((gram) => space.vectorize(gram))];
		const probed = await model.predict(probe);
		const logit = (row: number): number => Math.log(Math.max(probed[row * 2 + 1], 1e-7)) - Math.log(Math.max(probed[row * 2], 1e-7));
		const neutral = logit(0);
		const weights = candidates
			.map((ngram, index) => ({ ngram, weight: logit(index + 1) - neutral, known: probe[index + 1].indices.length > 0 }))
			.filter((entry) => entry.known)
			.sort((x, y) => Math.abs(y.weight) - Math.abs(x.weight))
			.slice(0, options.topNgrams);
		return { auc, topNgrams: weights.map((entry) => ({ ngram: entry.ngram, weight: entry.weight, side: entry.weight > 0 ? 'B' : 'A' })), records: { a: a.length, b: b.length } };
	} finally {
		model.dispose();
	}
}
