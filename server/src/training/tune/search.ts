import type { CancellationSignal } from '../../core/types';
import { type Random, seededRandom, shuffleInPlace } from '../random';
import { latinHypercube } from './design';
import { fitWarpedProcess } from './warp';
import { nextByTpe, normalCdf } from './tpe';
import { gridLevels, type Parameter, type Params, paramsAt, snapped } from './space';

/**
 * Hyper-parameter search: grid, random, Bayesian optimisation (a Matérn 5/2 Gaussian process with expected
 * improvement) and TPE. The objective is minimised (validation loss for `tunelint tune`).
 *
 * Trials may run in parallel (`workers`). Grid and random points do not depend on results, so a new trial starts as
 * soon as a worker is free. Bayes and TPE run in synchronous batches of `workers` trials: the batch's points are
 * chosen one after another with the constant-liar heuristic (Ginsbourger et al. 2010): each chosen but unevaluated
 * point is added to the observations with a fake result, the best value so far for Bayes (CL-min, which pushes the
 * next point of the batch away from it) and the worst for TPE (as Optuna's constant_liar does), then the batch is
 * evaluated together. Waiting for a whole batch costs some idle time, but keeps the search reproducible: for a seed
 * and a worker count the same points are tried whatever order the trials finish in. With one worker this is the
 * plain sequential search.
 */

export type SearchMethod = 'grid' | 'random' | 'bayes' | 'tpe';
export const SEARCH_METHODS: readonly SearchMethod[] = ['grid', 'random', 'bayes', 'tpe'];

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
	/** Trials evaluated at once (default 1); the objective must cope with that many concurrent calls. */
	workers?: number;
	/** Points of the initial Latin hypercube before the model takes over (Bayes and TPE); default max(3, dimensions + 1). */
	initialPoints?: number;
	/** Stop starting new trials after this many seconds. */
	budgetSeconds?: number;
	signal?: CancellationSignal;
	/** Called as each trial finishes (in finishing order); `index` is its 0-based place in the result. */
	onTrial?(trial: Trial, index: number): void;
}

/**
 * The objective: smaller is better; NaN or a throw counts as a failed trial (recorded as +∞), except a throw after
 * the signal was cancelled, which drops the interrupted trial from the result.
 */
export type Objective = (params: Params) => Promise<number> | number;

/** Runs a search and returns every finished trial (in trial order) with the best one. */
export async function search(objective: Objective, space: readonly Parameter[], options: SearchOptions): Promise<SearchResult> {
	const random = seededRandom(options.seed);
	const workers = Math.max(1, Math.floor(options.workers ?? 1));
	const adaptive = options.method === 'bayes' || options.method === 'tpe';
	const initialPoints = options.initialPoints ?? Math.max(3, space.length + 1);
	const grid = options.method === 'grid' ? gridPoints(space, options.trials, random) : [];
	const design = adaptive ? latinHypercube(Math.min(initialPoints, options.trials), space.length, random) : [];
	const total = options.method === 'grid' ? Math.min(options.trials, grid.length) : options.trials;
	const finished: ({ trial: Trial; unit: number[] } | undefined)[] = [];
	const running = new Map<number, Promise<void>>();
	const started = Date.now();
	let next = 0;
	let stoppedEarly = false;
	const propose = (index: number, pending: readonly number[][]): number[] => {
		if (options.method === 'grid') {
			return grid[index];
		}
		if (index < design.length) {
			return design[index];
		}
		if (options.method === 'random') {
			return space.map(() => random());
		}
		const done = finished.filter((entry) => entry !== undefined);
		const observed = done.map((entry) => entry.trial.metric);
		const finite = observed.filter((metric) => Number.isFinite(metric));
		const liar = finite.length === 0 ? 0 : options.method === 'bayes' ? Math.min(...finite) : Math.max(...finite);
		const units = [...done.map((entry) => entry.unit), ...pending];
		const metrics = [...observed, ...pending.map(() => liar)];
		return options.method === 'bayes' ? nextByExpectedImprovement(units, metrics, space.length, random) : nextByTpe(units, metrics.map((metric) => (Number.isFinite(metric) ? metric : Number.MAX_VALUE)), space.length, random);
	};
	const start = (index: number, unit: number[]): void => {
		const params = paramsAt(space, unit);
		const trialStarted = Date.now();
		const settle = async (): Promise<void> => {
			let metric: number;
			try {
				metric = await objective(params);
			} catch {
				if (options.signal?.isCancellationRequested) {
					return;
				}
				metric = Number.NaN;
			}
			const trial: Trial = { params, metric: Number.isFinite(metric) ? metric : Number.POSITIVE_INFINITY, seconds: (Date.now() - trialStarted) / 1000 };
			finished[index] = { trial, unit };
			options.onTrial?.(trial, index);
		};
		running.set(index, settle().finally(() => running.delete(index)));
	};
	for (;;) {
		const outOfTime = options.budgetSeconds !== undefined && (Date.now() - started) / 1000 >= options.budgetSeconds;
		if (next < total && (options.signal?.isCancellationRequested || outOfTime)) {
			stoppedEarly = true;
		}
		// Adaptive methods choose a new batch only once the previous one is in; the others fill any free worker.
		if (!stoppedEarly && (!adaptive || running.size === 0)) {
			const pending: number[][] = [];
			while (running.size < workers && next < total) {
				const unit = snapped(space, propose(next, pending));
				pending.push(unit);
				start(next++, unit);
			}
		}
		if (running.size === 0) {
			break;
		}
		await Promise.race(running.values());
	}
	const trials = finished.filter((entry) => entry !== undefined).map((entry) => entry.trial);
	const best = trials.reduce<Trial | undefined>((current, trial) => (current === undefined || trial.metric < current.metric ? trial : current), undefined);
	return { method: options.method, trials, best: best === undefined ? null : { params: best.params, metric: best.metric }, stoppedEarly: stoppedEarly || options.signal?.isCancellationRequested === true };
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

/** Exploration margin of expected improvement, in standard deviations of the (warped) observed metrics. */
const EI_XI = 0.01;
const RANDOM_CANDIDATES = 1000;
const LOCAL_CANDIDATES = 500;

/**
 * Maximises expected improvement over random candidates plus Gaussian perturbations of the best points so far
 * (a cheap, robust inner optimiser for a handful of dimensions).
 *
 * The GP models warped metrics (warp.ts), and the improvement is that of the next observation over the best
 * observation so far: the search reports its best observed trial, so that is the quantity to improve, and the
 * predictive spread includes the GP's noise term. On a validation loss that noise is the roughness the smooth model
 * cannot explain (a different batch order, an early stop one epoch earlier), deterministic for a seed but
 * unpredictable from the hyper-parameters; counting it keeps some expected improvement in the good region after
 * the model's mean there has settled, where an improvement of the noise-free mean alone would send the search to
 * the corners of the space.
 */
function nextByExpectedImprovement(units: readonly number[][], metrics: readonly number[], dimensions: number, random: Random): number[] {
	const finite = metrics.map((metric, index) => ({ metric, unit: units[index] })).filter((entry) => Number.isFinite(entry.metric));
	if (finite.length < 2) {
		return Array.from({ length: dimensions }, () => random());
	}
	const { process, warp } = fitWarpedProcess(finite.map((entry) => entry.unit), finite.map((entry) => entry.metric));
	const observed = finite.map((entry) => warp(entry.metric));
	const target = Math.min(...observed) - EI_XI * (standardDeviation(observed) || 1);
	const leaders = [...finite].sort((a, b) => a.metric - b.metric).slice(0, 5);
	let best = { unit: leaders[0].unit, value: Number.NEGATIVE_INFINITY };
	for (let c = 0; c < RANDOM_CANDIDATES + LOCAL_CANDIDATES; c++) {
		const unit =
			c < RANDOM_CANDIDATES
				? Array.from({ length: dimensions }, () => random())
				: leaders[c % leaders.length].unit.map((value) => clamp(value + gaussian(random) * (c % 2 === 0 ? 0.02 : 0.08)));
		const { mean, observationStd } = process.predict(unit);
		const value = expectedImprovement(mean, observationStd, target);
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

