/**
 * The statistics behind the fairness rules: Pearson's chi-square test of independence with its p-value (regularised upper
 * incomplete gamma), Fisher's exact test for 2×2 tables with small expected counts, Cramér's V, Wilson score intervals and
 * the Bonferroni correction. Dependency-free and deterministic.
 */
import { logChoose, logGamma } from '../poisoning/stats';

/** A 2×2 contingency table: rows "mentions the group" / "does not", columns "has the label" / "does not". */
export interface TwoByTwo {
	groupWithLabel: number;
	groupWithoutLabel: number;
	restWithLabel: number;
	restWithoutLabel: number;
}

/** The result of a test of independence on a 2×2 table. */
export interface IndependenceTest {
	/** Pearson's chi-square statistic (no continuity correction), df = 1. */
	chiSquare: number;
	/** The two-sided p-value: from the chi-square distribution, or Fisher's exact test when `test` is `fisher`. */
	pValue: number;
	/** Cramér's V, which for a 2×2 table is |phi|: 0 = independent, 1 = the group determines the label. */
	cramersV: number;
	/** `fisher` when an expected count is below 5, where the chi-square approximation is unreliable. */
	test: 'chi-square' | 'fisher';
}

/** Below this expected cell count the chi-square approximation is replaced by Fisher's exact test (Cochran's rule). */
export const MIN_EXPECTED_FOR_CHI_SQUARE = 5;

/** Tests whether mentioning the group and carrying the label are independent. Degenerate tables give p = 1 and V = 0. */
export function testIndependence(table: TwoByTwo): IndependenceTest {
	const { groupWithLabel: a, groupWithoutLabel: b, restWithLabel: c, restWithoutLabel: d } = table;
	const n = a + b + c + d;
	const rowGroup = a + b;
	const rowRest = c + d;
	const columnLabel = a + c;
	const columnOther = b + d;
	if (n === 0 || rowGroup === 0 || rowRest === 0 || columnLabel === 0 || columnOther === 0) {
		return { chiSquare: 0, pValue: 1, cramersV: 0, test: 'chi-square' };
	}
	const determinant = a * d - b * c;
	// Computed as a product of ratios so that large files do not overflow the intermediate products.
	const chiSquare = (n * (determinant / rowGroup) * (determinant / rowRest)) / columnLabel / columnOther;
	const cramersV = Math.sqrt(chiSquare / n);
	const smallestExpected = (Math.min(rowGroup, rowRest) * Math.min(columnLabel, columnOther)) / n;
	if (smallestExpected < MIN_EXPECTED_FOR_CHI_SQUARE) {
		return { chiSquare, pValue: fisherExactTwoSided(table), cramersV, test: 'fisher' };
	}
	return { chiSquare, pValue: chiSquareUpperTail(chiSquare, 1), cramersV, test: 'chi-square' };
}

/** P(X ≥ x) for X ~ chi-square with `degreesOfFreedom`: the p-value of a chi-square statistic. */
export function chiSquareUpperTail(x: number, degreesOfFreedom: number): number {
	if (!(x > 0)) {
		return 1;
	}
	return regularizedUpperGamma(degreesOfFreedom / 2, x / 2);
}

/**
 * Two-sided Fisher exact test: the probability, with the margins fixed, of every table at most as likely as the observed
 * one (the definition R's `fisher.test` uses, with the same relative tolerance for ties).
 */
export function fisherExactTwoSided(table: TwoByTwo): number {
	const { groupWithLabel: a, groupWithoutLabel: b, restWithLabel: c, restWithoutLabel: d } = table;
	const rowGroup = a + b;
	const columnLabel = a + c;
	const n = a + b + c + d;
	const low = Math.max(0, columnLabel - (c + d));
	const high = Math.min(rowGroup, columnLabel);
	const logDenominator = logChoose(n, columnLabel);
	const logProbability = (k: number): number => logChoose(rowGroup, k) + logChoose(n - rowGroup, columnLabel - k) - logDenominator;
	const observed = logProbability(a);
	const tolerance = 1e-7;
	let total = 0;
	for (let k = low; k <= high; k++) {
		const logP = logProbability(k);
		if (logP <= observed + Math.log1p(tolerance)) {
			total += Math.exp(logP);
		}
	}
	return Math.min(1, total);
}

/** The Wilson score interval for a proportion `successes / trials` (95% by default); [0, 1] when there are no trials. */
export function wilsonInterval(successes: number, trials: number, z = 1.959963984540054): [number, number] {
	if (trials === 0) {
		return [0, 1];
	}
	const p = successes / trials;
	const z2 = z * z;
	const denominator = 1 + z2 / trials;
	const centre = (p + z2 / (2 * trials)) / denominator;
	const halfWidth = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denominator;
	return [Math.max(0, centre - halfWidth), Math.min(1, centre + halfWidth)];
}

/** Bonferroni-adjusted p-value: min(1, p × tests). */
export function bonferroni(pValue: number, tests: number): number {
	return Math.min(1, pValue * Math.max(1, tests));
}

/** Pearson's chi-square goodness-of-fit statistic and p-value of counts against equal shares (parity). */
export function parityGoodnessOfFit(counts: readonly number[]): { chiSquare: number; pValue: number } {
	const total = counts.reduce((sum, count) => sum + count, 0);
	if (counts.length < 2 || total === 0) {
		return { chiSquare: 0, pValue: 1 };
	}
	const expected = total / counts.length;
	const chiSquare = counts.reduce((sum, count) => sum + ((count - expected) * (count - expected)) / expected, 0);
	return { chiSquare, pValue: chiSquareUpperTail(chiSquare, counts.length - 1) };
}

/** Q(s, x) = Γ(s, x) / Γ(s): a series below s + 1, a continued fraction above (Numerical Recipes §6.2). */
function regularizedUpperGamma(s: number, x: number): number {
	if (x < s + 1) {
		return Math.max(0, 1 - lowerGammaSeries(s, x));
	}
	return upperGammaContinuedFraction(s, x);
}

const MAX_ITERATIONS = 500;
const EPSILON = 1e-15;
const TINY = 1e-300;

function lowerGammaSeries(s: number, x: number): number {
	let term = 1 / s;
	let sum = term;
	for (let n = 1; n < MAX_ITERATIONS; n++) {
		term *= x / (s + n);
		sum += term;
		if (Math.abs(term) < Math.abs(sum) * EPSILON) {
			break;
		}
	}
	return sum * Math.exp(-x + s * Math.log(x) - logGamma(s));
}

function upperGammaContinuedFraction(s: number, x: number): number {
	let b = x + 1 - s;
	let c = 1 / TINY;
	let d = 1 / b;
	let h = d;
	for (let i = 1; i < MAX_ITERATIONS; i++) {
		const an = -i * (i - s);
		b += 2;
		d = an * d + b;
		if (Math.abs(d) < TINY) {
			d = TINY;
		}
		c = b + an / c;
		if (Math.abs(c) < TINY) {
			c = TINY;
		}
		d = 1 / d;
		const delta = d * c;
		h *= delta;
		if (Math.abs(delta - 1) < EPSILON) {
			break;
		}
	}
	return Math.exp(-x + s * Math.log(x) - logGamma(s)) * h;
}
