import * as tf from '@tensorflow/tfjs';

import { type EmbeddingBag, embeddingBag, projection, type SquaredRows, squaredRows, variableOf } from './embeddingBag';
import type { EncodedAnswer, PositionSet } from './nextTokenData';
import { type Random, seededRandom } from './random';

/**
 * The next-token proxy: a fastText-like model that predicts the next answer word from the sum of context embeddings
 * (the prompt's words, averaged, plus the previous answer word and the previous pair). The embedding table goes
 * through the shared sparse embedding bag, so it trains on wasm.
 *
 * The output is a two-level (class-based) softmax: the vocabulary, ranked by frequency, is cut into about √V classes
 * of √V words; P(word) = P(class) × P(word | class). Training and scoring then touch about 2√V outputs per position
 * instead of V; a flat softmax over 2,000 words spent nearly all its time in [positions × V] element-wise work
 * (about 0.5 s a batch on wasm). Positions are sorted by their target's class, so each class's word layer is a
 * contiguous slice (its gradient is a pad, not a scatter). The top prediction is greedy: the most likely class, then
 * its most likely word.
 *
 * Input rows start small and random (seeded, drawn in JavaScript so every backend starts from the same weights), the
 * output layers at zero and their biases at the log frequencies, so training starts from the unigram model.
 */

/** Hyper-parameters of the model and its optimiser. */
export interface NextTokenModelOptions {
	learningRate: number;
	/** Weight of the L2 penalty on the embedding rows each batch uses. */
	l2: number;
	/** Width of the context embedding. */
	dimension: number;
	seed: number;
}

export const DEFAULT_DIMENSION = 32;

/** Per position: the target's negative log-likelihood (closed vocabulary) and whether the top prediction was the target. */
export interface PositionScores {
	nll: Float32Array;
	correct: Uint8Array;
}

/** The model; call {@link NextTokenModel.dispose} when done. */
export class NextTokenModel {
	/** Words per class, and classes. */
	readonly classSize: number;
	readonly classCount: number;
	private readonly table: tf.Variable<tf.Rank.R2>;
	private readonly classWeights: tf.Variable<tf.Rank.R2>;
	private readonly classBias: tf.Variable<tf.Rank.R1>;
	private readonly wordWeights: tf.Variable<tf.Rank.R2>[];
	private readonly wordBias: tf.Variable<tf.Rank.R1>[];
	private readonly optimizer: tf.Optimizer;
	private readonly bag: EmbeddingBag;
	private readonly squaredRows: SquaredRows;
	private readonly project = projection();

	/** `unigram[id]` counts the training targets, for the starting biases; ids are ranked by frequency (classes follow ids). */
	constructor(
		readonly featureCount: number,
		readonly vocabularySize: number,
		unigram: ArrayLike<number>,
		private readonly options: NextTokenModelOptions,
	) {
		this.classSize = Math.ceil(Math.sqrt(vocabularySize));
		this.classCount = Math.ceil(vocabularySize / this.classSize);
		const random = seededRandom(options.seed);
		const rows = Math.max(1, featureCount);
		const scale = 1 / options.dimension;
		const initial = Float32Array.from({ length: rows * options.dimension }, () => (2 * random() - 1) * scale);
		// Add-one counts; the padding slots of the last class get a count of zero plus one, like an unseen word.
		const counts = Float64Array.from({ length: this.classCount * this.classSize }, (_, id) => (id < vocabularySize ? unigram[id] : 0) + 1);
		const classTotals = Array.from({ length: this.classCount }, (_, c) => counts.subarray(c * this.classSize, (c + 1) * this.classSize).reduce((sum, count) => sum + count, 0));
		const total = classTotals.reduce((sum, count) => sum + count, 0);
		this.table = variableOf(tf.tensor2d(initial, [rows, options.dimension]));
		this.classWeights = variableOf(tf.zeros<tf.Rank.R2>([options.dimension, this.classCount]));
		this.classBias = variableOf(tf.tensor1d(classTotals.map((count) => Math.log(count / total))));
		this.wordWeights = classTotals.map(() => variableOf(tf.zeros<tf.Rank.R2>([options.dimension, this.classSize])));
		this.wordBias = classTotals.map((classTotal, c) => variableOf(tf.tensor1d(Array.from(counts.subarray(c * this.classSize, (c + 1) * this.classSize), (count) => Math.log(count / classTotal)))));
		this.optimizer = tf.train.adam(options.learningRate);
		this.bag = embeddingBag();
		this.squaredRows = squaredRows();
	}

	/** One Adam step on the given positions; `dropout` zeroes that share of the context features. Returns the mean loss. */
	async trainBatch(answers: readonly EncodedAnswer[], batch: PositionSet, dropout = 0, random?: Random): Promise<number> {
		const packed = packPositions(answers, this.byClass(answers, batch), this.classSize, dropout, random);
		const count = batch.records.length;
		const loss = this.optimizer.minimize(() => {
			const losses = this.losses(packed);
			const crossEntropy = tf.div(tf.sum(losses.class), count);
			const withWords = losses.words.reduce((sum, words) => tf.add(sum, tf.div(tf.sum(words), count)), crossEntropy);
			if (this.options.l2 === 0) {
				return withWords as tf.Scalar;
			}
			return tf.add(withWords, tf.mul(this.options.l2 / count, this.squaredRows(this.table, tf.concat([packed.prompt.indices, packed.context.indices])))) as tf.Scalar;
		}, true, this.variables());
		const value = loss === null ? Number.NaN : (await loss.data())[0];
		disposePacked(packed);
		loss?.dispose();
		return value;
	}

	/** The target's negative log-likelihood and greedy top-1 correctness at every listed position. */
	async score(answers: readonly EncodedAnswer[], set: PositionSet, batchSize = 2048): Promise<PositionScores> {
		const nll = new Float32Array(set.records.length);
		const correct = new Uint8Array(set.records.length);
		for (let start = 0; start < set.records.length; start += batchSize) {
			const slice = { records: set.records.subarray(start, start + batchSize), positions: set.positions.subarray(start, start + batchSize) };
			const sorted = this.byClass(answers, slice);
			const packed = packPositions(answers, sorted, this.classSize);
			const [losses, hits] = tf.tidy(() => {
				const result = this.losses(packed);
				const perPosition = tf.add(result.class, result.words.length === 0 ? tf.zeros([0]) : tf.concat(result.words));
				// Right when the most likely class is the target's and, within it, the most likely word is the target.
				const classHit = tf.equal(tf.argMax(result.classLogits, 1), packed.classes);
				const wordHit = result.wordLogits.length === 0 ? tf.zeros([0], 'bool') : tf.concat(result.wordLogits.map((logits, group) => tf.equal(tf.argMax(logits, 1), packed.groups[group].slots)));
				return [perPosition, tf.logicalAnd(classHit, wordHit)];
			});
			const nllSorted = await losses.data();
			const hitsSorted = await hits.data();
			sorted.order.forEach((original, position) => {
				nll[start + original] = nllSorted[position];
				correct[start + original] = hitsSorted[position];
			});
			tf.dispose([losses, hits]);
			disposePacked(packed);
		}
		return { nll, correct };
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
		return [this.table, this.classWeights, this.classBias, ...this.wordWeights, ...this.wordBias];
	}

	/** Orders a set's positions by their target's class (stable), remembering where each came from. */
	private byClass(answers: readonly EncodedAnswer[], set: PositionSet): SortedPositions {
		const targets = Int32Array.from(set.records, (record, i) => answers[record].targets[set.positions[i]]);
		const order = Array.from(targets, (_, i) => i).sort((a, b) => Math.floor(targets[a] / this.classSize) - Math.floor(targets[b] / this.classSize) || a - b);
		return { records: Int32Array.from(order, (i) => set.records[i]), positions: Int32Array.from(order, (i) => set.positions[i]), order };
	}

	/** Per-position class loss, and per class group the word loss (positions in sorted order), with the logits. */
	private losses(packed: PackedPositions): { class: tf.Tensor1D; classLogits: tf.Tensor2D; words: tf.Tensor1D[]; wordLogits: tf.Tensor2D[] } {
		const bag = (table: tf.Tensor2D, sparse: SparseBag): tf.Tensor2D => this.bag(table, sparse.indices, sparse.values, sparse.segments);
		const hidden = tf.add(bag(bag(this.table, packed.prompt), packed.spread), bag(this.table, packed.context)) as tf.Tensor2D;
		const classLogits = tf.add(this.project(hidden, this.classWeights), this.classBias) as tf.Tensor2D;
		const classLoss = tf.losses.softmaxCrossEntropy(tf.oneHot(packed.classes, this.classCount), classLogits, undefined, 0, tf.Reduction.NONE) as tf.Tensor1D;
		const words: tf.Tensor1D[] = [];
		const wordLogits: tf.Tensor2D[] = [];
		for (const group of packed.groups) {
			const rows = tf.slice(hidden, [group.start, 0], [group.count, this.options.dimension]);
			const logits = tf.add(this.project(rows, this.wordWeights[group.class]), this.wordBias[group.class]) as tf.Tensor2D;
			wordLogits.push(logits);
			words.push(tf.losses.softmaxCrossEntropy(tf.oneHot(group.slots, this.classSize), logits, undefined, 0, tf.Reduction.NONE) as tf.Tensor1D);
		}
		return { class: classLoss, classLogits, words, wordLogits };
	}
}

/** Positions sorted by class; `order[i]` is the index in the caller's set of sorted position `i`. */
interface SortedPositions extends PositionSet {
	order: number[];
}

/** The positions of one class: a contiguous range of the sorted batch, with each target's slot within the class. */
interface ClassGroup {
	class: number;
	start: number;
	count: number;
	slots: tf.Tensor1D;
}

interface SparseBag {
	indices: tf.Tensor1D;
	values: tf.Tensor1D;
	segments: tf.Tensor1D;
}

/** The three bags of a batch (prompt words per record, record to position, previous words per position) and its targets. */
interface PackedPositions {
	prompt: SparseBag;
	spread: SparseBag;
	context: SparseBag;
	classes: tf.Tensor1D;
	groups: ClassGroup[];
}

function disposePacked(packed: PackedPositions): void {
	const bags = [packed.prompt, packed.spread, packed.context].flatMap((bag) => [bag.indices, bag.values, bag.segments]);
	tf.dispose([...bags, packed.classes, ...packed.groups.map((group) => group.slots)]);
}

/** A sparse bag's index/value/segment arrays, filled in segment order. */
class BagBuilder {
	private readonly indices: number[] = [];
	private readonly values: number[] = [];
	private readonly segments: number[] = [];

	constructor(
		private readonly dropout = 0,
		private readonly random?: Random,
	) {}

	push(row: number, value: number, segment: number): void {
		const dropped = this.dropout > 0 && this.random !== undefined && this.random() < this.dropout;
		this.indices.push(row);
		this.values.push(dropped ? 0 : value / (1 - this.dropout));
		this.segments.push(segment);
	}

	/** The tensors; a trailing zero-weight entry keeps the last segment present (see model.ts's packBatch). */
	build(segmentCount: number): SparseBag {
		this.indices.push(0);
		this.values.push(0);
		this.segments.push(Math.max(0, segmentCount - 1));
		return { indices: tf.tensor1d(this.indices, 'int32'), values: tf.tensor1d(this.values, 'float32'), segments: tf.tensor1d(this.segments, 'int32') };
	}
}

/**
 * Packs class-sorted positions. The prompt bag is the same at every position of a record, so it is summed once per
 * record (its words weighted 1/n: their mean) and then spread to the positions by a second bag; the previous word's
 * and pair's rows (weight 1) form a third. On wasm, gathers cost per element, and this gathers a quarter of the
 * rows that one bag over every position's prompt words would.
 */
function packPositions(answers: readonly EncodedAnswer[], set: PositionSet, classSize: number, dropout = 0, random?: Random): PackedPositions {
	const count = set.records.length;
	const slotOf = new Map<number, number>();
	const positionSlots: number[] = [];
	for (let i = 0; i < count; i++) {
		const record = set.records[i];
		if (!slotOf.has(record)) {
			slotOf.set(record, slotOf.size);
		}
		positionSlots.push(slotOf.get(record) ?? 0);
	}
	const prompt = new BagBuilder(dropout, random);
	for (const [record, slot] of slotOf) {
		const rows = answers[record].promptRows;
		rows.forEach((row) => prompt.push(row, 1 / rows.length, slot));
	}
	const context = new BagBuilder(dropout, random);
	const classes = new Int32Array(count);
	const slots = new Int32Array(count);
	for (let i = 0; i < count; i++) {
		const answer = answers[set.records[i]];
		const position = set.positions[i];
		const target = answer.targets[position];
		classes[i] = Math.floor(target / classSize);
		slots[i] = target % classSize;
		if (answer.previousRows[position] >= 0) {
			context.push(answer.previousRows[position], 1, i);
		}
		if (answer.previousPairRows[position] >= 0) {
			context.push(answer.previousPairRows[position], 1, i);
		}
	}
	const groups: ClassGroup[] = [];
	for (let start = 0; start < count; ) {
		let end = start;
		while (end < count && classes[end] === classes[start]) {
			end++;
		}
		groups.push({ class: classes[start], start, count: end - start, slots: tf.tensor1d(slots.subarray(start, end), 'int32') });
		start = end;
	}
	const spread = { indices: tf.tensor1d(positionSlots, 'int32'), values: tf.ones([count]) as tf.Tensor1D, segments: tf.range(0, count, 1, 'int32') as tf.Tensor1D };
	return { prompt: prompt.build(slotOf.size), spread, context: context.build(count), classes: tf.tensor1d(classes, 'int32'), groups };
}
