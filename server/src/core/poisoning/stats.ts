/**
 * Small, dependency-free statistics for the poisoning checks: exact binomial tails in log space (so that p-values
 * far below 1e-300 stay comparable), Bonferroni correction and quartiles.
 */

const LANCZOS = [
	676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
	-0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** Natural logarithm of the gamma function (Lanczos approximation, about 15 significant digits). */
export function logGamma(x: number): number {
	if (x < 0.5) {
		return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
	}
	const shifted = x - 1;
	let sum = 0.99999999999980993;
	for (let i = 0; i < LANCZOS.length; i++) {
		sum += LANCZOS[i] / (shifted + i + 1);
	}
	const t = shifted + LANCZOS.length - 0.5;
	return 0.5 * Math.log(2 * Math.PI) + (shifted + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** log C(n, k). */
export function logChoose(n: number, k: number): number {
	return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

/**
 * Natural log of P(X >= successes) for X ~ Binomial(trials, probability): the one-sided test "this n-gram's
 * records carry the label more often than the base rate allows".
 */
export function logBinomialUpperTail(successes: number, trials: number, probability: number): number {
	if (successes <= 0) {
		return 0;
	}
	if (successes > trials || probability <= 0) {
		return -Infinity;
	}
	if (probability >= 1) {
		return 0;
	}
	const logP = Math.log(probability);
	const logQ = Math.log1p(-probability);
	const first = logChoose(trials, successes) + successes * logP + (trials - successes) * logQ;
	return Math.min(0, logSumFrom(first, successes, trials, logP, logQ));
}

/**
 * Sums the binomial terms from `start` upward, stopping once the terms have passed the mode and no longer change
 * the total (they only fall from there on).
 */
function logSumFrom(firstTerm: number, start: number, trials: number, logP: number, logQ: number): number {
	let total = firstTerm;
	let term = firstTerm;
	for (let i = start; i < trials; i++) {
		// Ratio of consecutive terms: C(n, i+1) p^(i+1) q^(n-i-1) / (C(n, i) p^i q^(n-i)).
		term += Math.log((trials - i) / (i + 1)) + logP - logQ;
		total = logAdd(total, term);
		if (term < total - 40 && i > start + 1 && term < firstTerm) {
			break;
		}
	}
	return total;
}

function logAdd(a: number, b: number): number {
	if (a === -Infinity) {
		return b;
	}
	if (b === -Infinity) {
		return a;
	}
	const high = Math.max(a, b);
	return high + Math.log1p(Math.exp(Math.min(a, b) - high));
}

/** Bonferroni-corrected p-value in log space: log(min(1, p * tests)). */
export function logBonferroni(logP: number, tests: number): number {
	return Math.min(0, logP + Math.log(Math.max(1, tests)));
}

/** Converts a natural-log p-value to a plain number, flooring at the smallest positive double rather than 0. */
export function pValueFromLog(logP: number): number {
	return Math.max(Number.MIN_VALUE, Math.exp(logP));
}

/**
 * First and third quartiles (linear interpolation between order statistics) of a non-empty list. Typed arrays are
 * welcome: the values are sorted as a Float64Array copy, 8 bytes per value, for the millions of records of a big file.
 */
export function quartiles(values: ArrayLike<number>): { q1: number; median: number; q3: number } {
	return quartilesOfSorted(Float64Array.from(values).sort());
}

/** The quartiles of values already sorted in ascending order. */
export function quartilesOfSorted(sorted: Float64Array): { q1: number; median: number; q3: number } {
	return { q1: quantile(sorted, 0.25), median: quantile(sorted, 0.5), q3: quantile(sorted, 0.75) };
}

function quantile(sorted: Float64Array, q: number): number {
	if (sorted.length === 0) {
		return 0;
	}
	const position = (sorted.length - 1) * q;
	const below = Math.floor(position);
	const above = Math.min(sorted.length - 1, below + 1);
	return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}
