import { type Random, shuffleInPlace } from '../random';

/**
 * The initial design of the model-based searches: a Latin hypercube (McKay, Beckman & Conover 1979), which puts
 * exactly one of the n points in each of n equal slices of every dimension, so that n points already see the whole
 * range of each parameter (a random start can leave a third of the learning-rate axis unvisited). Of a few seeded
 * hypercubes the one whose closest pair of points is farthest apart is kept (maximin), which also spreads the points
 * across dimensions.
 */

/** Hypercubes drawn per design; the maximin one is kept. */
const CANDIDATE_DESIGNS = 50;

/** A maximin Latin hypercube of `count` points in `dimensions` dimensions (unit cube). */
export function latinHypercube(count: number, dimensions: number, random: Random): number[][] {
	let best: { points: number[][]; spread: number } | undefined;
	for (let c = 0; c < CANDIDATE_DESIGNS; c++) {
		const columns = Array.from({ length: dimensions }, () => shuffleInPlace(Array.from({ length: count }, (_, i) => i), random).map((slice) => (slice + random()) / count));
		const points = Array.from({ length: count }, (_, i) => columns.map((column) => column[i]));
		const spread = closestPair(points);
		if (best === undefined || spread > best.spread) {
			best = { points, spread };
		}
	}
	return best?.points ?? [];
}

/** The smallest squared distance between two of the points (+∞ for fewer than two). */
function closestPair(points: readonly number[][]): number {
	let closest = Number.POSITIVE_INFINITY;
	for (let i = 0; i < points.length; i++) {
		for (let j = 0; j < i; j++) {
			closest = Math.min(closest, points[i].reduce((sum, value, d) => sum + (value - points[j][d]) ** 2, 0));
		}
	}
	return closest;
}
