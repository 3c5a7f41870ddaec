import { seededRandom, shuffled } from './random';

/** One record as the planners see it: its line in the file, its label, and optionally a demographic group. */
export interface LabelledLine {
	line: number;
	label: string;
	group?: string;
}

export type RebalanceStrategy = 'under' | 'over' | 'reweigh';

/** What a rebalance does, before anything is written; the preview shows it and the writer applies it. */
export interface RebalancePlan {
	strategy: RebalanceStrategy;
	before: Record<string, number>;
	after: Record<string, number>;
	/** Lines of the output in order: original lines (kept in file order), then, for `over`, the copies. */
	lines: number[];
	/** For `over`: which original line each appended copy repeats (the report lists them; copies are never silent). */
	copies: number[];
	/** For `reweigh`: a sampling weight per original line. */
	weights?: Array<{ line: number; label: string; group?: string; weight: number }>;
}

/**
 * Plans a rebalance. `under` keeps a seeded random subset of each class, as large as the smallest class, in file
 * order; `over` keeps every record and appends seeded copies of minority records until each class is as large as the
 * largest; `reweigh` keeps the data as it is and computes sampling weights: by label alone, the balanced weights
 * N / (K · n_y); with groups, AIF360's Reweighing w = P(y) · P(g) / P(y, g).
 */
export function planRebalance(records: readonly LabelledLine[], strategy: RebalanceStrategy, seed: number): RebalancePlan {
	const random = seededRandom(seed);
	const byLabel = new Map<string, LabelledLine[]>();
	for (const record of records) {
		byLabel.set(record.label, [...(byLabel.get(record.label) ?? []), record]);
	}
	const before = Object.fromEntries([...byLabel].map(([label, items]) => [label, items.length]));
	const sizes = [...byLabel.values()].map((items) => items.length);
	if (strategy === 'under') {
		const target = Math.min(...sizes);
		const kept = [...byLabel.values()].flatMap((items) => shuffled(items, random).slice(0, target).map((item) => item.line));
		kept.sort((a, b) => a - b);
		return { strategy, before, after: mapValues(before, () => target), lines: kept, copies: [] };
	}
	if (strategy === 'over') {
		const target = Math.max(...sizes);
		const copies: number[] = [];
		for (const items of byLabel.values()) {
			for (let added = 0; added < target - items.length; added++) {
				copies.push(items[Math.floor(random() * items.length)].line);
			}
		}
		return { strategy, before, after: mapValues(before, () => target), lines: [...records.map((record) => record.line), ...copies], copies };
	}
	return { strategy, before, after: before, lines: records.map((record) => record.line), copies: [], weights: reweigh(records) };
}

/**
 * The lines of the file a rebalance writes, in order. Oversampling keeps every line of the input, labelled or not,
 * and appends the copies; undersampling writes the chosen records only, leaving out lines without a label.
 */
export function rebalancedLines(plan: RebalancePlan, lineCount: number): number[] {
	return plan.strategy === 'over' ? [...Array.from({ length: lineCount }, (_, line) => line), ...plan.copies] : plan.lines;
}

function reweigh(records: readonly LabelledLine[]): NonNullable<RebalancePlan['weights']> {
	const total = records.length;
	const labelCounts = countBy(records, (record) => record.label);
	const hasGroups = records.some((record) => record.group !== undefined);
	if (!hasGroups) {
		const classes = labelCounts.size;
		return records.map((record) => ({ line: record.line, label: record.label, weight: total / (classes * (labelCounts.get(record.label) ?? 1)) }));
	}
	const groupCounts = countBy(records, (record) => record.group ?? '');
	const jointCounts = countBy(records, (record) => `${record.label}\u0000${record.group ?? ''}`);
	return records.map((record) => {
		const pLabel = (labelCounts.get(record.label) ?? 0) / total;
		const pGroup = (groupCounts.get(record.group ?? '') ?? 0) / total;
		const pJoint = (jointCounts.get(`${record.label}\u0000${record.group ?? ''}`) ?? 1) / total;
		return { line: record.line, label: record.label, group: record.group, weight: (pLabel * pGroup) / pJoint };
	});
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
	const counts = new Map<string, number>();
	for (const item of items) {
		counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
	}
	return counts;
}

function mapValues(object: Record<string, number>, value: (count: number) => number): Record<string, number> {
	return Object.fromEntries(Object.entries(object).map(([key, count]) => [key, value(count)]));
}
