import type { LogPoint, TrainingLog } from './parse';

/**
 * What a training log says about the run: where validation loss turned while training loss kept falling
 * (overfitting) and which step early stopping would have kept. Per-step losses are noisy (OpenAI's valid_loss is
 * one batch), so both curves are smoothed with an exponential moving average before they are compared.
 */

/** Thresholds of the analysis. */
export interface LogAnalysisOptions {
	/** EMA weight of the previous value (0 = no smoothing); TensorBoard's default slider is 0.6. */
	smoothing: number;
	/** Validation loss must end this share above its minimum to call overfitting (2 %, as the proxy's overfitting rule). */
	minRise: number;
	/** Evaluations without a lower validation loss before early stopping stops (Keras/HF `patience`). */
	patience: number;
}

export const DEFAULT_LOG_ANALYSIS_OPTIONS: LogAnalysisOptions = { smoothing: 0.6, minRise: 0.02, patience: 3 };

/** One curve point for the plot: the raw value and its smoothed value. */
export interface CurvePoint {
	step: number;
	value: number;
	smoothed: number;
}

/** The `tunelint log --format json` object. */
export interface LogReport {
	file: string;
	format: TrainingLog['format'];
	steps: { first: number; last: number; count: number };
	curves: { trainLoss: CurvePoint[]; validLoss: CurvePoint[]; trainAccuracy: CurvePoint[]; validAccuracy: CurvePoint[] };
	final: { trainLoss?: number; validLoss?: number; trainAccuracy?: number; validAccuracy?: number };
	/** Null when there is no validation curve, or validation loss did not turn while training loss fell. */
	overfitting: { step: number; validLossAtTurn: number; validLossAtEnd: number; rise: number; trainLossAtTurn: number; trainLossAtEnd: number; gap: number } | null;
	/** The step early stopping on (smoothed) validation loss would have kept; null without validation. */
	earlyStopping: { step: number; validLoss: number; stoppedAt: number; patience: number; stepsSaved: number } | null;
	problems: string[];
}

/** Analyses a parsed log. */
export function analyzeTrainingLog(log: TrainingLog, file: string, options: LogAnalysisOptions = DEFAULT_LOG_ANALYSIS_OPTIONS): LogReport {
	const curve = (metric: keyof Omit<LogPoint, 'step'>): CurvePoint[] => smooth(log.points.filter((point) => point[metric] !== undefined).map((point) => ({ step: point.step, value: point[metric] as number })), options.smoothing);
	const curves = { trainLoss: curve('trainLoss'), validLoss: curve('validLoss'), trainAccuracy: curve('trainAccuracy'), validAccuracy: curve('validAccuracy') };
	const last = (points: CurvePoint[]): number | undefined => points[points.length - 1]?.value;
	return {
		file,
		format: log.format,
		steps: { first: log.points[0].step, last: log.points[log.points.length - 1].step, count: log.points.length },
		curves,
		final: { trainLoss: last(curves.trainLoss), validLoss: last(curves.validLoss), trainAccuracy: last(curves.trainAccuracy), validAccuracy: last(curves.validAccuracy) },
		overfitting: overfitting(curves.trainLoss, curves.validLoss, options),
		earlyStopping: earlyStopping(curves.validLoss, options.patience, log.points[log.points.length - 1].step),
		problems: log.problems,
	};
}

/** Exponential moving average with TensorBoard's debiasing, so the first points are not pulled towards zero. */
export function smooth(points: readonly { step: number; value: number }[], weight: number): CurvePoint[] {
	let average = 0;
	return points.map((point, index) => {
		average = average * weight + (1 - weight) * point.value;
		const debias = weight === 0 ? 1 : 1 - weight ** (index + 1);
		return { step: point.step, value: point.value, smoothed: average / debias };
	});
}

/** The smoothed value of a curve at a step: the last point at or before it. */
function valueAt(points: readonly CurvePoint[], step: number): number | undefined {
	let found: number | undefined;
	for (const point of points) {
		if (point.step > step) {
			break;
		}
		found = point.smoothed;
	}
	return found;
}

function overfitting(train: readonly CurvePoint[], valid: readonly CurvePoint[], options: LogAnalysisOptions): LogReport['overfitting'] {
	if (valid.length < 3 || train.length < 2) {
		return null;
	}
	let best = valid[0];
	for (const point of valid) {
		if (point.smoothed < best.smoothed) {
			best = point;
		}
	}
	const end = valid[valid.length - 1];
	const trainAtTurn = valueAt(train, best.step) ?? train[0].smoothed;
	const trainAtEnd = train[train.length - 1].smoothed;
	const rise = (end.smoothed - best.smoothed) / Math.max(best.smoothed, 1e-12);
	if (best === end || rise < options.minRise || !(trainAtEnd < trainAtTurn)) {
		return null;
	}
	return { step: best.step, validLossAtTurn: best.smoothed, validLossAtEnd: end.smoothed, rise, trainLossAtTurn: trainAtTurn, trainLossAtEnd: trainAtEnd, gap: end.smoothed - trainAtEnd };
}

/** Early stopping as Keras and the HF callback do it: stop after `patience` evaluations without a new minimum, keep the best. */
function earlyStopping(valid: readonly CurvePoint[], patience: number, lastStep: number): LogReport['earlyStopping'] {
	if (valid.length === 0) {
		return null;
	}
	let best = valid[0];
	let waited = 0;
	let stoppedAt = valid[valid.length - 1].step;
	for (const point of valid.slice(1)) {
		if (point.smoothed < best.smoothed) {
			best = point;
			waited = 0;
		} else if (++waited >= patience) {
			stoppedAt = point.step;
			break;
		}
	}
	return { step: best.step, validLoss: best.smoothed, stoppedAt, patience, stepsSaved: Math.max(0, lastStep - stoppedAt) };
}
