import * as tf from '@tensorflow/tfjs';

import type { SparseVector } from './features';
import type { Random } from './random';

/**
 * The proxy model: a softmax regression over sparse TF-IDF features, written as an embedding bag. The forward pass
 * gathers only the table rows a batch uses and sums them per record (`GatherV2` + `SparseSegmentSum`); the gradient,
 * a `tf.customGrad`, scatters into those rows only (`ScatterNd`). tfjs's own gradient of `gather` needs
 * `UnsortedSegmentSum`, which the wasm backend lacks, and a dense multi-hot input is 5–10 times slower; measured in
 * bench/train.mjs. A linear model is also what the scikit-learn reference is, and it trains in one or two epochs.
 */

/** Hyper-parameters of the model and its optimiser. */
export interface ModelOptions {
	learningRate: number;
	/** Weight of the L2 penalty on the table rows each batch uses. */
	l2: number;
}

/** A softmax regression over sparse features, trained with Adam; call {@link ProxyModel.dispose} when done. */
export class ProxyModel {
	private readonly table: tf.Variable<tf.Rank.R2>;
	private readonly bias: tf.Variable<tf.Rank.R1>;
	private readonly optimizer: tf.Optimizer;
	private readonly bag: (table: tf.Tensor2D, indices: tf.Tensor1D, values: tf.Tensor1D, segments: tf.Tensor1D) => tf.Tensor2D;
	private readonly squaredRows: (table: tf.Tensor2D, indices: tf.Tensor1D) => tf.Scalar;

	constructor(
		readonly featureCount: number,
		readonly classCount: number,
		private readonly options: ModelOptions,
	) {
		// Zeros are a fine start for a convex model, and they keep runs reproducible without a random initialiser.
		this.table = tf.variable(tf.zeros([Math.max(1, featureCount), classCount]), true, undefined, 'float32') as tf.Variable<tf.Rank.R2>;
		this.bias = tf.variable(tf.zeros([classCount]), true, undefined, 'float32') as tf.Variable<tf.Rank.R1>;
		this.optimizer = tf.train.adam(options.learningRate);
		this.bag = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
			const [table, indices, values, segments] = inputs as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
			const save = inputs[4] as tf.GradSaveFunc;
			save([indices, values, segments]);
			const weighted = tf.mul(tf.gather(table, indices), tf.expandDims(values, 1));
			const positions = tf.range(0, indices.shape[0], 1, 'int32');
			return {
				value: tf.sparse.sparseSegmentSum(weighted, positions, segments) as tf.Tensor2D,
				gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
					const [savedIndices, savedValues, savedSegments] = saved;
					const rowGradients = tf.mul(tf.gather(dy, savedSegments), tf.expandDims(savedValues, 1));
					return [
						tf.scatterND(tf.expandDims(savedIndices, 1), rowGradients, table.shape),
						tf.zerosLike(savedIndices),
						tf.zerosLike(savedValues),
						tf.zerosLike(savedSegments),
					];
				},
			};
		}) as unknown as typeof this.bag;
		// The L2 penalty needs the same treatment: the built-in gradient of its gather would also need UnsortedSegmentSum.
		this.squaredRows = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
			const [table, indices] = inputs as [tf.Tensor2D, tf.Tensor1D];
			const save = inputs[2] as tf.GradSaveFunc;
			const rows = tf.gather(table, indices);
			save([indices, rows]);
			return {
				value: tf.sum(tf.square(rows)) as tf.Scalar,
				gradFunc: (dy: tf.Scalar, saved: tf.Tensor[]) => {
					const [savedIndices, savedRows] = saved;
					return [tf.scatterND(tf.expandDims(savedIndices, 1), tf.mul(savedRows, tf.mul(dy, 2)), table.shape), tf.zerosLike(savedIndices)];
				},
			};
		}) as unknown as typeof this.squaredRows;
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
		}, true, [this.table, this.bias]);
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
		return [this.table.clone(), this.bias.clone()];
	}

	/** Puts back weights taken with {@link snapshot} (and disposes them). */
	restore(weights: tf.Tensor[]): void {
		this.table.assign(weights[0] as tf.Tensor2D);
		this.bias.assign(weights[1] as tf.Tensor1D);
		tf.dispose(weights);
	}

	dispose(): void {
		this.optimizer.dispose();
		tf.dispose([this.table, this.bias]);
	}

	private logits(batch: PackedBatch): tf.Tensor2D {
		return tf.add(this.bag(this.table, batch.indices, batch.values, batch.segments), this.bias);
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
