import type { EpochRecord } from './train';

/**
 * Reading the curves: overfitting from the epoch history, and "more data would help" from the learning curve.
 * Pure functions over numbers, so the thresholds are tested without training anything.
 */

/** Thresholds for the two curve findings. */
export interface CurveOptions {
	/** Validation loss must rise this much (relative to its minimum) after the best epoch while training loss falls. */
	minValLossRise: number;
	/** Accuracy gained by doubling the data from 50 % to 100 % at or above which more data is judged to help. */
	minGainPerDoubling: number;
}

export const DEFAULT_CURVE_OPTIONS: CurveOptions = { minValLossRise: 0.02, minGainPerDoubling: 0.02 };

/** Evidence that training past `bestEpoch` overfits. */
export interface OverfittingEvidence {
	bestEpoch: number;
	/** First epoch whose validation loss is above the best one. */
	startedAtEpoch: number;
	/** Validation minus training loss at the best epoch. */
	gapAtBest: number;
	/** Highest later validation loss, relative to the best (0.1 = 10 % higher). */
	valLossRise: number;
	trainLossDrop: number;
}

/** Overfitting: after the best epoch, validation loss rose by at least `minValLossRise` while training loss kept falling. */
export function overfittingEvidence(history: readonly EpochRecord[], bestEpoch: number, options: CurveOptions = DEFAULT_CURVE_OPTIONS): OverfittingEvidence | undefined {
	const best = history[bestEpoch - 1];
	const later = history.slice(bestEpoch);
	if (best?.valLoss === undefined || later.length === 0) {
		return undefined;
	}
	const worst = Math.max(...later.map((record) => record.valLoss ?? Number.NEGATIVE_INFINITY));
	const last = later[later.length - 1];
	const valLossRise = (worst - best.valLoss) / Math.max(best.valLoss, 1e-9);
	if (valLossRise < options.minValLossRise || last.loss >= best.loss) {
		return undefined;
	}
	return {
		bestEpoch,
		startedAtEpoch: bestEpoch + 1,
		gapAtBest: best.valLoss - best.loss,
		valLossRise,
		trainLossDrop: best.loss - last.loss,
	};
}

/** One point of the learning curve: a model trained on `share` of the training split, scored on validation. */
export interface CurvePoint {
	share: number;
	records: number;
	accuracy: number;
	loss: number;
}

/** The learning curve's slope at 100 %: accuracy gained per doubling between the 50 % and 100 % points. */
export function gainPerDoubling(curve: readonly CurvePoint[]): number | undefined {
	const full = curve.find((point) => point.share === 1);
	const half = curve.find((point) => point.share === 0.5);
	return full === undefined || half === undefined ? undefined : full.accuracy - half.accuracy;
}

/** True when the curve still rises steeply at 100 % of the data. */
export function needsMoreData(curve: readonly CurvePoint[], options: CurveOptions = DEFAULT_CURVE_OPTIONS): boolean {
	const gain = gainPerDoubling(curve);
	return gain !== undefined && gain >= options.minGainPerDoubling;
}

/** Thresholds for the next-token proxy's learning curve, whose accuracy is per token and moves less than a classifier's. */
export interface AnswerCurveOptions {
	/** Relative drop of validation loss from 50 % to 100 % of the data at or above which more data is judged to help. */
	minLossDropPerDoubling: number;
	/** Token accuracy gained from 50 % to 100 % at or above which more data is judged to help. */
	minTokenGainPerDoubling: number;
}

export const DEFAULT_ANSWER_CURVE_OPTIONS: AnswerCurveOptions = { minLossDropPerDoubling: 0.03, minTokenGainPerDoubling: 0.01 };

/** The learning curve's relative loss drop at 100 %: (loss at 50 % − loss at 100 %) / loss at 50 %. */
export function lossDropPerDoubling(curve: readonly CurvePoint[]): number | undefined {
	const full = curve.find((point) => point.share === 1);
	const half = curve.find((point) => point.share === 0.5);
	return full === undefined || half === undefined ? undefined : (half.loss - full.loss) / Math.max(half.loss, 1e-9);
}

/** True when the next-token proxy's curve still falls (loss) or rises (token accuracy) steeply at 100 % of the data. */
export function answersNeedMoreData(curve: readonly CurvePoint[], options: AnswerCurveOptions = DEFAULT_ANSWER_CURVE_OPTIONS): boolean {
	const drop = lossDropPerDoubling(curve);
	const gain = gainPerDoubling(curve);
	return (drop !== undefined && drop >= options.minLossDropPerDoubling) || (gain !== undefined && gain >= options.minTokenGainPerDoubling);
}
