import type * as tf from '@tensorflow/tfjs';

import type { CancellationSignal } from '../core/types';
import type { SparseVector } from './features';
import { evaluate } from './metrics';
import { ProxyModel } from './model';
import { type Random, seededRandom, shuffleInPlace } from './random';

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
	/**
	 * Width of the feature embedding: 0 is the linear classifier, e > 0 fastText's (an e-wide embedding, then a dense
	 * layer); the next-token proxy always embeds, 0 giving it its default width.
	 */
	embeddingSize: number;
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
	embeddingSize: 0,
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
export interface FitResult<Model = ProxyModel> {
	model: Model;
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
	const model = new ProxyModel(featureCount, classCount, { learningRate: options.learningRate, l2: options.l2, embeddingSize: options.embeddingSize, seed: options.seed });
	try {
		const loop = await trainLoop(
			{
				model,
				size: train.vectors.length,
				trainBatch: (ids, random) => model.trainBatch(ids.map((id) => train.vectors[id]), ids.map((id) => train.classes[id]), options.dropout, random),
				scoreTrain: async () => evaluate(await model.predict(train.vectors), train.classes, classCount),
				scoreValidation: validation === undefined ? undefined : async () => evaluate(await model.predict(validation.vectors), validation.classes, classCount),
			},
			options,
			hooks,
		);
		return { model, ...loop };
	} catch (error) {
		model.dispose();
		throw error;
	}
}

/** A model whose weights the loop can copy and put back (to restore the best epoch). */
export interface RestorableModel {
	snapshot(): tf.Tensor[];
	restore(weights: tf.Tensor[]): void;
}

/** Loss and accuracy of a model on one set. */
export interface Score {
	loss: number;
	accuracy: number;
}

/**
 * What one training loop works on: `size` items (records) visited once per epoch in seeded random order, a step on a
 * batch of them, and scores after each epoch. The next-token proxy (nextToken.ts) and the classifier share the loop.
 */
export interface LoopTask {
	model: RestorableModel;
	size: number;
	/** One optimiser step on the items `ids`; `random` is the loop's generator (for dropout and sampling). */
	trainBatch(ids: number[], random: Random): Promise<unknown>;
	scoreTrain(): Promise<Score>;
	/** Without it the loop trains exactly `options.epochs` epochs. */
	scoreValidation?: () => Promise<Score>;
}

/**
 * The epoch loop: shuffles, trains batch by batch (yielding to the event loop and polling the cancel flag), scores
 * after each epoch, stops after `patience` epochs without a lower validation loss, and restores the best weights.
 */
export async function trainLoop(task: LoopTask, options: TrainOptions, hooks: TrainingHooks = {}): Promise<Omit<FitResult, 'model'>> {
	const random = seededRandom(options.seed);
	const order = Array.from({ length: task.size }, (_, index) => index);
	const batches = Math.ceil(order.length / options.batchSize);
	const history: EpochRecord[] = [];
	let best = { epoch: 0, loss: Number.POSITIVE_INFINITY, weights: undefined as tf.Tensor[] | undefined };
	let lastYield = Date.now();
	try {
		for (let epoch = 1; epoch <= options.epochs; epoch++) {
			const started = Date.now();
			shuffleInPlace(order, random);
			for (let batch = 0; batch < batches; batch++) {
				await task.trainBatch(order.slice(batch * options.batchSize, (batch + 1) * options.batchSize), random);
				hooks.onBatch?.(epoch, batch + 1, batches);
				if (Date.now() - lastYield > YIELD_EVERY_MS) {
					await new Promise((resolve) => setImmediate(resolve));
					lastYield = Date.now();
				}
				if (hooks.signal?.isCancellationRequested) {
					throw new TrainingCancelled();
				}
			}
			const trainScore = await task.scoreTrain();
			const record: EpochRecord = { epoch, loss: trainScore.loss, accuracy: trainScore.accuracy, seconds: (Date.now() - started) / 1000 };
			if (task.scoreValidation !== undefined) {
				const score = await task.scoreValidation();
				record.valLoss = score.loss;
				record.valAccuracy = score.accuracy;
				if (score.loss < best.loss) {
					best.weights?.forEach((tensor) => tensor.dispose());
					best = { epoch, loss: score.loss, weights: task.model.snapshot() };
				}
			}
			history.push(record);
			hooks.onEpoch?.(record);
			if (task.scoreValidation !== undefined && epoch - best.epoch >= options.patience) {
				break;
			}
		}
		const stoppedEarly = history.length < options.epochs;
		if (best.weights !== undefined && best.epoch !== history.length) {
			task.model.restore(best.weights);
		} else {
			best.weights?.forEach((tensor) => tensor.dispose());
		}
		best.weights = undefined;
		return { history, bestEpoch: task.scoreValidation === undefined ? history.length : best.epoch, stoppedEarly };
	} finally {
		best.weights?.forEach((tensor) => tensor.dispose());
	}
}
