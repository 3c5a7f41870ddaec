import type { CancellationSignal } from '../core/types';
import type { SparseVector } from './features';
import { evaluate } from './metrics';
import { ProxyModel } from './model';
import { seededRandom, shuffleInPlace } from './random';

/**
 * The training loop. It is a custom loop rather than `model.fit` because the embedding bag's gradient is a
 * `tf.customGrad` (see model.ts); it keeps fit's contract otherwise: per-epoch history, early stopping on validation
 * loss with the best weights restored, and a stop flag polled after every batch.
 */

/** Training hyper-parameters (the `tunelint train` options). */
export interface TrainOptions {
	/** Most epochs; early stopping usually ends sooner. */
	epochs: number;
	batchSize: number;
	learningRate: number;
	l2: number;
	/** Share of input features zeroed in each training batch. */
	dropout: number;
	/** Epochs without a lower validation loss before training stops. */
	patience: number;
	seed: number;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
	epochs: 10,
	batchSize: 128,
	learningRate: 0.05,
	l2: 0,
	dropout: 0,
	patience: 2,
	seed: 42,
};

/** One epoch of the history: loss and accuracy on the training and validation sets after the epoch (no dropout). */
export interface EpochRecord {
	epoch: number;
	loss: number;
	accuracy: number;
	valLoss?: number;
	valAccuracy?: number;
	seconds: number;
}

/** Vectors and their class ids. */
export interface EncodedSet {
	vectors: SparseVector[];
	classes: ArrayLike<number>;
}

/** Where progress goes and where cancellation comes from. */
export interface TrainingHooks {
	signal?: CancellationSignal;
	onBatch?(epoch: number, batch: number, batches: number): void;
	onEpoch?(record: EpochRecord): void;
}

/** Thrown (only) when training is cancelled through its signal. */
export class TrainingCancelled extends Error {
	constructor() {
		super('training cancelled');
	}
}

/** A trained model, its history, and the 1-based epoch whose weights it holds. */
export interface FitResult {
	model: ProxyModel;
	history: EpochRecord[];
	bestEpoch: number;
	stoppedEarly: boolean;
}

/** How often, at most, the loop lets the event loop run (signals, IPC messages, progress writes). */
const YIELD_EVERY_MS = 50;

/**
 * Trains a fresh model on `train`. With `validation`, stops after `patience` epochs without a lower validation loss
 * and restores the best weights; without it, trains exactly `options.epochs` epochs (used for the k folds).
 */
export async function fit(train: EncodedSet, validation: EncodedSet | undefined, featureCount: number, classCount: number, options: TrainOptions, hooks: TrainingHooks = {}): Promise<FitResult> {
	const model = new ProxyModel(featureCount, classCount, { learningRate: options.learningRate, l2: options.l2 });
	try {
		return await trainModel(model, train, validation, options, hooks);
	} catch (error) {
		model.dispose();
		throw error;
	}
}

async function trainModel(model: ProxyModel, train: EncodedSet, validation: EncodedSet | undefined, options: TrainOptions, hooks: TrainingHooks): Promise<FitResult> {
	const random = seededRandom(options.seed);
	const order = Array.from({ length: train.vectors.length }, (_, index) => index);
	const batches = Math.ceil(order.length / options.batchSize);
	const history: EpochRecord[] = [];
	let best = { epoch: 0, loss: Number.POSITIVE_INFINITY, weights: undefined as ReturnType<ProxyModel['snapshot']> | undefined };
	let lastYield = Date.now();
	try {
		for (let epoch = 1; epoch <= options.epochs; epoch++) {
			const started = Date.now();
			shuffleInPlace(order, random);
			for (let batch = 0; batch < batches; batch++) {
				const ids = order.slice(batch * options.batchSize, (batch + 1) * options.batchSize);
				const classes = ids.map((id) => train.classes[id]);
				await model.trainBatch(ids.map((id) => train.vectors[id]), classes, options.dropout, random);
				hooks.onBatch?.(epoch, batch + 1, batches);
				if (Date.now() - lastYield > YIELD_EVERY_MS) {
					await new Promise((resolve) => setImmediate(resolve));
					lastYield = Date.now();
				}
				if (hooks.signal?.isCancellationRequested) {
					throw new TrainingCancelled();
				}
			}
			const trainMetrics = evaluate(await model.predict(train.vectors), train.classes, model.classCount);
			const record: EpochRecord = { epoch, loss: trainMetrics.loss, accuracy: trainMetrics.accuracy, seconds: (Date.now() - started) / 1000 };
			if (validation !== undefined) {
				const metrics = evaluate(await model.predict(validation.vectors), validation.classes, model.classCount);
				record.valLoss = metrics.loss;
				record.valAccuracy = metrics.accuracy;
				if (metrics.loss < best.loss) {
					best.weights?.forEach((tensor) => tensor.dispose());
					best = { epoch, loss: metrics.loss, weights: model.snapshot() };
				}
			}
			history.push(record);
			hooks.onEpoch?.(record);
			if (validation !== undefined && epoch - best.epoch >= options.patience) {
				break;
			}
		}
		const stoppedEarly = history.length < options.epochs;
		if (best.weights !== undefined && best.epoch !== history.length) {
			model.restore(best.weights);
		} else {
			best.weights?.forEach((tensor) => tensor.dispose());
		}
		best.weights = undefined;
		return { model, history, bestEpoch: validation === undefined ? history.length : best.epoch, stoppedEarly };
	} finally {
		best.weights?.forEach((tensor) => tensor.dispose());
	}
}
