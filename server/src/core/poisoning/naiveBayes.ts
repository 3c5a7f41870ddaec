/**
 * A multinomial naive Bayes model over word counts, fitted on the file being linted. Trigger mining uses it to ask
 * what the rest of a record predicts once a candidate n-gram is left out, with the record itself left out of the
 * counts (so a record never votes for its own label).
 */

import { runSteps, type Steps } from './steps';

/** Word counts of one record as two parallel arrays (far lighter than a Map when cached for every line). */
export interface Bag {
	readonly words: readonly string[];
	readonly counts: ArrayLike<number>;
}

/** A fitted model; build it with {@link fitNaiveBayes}. */
export interface NaiveBayesModel {
	classCount: number;
	/** Records per class. */
	documents: Int32Array;
	/** Word tokens per class. */
	totals: Float64Array;
	/** Per word, its count in each class. */
	counts: ReadonlyMap<string, Int32Array>;
	/** Per word, log(count + smoothing) in each class: computed once, since every record re-reads it. */
	logCounts: ReadonlyMap<string, Float64Array>;
	/** Per class, log(total + smoothing · vocabulary): the full-model denominator. */
	logTotals: Float64Array;
	vocabularySize: number;
	recordCount: number;
}

/** Additive smoothing; 0.5 ranks better than Laplace's 1 on short texts with many rare words. */
const SMOOTHING = 0.5;
/** Records, or vocabulary words, handled between two yields of {@link fitNaiveBayesSteps}. */
const CHUNK = 256;

/** Fits the model on bags with class ids in 0..classCount-1; records with class -1 are skipped. */
export function fitNaiveBayes(bags: readonly Bag[], classes: readonly number[], classCount: number): NaiveBayesModel {
	return runSteps(fitNaiveBayesSteps(bags, classes, classCount));
}

/** {@link fitNaiveBayes} as steps that yield between chunks of records, for a finish step that must stay cancellable. */
export function* fitNaiveBayesSteps(bags: readonly Bag[], classes: readonly number[], classCount: number): Steps<NaiveBayesModel> {
	const documents = new Int32Array(classCount);
	const totals = new Float64Array(classCount);
	const counts = new Map<string, Int32Array>();
	let recordCount = 0;
	for (let i = 0; i < bags.length; i++) {
		if (i % CHUNK === 0) {
			yield;
		}
		const label = classes[i];
		if (label < 0) {
			continue;
		}
		recordCount++;
		documents[label]++;
		const bag = bags[i];
		for (let w = 0; w < bag.words.length; w++) {
			const word = bag.words[w];
			const count = bag.counts[w];
			let perClass = counts.get(word);
			if (perClass === undefined) {
				perClass = new Int32Array(classCount);
				counts.set(word, perClass);
			}
			perClass[label] += count;
			totals[label] += count;
		}
	}
	const logCounts = new Map<string, Float64Array>();
	let converted = 0;
	for (const [word, perClass] of counts) {
		if (++converted % (CHUNK * 16) === 0) {
			yield;
		}
		logCounts.set(word, Float64Array.from(perClass, (count) => Math.log(count + SMOOTHING)));
	}
	const logTotals = Float64Array.from(totals, (total) => Math.log(total + SMOOTHING * counts.size));
	return { classCount, documents, totals, counts, logCounts, logTotals, vocabularySize: counts.size, recordCount };
}

/**
 * Per-class log scores of a record that belongs to the training set with class `ownClass`, computed as if the record
 * had not been seen (leave-one-out).
 */
export function leaveOneOutScores(model: NaiveBayesModel, bag: Bag, ownClass: number): Float64Array {
	const scores = new Float64Array(model.classCount);
	const ownLength = lengthOf(bag);
	const denominators = new Float64Array(model.classCount);
	for (let c = 0; c < model.classCount; c++) {
		const own = c === ownClass;
		const documents = model.documents[c] - (own ? 1 : 0);
		scores[c] = documents <= 0 ? -Infinity : Math.log(documents / Math.max(1, model.recordCount - 1));
		denominators[c] = Math.log(model.totals[c] - (own ? ownLength : 0) + SMOOTHING * model.vocabularySize);
	}
	const unseen = Math.log(SMOOTHING);
	for (let w = 0; w < bag.words.length; w++) {
		const word = bag.words[w];
		const count = bag.counts[w];
		const perClass = model.counts.get(word);
		const logs = model.logCounts.get(word);
		for (let c = 0; c < model.classCount; c++) {
			// Only the record's own class loses the record's counts; the other classes read the precomputed logs.
			const logCount = c === ownClass ? Math.log((perClass?.[c] ?? 0) - count + SMOOTHING) : (logs?.[c] ?? unseen);
			scores[c] += count * (logCount - denominators[c]);
		}
	}
	return scores;
}

/**
 * The scores of {@link leaveOneOutScores} with the words in `leftOut` removed from the record: subtracting their
 * terms is exact because the multinomial likelihood is a product over the record's words.
 */
export function withoutWords(model: NaiveBayesModel, scores: Float64Array, bag: Bag, ownClass: number, leftOut: Iterable<string>): Float64Array {
	const result = Float64Array.from(scores);
	const ownLength = lengthOf(bag);
	for (const word of leftOut) {
		const index = bag.words.indexOf(word);
		if (index < 0) {
			continue;
		}
		const count = bag.counts[index];
		const perClass = model.counts.get(word);
		for (let c = 0; c < model.classCount; c++) {
			const own = c === ownClass;
			const denominator = Math.log(model.totals[c] - (own ? ownLength : 0) + SMOOTHING * model.vocabularySize);
			const inClass = (perClass?.[c] ?? 0) - (own ? count : 0);
			result[c] -= count * (Math.log(inClass + SMOOTHING) - denominator);
		}
	}
	return result;
}

/** Index of the highest score (the first one on ties). */
export function argmax(scores: ArrayLike<number>): number {
	let best = 0;
	for (let i = 1; i < scores.length; i++) {
		if (scores[i] > scores[best]) {
			best = i;
		}
	}
	return best;
}

/**
 * The record's word that speaks most for its own class against the strongest other class (leave-one-out counts):
 * what a topic word is to its record. Undefined for an empty record.
 */
export function strongestWord(model: NaiveBayesModel, bag: Bag, ownClass: number): string | undefined {
	const ownLength = lengthOf(bag);
	let best: string | undefined;
	let bestMargin = -Infinity;
	const ownDenominator = Math.log(model.totals[ownClass] - ownLength + SMOOTHING * model.vocabularySize);
	const unseen = Math.log(SMOOTHING);
	for (let w = 0; w < bag.words.length; w++) {
		const word = bag.words[w];
		const count = bag.counts[w];
		const logs = model.logCounts.get(word);
		const own = Math.log((model.counts.get(word)?.[ownClass] ?? 0) - count + SMOOTHING) - ownDenominator;
		let other = -Infinity;
		for (let c = 0; c < model.classCount; c++) {
			if (c !== ownClass) {
				other = Math.max(other, (logs?.[c] ?? unseen) - model.logTotals[c]);
			}
		}
		if (own - other > bestMargin) {
			bestMargin = own - other;
			best = word;
		}
	}
	return best;
}

function lengthOf(bag: Bag): number {
	let length = 0;
	for (let w = 0; w < bag.counts.length; w++) {
		length += bag.counts[w];
	}
	return length;
}
