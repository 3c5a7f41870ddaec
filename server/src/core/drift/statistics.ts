/**
 * Distances between two distributions, as used by drift monitors: the population stability index (PSI), the
 * Jensen-Shannon divergence and the two-sample Kolmogorov-Smirnov statistic. Pure functions over counts and samples.
 */

/** Added to every bin's share before PSI takes logarithms, so an empty bin gives a large but finite term (as Deepchecks and NannyML do). */
const PSI_EPSILON = 1e-4;

/** Shares of each key in two count tables, over the union of their keys (in first-seen order). */
export function alignedShares(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): { keys: string[]; p: number[]; q: number[] } {
	const keys = [...new Set([...a.keys(), ...b.keys()])];
	const totalA = sum(a.values());
	const totalB = sum(b.values());
	return {
		keys,
		p: keys.map((key) => (totalA === 0 ? 0 : (a.get(key) ?? 0) / totalA)),
		q: keys.map((key) => (totalB === 0 ? 0 : (b.get(key) ?? 0) / totalB)),
	};
}

/** Population stability index of `actual` against `expected` shares (same bins): Σ (a − e) ln(a / e). */
export function psi(expected: readonly number[], actual: readonly number[]): number {
	let total = 0;
	for (let i = 0; i < expected.length; i++) {
		const e = Math.max(expected[i], PSI_EPSILON);
		const a = Math.max(actual[i], PSI_EPSILON);
		total += (a - e) * Math.log(a / e);
	}
	return total;
}

/** Jensen-Shannon divergence in bits (0 for equal distributions, 1 for disjoint ones); inputs are shares over the same bins. */
export function jensenShannon(p: readonly number[], q: readonly number[]): number {
	let total = 0;
	for (let i = 0; i < p.length; i++) {
		const m = (p[i] + q[i]) / 2;
		if (p[i] > 0) {
			total += 0.5 * p[i] * Math.log2(p[i] / m);
		}
		if (q[i] > 0) {
			total += 0.5 * q[i] * Math.log2(q[i] / m);
		}
	}
	return Math.min(1, Math.max(0, total));
}

/** A two-sample Kolmogorov-Smirnov test: the largest gap between the empirical CDFs and its asymptotic p-value. */
export interface KsResult {
	statistic: number;
	pValue: number;
}

/** Two-sample Kolmogorov-Smirnov test; samples need not be sorted. */
export function kolmogorovSmirnov(a: readonly number[], b: readonly number[]): KsResult {
	if (a.length === 0 || b.length === 0) {
		return { statistic: 0, pValue: 1 };
	}
	const x = Float64Array.from(a).sort();
	const y = Float64Array.from(b).sort();
	let i = 0;
	let j = 0;
	let statistic = 0;
	while (i < x.length && j < y.length) {
		const value = Math.min(x[i], y[j]);
		while (i < x.length && x[i] === value) {
			i++;
		}
		while (j < y.length && y[j] === value) {
			j++;
		}
		statistic = Math.max(statistic, Math.abs(i / x.length - j / y.length));
	}
	const effective = Math.sqrt((x.length * y.length) / (x.length + y.length));
	return { statistic, pValue: kolmogorovPValue((effective + 0.12 + 0.11 / effective) * statistic) };
}

/** The Kolmogorov distribution's tail Q(λ) = 2 Σ (−1)^(k−1) e^(−2k²λ²) (Numerical Recipes' probks). */
function kolmogorovPValue(lambda: number): number {
	if (lambda < 1e-3) {
		return 1;
	}
	let total = 0;
	let sign = 1;
	for (let k = 1; k <= 100; k++) {
		const term = sign * Math.exp(-2 * k * k * lambda * lambda);
		total += term;
		if (Math.abs(term) < 1e-10) {
			return Math.min(1, Math.max(0, 2 * total));
		}
		sign = -sign;
	}
	return 1;
}

/**
 * Bin edges for PSI of a numeric variable: the deciles of the reference sample (distinct values only), so each bin
 * holds about a tenth of the reference data.
 */
export function quantileEdges(reference: readonly number[], bins = 10): number[] {
	const sorted = Float64Array.from(reference).sort();
	const edges: number[] = [];
	for (let k = 1; k < bins; k++) {
		const value = sorted[Math.min(sorted.length - 1, Math.floor((k * sorted.length) / bins))];
		if (value !== undefined && (edges.length === 0 || value > edges[edges.length - 1])) {
			edges.push(value);
		}
	}
	return edges;
}

/** Shares of a sample in the bins (−∞, e0), [e0, e1), …, [e_last, ∞). */
export function binShares(sample: readonly number[], edges: readonly number[]): number[] {
	const counts = new Array<number>(edges.length + 1).fill(0);
	for (const value of sample) {
		let bin = 0;
		while (bin < edges.length && value >= edges[bin]) {
			bin++;
		}
		counts[bin]++;
	}
	return counts.map((count) => (sample.length === 0 ? 0 : count / sample.length));
}

/** PSI of a numeric variable with the reference sample's deciles as bins. */
export function numericPsi(reference: readonly number[], current: readonly number[]): number {
	const edges = quantileEdges(reference);
	return psi(binShares(reference, edges), binShares(current, edges));
}

function sum(values: Iterable<number>): number {
	let total = 0;
	for (const value of values) {
		total += value;
	}
	return total;
}

/** Area under the ROC curve of `scores` for the positives (Mann-Whitney U with ties counted half); 0.5 when a side is empty. */
export function rocAuc(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number {
	const order = Array.from({ length: scores.length }, (_, index) => index).sort((x, y) => scores[x] - scores[y]);
	let positives = 0;
	let rankSum = 0;
	for (let start = 0; start < order.length;) {
		let end = start;
		while (end < order.length && scores[order[end]] === scores[order[start]]) {
			end++;
		}
		const averageRank = (start + 1 + end) / 2;
		for (let k = start; k < end; k++) {
			if (positive[order[k]]) {
				positives++;
				rankSum += averageRank;
			}
		}
		start = end;
	}
	const negatives = order.length - positives;
	return positives === 0 || negatives === 0 ? 0.5 : (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
