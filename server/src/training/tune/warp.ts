import { type FittedProcess, fitGaussianProcess, isotropicLogLikelihood } from './gaussianProcess';

/**
 * Output warping for the Gaussian process (a warped GP, Snelson, Rasmussen & Ghahramani 2004, with a one-parameter
 * family): the metrics are modelled as z = log(y − min + c·range), where the offset c is chosen by the marginal
 * likelihood of the original values (the GP's likelihood of z plus the log Jacobian of the warp), or the metrics are
 * left unwarped when that is more likely. Validation losses have a long tail (a learning rate too high gives 0.9–1.2
 * where the good region spans 0.58–0.62 on sst2); standardised as they are, that tail sets the scale, the GP's mean
 * reverts to a value inflated by it, and an untried region next to one diverged trial looks hopeless. A small offset
 * spreads the low values; a large one is almost the identity, so a smooth function such as a quadratic keeps its shape.
 */

/** Offsets tried, as shares of the observed range of the metric. */
const OFFSETS = [0.02, 0.05, 0.1, 0.2, 0.5, 1, 2];

/** A GP fitted to warped metrics, with the warp it chose; `warp` maps a metric to the GP's scale (monotone). */
export interface WarpedProcess {
	process: FittedProcess;
	warp(metric: number): number;
	/** The offset chosen (share of the range), or null when the metrics are modelled unwarped. */
	offset: number | null;
}

/**
 * Fits the GP to `metrics` at `units` under the most likely warp of the family. The warps are compared by the
 * likelihood of the original metrics under an isotropic GP of the coarse grid (the GP's likelihood of the warped
 * values plus the log Jacobian of the warp); the full GP, with a length scale per dimension, is then fitted once.
 */
export function fitWarpedProcess(units: readonly (readonly number[])[], metrics: readonly number[]): WarpedProcess {
	const min = Math.min(...metrics);
	const range = Math.max(...metrics) - min;
	let best: { warp: (metric: number) => number; offset: number | null; likelihood: number } = { warp: (metric) => metric, offset: null, likelihood: isotropicLogLikelihood(units, metrics) };
	for (const offset of range > 0 ? OFFSETS : []) {
		const shift = offset * range - min;
		const warp = (metric: number): number => Math.log(metric + shift);
		const warped = metrics.map(warp);
		const likelihood = isotropicLogLikelihood(units, warped) - warped.reduce((sum, value) => sum + value, 0);
		if (likelihood > best.likelihood) {
			best = { warp, offset, likelihood };
		}
	}
	return { process: fitGaussianProcess(units, metrics.map(best.warp)), warp: best.warp, offset: best.offset };
}
