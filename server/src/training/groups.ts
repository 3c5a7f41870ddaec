import { matchGroups } from '../core/fairness/matcher';
import { twoProportionPValue, wilsonInterval } from './metrics';

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

/** One group's metrics; groups with too few records are listed with `scored: false` and no rates. */
export interface GroupMetrics {
	group: string;
	records: number;
	scored: boolean;
	accuracy?: Rate;
	perLabel?: LabelRates[];
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
