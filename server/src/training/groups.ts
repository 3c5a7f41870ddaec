import { matchGroups } from '../core/fairness/matcher';
import { normalPValue, twoProportionPValue, wilsonInterval } from './metrics';

/**
 * Per-group metrics of the proxy's out-of-sample predictions. A record belongs to every identity group its text
 * mentions; each group is compared with the records that do not mention it ("the rest"), per label, on the four
 * quantities fairness toolkits report: accuracy, selection rate (demographic parity), true positive rate (equal
 * opportunity) and positive predictive value (predictive parity).
 */

/** Returns the groups a text mentions, as stable ids such as "religion/muslim". */
export type GroupMatcher = (text: string) => string[];

/** The built-in matcher: the identity lexicon of core/fairness, unambiguous mentions only. */
export const lexiconGroupMatcher: GroupMatcher = (text) => [...new Set(matchGroups(text).filter((mention) => !mention.ambiguous).map((mention) => `${mention.axis}/${mention.group}`))];

/** A rate with its counts, its 95 % Wilson interval, the same rate over the rest, and the gap (group minus rest). */
export interface Rate {
	value: number;
	successes: number;
	trials: number;
	interval: [number, number];
	rest: number;
	gap: number;
	/** Two-proportion z-test of group against rest. */
	pValue: number;
}

/** The per-label rates of one group. */
export interface LabelRates {
	label: string;
	selectionRate: Rate;
	truePositiveRate: Rate;
	positivePredictiveValue: Rate;
}

/** A group's mean of a per-record quantity against the rest: 95 % interval of the mean, gap (group minus rest), Welch z-test. */
export interface MeanComparison {
	value: number;
	records: number;
	interval: [number, number];
	rest: number;
	gap: number;
	pValue: number;
}

/**
 * One group's metrics; groups with too few records are listed with `scored: false` and no rates. The classifier
 * fills `accuracy` and `perLabel`; the next-token proxy fills `loss` (the mean answer loss per record).
 */
export interface GroupMetrics {
	group: string;
	records: number;
	scored: boolean;
	accuracy?: Rate;
	perLabel?: LabelRates[];
	loss?: MeanComparison;
}

/** Computes every group's metrics; `minRecords` records are needed to score a group. */
export function groupMetrics(texts: readonly string[], truth: ArrayLike<number>, predicted: ArrayLike<number>, labels: readonly string[], matcher: GroupMatcher, minRecords: number): GroupMetrics[] {
	const members = new Map<string, number[]>();
	texts.forEach((text, index) => {
		for (const group of matcher(text)) {
			members.set(group, [...(members.get(group) ?? []), index]);
		}
	});
	const result: GroupMetrics[] = [];
	for (const [group, indices] of [...members].sort(([a], [b]) => a.localeCompare(b))) {
		if (indices.length < minRecords) {
			result.push({ group, records: indices.length, scored: false });
			continue;
		}
		const inGroup = new Uint8Array(texts.length);
		indices.forEach((index) => (inGroup[index] = 1));
		const rate = (hit: (i: number) => boolean, counts: (i: number) => boolean): Rate => {
			const tally = [
				[0, 0],
				[0, 0],
			];
			for (let i = 0; i < texts.length; i++) {
				if (counts(i)) {
					tally[inGroup[i]][1]++;
					tally[inGroup[i]][0] += hit(i) ? 1 : 0;
				}
			}
			const [[restHits, restTrials], [hits, trials]] = tally;
			const value = trials === 0 ? 0 : hits / trials;
			const rest = restTrials === 0 ? 0 : restHits / restTrials;
			return { value, successes: hits, trials, interval: wilsonInterval(hits, trials), rest, gap: value - rest, pValue: twoProportionPValue(hits, trials, restHits, restTrials) };
		};
		const all = (): boolean => true;
		result.push({
			group,
			records: indices.length,
			scored: true,
			accuracy: rate((i) => predicted[i] === truth[i], all),
			perLabel: labels.map((label, c) => ({
				label,
				selectionRate: rate((i) => predicted[i] === c, all),
				truePositiveRate: rate((i) => predicted[i] === c, (i) => truth[i] === c),
				positivePredictiveValue: rate((i) => truth[i] === c, (i) => predicted[i] === c),
			})),
		});
	}
	return result;
}

/** Per-group mean of one loss per record (`losses[i]` for `texts[i]`; NaN leaves a record out), compared with the rest. */
export function groupLosses(texts: readonly string[], losses: ArrayLike<number>, matcher: GroupMatcher, minRecords: number): GroupMetrics[] {
	const members = new Map<string, number[]>();
	texts.forEach((text, index) => {
		if (!Number.isNaN(losses[index])) {
			for (const group of matcher(text)) {
				members.set(group, [...(members.get(group) ?? []), index]);
			}
		}
	});
	const result: GroupMetrics[] = [];
	for (const [group, indices] of [...members].sort(([a], [b]) => a.localeCompare(b))) {
		if (indices.length < minRecords) {
			result.push({ group, records: indices.length, scored: false });
			continue;
		}
		const inGroup = new Set(indices);
		const rest: number[] = [];
		for (let i = 0; i < texts.length; i++) {
			if (!inGroup.has(i) && !Number.isNaN(losses[i])) {
				rest.push(losses[i]);
			}
		}
		const mine = meanAndVariance(indices.map((index) => losses[index]));
		const others = meanAndVariance(rest);
		const halfWidth = 1.96 * Math.sqrt(mine.variance / indices.length);
		const standardError = Math.sqrt(mine.variance / indices.length + (rest.length === 0 ? 0 : others.variance / rest.length));
		const gap = mine.mean - others.mean;
		result.push({
			group,
			records: indices.length,
			scored: true,
			loss: { value: mine.mean, records: indices.length, interval: [mine.mean - halfWidth, mine.mean + halfWidth], rest: others.mean, gap, pValue: rest.length < 2 || standardError === 0 ? 1 : normalPValue(gap / standardError) },
		});
	}
	return result;
}

function meanAndVariance(values: readonly number[]): { mean: number; variance: number } {
	const mean = values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
	const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / Math.max(1, values.length - 1);
	return { mean, variance };
}
