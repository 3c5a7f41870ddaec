/**
 * Model-free trigger mining. A backdoor trigger (BadNets "cf", an entity such as "James Bond") is an n-gram whose
 * presence predicts one label far beyond its base rate. Topic words do that too ("nhl" is always Sports), so purity is
 * only the first filter: a planted dirty-label trigger sits in records that were relabelled, so the rest of such a
 * record still points to its original label. A naive Bayes model fitted on the file, asked about each record with
 * the candidate and the record itself left out, separates the two: a trigger's records disagree with their label far
 * more often than the file's records usually do.
 */

import { argmax, type Bag, fitNaiveBayesSteps, leaveOneOutScores, type NaiveBayesModel, strongestWord, withoutWords } from './naiveBayes';
import { logBinomialUpperTail, logBonferroni, pValueFromLog } from './stats';
import { runSteps, type Steps } from './steps';
import { wordTokens } from './tokens';

/** Marks the start of an input segment, so that position-bound patterns ("<s> when …") can be mined too. */
export const START_MARKER = '<s>';

/** Where an n-gram first occurs in a record: the input segment and the UTF-16 offsets inside it. */
export interface NgramSpan {
	segment: number;
	start: number;
	end: number;
}

/**
 * What mining needs from one record; cheap to cache per line because it depends only on the record's input text.
 * Stored as flat arrays (no object per n-gram and no n-gram strings): mining counts hashes, and n-gram keys are rebuilt
 * from the tokens only for the hashes that pass the purity test, so a cached 10,000-line AG News file takes about 29 MB
 * instead of 110 MB.
 */
export interface TriggerFeatures {
	/** Lowercased tokens over all segments, each segment opened by START_MARKER. */
	tokens: string[];
	tokenSegment: Uint16Array;
	tokenStart: Int32Array;
	tokenEnd: Int32Array;
	/** The record's distinct n-grams: first token index, number of tokens, FNV-1a hash of the key. */
	gramStart: Int32Array;
	gramSize: Uint8Array;
	hashes: Uint32Array;
	/** Word counts over all input segments (the naive Bayes features). */
	bag: Bag;
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
	const tokens: string[] = [];
	const segmentOf: number[] = [];
	const starts: number[] = [];
	const ends: number[] = [];
	segments.forEach((segment, index) => {
		const words = wordTokens(segment);
		const opening = words[0]?.start ?? 0;
		tokens.push(START_MARKER);
		segmentOf.push(index);
		starts.push(opening);
		ends.push(opening);
		for (const word of words) {
			tokens.push(word.text);
			segmentOf.push(index);
			starts.push(word.start);
			ends.push(word.end);
		}
	});
	const seen = new Set<string>();
	const gramStart: number[] = [];
	const gramSize: number[] = [];
	const hashes: number[] = [];
	for (let i = 0; i < tokens.length; i++) {
		let key = '';
		for (let size = 1; size <= maxNgram && i + size <= tokens.length; size++) {
			const last = tokens[i + size - 1];
			if (size > 1 && (last === START_MARKER || isSymbol(tokens[i]) || isSymbol(last))) {
				break;
			}
			key = size === 1 ? last : `${key} ${last}`;
			if (key === START_MARKER || seen.has(key)) {
				continue;
			}
			seen.add(key);
			gramStart.push(i);
			gramSize.push(size);
			hashes.push(fnv1a(key));
		}
	}
	const counts = new Map<string, number>();
	for (const token of tokens) {
		if (token !== START_MARKER) {
			counts.set(token, (counts.get(token) ?? 0) + 1);
		}
	}
	return {
		tokens,
		tokenSegment: Uint16Array.from(segmentOf),
		tokenStart: Int32Array.from(starts),
		tokenEnd: Int32Array.from(ends),
		gramStart: Int32Array.from(gramStart),
		gramSize: Uint8Array.from(gramSize),
		hashes: Uint32Array.from(hashes),
		bag: { words: [...counts.keys()], counts: Int32Array.from(counts.values()) },
	};
}

/** The key of a record's n-gram `g`: its tokens joined by single spaces. */
function keyOf(features: TriggerFeatures, g: number): string {
	const start = features.gramStart[g];
	return features.tokens.slice(start, start + features.gramSize[g]).join(' ');
}

/** Symbols never start or end a longer n-gram, which keeps "word ≈"-style duplicates of a one-symbol trigger out. */
function isSymbol(token: string): boolean {
	return token.length <= 2 && /^\p{S}$/u.test(token);
}

/** Records (or n-gram hashes) handled between two yields of the mining steps: well under a few milliseconds of work. */
const CHUNK = 256;

/**
 * Mines trigger candidates. `labels[i]` is the label (or normalised answer) of record i, undefined when it has none.
 * Deterministic: the same input always yields the same candidates in the same order.
 */
export function mineTriggers(
	features: readonly TriggerFeatures[],
	labels: readonly (string | undefined)[],
	options: TriggerOptions = DEFAULT_TRIGGER_OPTIONS,
): TriggerMiningResult {
	return runSteps(mineTriggerSteps(features, labels, options));
}

/** {@link mineTriggers} as steps that yield between chunks of records, for a finish step that must stay cancellable. */
export function* mineTriggerSteps(
	features: readonly TriggerFeatures[],
	labels: readonly (string | undefined)[],
	options: TriggerOptions = DEFAULT_TRIGGER_OPTIONS,
): Steps<TriggerMiningResult> {
	const { classes, names } = classIds(labels);
	yield;
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

	// Counting runs on 32-bit hashes (no n-gram strings are built); the few hashes that pass the purity test are then
	// counted again by their exact keys, so a hash collision can never make a candidate.
	const perHash = yield* countNgramsByLabel(features, classes, classCount, options);
	const tests = perHash.size * classCount;
	const passing = new Set<number>();
	// A test sums binomial terms over up to its n-gram's support, so the work between yields is counted in records.
	let work = 0;
	for (const [hash, counts] of perHash) {
		work += CHUNK / 16 + supportOf(counts);
		if (work >= CHUNK * 64) {
			work = 0;
			yield;
		}
		if (purityTest(counts, classSizes, labelled, tests, options) !== undefined) {
			passing.add(hash);
		}
	}
	const pure: PureNgram[] = [];
	for (const [key, counts] of yield* exactCounts(features, classes, classCount, passing, options)) {
		const hit = purityTest(counts, classSizes, labelled, tests, options);
		if (hit !== undefined) {
			pure.push({ key, ...hit });
		}
	}
	if (pure.length === 0) {
		return { ...empty, tests };
	}

	const model = yield* fitNaiveBayesSteps(features.map((f) => f.bag), classes, classCount);
	const scores: Float64Array[] = [];
	for (let i = 0; i < features.length; i++) {
		if (i % CHUNK === 0) {
			yield;
		}
		scores.push(classes[i] >= 0 ? leaveOneOutScores(model, features[i].bag, classes[i]) : EMPTY_SCORES);
	}
	const baseline = yield* baselineDisagreement(model, features, scores, classes);
	const recordsOf = yield* recordsCarrying(features, classes, new Map(pure.map((p) => [p.key, p.label])));
	const accepted: Ranked[] = [];
	const labelWords: LabelWord[] = [];
	for (const hit of pure) {
		yield;
		const records = recordsOf.get(hit.key) ?? [];
		const leftOut = new Set(hit.key.split(' ').filter((word) => word !== START_MARKER));
		let disagreeing = 0;
		let checked = 0;
		for (const index of records) {
			if (++checked % CHUNK === 0) {
				yield;
			}
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

/** Where the n-gram sits in the record, for pointing a line diagnostic at a candidate (the start marker excluded). */
export function spanOf(features: TriggerFeatures, ngram: string): NgramSpan | undefined {
	const hash = fnv1a(ngram);
	for (let g = 0; g < features.hashes.length; g++) {
		if (features.hashes[g] === hash && keyOf(features, g) === ngram) {
			const first = features.gramStart[g] + (features.tokens[features.gramStart[g]] === START_MARKER ? 1 : 0);
			const last = features.gramStart[g] + features.gramSize[g] - 1;
			return { segment: features.tokenSegment[first], start: features.tokenStart[first], end: features.tokenEnd[last] };
		}
	}
	return undefined;
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
 * Per-label record counts of every n-gram hash with enough support. A first pass counts hashes in a flat table;
 * collisions there only overcount, so the second pass needs to count just the hashes whose bucket reaches the support.
 */
function* countNgramsByLabel(
	features: readonly TriggerFeatures[],
	classes: readonly number[],
	classCount: number,
	options: TriggerOptions,
): Steps<Map<number, Int32Array>> {
	let occurrences = 0;
	for (const f of features) {
		occurrences += f.hashes.length;
	}
	const bits = Math.min(MAX_TABLE_BITS, Math.max(MIN_TABLE_BITS, Math.ceil(Math.log2(occurrences * 2 + 1))));
	const mask = (1 << bits) - 1;
	yield;
	const buckets = new Uint32Array(mask + 1);
	for (let i = 0; i < features.length; i++) {
		if (i % CHUNK === 0) {
			yield;
		}
		const f = features[i];
		if (classes[i] >= 0) {
			for (let g = 0; g < f.hashes.length; g++) {
				if (f.gramSize[g] <= options.maxNgram) {
					buckets[f.hashes[g] & mask]++;
				}
			}
		}
	}
	const perHash = new Map<number, Int32Array>();
	for (let i = 0; i < features.length; i++) {
		if (i % CHUNK === 0) {
			yield;
		}
		const f = features[i];
		const label = classes[i];
		if (label < 0) {
			continue;
		}
		for (let g = 0; g < f.hashes.length; g++) {
			const hash = f.hashes[g];
			if (f.gramSize[g] > options.maxNgram || buckets[hash & mask] < options.minSupport) {
				continue;
			}
			let counts = perHash.get(hash);
			if (counts === undefined) {
				counts = new Int32Array(classCount);
				perHash.set(hash, counts);
			}
			counts[label]++;
		}
	}
	let checked = 0;
	for (const [hash, counts] of perHash) {
		if (++checked % (CHUNK * 16) === 0) {
			yield;
		}
		if (supportOf(counts) < options.minSupport) {
			perHash.delete(hash);
		}
	}
	return perHash;
}

/** Per-label record counts by exact key, for the n-grams whose hash is in `hashes`. */
function* exactCounts(
	features: readonly TriggerFeatures[],
	classes: readonly number[],
	classCount: number,
	hashes: ReadonlySet<number>,
	options: TriggerOptions,
): Steps<Map<string, Int32Array>> {
	const perKey = new Map<string, Int32Array>();
	for (let i = 0; i < features.length && hashes.size > 0; i++) {
		if (i % CHUNK === 0) {
			yield;
		}
		const f = features[i];
		const label = classes[i];
		if (label < 0) {
			continue;
		}
		for (let g = 0; g < f.hashes.length; g++) {
			if (f.gramSize[g] > options.maxNgram || !hashes.has(f.hashes[g])) {
				continue;
			}
			const key = keyOf(f, g);
			let counts = perKey.get(key);
			if (counts === undefined) {
				counts = new Int32Array(classCount);
				perKey.set(key, counts);
			}
			counts[label]++;
		}
	}
	return perKey;
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

function supportOf(counts: Int32Array): number {
	let support = 0;
	for (const count of counts) {
		support += count;
	}
	return support;
}

function purityTest(
	counts: Int32Array,
	classSizes: Int32Array,
	labelled: number,
	tests: number,
	options: TriggerOptions,
): Omit<PureNgram, 'key'> | undefined {
	const support = supportOf(counts);
	const label = argmax(counts);
	const purity = counts[label] / support;
	const baseRate = classSizes[label] / labelled;
	if (purity < options.minPurity || purity <= baseRate) {
		return undefined;
	}
	const logP = logBonferroni(logBinomialUpperTail(counts[label], support, baseRate), tests);
	return logP < Math.log(options.alpha) ? { label, support, purity, logP } : undefined;
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

function* baselineDisagreement(model: NaiveBayesModel, features: readonly TriggerFeatures[], scores: readonly Float64Array[], classes: readonly number[]): Steps<Baseline> {
	const wrongRecord = new Uint8Array(classes.length);
	const wrong = new Float64Array(model.classCount);
	let wrongTotal = 0;
	for (let i = 0; i < scores.length; i++) {
		if (i % CHUNK === 0) {
			yield;
		}
		const score = scores[i];
		const label = classes[i];
		if (label < 0) {
			continue;
		}
		const word = strongestWord(model, features[i].bag, label);
		const rest = word === undefined ? score : withoutWords(model, score, features[i].bag, label, [word]);
		if (argmax(rest) !== label) {
			wrongRecord[i] = 1;
			wrong[label]++;
			wrongTotal++;
		}
	}
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
function* recordsCarrying(features: readonly TriggerFeatures[], classes: readonly number[], wanted: ReadonlyMap<string, number>): Steps<Map<string, number[]>> {
	const records = new Map<string, number[]>();
	const wantedHashes = new Set([...wanted.keys()].map(fnv1a));
	for (let i = 0; i < features.length; i++) {
		if (i % CHUNK === 0) {
			yield;
		}
		const f = features[i];
		for (let g = 0; g < f.hashes.length; g++) {
			if (!wantedHashes.has(f.hashes[g])) {
				continue;
			}
			const key = keyOf(f, g);
			const label = wanted.get(key);
			if (label !== undefined && label === classes[i]) {
				const list = records.get(key) ?? [];
				list.push(i);
				records.set(key, list);
			}
		}
	}
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
