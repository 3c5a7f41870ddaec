import type { Random } from '../random';

/**
 * The Tree-structured Parzen Estimator (Bergstra et al. 2011), in its multivariate form (Falkner et al. 2018, as in
 * Optuna's `multivariate=True`): the observations are split into the best γ share ("good") and the rest ("bad"), a
 * Parzen density of products of truncated Gaussians on the unit cube is fitted to each, and the next point is the
 * candidate drawn from the good density that maximises good/bad density ratio, which is equivalent to maximising
 * expected improvement under TPE's model. The multivariate kernel keeps interactions (Branin's curved valley) that
 * the per-dimension estimator of the original paper loses.
 */

/** Candidates drawn from the good density per proposal (hyperopt's and Optuna's default). */
const CANDIDATES = 24;
/** Bandwidth scale: σ = 0.2 · n^(−1/(d+4)) on the unit cube (Scott's rule with Optuna's constant). */
const BANDWIDTH = 0.2;
/** Most observations in the good set (Optuna's cap). */
const MAX_GOOD = 25;

/** The good-set size for n observations: ⌈0.25 n⌉, at most 25, at least 1. */
export function goodCount(n: number): number {
	return Math.max(1, Math.min(MAX_GOOD, Math.ceil(0.25 * n)));
}

/** A Parzen density on the unit cube: one truncated Gaussian per point, plus a broad prior component. */
interface Parzen {
	means: number[][];
	sigma: number;
}

/** Proposes the next point (unit cube) from the observations so far; metrics are minimised, +∞ counts as bad. */
export function nextByTpe(units: readonly (readonly number[])[], metrics: readonly number[], dimensions: number, random: Random): number[] {
	if (units.length < 2) {
		return Array.from({ length: dimensions }, () => random());
	}
	const ranked = units.map((unit, index) => ({ unit, metric: metrics[index] })).sort((a, b) => a.metric - b.metric);
	const split = goodCount(ranked.length);
	const good = parzen(ranked.slice(0, split).map((entry) => entry.unit), dimensions);
	const bad = parzen(ranked.slice(split).map((entry) => entry.unit), dimensions);
	let best = { unit: [] as number[], score: Number.NEGATIVE_INFINITY };
	for (let c = 0; c < CANDIDATES; c++) {
		const unit = sample(good, dimensions, random);
		const score = logDensity(good, unit) - logDensity(bad, unit);
		if (score > best.score) {
			best = { unit, score };
		}
	}
	return best.unit;
}

function parzen(points: readonly (readonly number[])[], dimensions: number): Parzen {
	return { means: points.map((point) => [...point]), sigma: BANDWIDTH * Math.max(1, points.length) ** (-1 / (dimensions + 4)) };
}

/** Prior component: centred, σ = 1 on the unit cube (almost flat), weighted like one observation. */
const PRIOR_MEAN = 0.5;
const PRIOR_SIGMA = 1;

function sample(density: Parzen, dimensions: number, random: Random): number[] {
	const component = Math.floor(random() * (density.means.length + 1));
	const prior = component === density.means.length;
	return Array.from({ length: dimensions }, (_, d) => truncatedNormal(prior ? PRIOR_MEAN : density.means[component][d], prior ? PRIOR_SIGMA : density.sigma, random));
}

/** log of the mixture density (equal weights over the points and the prior). */
function logDensity(density: Parzen, unit: readonly number[]): number {
	const logs = density.means.map((mean) => unit.reduce((sum, x, d) => sum + logTruncatedNormal(x, mean[d], density.sigma), 0));
	logs.push(unit.reduce((sum, x) => sum + logTruncatedNormal(x, PRIOR_MEAN, PRIOR_SIGMA), 0));
	const max = Math.max(...logs);
	return max + Math.log(logs.reduce((sum, value) => sum + Math.exp(value - max), 0) / logs.length);
}

function logTruncatedNormal(x: number, mean: number, sigma: number): number {
	const z = (x - mean) / sigma;
	const mass = normalCdf((1 - mean) / sigma) - normalCdf((0 - mean) / sigma);
	return -0.5 * z * z - Math.log(sigma * Math.sqrt(2 * Math.PI) * Math.max(mass, 1e-12));
}

/** A normal draw restricted to [0, 1] by rejection (the mean lies in [0, 1], so acceptance is at least about 1/2·mass). */
function truncatedNormal(mean: number, sigma: number, random: Random): number {
	for (let attempt = 0; attempt < 100; attempt++) {
		const x = mean + sigma * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
		if (x >= 0 && x <= 1) {
			return x;
		}
	}
	return Math.min(1, Math.max(0, mean));
}

/** Standard normal CDF (Abramowitz-Stegun 7.1.26 through erf; error below 1.5e-7). */
export function normalCdf(z: number): number {
	const x = Math.abs(z) / Math.SQRT2;
	const t = 1 / (1 + 0.3275911 * x);
	const erf = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
	return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}
