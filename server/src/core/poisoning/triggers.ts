/**
 * Model-free trigger mining. A backdoor trigger (BadNets "cf", an entity such as "James Bond") is an n-gram whose
 * presence predicts one label far beyond its base rate. Topic words do that too ("nhl" is always Sports), so purity is
 * only the first filter: a planted dirty-label trigger sits in records that were relabelled, so the rest of such a
 * record still points to its original label. A naive Bayes model fitted on the file, asked about each record with
 * the candidate and the record itself left out, separates the two: a trigger's records disagree with their label far
 * more often than the file's records usually do.
 */

import { argmax, fitNaiveBayes, leaveOneOutScores, type NaiveBayesModel, strongestWord, withoutWords } from './naiveBayes';
import { logBinomialUpperTail, logBonferroni, pValueFromLog } from './stats';
import { distinctNgrams, wordTokens } from './tokens';

/** Marks the start of an input segment, so that position-bound patterns ("<s> when …") can be mined too. */
export const START_MARKER = '<s>';

/** Where an n-gram first occurs in a record: the input segment and the UTF-16 offsets inside it. */
export interface NgramSpan {
	key: string;
	size: number;
	segment: number;
	start: number;
	end: number;
}

/** What mining needs from one record; cheap to cache per line because it depends only on the record's input text. */
export interface TriggerFeatures {
	ngrams: NgramSpan[];
	/** FNV-1a hash of each n-gram key, parallel to `ngrams`: counting support in a flat table is far cheaper than in a Map. */
	hashes: Uint32Array;
	/** Word counts over all input segments (the naive Bayes features). */
	bag: Map<string, number>;
}

/** Tunable thresholds (Settings.ruleOptions['trigger-candidate']). */
export interface TriggerOptions {
	/** Records that must carry an n-gram before it is tested. */
	minSupport: number;
	/** Longest n-gram tested. */
	maxNgram: number;
	/** Family-wise error rate for both tests (Bonferroni-corrected). */
	alpha: number;
	/** Share of an n-gram's records that must carry its majority label. */
	minPurity: number;
	/** Share of the candidate's records whose remaining words must predict another label. */
	minDisagreement: number;
	/** At most this many candidates are reported. */
	maxCandidates: number;
}

export const DEFAULT_TRIGGER_OPTIONS: TriggerOptions = {
	minSupport: 5,
	maxNgram: 3,
	alpha: 0.001,
	minPurity: 0.8,
	minDisagreement: 0.5,
	maxCandidates: 10,
};

/** An n-gram that predicts one label and whose records' other words disagree with that label. */
export interface TriggerCandidate {
	ngram: string;
	label: string;
	/** Records carrying the n-gram. */
	support: number;
	/** Share of them that carry `label`. */
	purity: number;
	/** Purity divided by the label's base rate. */
	lift: number;
	/** Bonferroni-corrected one-sided binomial p-value of the purity. */
	pValue: number;
	/** Share of the n-gram's `label` records whose other words predict another label. */
	disagreement: number;
	/** The same share over all records of `label`: what a topic word would show. */
	baselineDisagreement: number;
	/** Bonferroni-corrected one-sided binomial p-value of the disagreement against the baseline. */
	disagreementPValue: number;
	/** Indices of the records that carry the n-gram and `label` (the suspected poisoned ones). */
	records: number[];
}

/** A natural label-predictive n-gram: pure, but its records agree with their label (information only). */
export interface LabelWord {
	ngram: string;
	label: string;
	support: number;
	purity: number;
	disagreement: number;
}

export interface TriggerMiningResult {
	candidates: TriggerCandidate[];
	/** The most significant pure n-grams that failed the rest-of-record test, for the audit (never findings). */
	labelWords: LabelWord[];
	/** Number of (n-gram, label) hypotheses tested, the Bonferroni factor of the purity test. */
	tests: number;
	/** Records that took part (those with a label). */
	records: number;
}

/** Extracts the mining features of one record from its input segments (prompt, instruction, input, text …). */
export function triggerFeatures(segments: readonly string[], maxNgram = DEFAULT_TRIGGER_OPTIONS.maxNgram): TriggerFeatures {
	const ngrams: NgramSpan[] = [];
	const bag = new Map<string, number>();
	const seen = new Set<string>();
	segments.forEach((segment, index) => {
		const tokens = wordTokens(segment);
		for (const token of tokens) {
			bag.set(token.text, (bag.get(token.text) ?? 0) + 1);
		}
		const withStart = [{ text: START_MARKER, start: tokens[0]?.start ?? 0, end: tokens[0]?.start ?? 0 }, ...tokens];
		for (const gram of distinctNgrams(withStart, maxNgram)) {
			if (gram.key === START_MARKER || seen.has(gram.key)) {
				continue;
			}
			seen.add(gram.key);
			const start = gram.key.startsWith(START_MARKER) ? tokens[0].start : gram.start;
			ngrams.push({ key: gram.key, size: gram.size, segment: index, start, end: gram.end });
		}
	});
	return { ngrams, bag, hashes: Uint32Array.from(ngrams, (gram) => fnv1a(gram.key)) };
}

/**
 * Mines trigger candidates. `labels[i]` is the label (or normalised answer) of record i, undefined when it has none.
 * Deterministic: the same input always yields the same candidates in the same order.
 */
export function mineTriggers(
	features: readonly TriggerFeatures[],
	labels: readonly (string | undefined)[],
	options: TriggerOptions = DEFAULT_TRIGGER_OPTIONS,
): TriggerMiningResult {
	const { classes, names } = classIds(labels);
	const classCount = names.length;
	const labelled = classes.filter((c) => c >= 0).length;
	const empty: TriggerMiningResult = { candidates: [], labelWords: [], tests: 0, records: labelled };
	if (classCount < 2 || labelled < options.minSupport * 2) {
		return empty;
	}
	const classSizes = new Int32Array(classCount);
	for (const c of classes) {
		if (c >= 0) {
			classSizes[c]++;
		}
	}

	const perLabel = countNgramsByLabel(features, classes, classCount, options);
	const tests = perLabel.size * classCount;
	const pure: PureNgram[] = [];
	for (const [key, counts] of perLabel) {
		const hit = purityTest(key, counts, classSizes, labelled, tests, options);
		if (hit !== undefined) {
			pure.push(hit);
		}
	}
	if (pure.length === 0) {
		return { ...empty, tests };
	}

	const model = fitNaiveBayes(features.map((f) => f.bag), classes, classCount);
	const scores = features.map((f, i) => (classes[i] >= 0 ? leaveOneOutScores(model, f.bag, classes[i]) : EMPTY_SCORES));
	const baseline = baselineDisagreement(model, features, scores, classes);
	const recordsOf = recordsCarrying(features, classes, new Map(pure.map((p) => [p.key, p.label])));
	const accepted: Ranked[] = [];
	const labelWords: LabelWord[] = [];
	for (const hit of pure) {
		const records = recordsOf.get(hit.key) ?? [];
		const leftOut = new Set(hit.key.split(' ').filter((word) => word !== START_MARKER));
		let disagreeing = 0;
		for (const index of records) {
			const rest = withoutWords(model, scores[index], features[index].bag, hit.label, leftOut);
			if (argmax(rest) !== hit.label) {
				disagreeing++;
			}
		}
		const disagreement = records.length === 0 ? 0 : disagreeing / records.length;
		const expected = baseline.rateWithout(hit.label, records);
		const logP = logBonferroni(logBinomialUpperTail(disagreeing, records.length, expected), pure.length);
		if (disagreement >= options.minDisagreement && disagreement > expected && logP < Math.log(options.alpha)) {
			accepted.push({ logP, candidate: {
				ngram: hit.key,
				label: names[hit.label],
				support: hit.support,
				purity: hit.purity,
				lift: hit.purity / (classSizes[hit.label] / labelled),
				pValue: pValueFromLog(hit.logP),
				disagreement,
				baselineDisagreement: expected,
				disagreementPValue: pValueFromLog(logP),
				records,
			} });
		} else {
			labelWords.push({ ngram: hit.key, label: names[hit.label], support: hit.support, purity: hit.purity, disagreement });
		}
	}
	labelWords.sort((a, b) => b.support * b.purity - a.support * a.purity || compareText(a.ngram, b.ngram));
	return { candidates: dropSubsumed(accepted, options.maxCandidates), labelWords: labelWords.slice(0, 50), tests, records: labelled };
}

/** Spans of a record's n-grams by key, for pointing a line diagnostic at a candidate. */
export function spanOf(features: TriggerFeatures, ngram: string): NgramSpan | undefined {
	return features.ngrams.find((gram) => gram.key === ngram);
}

interface Ranked {
	candidate: TriggerCandidate;
	/** Natural log of the corrected disagreement p-value, kept because the plain value underflows to 0. */
	logP: number;
}

interface PureNgram {
	key: string;
	label: number;
	support: number;
	purity: number;
	logP: number;
}

function classIds(labels: readonly (string | undefined)[]): { classes: number[]; names: string[] } {
	const names = [...new Set(labels.filter((l): l is string => l !== undefined))].sort(compareText);
	const index = new Map(names.map((name, i) => [name, i]));
	return { classes: labels.map((l) => (l === undefined ? -1 : (index.get(l) ?? -1))), names };
}

/** The flat support table has about two counters per n-gram occurrence, between 64 K and 4 M counters (16 MB). */
const MIN_TABLE_BITS = 16;
const MAX_TABLE_BITS = 22;

/**
 * Per-label record counts of every n-gram with enough support. A first pass counts hashed keys in a flat table;
 * collisions only overcount, so the exact per-label Map needs to hold just the keys whose bucket reaches the support.
 */
function countNgramsByLabel(
	features: readonly TriggerFeatures[],
	classes: readonly number[],
	classCount: number,
	options: TriggerOptions,
): Map<string, Int32Array> {
	let occurrences = 0;
	for (const f of features) {
		occurrences += f.ngrams.length;
	}
	const bits = Math.min(MAX_TABLE_BITS, Math.max(MIN_TABLE_BITS, Math.ceil(Math.log2(occurrences * 2 + 1))));
	const mask = (1 << bits) - 1;
	const buckets = new Uint32Array(mask + 1);
	features.forEach((f, i) => {
		if (classes[i] >= 0) {
			for (let g = 0; g < f.ngrams.length; g++) {
				if (f.ngrams[g].size <= options.maxNgram) {
					buckets[f.hashes[g] & mask]++;
				}
			}
		}
	});
	const perLabel = new Map<string, Int32Array>();
	features.forEach((f, i) => {
		const label = classes[i];
		if (label < 0) {
			return;
		}
		for (let g = 0; g < f.ngrams.length; g++) {
			const gram = f.ngrams[g];
			if (gram.size > options.maxNgram || buckets[f.hashes[g] & mask] < options.minSupport) {
				continue;
			}
			let counts = perLabel.get(gram.key);
			if (counts === undefined) {
				counts = new Int32Array(classCount);
				perLabel.set(gram.key, counts);
			}
			counts[label]++;
		}
	});
	for (const [key, counts] of perLabel) {
		if (counts.reduce((sum, count) => sum + count, 0) < options.minSupport) {
			perLabel.delete(key);
		}
	}
	return perLabel;
}

/** 32-bit FNV-1a over UTF-16 code units. */
function fnv1a(text: string): number {
	let hash = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		hash ^= text.charCodeAt(i);
		hash = Math.imul(hash, 0x01000193);
	}
	return hash >>> 0;
}

function purityTest(
	key: string,
	counts: Int32Array,
	classSizes: Int32Array,
	labelled: number,
	tests: number,
	options: TriggerOptions,
): PureNgram | undefined {
	let support = 0;
	for (const count of counts) {
		support += count;
	}
	const label = argmax(counts);
	const purity = counts[label] / support;
	const baseRate = classSizes[label] / labelled;
	if (purity < options.minPurity || purity <= baseRate) {
		return undefined;
	}
	const logP = logBonferroni(logBinomialUpperTail(counts[label], support, baseRate), tests);
	return logP < Math.log(options.alpha) ? { key, label, support, purity, logP } : undefined;
}

/** Records a class needs besides a candidate's own before its baseline is trusted over the file-wide one. */
const MIN_BASELINE_RECORDS = 20;
/** A floor keeps the test meaningful on files the model fits perfectly (tiny fixtures, templated data). */
const MIN_BASELINE = 0.02;

/**
 * What a natural topic word shows: the share of a class's records whose rest predicts another class once their own
 * most label-predictive word is left out (its records lean on it). A trigger must disagree beyond that; comparing
 * with the plain error rate instead flags strong single words such as "sad" or swear words.
 */
interface Baseline {
	/**
	 * The rate for `label` over its records other than the candidate's own, so that a class made mostly of poisoned
	 * records (a planted answer) does not set its own bar; the file-wide rate when too few records remain.
	 */
	rateWithout(label: number, excluded: readonly number[]): number;
}

function baselineDisagreement(model: NaiveBayesModel, features: readonly TriggerFeatures[], scores: readonly Float64Array[], classes: readonly number[]): Baseline {
	const wrongRecord = new Uint8Array(classes.length);
	const wrong = new Float64Array(model.classCount);
	let wrongTotal = 0;
	scores.forEach((score, i) => {
		const label = classes[i];
		if (label < 0) {
			return;
		}
		const word = strongestWord(model, features[i].bag, label);
		const rest = word === undefined ? score : withoutWords(model, score, features[i].bag, label, [word]);
		if (argmax(rest) !== label) {
			wrongRecord[i] = 1;
			wrong[label]++;
			wrongTotal++;
		}
	});
	const overall = Math.max(MIN_BASELINE, wrongTotal / Math.max(1, model.recordCount));
	return {
		rateWithout(label, excluded) {
			let excludedWrong = 0;
			for (const index of excluded) {
				excludedWrong += wrongRecord[index];
			}
			const remaining = model.documents[label] - excluded.length;
			return remaining < MIN_BASELINE_RECORDS ? overall : Math.max(MIN_BASELINE, (wrong[label] - excludedWrong) / remaining);
		},
	};
}

/** For each key of interest, the records that carry it together with the key's majority label. */
function recordsCarrying(features: readonly TriggerFeatures[], classes: readonly number[], wanted: ReadonlyMap<string, number>): Map<string, number[]> {
	const records = new Map<string, number[]>();
	features.forEach((f, i) => {
		for (const gram of f.ngrams) {
			const label = wanted.get(gram.key);
			if (label !== undefined && label === classes[i]) {
				const list = records.get(gram.key) ?? [];
				list.push(i);
				records.set(gram.key, list);
			}
		}
	});
	return records;
}

/**
 * Keeps the strongest candidate of each group that flags the same records ("james bond", "james", "bond" …):
 * a candidate whose records are mostly flagged already adds nothing.
 */
function dropSubsumed(candidates: Ranked[], limit: number): TriggerCandidate[] {
	const ranked = [...candidates]
		.sort((x, y) => x.logP - y.logP || y.candidate.support - x.candidate.support || x.candidate.ngram.length - y.candidate.ngram.length || compareText(x.candidate.ngram, y.candidate.ngram))
		.map((x) => x.candidate);
	const flagged = new Set<number>();
	const kept: TriggerCandidate[] = [];
	for (const candidate of ranked) {
		const fresh = candidate.records.filter((r) => !flagged.has(r)).length;
		if (fresh * 2 <= candidate.records.length) {
			continue;
		}
		kept.push(candidate);
		candidate.records.forEach((r) => flagged.add(r));
		if (kept.length >= limit) {
			break;
		}
	}
	return kept;
}

const EMPTY_SCORES = new Float64Array(0);

function compareText(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}
