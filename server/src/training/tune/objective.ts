import type { CancellationSignal, FieldMapping } from '../../core/types';
import { trainingData } from '../examples';
import { FeatureSpace } from '../features';
import { evaluate } from '../metrics';
import { stratifiedSplit } from '../split';
import { DEFAULT_TRAIN_OPTIONS, type EncodedSet, fit } from '../train';
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

/** Reads and splits a dataset once and returns the objective (validation loss, lower is better). */
export function tuneObjective(text: string, file: string, fields: FieldMapping, options: { seed: number; validationShare: number; epochs: number; signal?: CancellationSignal }): TuneObjective {
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
			const { model } = await fit(train, validation, space.size, data.labels.length, {
				...DEFAULT_TRAIN_OPTIONS,
				epochs: options.epochs,
				seed: options.seed,
				learningRate: params.learningRate ?? DEFAULT_TRAIN_OPTIONS.learningRate,
				l2: params.l2 ?? DEFAULT_TRAIN_OPTIONS.l2,
				dropout: params.dropout ?? DEFAULT_TRAIN_OPTIONS.dropout,
				batchSize: params.batchSize ?? DEFAULT_TRAIN_OPTIONS.batchSize,
				embeddingSize: params.embeddingSize ?? DEFAULT_TRAIN_OPTIONS.embeddingSize,
			}, { signal: options.signal });
			try {
				return evaluate(await model.predict(validation.vectors), validation.classes, data.labels.length).loss;
			} finally {
				model.dispose();
			}
		},
	};
}
