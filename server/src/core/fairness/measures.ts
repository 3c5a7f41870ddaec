/**
 * Dataset-level fairness measures computed from per-record identity mentions: representation of each group on its axis
 * against parity, and the association of each group with each label (rate difference, disparate-impact ratio, a test of
 * independence with Bonferroni correction). Counts are kept per (group, label), so memory does not grow with the file.
 */
import type { Lexicon } from './lexicon';
import type { GroupMention } from './matcher';
import { detachedString } from '../poisoning/columns';
import { bonferroni, parityGoodnessOfFit, testIndependence, wilsonInterval } from './statistics';

/** The groups one record mentions, with the surface forms seen; built from {@link GroupMention}s. */
export interface RecordGroups {
	/** Groups with at least one unambiguous mention (or any mention when ambiguous ones are included). */
	groups: GroupSighting[];
	/** Groups mentioned only through ambiguous terms (when those are not included). */
	ambiguousOnly: GroupSighting[];
}

/** One group seen in a record. */
export interface GroupSighting {
	/** `axis/group`, see {@link groupKey}. */
	key: string;
	axis: string;
	group: string;
	terms: string[];
}

/** The groups of a record without mentions (most records of most datasets); shared, never modified. */
const NO_GROUPS: RecordGroups = { groups: [], ambiguousOnly: [] };

/** The key of a group in maps: `axis/group`. */
export function groupKey(axis: string, group: string): string {
	return `${axis}/${group}`;
}

/**
 * Collects the groups of a record's mentions; ambiguous mentions count as mentions only when `includeAmbiguous` is set.
 * Arrays rather than maps: a record mentions few groups, and these are iterated at every lint of the file.
 */
export function recordGroups(mentions: readonly GroupMention[], includeAmbiguous: boolean): RecordGroups {
	if (mentions.length === 0) {
		return NO_GROUPS;
	}
	const groups: GroupSighting[] = [];
	const ambiguousOnly: GroupSighting[] = [];
	for (const mention of mentions) {
		const target = mention.ambiguous && !includeAmbiguous ? ambiguousOnly : groups;
		const key = groupKey(mention.axis, mention.group);
		const sighting = target.find((candidate) => candidate.key === key);
		if (sighting === undefined) {
			target.push({ key, axis: mention.axis, group: mention.group, terms: [mention.term] });
		} else if (!sighting.terms.includes(mention.term)) {
			sighting.terms.push(mention.term);
		}
	}
	return { groups, ambiguousOnly: ambiguousOnly.filter((sighting) => !groups.some((group) => group.key === sighting.key)) };
}

/** Per-group counts over the dataset, optionally split by label. */
export interface GroupTally {
	/** Records counted (with text, and with a label when labels are tallied). */
	records: number;
	labelTotals: Map<string, number>;
	groups: Map<string, GroupCounts>;
}

/** The counts of one group. */
export interface GroupCounts {
	axis: string;
	group: string;
	/** Records that mention the group. */
	records: number;
	/** Records that mention the group only through ambiguous terms (not in `records`). */
	ambiguousRecords: number;
	/** Records that mention the group, per label. */
	labels: Map<string, number>;
	/** Surface forms seen, in first-seen order. */
	terms: string[];
}

export function emptyTally(): GroupTally {
	return { records: 0, labelTotals: new Map(), groups: new Map() };
}

/** Adds one record (its groups and, for association, its label) to a tally. */
export function addToTally(tally: GroupTally, groups: RecordGroups, label?: string): void {
	tally.records++;
	if (label !== undefined) {
		tally.labelTotals.set(label, (tally.labelTotals.get(label) ?? 0) + 1);
	}
	for (const sighting of groups.groups) {
		const counts = countsOf(tally, sighting);
		counts.records++;
		if (label !== undefined) {
			counts.labels.set(label, (counts.labels.get(label) ?? 0) + 1);
		}
		for (const term of sighting.terms) {
			if (!counts.terms.includes(term)) {
				counts.terms.push(detachedString(term));
			}
		}
	}
	for (const sighting of groups.ambiguousOnly) {
		countsOf(tally, sighting).ambiguousRecords++;
	}
}

function countsOf(tally: GroupTally, sighting: GroupSighting): GroupCounts {
	let counts = tally.groups.get(sighting.key);
	if (counts === undefined) {
		counts = { axis: sighting.axis, group: sighting.group, records: 0, ambiguousRecords: 0, labels: new Map(), terms: [] };
		tally.groups.set(sighting.key, counts);
	}
	return counts;
}

/** Thresholds of the representation measure. */
export interface RepresentationOptions {
	/** Below this many records mentioning an axis, no claim is made about it. */
	minAxisRecords: number;
	/** A group is under-represented when its count is below this fraction of the most-mentioned group's. */
	minRatio: number;
	/** An axis is dominated when one group takes at least this share of the axis's mentions. */
	dominantShare: number;
}

export const DEFAULT_REPRESENTATION_OPTIONS: RepresentationOptions = { minAxisRecords: 20, minRatio: 0.2, dominantShare: 0.75 };

/** One group's row in the representation table. */
export interface RepresentationRow {
	group: string;
	records: number;
	/** Share of the axis's group mentions (a record mentioning two groups counts for both). */
	share: number;
	/** Share of all records audited that mention the group. */
	shareOfRecords: number;
	/** The share under parity among the groups that are mentioned: 1 / (groups mentioned). */
	parityShare: number;
	/** records / records of the most-mentioned group. */
	ratioToTop: number;
	ambiguousRecords: number;
	terms: string[];
}

/** The representation of one axis. */
export interface AxisRepresentation {
	axis: string;
	/** The sum of the group counts: a record that mentions two groups of the axis counts for both. */
	mentions: number;
	rows: RepresentationRow[];
	/** Lexicon groups of the axis that no record mentions. */
	absentGroups: string[];
	topGroup: string;
	topShare: number;
	/** Mentioned groups whose ratio to the top group is below `minRatio`. */
	underRepresented: string[];
	/** True when the top group's share reaches `dominantShare` on an axis with more than one group. */
	dominated: boolean;
	/** Goodness of fit of the mentioned groups' counts to parity. */
	chiSquare: number;
	pValue: number;
	/** False when the axis has fewer than `minAxisRecords` mentions: the rows are shown but no claim is made. */
	enoughData: boolean;
}

/** Representation of each axis that is mentioned at all, in lexicon order. */
export function measureRepresentation(tally: GroupTally, lexicon: Lexicon, options: RepresentationOptions): AxisRepresentation[] {
	const result: AxisRepresentation[] = [];
	for (const axis of lexicon.axes) {
		const counts = axis.groups.map((group) => tally.groups.get(groupKey(axis.id, group.id))).filter((count): count is GroupCounts => count !== undefined);
		const mentioned = counts.filter((count) => count.records > 0).sort((left, right) => right.records - left.records);
		if (mentioned.length === 0) {
			continue;
		}
		const mentions = mentioned.reduce((sum, count) => sum + count.records, 0);
		const top = mentioned[0];
		const rows = mentioned.map((count) => ({
			group: count.group,
			records: count.records,
			share: count.records / mentions,
			shareOfRecords: count.records / tally.records,
			parityShare: 1 / mentioned.length,
			ratioToTop: count.records / top.records,
			ambiguousRecords: count.ambiguousRecords,
			terms: count.terms,
		}));
		const enoughData = mentions >= options.minAxisRecords;
		const fit = parityGoodnessOfFit(mentioned.map((count) => count.records));
		result.push({
			axis: axis.id,
			mentions,
			rows,
			absentGroups: axis.groups.map((group) => group.id).filter((id) => !mentioned.some((count) => count.group === id)),
			topGroup: top.group,
			topShare: top.records / mentions,
			underRepresented: enoughData ? rows.filter((row) => row.ratioToTop < options.minRatio).map((row) => row.group) : [],
			dominated: enoughData && axis.groups.length > 1 && top.records / mentions >= options.dominantShare,
			chiSquare: fit.chiSquare,
			pValue: fit.pValue,
			enoughData,
		});
	}
	return result;
}

/** Thresholds of the association measure. */
export interface AssociationOptions {
	/** Family-wise significance level, Bonferroni-corrected over the tests made. */
	alpha: number;
	/** Groups mentioned by fewer records are not tested: no claim is made about them. */
	minCount: number;
	/** Significant pairs whose rate difference is smaller than this are not flagged (large files make tiny gaps significant). */
	minDifference: number;
}

export const DEFAULT_ASSOCIATION_OPTIONS: AssociationOptions = { alpha: 0.05, minCount: 20, minDifference: 0.05 };

/** The four-fifths rule of US employment practice, shown as a heuristic: ratios of rates below 0.8. */
export const FOUR_FIFTHS = 0.8;

/** One (group, label) cell of the association table. */
export interface AssociationRow {
	axis: string;
	group: string;
	terms: string[];
	label: string;
	/** Records that mention the group. */
	count: number;
	/** Of those, records with the label. */
	labelCount: number;
	groupRate: number;
	/** 95% Wilson interval of `groupRate`. */
	groupRateInterval: [number, number];
	/** The label's rate among all records. */
	overallRate: number;
	/** The label's rate among records that do not mention the group. */
	restRate: number;
	/** groupRate − overallRate (demographic parity difference against the whole dataset). */
	difference: number;
	/** groupRate / overallRate (disparate-impact ratio against the whole dataset). */
	ratio: number;
	/** min(groupRate, restRate) / max(groupRate, restRate) is below 0.8: the four-fifths heuristic, not a verdict. */
	belowFourFifths: boolean;
	chiSquare: number;
	pValue: number;
	/** Bonferroni-adjusted p-value. */
	adjustedPValue: number;
	cramersV: number;
	test: 'chi-square' | 'fisher';
	/** Adjusted p-value below alpha, the group over-represented with the label, and the difference at least `minDifference`. */
	significant: boolean;
}

/** The association table and what was left out. */
export interface AssociationResult {
	rows: AssociationRow[];
	/** Number of tests the Bonferroni correction divides by. */
	tests: number;
	/** Groups mentioned by fewer than `minCount` records, which were not tested. */
	untestedGroups: { axis: string; group: string; count: number }[];
	labels: string[];
}

/**
 * Tests each (group, label) pair: a 2×2 table of "mentions the group" × "has the label". With two labels the two tables
 * of a group are the same test, so it counts once in the Bonferroni correction; with K > 2 labels every pair counts.
 */
export function measureAssociation(tally: GroupTally, options: AssociationOptions): AssociationResult {
	const labels = [...tally.labelTotals.keys()].sort();
	const tested: GroupCounts[] = [];
	const untestedGroups: AssociationResult['untestedGroups'] = [];
	for (const counts of tally.groups.values()) {
		if (counts.records === 0) {
			continue;
		}
		if (counts.records >= options.minCount && counts.records < tally.records) {
			tested.push(counts);
		} else {
			untestedGroups.push({ axis: counts.axis, group: counts.group, count: counts.records });
		}
	}
	if (labels.length < 2) {
		return { rows: [], tests: 0, untestedGroups, labels };
	}
	const tests = tested.length * (labels.length === 2 ? 1 : labels.length);
	const rows: AssociationRow[] = [];
	for (const counts of tested) {
		for (const label of labels) {
			const labelTotal = tally.labelTotals.get(label) ?? 0;
			const labelCount = counts.labels.get(label) ?? 0;
			const table = {
				groupWithLabel: labelCount,
				groupWithoutLabel: counts.records - labelCount,
				restWithLabel: labelTotal - labelCount,
				restWithoutLabel: tally.records - counts.records - (labelTotal - labelCount),
			};
			const independence = testIndependence(table);
			const groupRate = labelCount / counts.records;
			const overallRate = labelTotal / tally.records;
			const restRate = (labelTotal - labelCount) / (tally.records - counts.records);
			const difference = groupRate - overallRate;
			const adjustedPValue = bonferroni(independence.pValue, tests);
			const high = Math.max(groupRate, restRate);
			rows.push({
				axis: counts.axis,
				group: counts.group,
				terms: counts.terms,
				label,
				count: counts.records,
				labelCount,
				groupRate,
				groupRateInterval: wilsonInterval(labelCount, counts.records),
				overallRate,
				restRate,
				difference,
				ratio: groupRate / overallRate,
				belowFourFifths: high > 0 && Math.min(groupRate, restRate) / high < FOUR_FIFTHS,
				chiSquare: independence.chiSquare,
				pValue: independence.pValue,
				adjustedPValue,
				cramersV: independence.cramersV,
				test: independence.test,
				significant: adjustedPValue < options.alpha && difference > 0 && difference >= options.minDifference,
			});
		}
	}
	return { rows, tests, untestedGroups, labels };
}

/** AIF360-style reweighing weights for the four cells of a (group, label) table: expected over observed frequency. */
export interface ReweighingWeights {
	groupWithLabel: number;
	groupWithoutLabel: number;
	restWithLabel: number;
	restWithoutLabel: number;
}

/**
 * The reweighing weights of Kamiran and Calders (AIF360 `Reweighing`): w = P(group) · P(label) / P(group, label) for each
 * cell, so that in the weighted data the label is independent of mentioning the group. Empty cells get weight 1.
 */
export function reweighingWeights(row: AssociationRow): ReweighingWeights {
	const weight = (expectedRate: number, observedRate: number): number => (observedRate > 0 ? expectedRate / observedRate : 1);
	return {
		groupWithLabel: weight(row.overallRate, row.groupRate),
		groupWithoutLabel: weight(1 - row.overallRate, 1 - row.groupRate),
		restWithLabel: weight(row.overallRate, row.restRate),
		restWithoutLabel: weight(1 - row.overallRate, 1 - row.restRate),
	};
}
