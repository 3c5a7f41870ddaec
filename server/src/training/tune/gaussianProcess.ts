/**
 * A Gaussian-process regressor for Bayesian optimisation: Matérn 5/2 kernel with one length scale per dimension
 * (automatic relevance determination), the signal variance profiled out analytically, and the length scales and
 * the noise chosen by maximising the log marginal likelihood over a grid followed by coordinate-wise refinement.
 * Targets are standardised first. Plain arrays: the sets are a few dozen points, so O(n³) Cholesky is instant.
 */

const LENGTH_SCALES = [0.03, 0.06, 0.1, 0.15, 0.25, 0.4, 0.6, 1, 1.6, 3];
const NOISES = [1e-6, 1e-4, 1e-3, 1e-2, 0.05, 0.2];
const SQRT5 = Math.sqrt(5);

/** Matérn 5/2 correlation at scaled distance r: (1 + √5 r + 5r²/3) e^(−√5 r). */
export function matern52(r: number): number {
	return (1 + SQRT5 * r + (5 * r * r) / 3) * Math.exp(-SQRT5 * r);
}

/** A fitted GP: predicts the mean and standard deviation of the objective (in its original units). */
export interface FittedProcess {
	predict(x: readonly number[]): { mean: number; std: number; observationStd: number };
	lengthScales: number[];
	noise: number;
	logMarginalLikelihood: number;
}

/** Fits a GP to points `xs` (unit cube) with values `ys`. */
export function fitGaussianProcess(xs: readonly (readonly number[])[], ys: readonly number[]): FittedProcess {
	const n = ys.length;
	const { mean, spread, z } = standardised(ys);
	const dimensions = xs[0].length;
	const differences = squaredDifferences(xs);
	let best = isotropicFit(differences, z, dimensions);
	// Two rounds of per-dimension refinement: an irrelevant dimension should get a long length scale.
	for (let round = 0; round < 2 && dimensions > 1; round++) {
		for (let d = 0; d < dimensions; d++) {
			const base = best.scales;
			for (const scale of LENGTH_SCALES) {
				const scales = base.map((value, index) => (index === d ? scale : value));
				const likelihood = logMarginalLikelihood(differences, z, scales, best.noise);
				if (likelihood > best.likelihood) {
					best = { scales, noise: best.noise, likelihood };
				}
			}
		}
	}
	const { scales, noise } = best;
	const factor = cholesky(covariance(differences, scales, noise)) ?? cholesky(covariance(differences, scales, noise + 1e-3));
	if (factor === undefined) {
		throw new Error('Gaussian process: covariance matrix is not positive definite');
	}
	const alpha = solveCholesky(factor, z);
	const amplitude = Math.max(1e-12, dot(z, alpha) / n);
	return {
		lengthScales: scales,
		noise,
		logMarginalLikelihood: best.likelihood,
		predict(x) {
			const k = xs.map((point) => matern52(scaledDistance(point, x, scales)));
			const mu = dot(k, alpha);
			const v = forwardSubstitute(factor, k);
			const variance = Math.max(1e-12, amplitude * (1 - dot(v, v)));
			return { mean: mean + spread * mu, std: spread * Math.sqrt(variance), observationStd: spread * Math.sqrt(variance + amplitude * noise) };
		},
	};
}

/**
 * The log likelihood of `ys` in their own units (not standardised) under the most likely GP with one length scale
 * for every dimension, of the coarse grid: a cheap score to compare transforms of the same metrics.
 */
export function isotropicLogLikelihood(xs: readonly (readonly number[])[], ys: readonly number[]): number {
	const { spread, z } = standardised(ys);
	return isotropicFit(squaredDifferences(xs), z, xs[0].length).likelihood - ys.length * Math.log(spread);
}

function standardised(ys: readonly number[]): { mean: number; spread: number; z: number[] } {
	const mean = ys.reduce((sum, y) => sum + y, 0) / ys.length;
	const spread = Math.sqrt(ys.reduce((sum, y) => sum + (y - mean) ** 2, 0) / ys.length) || 1;
	return { mean, spread, z: ys.map((y) => (y - mean) / spread) };
}

/** The grid of shared length scales × noises: the most likely pair. */
function isotropicFit(differences: SquaredDifferences, z: readonly number[], dimensions: number): { scales: number[]; noise: number; likelihood: number } {
	let best = { scales: new Array<number>(dimensions).fill(0.25), noise: 1e-4, likelihood: Number.NEGATIVE_INFINITY };
	for (const scale of LENGTH_SCALES) {
		for (const noise of NOISES) {
			const scales = new Array<number>(dimensions).fill(scale);
			const likelihood = logMarginalLikelihood(differences, z, scales, noise);
			if (likelihood > best.likelihood) {
				best = { scales, noise, likelihood };
			}
		}
	}
	return best;
}

/** Log marginal likelihood with the signal variance profiled out (σ̂² = zᵀK⁻¹z / n). */
function logMarginalLikelihood(differences: SquaredDifferences, z: readonly number[], scales: readonly number[], noise: number): number {
	const factor = cholesky(covariance(differences, scales, noise));
	if (factor === undefined) {
		return Number.NEGATIVE_INFINITY;
	}
	const n = z.length;
	const alpha = solveCholesky(factor, z);
	const amplitude = Math.max(1e-12, dot(z, alpha) / n);
	let logDeterminant = 0;
	for (let i = 0; i < n; i++) {
		logDeterminant += 2 * Math.log(factor[i][i]);
	}
	return -0.5 * n * Math.log(amplitude) - 0.5 * logDeterminant - 0.5 * n * (1 + Math.log(2 * Math.PI));
}

function scaledDistance(a: readonly number[], b: readonly number[], scales: readonly number[]): number {
	let total = 0;
	for (let d = 0; d < a.length; d++) {
		total += ((a[d] - b[d]) / scales[d]) ** 2;
	}
	return Math.sqrt(total);
}

/** Squared coordinate differences of every pair of points, [i][j][d], computed once per fit. */
type SquaredDifferences = Float64Array[][];

function squaredDifferences(xs: readonly (readonly number[])[]): SquaredDifferences {
	return xs.map((a) => xs.map((b) => Float64Array.from(a, (value, d) => (value - b[d]) ** 2)));
}

function covariance(differences: SquaredDifferences, scales: readonly number[], noise: number): number[][] {
	const inverseSquares = scales.map((scale) => 1 / (scale * scale));
	return differences.map((row, i) =>
		row.map((pair, j) => {
			let total = 0;
			for (let d = 0; d < pair.length; d++) {
				total += pair[d] * inverseSquares[d];
			}
			return matern52(Math.sqrt(total)) + (i === j ? noise : 0);
		}),
	);
}

/** Lower-triangular L with L Lᵀ = A, or undefined when A is not positive definite. */
export function cholesky(matrix: readonly (readonly number[])[]): number[][] | undefined {
	const n = matrix.length;
	const lower = Array.from({ length: n }, () => new Array<number>(n).fill(0));
	for (let i = 0; i < n; i++) {
		for (let j = 0; j <= i; j++) {
			let sum = matrix[i][j];
			for (let k = 0; k < j; k++) {
				sum -= lower[i][k] * lower[j][k];
			}
			if (i === j) {
				if (sum <= 0) {
					return undefined;
				}
				lower[i][i] = Math.sqrt(sum);
			} else {
				lower[i][j] = sum / lower[j][j];
			}
		}
	}
	return lower;
}

function forwardSubstitute(lower: readonly (readonly number[])[], b: readonly number[]): number[] {
	const y = new Array<number>(b.length).fill(0);
	for (let i = 0; i < b.length; i++) {
		let sum = b[i];
		for (let k = 0; k < i; k++) {
			sum -= lower[i][k] * y[k];
		}
		y[i] = sum / lower[i][i];
	}
	return y;
}

/** Solves (L Lᵀ) x = b. */
function solveCholesky(lower: readonly (readonly number[])[], b: readonly number[]): number[] {
	const y = forwardSubstitute(lower, b);
	const x = new Array<number>(b.length).fill(0);
	for (let i = b.length - 1; i >= 0; i--) {
		let sum = y[i];
		for (let k = i + 1; k < b.length; k++) {
			sum -= lower[k][i] * x[k];
		}
		x[i] = sum / lower[i][i];
	}
	return x;
}

function dot(a: readonly number[], b: readonly number[]): number {
	let total = 0;
	for (let i = 0; i < a.length; i++) {
		total += a[i] * b[i];
	}
	return total;
}
