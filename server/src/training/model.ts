import * as tf from '@tensorflow/tfjs';

import { type EmbeddingBag, embeddingBag, projection, type SquaredRows, squaredRows, variableOf } from './embeddingBag';
import type { SparseVector } from './features';
import { type Random, seededRandom } from './random';

/**
 * The proxy model: by default a softmax regression over sparse TF-IDF features, written as an embedding bag
 * (embeddingBag.ts: gather the active rows forward, scatter into them backward, which also trains on wasm). A linear
 * model is also what the scikit-learn reference is, and it trains in one or two epochs.
 *
 * With an embedding size e > 0 it is fastText's classifier instead: the bag maps the features to an e-wide embedding
 * and a dense layer maps that to the classes, a rank-e factorisation of the linear model's table. The embedding rows
 * start small and random (seeded, drawn in JavaScript so every backend starts from the same weights), the output
 * layer at zero, so training starts from the same uniform prediction as the linear model.
 */

/** Hyper-parameters of the model and its optimiser. */
export interface ModelOptions {
	learningRate: number;
	/** Weight of the L2 penalty on the table rows each batch uses. */
	l2: number;
	/** Width of the feature embedding; 0 (the default) is the linear model, whose table maps features to classes. */
	embeddingSize?: number;
	/** Seeds the embedding's initial rows (unused by the linear model, which starts at zero). */
	seed?: number;
}

/** A softmax classifier over sparse features, trained with Adam; call {@link ProxyModel.dispose} when done. */
export class ProxyModel {
	private readonly table: tf.Variable<tf.Rank.R2>;
	/** The dense layer from the embedding to the classes; absent in the linear model. */
	private readonly output: tf.Variable<tf.Rank.R2> | undefined;
	private readonly bias: tf.Variable<tf.Rank.R1>;
	private readonly optimizer: tf.Optimizer;
	private readonly bag: EmbeddingBag;
	private readonly squaredRows: SquaredRows;
	private readonly project = projection();

	constructor(
		readonly featureCount: number,
		readonly classCount: number,
		private readonly options: ModelOptions,
	) {
		const rows = Math.max(1, featureCount);
		const embeddingSize = options.embeddingSize ?? 0;
		if (embeddingSize > 0) {
			const random = seededRandom(options.seed ?? 1);
			const scale = 1 / embeddingSize;
			this.table = variableOf(tf.tensor2d(Float32Array.from({ length: rows * embeddingSize }, () => (2 * random() - 1) * scale), [rows, embeddingSize]));
			this.output = variableOf(tf.zeros<tf.Rank.R2>([embeddingSize, classCount]));
		} else {
			// Zeros are a fine start for a convex model, and they keep runs reproducible without a random initialiser.
			this.table = variableOf(tf.zeros<tf.Rank.R2>([rows, classCount]));
		}
		this.bias = variableOf(tf.zeros<tf.Rank.R1>([classCount]));
		this.optimizer = tf.train.adam(options.learningRate);
		this.bag = embeddingBag();
		this.squaredRows = squaredRows();
	}

	/** One Adam step on a batch; `dropout` (with its generator) zeroes that share of the input features. Returns the mean loss. */
	async trainBatch(vectors: readonly SparseVector[], classes: readonly number[], dropout = 0, random?: Random): Promise<number> {
		const batch = packBatch(vectors, dropout, random);
		const targets = tf.tidy(() => tf.oneHot(tf.tensor1d(Int32Array.from(classes), 'int32'), this.classCount));
		const loss = this.optimizer.minimize(() => {
			const crossEntropy = tf.losses.softmaxCrossEntropy(targets, this.logits(batch));
			if (this.options.l2 === 0) {
				return crossEntropy as tf.Scalar;
			}
			const penalty = tf.mul(this.options.l2 / vectors.length, this.squaredRows(this.table, batch.indices));
			return tf.add(crossEntropy, penalty) as tf.Scalar;
		}, true, this.variables());
		const value = loss === null ? Number.NaN : (await loss.data())[0];
		tf.dispose([targets, batch.indices, batch.values, batch.segments]);
		loss?.dispose();
		return value;
	}

	/** Class probabilities, row-major: `result[i * classCount + c]`. */
	async predict(vectors: readonly SparseVector[], batchSize = 512): Promise<Float32Array> {
		const result = new Float32Array(vectors.length * this.classCount);
		for (let start = 0; start < vectors.length; start += batchSize) {
			const slice = vectors.slice(start, start + batchSize);
			const batch = packBatch(slice);
			const probabilities = tf.tidy(() => tf.softmax(this.logits(batch)));
			result.set(await probabilities.data(), start * this.classCount);
			tf.dispose([probabilities, batch.indices, batch.values, batch.segments]);
		}
		return result;
	}

	/** Copies of the weights, for restoring the best epoch later. */
	snapshot(): tf.Tensor[] {
		return this.variables().map((variable) => variable.clone());
	}

	/** Puts back weights taken with {@link snapshot} (and disposes them). */
	restore(weights: tf.Tensor[]): void {
		this.variables().forEach((variable, index) => variable.assign(weights[index]));
		tf.dispose(weights);
	}

	dispose(): void {
		this.optimizer.dispose();
		tf.dispose(this.variables());
	}

	private variables(): tf.Variable[] {
		return this.output === undefined ? [this.table, this.bias] : [this.table, this.output, this.bias];
	}

	private logits(batch: PackedBatch): tf.Tensor2D {
		const bagged = this.bag(this.table, batch.indices, batch.values, batch.segments);
		return tf.add(this.output === undefined ? bagged : this.project(bagged, this.output), this.bias);
	}
}

interface PackedBatch {
	indices: tf.Tensor1D;
	values: tf.Tensor1D;
	segments: tf.Tensor1D;
}

/**
 * Flattens a batch into index/value/segment tensors. One zero-weight entry for the last record is appended: the
 * segment sum sizes its output by the last segment id, so a batch ending in a record without features would
 * otherwise come out a row short.
 */
function packBatch(vectors: readonly SparseVector[], dropout = 0, random?: Random): PackedBatch {
	let total = 1;
	for (const vector of vectors) {
		total += vector.indices.length;
	}
	const indices = new Int32Array(total);
	const values = new Float32Array(total);
	const segments = new Int32Array(total);
	const keep = 1 - dropout;
	let position = 0;
	vectors.forEach((vector, row) => {
		indices.set(vector.indices, position);
		segments.fill(row, position, position + vector.indices.length);
		for (let j = 0; j < vector.values.length; j++) {
			const dropped = dropout > 0 && random !== undefined && random() < dropout;
			values[position + j] = dropped ? 0 : vector.values[j] / keep;
		}
		position += vector.indices.length;
	});
	segments[position] = Math.max(0, vectors.length - 1);
	return {
		indices: tf.tensor1d(indices, 'int32'),
		values: tf.tensor1d(values, 'float32'),
		segments: tf.tensor1d(segments, 'int32'),
	};
}
