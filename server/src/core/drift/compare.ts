import type { DatasetProfile } from './profile';
import { alignedShares, jensenShannon, kolmogorovSmirnov, numericPsi, psi } from './statistics';

/**
 * Compares two dataset profiles (A the reference, B the new data) and decides whether B drifted. Every signal is a
 * statistic with a threshold; the report names each signal that crossed its threshold, so "drift: true" always
 * comes with the reason.
 */

/** Thresholds, all configurable (the `drift` section of the config file, or CLI flags, which win). */
export interface DriftThresholds {
	/** PSI at or above this is drift (0.2, the usual "significant shift", as in Deepchecks). */
	psi: number;
	/** Jensen-Shannon divergence (bits) of the label, format and role distributions. */
	js: number;
	/** Kolmogorov-Smirnov statistic at or above this, with p below `ksPValue`, is drift of lengths or token counts. */
	ks: number;
	ksPValue: number;
	/** Vocabulary Jensen-Shannon above what sampling alone gives (see {@link vocabularyBaseline}). */
	vocabularyJs: number;
	/** Change of a group's share of records, in points (0.05 = 5 points), with p < 0.01. */
	groupShare: number;
	/** Domain-classifier AUC at or above this is drift (0.5 = the classifier cannot tell A from B). */
	auc: number;
}

export const DEFAULT_DRIFT_THRESHOLDS: DriftThresholds = { psi: 0.2, js: 0.1, ks: 0.1, ksPValue: 0.01, vocabularyJs: 0.05, groupShare: 0.05, auc: 0.7 };

/** An n-gram whose share of the vocabulary changed most. */
export interface NgramShift {
	ngram: string;
	countA: number;
	countB: number;
	/** Share of all n-grams in A and in B. */
	shareA: number;
	shareB: number;
}

/** A group whose share of records changed. */
export interface GroupShift {
	group: string;
	shareA: number;
	shareB: number;
	pValue: number;
}

/** What the domain classifier reports (computed by the training side; the core only judges it). */
export interface DomainClassifierResult {
	auc: number;
	/** The n-grams that most make the classifier say B (positive weight) or A (negative). */
	topNgrams: { ngram: string; weight: number; side: 'A' | 'B' }[];
	records: { a: number; b: number };
}

/** The names of the signals; `signals` in a report lists those that drifted. */
export type DriftSignal = 'labels' | 'length' | 'tokens' | 'vocabulary' | 'format' | 'roles' | 'groups' | 'domainClassifier';

/** The `tunelint drift --format json` object. */
export interface DriftReport {
	a: { file: string; records: number };
	b: { file: string; records: number };
	labels: { psi: number; js: number; a: Record<string, number>; b: Record<string, number> } | null;
	length: { ks: number; pValue: number; psi: number; medianA: number; medianB: number };
	tokens: { ks: number; pValue: number; psi: number; medianA: number; medianB: number };
	vocabulary: { js: number; baseline: number; appeared: NgramShift[]; vanished: NgramShift[] };
	format: { js: number; a: Record<string, number>; b: Record<string, number> };
	roles: { js: number; a: Record<string, number>; b: Record<string, number> };
	groups: { changed: GroupShift[]; a: Record<string, number>; b: Record<string, number> };
	domainClassifier: DomainClassifierResult | null;
	/** Why the domain classifier is null (a snapshot has no texts, or it was switched off). */
	domainClassifierSkipped?: string;
	thresholds: DriftThresholds;
	signals: DriftSignal[];
	reasons: string[];
	drift: boolean;
}

/** How many appeared and vanished n-grams a report lists. */
const TOP_SHIFTS = 15;
/** The vocabulary distance is taken over this many most frequent words of A and B together. */
const VOCABULARY_WORDS = 1000;
/** An n-gram needs this many occurrences on the side where it grew to be listed (one-offs are noise). */
const MIN_SHIFT_COUNT = 3;

/** Compares B with A. `domain` is the domain classifier's result when one was trained. */
export function compareProfiles(a: DatasetProfile, b: DatasetProfile, thresholds: DriftThresholds = DEFAULT_DRIFT_THRESHOLDS, domain?: DomainClassifierResult, domainSkipped?: string): DriftReport {
	const signals: DriftSignal[] = [];
	const reasons: string[] = [];
	const flag = (signal: DriftSignal, reason: string): void => {
		if (!signals.includes(signal)) {
			signals.push(signal);
		}
		reasons.push(reason);
	};

	let labels: DriftReport['labels'] = null;
	if (Object.keys(a.labels).length > 0 || Object.keys(b.labels).length > 0) {
		const shares = alignedShares(toMap(a.labels), toMap(b.labels));
		labels = { psi: psi(shares.p, shares.q), js: jensenShannon(shares.p, shares.q), a: a.labels, b: b.labels };
		if (labels.psi >= thresholds.psi) {
			flag('labels', `label distribution: PSI ${labels.psi.toFixed(3)} ≥ ${thresholds.psi}`);
		}
		if (labels.js >= thresholds.js) {
			flag('labels', `label distribution: Jensen-Shannon ${labels.js.toFixed(3)} ≥ ${thresholds.js}`);
		}
	}

	const length = numericDrift(a.lengths, b.lengths);
	judgeNumeric('length', 'length in characters', length, thresholds, flag);
	const tokens = numericDrift(a.tokens, b.tokens);
	judgeNumeric('tokens', 'token count', tokens, thresholds, flag);

	const vocabulary = vocabularyDrift(a, b);
	if (vocabulary.js - vocabulary.baseline >= thresholds.vocabularyJs) {
		const examples = [...vocabulary.appeared.slice(0, 3).map((shift) => `+"${shift.ngram}"`), ...vocabulary.vanished.slice(0, 3).map((shift) => `-"${shift.ngram}"`)].join(' ');
		flag('vocabulary', `vocabulary: Jensen-Shannon ${vocabulary.js.toFixed(3)} (sampling alone: ${vocabulary.baseline.toFixed(3)}); ${examples}`);
	}

	const format = categoricalDrift(a.formats, b.formats);
	if (format.js >= thresholds.js) {
		flag('format', `record formats: Jensen-Shannon ${format.js.toFixed(3)} (${describe(a.formats)} → ${describe(b.formats)})`);
	}
	const roles = categoricalDrift(a.roles, b.roles);
	if (roles.js >= thresholds.js) {
		flag('roles', `role structure: Jensen-Shannon ${roles.js.toFixed(3)}`);
	}

	const groups = groupDrift(a, b, thresholds);
	for (const shift of groups.changed) {
		flag('groups', `group ${shift.group}: ${(shift.shareA * 100).toFixed(1)} % → ${(shift.shareB * 100).toFixed(1)} % of records (p ${shift.pValue.toExponential(1)})`);
	}

	if (domain !== undefined && domain.auc >= thresholds.auc) {
		const separating = domain.topNgrams.slice(0, 5).map((entry) => `"${entry.ngram}" (${entry.side})`).join(', ');
		flag('domainClassifier', `domain classifier tells A from B with AUC ${domain.auc.toFixed(3)} ≥ ${thresholds.auc}; separating n-grams: ${separating}`);
	}

	return {
		a: { file: a.file, records: a.records },
		b: { file: b.file, records: b.records },
		labels,
		length,
		tokens,
		vocabulary,
		format,
		roles,
		groups,
		domainClassifier: domain ?? null,
		...(domain === undefined && domainSkipped !== undefined ? { domainClassifierSkipped: domainSkipped } : {}),
		thresholds,
		signals,
		reasons,
		drift: signals.length > 0,
	};
}

function numericDrift(a: readonly number[], b: readonly number[]): DriftReport['length'] {
	const ks = kolmogorovSmirnov(a, b);
	return { ks: ks.statistic, pValue: ks.pValue, psi: a.length === 0 || b.length === 0 ? 0 : numericPsi(a, b), medianA: median(a), medianB: median(b) };
}

function judgeNumeric(signal: DriftSignal, name: string, result: DriftReport['length'], thresholds: DriftThresholds, flag: (signal: DriftSignal, reason: string) => void): void {
	if (result.ks >= thresholds.ks && result.pValue < thresholds.ksPValue) {
		flag(signal, `${name}: Kolmogorov-Smirnov ${result.ks.toFixed(3)} (p ${result.pValue.toExponential(1)}), median ${result.medianA} → ${result.medianB}`);
	} else if (result.psi >= thresholds.psi) {
		flag(signal, `${name}: PSI ${result.psi.toFixed(3)} ≥ ${thresholds.psi}, median ${result.medianA} → ${result.medianB}`);
	}
}

/**
 * Jensen-Shannon of the unigram distributions over the most frequent words, and the sampling baseline: under no
 * drift, JS ≈ (k − 1)(1/nA + 1/nB) / (8 ln 2) bits for k words and n words counted per side (second-order expansion of
 * JS around equal distributions), so small samples are not mistaken for drift.
 */
function vocabularyDrift(a: DatasetProfile, b: DatasetProfile): DriftReport['vocabulary'] {
	const unigrams = (profile: DatasetProfile): Map<string, number> => new Map(Object.entries(profile.ngrams).filter(([gram]) => !gram.includes(' ')));
	const ua = unigrams(a);
	const ub = unigrams(b);
	const combined = new Map(ua);
	ub.forEach((count, word) => combined.set(word, (combined.get(word) ?? 0) + count));
	const top = new Set([...combined].sort((x, y) => y[1] - x[1]).slice(0, VOCABULARY_WORDS).map(([word]) => word));
	const pick = (counts: Map<string, number>): Map<string, number> => new Map([...counts].filter(([word]) => top.has(word)));
	const shares = alignedShares(pick(ua), pick(ub));
	const total = (counts: Map<string, number>): number => [...pick(counts).values()].reduce((sum, count) => sum + count, 0);
	const na = total(ua);
	const nb = total(ub);
	const baseline = na === 0 || nb === 0 ? 0 : ((shares.keys.length - 1) * (1 / na + 1 / nb)) / (8 * Math.LN2);
	const shifts: NgramShift[] = [];
	for (const gram of new Set([...Object.keys(a.ngrams), ...Object.keys(b.ngrams)])) {
		const countA = a.ngrams[gram] ?? 0;
		const countB = b.ngrams[gram] ?? 0;
		shifts.push({ ngram: gram, countA, countB, shareA: a.ngramTotal === 0 ? 0 : countA / a.ngramTotal, shareB: b.ngramTotal === 0 ? 0 : countB / b.ngramTotal });
	}
	const appeared = shifts.filter((shift) => shift.shareB > shift.shareA && shift.countB >= MIN_SHIFT_COUNT).sort((x, y) => y.shareB - y.shareA - (x.shareB - x.shareA));
	const vanished = shifts.filter((shift) => shift.shareA > shift.shareB && shift.countA >= MIN_SHIFT_COUNT).sort((x, y) => y.shareA - y.shareB - (x.shareA - x.shareB));
	return { js: jensenShannon(shares.p, shares.q), baseline, appeared: appeared.slice(0, TOP_SHIFTS), vanished: vanished.slice(0, TOP_SHIFTS) };
}

function categoricalDrift(a: Record<string, number>, b: Record<string, number>): DriftReport['format'] {
	const shares = alignedShares(toMap(a), toMap(b));
	return { js: shares.keys.length === 0 ? 0 : jensenShannon(shares.p, shares.q), a, b };
}

/** Groups whose share of records moved by at least the threshold, with a two-proportion z-test below 0.01. */
function groupDrift(a: DatasetProfile, b: DatasetProfile, thresholds: DriftThresholds): DriftReport['groups'] {
	const changed: GroupShift[] = [];
	for (const group of new Set([...Object.keys(a.groups), ...Object.keys(b.groups)])) {
		const ca = a.groups[group] ?? 0;
		const cb = b.groups[group] ?? 0;
		if (a.records === 0 || b.records === 0) {
			continue;
		}
		const shareA = ca / a.records;
		const shareB = cb / b.records;
		const pooled = (ca + cb) / (a.records + b.records);
		const error = Math.sqrt(pooled * (1 - pooled) * (1 / a.records + 1 / b.records));
		const pValue = error === 0 ? 1 : 2 * normalTail(Math.abs(shareA - shareB) / error);
		if (Math.abs(shareA - shareB) >= thresholds.groupShare && pValue < 0.01) {
			changed.push({ group, shareA, shareB, pValue });
		}
	}
	changed.sort((x, y) => Math.abs(y.shareB - y.shareA) - Math.abs(x.shareB - x.shareA));
	return { changed, a: a.groups, b: b.groups };
}

/** P(Z > z) for a standard normal (Abramowitz-Stegun 7.1.26 through erfc; error below 1.5e-7). */
export function normalTail(z: number): number {
	const x = z / Math.SQRT2;
	const t = 1 / (1 + 0.3275911 * Math.abs(x));
	const erfc = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
	return x >= 0 ? erfc / 2 : 1 - erfc / 2;
}

function median(sample: readonly number[]): number {
	if (sample.length === 0) {
		return 0;
	}
	const sorted = Float64Array.from(sample).sort();
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function toMap(counts: Record<string, number>): Map<string, number> {
	return new Map(Object.entries(counts));
}

function describe(counts: Record<string, number>): string {
	return Object.entries(counts)
		.map(([key, count]) => `${key} ${count}`)
		.join(', ');
}
