import * as tf from '@tensorflow/tfjs';

/**
 * The sparse embedding bag shared by the proxy models. The forward pass gathers only the table rows a batch uses and
 * sums them, weighted, per segment (`GatherV2` + `SparseSegmentSum`); the gradient, a `tf.customGrad`, scatters into
 * those rows only (`ScatterNd`). tfjs's own gradient of `gather` needs `UnsortedSegmentSum`, which the wasm backend
 * lacks (bench/train.mjs checks that a `tf.layers.embedding` model cannot take a training step on wasm), and a
 * dense multi-hot input to the same linear softmax took 20 times the CPU time on sst2_train (bench/train.mjs, section 5).
 */

/** `bag(table, indices, values, segments)`: row `s` of the result is the sum of `values[i] * table[indices[i]]` over `segments[i] = s`. */
export type EmbeddingBag = (table: tf.Tensor2D, indices: tf.Tensor1D, values: tf.Tensor1D, segments: tf.Tensor1D) => tf.Tensor2D;

/** `squaredRows(table, indices)`: the sum of the squares of the listed rows (an L2 penalty on the rows a batch uses). */
export type SquaredRows = (table: tf.Tensor2D, indices: tf.Tensor1D) => tf.Scalar;

/** Creates the embedding bag with its scatter gradient. */
export function embeddingBag(): EmbeddingBag {
	return tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
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
				return [tf.scatterND(tf.expandDims(savedIndices, 1), rowGradients, table.shape), tf.zerosLike(savedIndices), tf.zerosLike(savedValues), tf.zerosLike(savedSegments)];
			},
		};
	}) as unknown as EmbeddingBag;
}

/** Creates the squared-rows penalty; it needs its own gradient because the built-in one of its gather would also need UnsortedSegmentSum. */
export function squaredRows(): SquaredRows {
	return tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
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
	}) as unknown as SquaredRows;
}

/**
 * A trainable variable holding `initial`, which is then disposed: `tf.variable` shares the tensor's data, so an
 * initial tensor left alive would keep that memory after the variable is disposed.
 */
export function variableOf<R extends tf.Rank>(initial: tf.Tensor<R>): tf.Variable<R> {
	const variable = tf.variable(initial, true, undefined, 'float32');
	initial.dispose();
	return variable;
}

/**
 * `inputs × weights` with a gradient that transposes explicitly: on wasm a matMul with its transpose flags set (what
 * tfjs's own matMul gradient uses) is 8–10 times slower than a transpose followed by a plain matMul.
 */
export function projection(): (inputs: tf.Tensor2D, weights: tf.Tensor2D) => tf.Tensor2D {
	return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
		const [inputs, weights] = args as [tf.Tensor2D, tf.Tensor2D];
		const save = args[2] as tf.GradSaveFunc;
		save([inputs, weights]);
		return {
			value: tf.matMul(inputs, weights) as tf.Tensor2D,
			gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
				const [savedInputs, savedWeights] = saved as tf.Tensor2D[];
				return [tf.matMul(dy, tf.transpose(savedWeights)), tf.matMul(tf.transpose(savedInputs), dy)];
			},
		};
	}) as unknown as (inputs: tf.Tensor2D, weights: tf.Tensor2D) => tf.Tensor2D;
}
