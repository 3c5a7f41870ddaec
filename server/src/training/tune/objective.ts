import type { CancellationSignal, FieldMapping } from '../../core/types';
import { trainingData } from '../examples';
import { FeatureSpace } from '../features';
import { evaluate } from '../metrics';
import { stratifiedSplit } from '../split';
import { DEFAULT_TRAIN_OPTIONS, type EncodedSet, fit, type TrainOptions } from '../train';
import type { Params } from './space';

/**
 * The objective of `tunelint tune`: train the issue-7 proxy model with a configuration on a fixed, seeded stratified
 * split and return its validation loss at the epoch early stopping keeps. Features are built once (they do not
 * depend on the hyper-parameters), so a trial costs only the training.
 */

/** A prepared dataset and the objective over it. */
export interface TuneObjective {
	evaluate(params: Params): Promise<number>;
	records: { train: number; validation: number };
	labels: string[];
}

/**
 * Reads and splits a dataset once and returns the objective (validation loss, lower is better). `defaults` (the config
 * file's `training` section) fixes the hyper-parameters a trial does not set, so that what `--save` writes is tuned for
 * the model `tunelint train` will then build; `seed` and `epochs` stay the search's own.
 */
export function tuneObjective(text: string, file: string, fields: FieldMapping, options: { seed: number; validationShare: number; epochs: number; defaults?: Partial<TrainOptions>; signal?: CancellationSignal }): TuneObjective {
	const data = trainingData(text, file, fields);
	const split = stratifiedSplit(data.classes, options.validationShare, options.seed);
	const space = FeatureSpace.fit(split.train.map((index) => data.examples[index].text));
	const encode = (indices: number[]): EncodedSet => ({ vectors: indices.map((index) => space.vectorize(data.examples[index].text)), classes: Int32Array.from(indices, (index) => data.classes[index]) });
	const train = encode(split.train);
	const validation = encode(split.validation);
	return {
		records: { train: split.train.length, validation: split.validation.length },
		labels: data.labels,
		async evaluate(params) {
			const base: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, ...options.defaults, epochs: options.epochs, seed: options.seed };
			const { model } = await fit(train, validation, space.size, data.labels.length, {
				...base,
				learningRate: params.learningRate ?? base.learningRate,
				l2: params.l2 ?? base.l2,
				dropout: params.dropout ?? base.dropout,
				batchSize: params.batchSize ?? base.batchSize,
				embeddingSize: params.embeddingSize ?? base.embeddingSize,
			}, { signal: options.signal });
			try {
				return evaluate(await model.predict(validation.vectors), validation.classes, data.labels.length).loss;
			} finally {
				model.dispose();
			}
		},
	};
}
