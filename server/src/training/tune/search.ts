import type { CancellationSignal } from '../../core/types';
import { type Random, seededRandom, shuffleInPlace } from '../random';
import { fitGaussianProcess } from './gaussianProcess';
import { gridLevels, type Parameter, type Params, paramsAt, snapped } from './space';

/**
 * Hyper-parameter search: grid, random, and Bayesian optimisation (a Matérn 5/2 Gaussian process with expected
 * improvement). The objective is minimised (validation loss for `tunelint tune`). Trials run one after another:
 * each asks the surrogate fitted to every earlier result, which is what makes Bayes need fewer trials.
 */

export type SearchMethod = 'grid' | 'random' | 'bayes';
export const SEARCH_METHODS: readonly SearchMethod[] = ['grid', 'random', 'bayes'];

/** One evaluated configuration. */
export interface Trial {
	params: Params;
	metric: number;
	seconds: number;
}

/** The `tunelint tune --format json` object. */
export interface SearchResult {
	method: SearchMethod;
	trials: Trial[];
	best: { params: Params; metric: number } | null;
	/** True when the budget or a cancel ended the search before `trials` were run. */
	stoppedEarly: boolean;
}

/** How a search runs. */
export interface SearchOptions {
	method: SearchMethod;
	trials: number;
	seed: number;
	/** Random trials before the surrogate takes over (Bayes only); default max(3, dimensions + 1). */
	initialRandom?: number;
	/** Stop starting new trials after this many seconds. */
	budgetSeconds?: number;
	signal?: CancellationSignal;
	onTrial?(trial: Trial, index: number): void;
}

/** The objective: smaller is better; NaN or a throw counts as a failed trial (it is recorded as +∞). */
export type Objective = (params: Params) => Promise<number> | number;

/** Runs a search and returns every trial with the best one. */
export async function search(objective: Objective, space: readonly Parameter[], options: SearchOptions): Promise<SearchResult> {
	const random = seededRandom(options.seed);
	const trials: Trial[] = [];
	const units: number[][] = [];
	const grid = options.method === 'grid' ? gridPoints(space, options.trials, random) : [];
	const started = Date.now();
	let stoppedEarly = false;
	for (let index = 0; index < options.trials; index++) {
		if (options.signal?.isCancellationRequested || (options.budgetSeconds !== undefined && (Date.now() - started) / 1000 >= options.budgetSeconds)) {
			stoppedEarly = true;
			break;
		}
		let unit: number[];
		if (options.method === 'grid') {
			if (index >= grid.length) {
				break;
			}
			unit = grid[index];
		} else if (options.method === 'random' || index < (options.initialRandom ?? Math.max(3, space.length + 1))) {
			unit = space.map(() => random());
		} else {
			unit = nextByExpectedImprovement(units, trials.map((trial) => trial.metric), space.length, random);
		}
		unit = snapped(space, unit);
		const params = paramsAt(space, unit);
		const trialStarted = Date.now();
		let metric: number;
		try {
			metric = await objective(params);
		} catch {
			metric = Number.NaN;
		}
		const trial: Trial = { params, metric: Number.isFinite(metric) ? metric : Number.POSITIVE_INFINITY, seconds: (Date.now() - trialStarted) / 1000 };
		trials.push(trial);
		units.push(unit);
		options.onTrial?.(trial, index);
	}
	const best = trials.reduce<Trial | undefined>((current, trial) => (current === undefined || trial.metric < current.metric ? trial : current), undefined);
	return { method: options.method, trials, best: best === undefined ? null : { params: best.params, metric: best.metric }, stoppedEarly };
}

/** The best metric after each trial (for the best-so-far plot and the benchmark). */
export function bestSoFar(trials: readonly Trial[]): number[] {
	let best = Number.POSITIVE_INFINITY;
	return trials.map((trial) => (best = Math.min(best, trial.metric)));
}

/**
 * A full factorial grid with about `budget` points (levels per dimension = ⌊budget^(1/d)⌋, at least 2), in a seeded
 * order so that a budget smaller than the grid still samples it evenly rather than one corner.
 */
function gridPoints(space: readonly Parameter[], budget: number, random: Random): number[][] {
	const levels = Math.max(2, Math.floor(budget ** (1 / space.length) + 1e-9));
	let points: number[][] = [[]];
	for (const parameter of space) {
		const values = gridLevels(parameter, levels);
		points = points.flatMap((point) => values.map((value) => [...point, value]));
	}
	return points.length > budget ? shuffleInPlace(points, random) : points;
}

/** Exploration margin of expected improvement, in standard deviations of the observed metrics. */
const EI_XI = 0.01;
const RANDOM_CANDIDATES = 1000;
const LOCAL_CANDIDATES = 500;

/**
 * Maximises expected improvement over random candidates plus Gaussian perturbations of the best points so far
 * (a cheap, robust inner optimiser for a handful of dimensions).
 */
function nextByExpectedImprovement(units: readonly number[][], metrics: readonly number[], dimensions: number, random: Random): number[] {
	const finite = metrics.map((metric, index) => ({ metric, unit: units[index] })).filter((entry) => Number.isFinite(entry.metric));
	if (finite.length < 2) {
		return Array.from({ length: dimensions }, () => random());
	}
	const process = fitGaussianProcess(finite.map((entry) => entry.unit), finite.map((entry) => entry.metric));
	const observed = finite.map((entry) => entry.metric);
	const incumbent = Math.min(...observed);
	const spread = standardDeviation(observed) || 1;
	const leaders = [...finite].sort((a, b) => a.metric - b.metric).slice(0, 5);
	let best = { unit: leaders[0].unit, value: Number.NEGATIVE_INFINITY };
	for (let c = 0; c < RANDOM_CANDIDATES + LOCAL_CANDIDATES; c++) {
		const unit =
			c < RANDOM_CANDIDATES
				? Array.from({ length: dimensions }, () => random())
				: leaders[c % leaders.length].unit.map((value) => clamp(value + gaussian(random) * (c % 2 === 0 ? 0.02 : 0.08)));
		const { mean, std } = process.predict(unit);
		const value = expectedImprovement(mean, std, incumbent - EI_XI * spread);
		if (value > best.value) {
			best = { unit, value };
		}
	}
	return best.unit;
}

/** EI for minimisation: E[max(0, target − f)] with f ~ N(mean, std²). */
export function expectedImprovement(mean: number, std: number, target: number): number {
	if (std <= 0) {
		return Math.max(0, target - mean);
	}
	const z = (target - mean) / std;
	return (target - mean) * normalCdf(z) + std * Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

/** Standard normal CDF (Abramowitz-Stegun 7.1.26 through erf; error below 1.5e-7). */
function normalCdf(z: number): number {
	const x = Math.abs(z) / Math.SQRT2;
	const t = 1 / (1 + 0.3275911 * x);
	const erf = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
	return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

function gaussian(random: Random): number {
	return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function clamp(value: number): number {
	return Math.min(1, Math.max(0, value));
}

function standardDeviation(values: readonly number[]): number {
	const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
	return Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length);
}
