import type { SparseVector } from '../features';
import type { Random } from '../random';

/**
 * The forgetting probe's model: a shared encoder and one softmax head per task, so base and target may have
 * different label sets. The encoder is a sparse embedding bag with tanh (`hidden` units) followed by a dense
 * `hidden × hidden` tanh layer. The dense layer is what makes forgetting measurable: every example of the new task
 * moves it, so it changes the base task's representation even where the two tasks share no words (an embedding
 * bag alone only moves the rows of the words the new data contains, and a plain fine-tune then barely forgets).
 * Plain TypeScript with hand-written gradients and SGD: the probe needs per-weight penalties (L2-SP, EWC) and a
 * second head, which the issue-7 proxy (one linear softmax, private weights) does not have.
 */

/** A task's head: weights `hidden × classes` and biases. */
export interface Head {
	weights: Float32Array;
	bias: Float32Array;
	classes: number;
}

/**
 * A penalty on the shared encoder toward anchor weights: Σ λ·F_i·(θ_i − θ*_i)² (F = 1 for L2-SP, the diagonal
 * Fisher for EWC). Indices are those of {@link ForgetModel.encoder}.
 */
export interface AnchorPenalty {
	strength: number;
	anchor: Float32Array;
	/** Per-weight importance; undefined means 1 everywhere (L2-SP). */
	importance?: Float32Array;
}

/** Largest per-weight EWC importance after normalising the Fisher to mean 1 (keeps 2·lr·λ·F well below 1). */
const MAX_IMPORTANCE = 10;

/** The encoder's activations for one input: the embedding bag's (h1) and the dense layer's (h, the output). */
interface Activations {
	h1: Float32Array;
	h: Float32Array;
}

/** A shared encoder with one softmax head per task. */
export class ForgetModel {
	/**
	 * Every shared weight in one array, so penalties, anchors and the Fisher cover the whole encoder: the embedding
	 * rows (`features × hidden`), then the dense layer's weights (`hidden × hidden`, row j = output unit j), then its
	 * biases (`hidden`).
	 */
	readonly encoder: Float32Array;
	readonly heads = new Map<string, Head>();

	constructor(
		readonly features: number,
		readonly hidden: number,
		random: Random,
	) {
		const embedding = features * hidden;
		const scale = 1 / Math.sqrt(hidden);
		this.encoder = new Float32Array(embedding + hidden * hidden + hidden);
		for (let i = 0; i < embedding; i++) {
			this.encoder[i] = (random() - 0.5) * 0.2;
		}
		for (let i = embedding; i < embedding + hidden * hidden; i++) {
			this.encoder[i] = (random() - 0.5) * 2 * scale;
		}
	}

	/** Adds a zero-initialised head for a task. */
	addHead(task: string, classes: number): void {
		this.heads.set(task, { weights: new Float32Array(this.hidden * classes), bias: new Float32Array(classes), classes });
	}

	/** The encoder's output for one input. */
	encode(vector: SparseVector): Float32Array {
		return this.activations(vector).h;
	}

	/** Class probabilities of a task's head (softmax with temperature). */
	probabilities(task: string, vector: SparseVector, temperature = 1): Float32Array {
		return softmax(this.logits(this.head(task), this.encode(vector)), temperature);
	}

	/** Accuracy of a task's head. */
	accuracy(task: string, vectors: readonly SparseVector[], classes: ArrayLike<number>): number {
		let correct = 0;
		vectors.forEach((vector, i) => {
			const p = this.probabilities(task, vector);
			correct += argmax(p) === classes[i] ? 1 : 0;
		});
		return vectors.length === 0 ? 0 : correct / vectors.length;
	}

	/**
	 * One SGD step on one example of `task`. The target is a class, or a distribution (distillation soft targets,
	 * compared at `temperature`); `penalty` pulls the encoder toward an anchor.
	 */
	step(task: string, vector: SparseVector, target: number | Float32Array, learningRate: number, temperature = 1, penalty?: AnchorPenalty): void {
		this.update(task, vector, target, learningRate, temperature, penalty, true);
	}

	/**
	 * A distillation step (Learning without Forgetting): moves only the encoder so that `task`'s head, kept as it
	 * is, gives `soft` (at `temperature`) on this input. The head stays fixed because it was fitted to the base
	 * task's own inputs: refitting it on the new task's inputs (as LwF's joint phase does) adapts it to the wrong
	 * inputs when the domains differ, and measured on agnews → tweeteval_emotion that lost more base accuracy than
	 * plain fine-tuning.
	 */
	distill(task: string, vector: SparseVector, soft: Float32Array, learningRate: number, temperature: number): void {
		this.update(task, vector, soft, learningRate, temperature, undefined, false);
	}

	private update(task: string, vector: SparseVector, target: number | Float32Array, learningRate: number, temperature: number, penalty: AnchorPenalty | undefined, trainHead: boolean): void {
		const head = this.head(task);
		const { h1, h } = this.activations(vector);
		const p = softmax(this.logits(head, h), temperature);
		const dLogits = new Float32Array(head.classes);
		for (let c = 0; c < head.classes; c++) {
			const y = typeof target === 'number' ? (c === target ? 1 : 0) : target[c];
			// d(CE at temperature T)/d logits = (p − y) / T; Hinton et al. scale the soft loss by T², leaving (p − y)·T.
			dLogits[c] = (p[c] - y) * (typeof target === 'number' ? 1 : temperature);
		}
		const dZ = new Float32Array(this.hidden);
		for (let j = 0; j < this.hidden; j++) {
			let sum = 0;
			for (let c = 0; c < head.classes; c++) {
				sum += head.weights[j * head.classes + c] * dLogits[c];
				if (trainHead) {
					head.weights[j * head.classes + c] -= learningRate * h[j] * dLogits[c];
				}
			}
			dZ[j] = sum * (1 - h[j] * h[j]);
		}
		for (let c = 0; c < head.classes && trainHead; c++) {
			head.bias[c] -= learningRate * dLogits[c];
		}
		const dA = this.denseBackward(h1, dZ);
		const pull = (i: number): number => (penalty === undefined ? 0 : 2 * penalty.strength * (penalty.importance?.[i] ?? 1) * (this.encoder[i] - penalty.anchor[i]));
		const dense = this.features * this.hidden;
		for (let j = 0; j < this.hidden; j++) {
			for (let k = 0; k < this.hidden; k++) {
				const i = dense + j * this.hidden + k;
				this.encoder[i] -= learningRate * (dZ[j] * h1[k] + pull(i));
			}
			const b = dense + this.hidden * this.hidden + j;
			this.encoder[b] -= learningRate * (dZ[j] + pull(b));
		}
		for (let k = 0; k < vector.indices.length; k++) {
			const row = vector.indices[k] * this.hidden;
			for (let j = 0; j < this.hidden; j++) {
				// The penalty is applied to the embedding rows this example touches (a lazy, sparse update, as for L2 in the proxy).
				this.encoder[row + j] -= learningRate * (vector.values[k] * dA[j] + pull(row + j));
			}
		}
	}

	/**
	 * Diagonal empirical Fisher of the encoder on a task's data: the mean squared gradient of the log-likelihood of
	 * the true class (Kirkpatrick et al. 2017, EWC), normalised so its mean over touched weights is 1, then capped.
	 */
	fisher(task: string, vectors: readonly SparseVector[], classes: ArrayLike<number>): Float32Array {
		const head = this.head(task);
		const fisher = new Float32Array(this.encoder.length);
		const dense = this.features * this.hidden;
		vectors.forEach((vector, i) => {
			const { h1, h } = this.activations(vector);
			const p = softmax(this.logits(head, h));
			const dZ = new Float32Array(this.hidden);
			for (let j = 0; j < this.hidden; j++) {
				let sum = 0;
				for (let c = 0; c < head.classes; c++) {
					sum += head.weights[j * head.classes + c] * (p[c] - (c === classes[i] ? 1 : 0));
				}
				dZ[j] = sum * (1 - h[j] * h[j]);
				for (let k = 0; k < this.hidden; k++) {
					fisher[dense + j * this.hidden + k] += (dZ[j] * h1[k]) ** 2 / vectors.length;
				}
				fisher[dense + this.hidden * this.hidden + j] += dZ[j] ** 2 / vectors.length;
			}
			const dA = this.denseBackward(h1, dZ);
			for (let j = 0; j < this.hidden; j++) {
				for (let k = 0; k < vector.indices.length; k++) {
					const g = vector.values[k] * dA[j];
					fisher[vector.indices[k] * this.hidden + j] += (g * g) / vectors.length;
				}
			}
		});
		let total = 0;
		let touched = 0;
		for (const value of fisher) {
			if (value > 0) {
				total += value;
				touched++;
			}
		}
		const scale = total === 0 ? 1 : touched / total;
		// Capped: a few weights carry most of the Fisher mass, and an uncapped λ·F makes their SGD steps diverge.
		return fisher.map((value) => Math.min(MAX_IMPORTANCE, value * scale));
	}

	/** The gradient at the embedding bag's pre-activation, from the gradient at the dense layer's pre-activation. */
	private denseBackward(h1: Float32Array, dZ: Float32Array): Float32Array {
		const dense = this.features * this.hidden;
		const dA = new Float32Array(this.hidden);
		for (let k = 0; k < this.hidden; k++) {
			let sum = 0;
			for (let j = 0; j < this.hidden; j++) {
				sum += this.encoder[dense + j * this.hidden + k] * dZ[j];
			}
			dA[k] = sum * (1 - h1[k] * h1[k]);
		}
		return dA;
	}

	private activations(vector: SparseVector): Activations {
		const a = new Float32Array(this.hidden);
		for (let k = 0; k < vector.indices.length; k++) {
			const row = vector.indices[k] * this.hidden;
			const value = vector.values[k];
			for (let j = 0; j < this.hidden; j++) {
				a[j] += value * this.encoder[row + j];
			}
		}
		const h1 = a.map(Math.tanh);
		const dense = this.features * this.hidden;
		const h = new Float32Array(this.hidden);
		for (let j = 0; j < this.hidden; j++) {
			let z = this.encoder[dense + this.hidden * this.hidden + j];
			for (let k = 0; k < this.hidden; k++) {
				z += this.encoder[dense + j * this.hidden + k] * h1[k];
			}
			h[j] = Math.tanh(z);
		}
		return { h1, h };
	}

	/** A deep copy (the "before" model for distillation and the anchors). */
	clone(): ForgetModel {
		const copy = Object.create(ForgetModel.prototype) as ForgetModel;
		Object.assign(copy, { features: this.features, hidden: this.hidden, encoder: Float32Array.from(this.encoder), heads: new Map([...this.heads].map(([task, head]) => [task, { weights: Float32Array.from(head.weights), bias: Float32Array.from(head.bias), classes: head.classes }])) });
		return copy;
	}

	private head(task: string): Head {
		const head = this.heads.get(task);
		if (head === undefined) {
			throw new Error(`no head for task ${task}`);
		}
		return head;
	}

	private logits(head: Head, h: Float32Array): Float32Array {
		const logits = Float32Array.from(head.bias);
		for (let j = 0; j < this.hidden; j++) {
			for (let c = 0; c < head.classes; c++) {
				logits[c] += h[j] * head.weights[j * head.classes + c];
			}
		}
		return logits;
	}
}

function softmax(logits: Float32Array, temperature = 1): Float32Array {
	const max = Math.max(...logits);
	const exp = logits.map((value) => Math.exp((value - max) / temperature));
	const total = exp.reduce((sum, value) => sum + value, 0);
	return exp.map((value) => value / total);
}

function argmax(values: Float32Array): number {
	let best = 0;
	for (let i = 1; i < values.length; i++) {
		if (values[i] > values[best]) {
			best = i;
		}
	}
	return best;
}
