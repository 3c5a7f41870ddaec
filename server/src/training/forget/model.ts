import type { SparseVector } from '../features';
import type { Random } from '../random';

/**
 * The forgetting probe's model: a shared encoder (a sparse embedding bag with tanh, `hidden` units) and one softmax
 * head per task, so base and target may have different label sets. Plain TypeScript with hand-written gradients and
 * SGD: the probe needs per-weight penalties (L2-SP, EWC) and a second head, which the issue-7 proxy (one linear
 * softmax, private weights) does not have, and the sets it trains on are small.
 */

/** A task's head: weights `hidden × classes` and biases. */
export interface Head {
	weights: Float32Array;
	bias: Float32Array;
	classes: number;
}

/** A penalty on the encoder toward anchor weights: Σ λ·F_i·(θ_i − θ*_i)² (F = 1 for L2-SP, the diagonal Fisher for EWC). */
export interface AnchorPenalty {
	strength: number;
	anchor: Float32Array;
	/** Per-weight importance; undefined means 1 everywhere (L2-SP). */
	importance?: Float32Array;
}

/** Largest per-weight EWC importance after normalising the Fisher to mean 1 (keeps 2·lr·λ·F well below 1). */
const MAX_IMPORTANCE = 10;

/** A shared encoder with one softmax head per task. */
export class ForgetModel {
	readonly encoder: Float32Array;
	readonly heads = new Map<string, Head>();

	constructor(
		readonly features: number,
		readonly hidden: number,
		random: Random,
	) {
		this.encoder = Float32Array.from({ length: features * hidden }, () => (random() - 0.5) * 0.2);
	}

	/** Adds a zero-initialised head for a task. */
	addHead(task: string, classes: number): void {
		this.heads.set(task, { weights: new Float32Array(this.hidden * classes), bias: new Float32Array(classes), classes });
	}

	/** The encoder's output for one input. */
	encode(vector: SparseVector): Float32Array {
		const h = new Float32Array(this.hidden);
		for (let k = 0; k < vector.indices.length; k++) {
			const row = vector.indices[k] * this.hidden;
			const value = vector.values[k];
			for (let j = 0; j < this.hidden; j++) {
				h[j] += value * this.encoder[row + j];
			}
		}
		return h.map(Math.tanh);
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
	 * compared at `temperature`); `weight` scales this example's loss, `penalty` pulls the encoder toward an anchor.
	 */
	step(task: string, vector: SparseVector, target: number | Float32Array, learningRate: number, temperature = 1, penalty?: AnchorPenalty, weight = 1): void {
		const head = this.head(task);
		const h = this.encode(vector);
		const p = softmax(this.logits(head, h), temperature);
		const dLogits = new Float32Array(head.classes);
		for (let c = 0; c < head.classes; c++) {
			const y = typeof target === 'number' ? (c === target ? 1 : 0) : target[c];
			// d(CE at temperature T)/d logits = (p − y) / T; Hinton et al. scale the soft loss by T², leaving (p − y)·T.
			dLogits[c] = weight * (p[c] - y) * (typeof target === 'number' ? 1 : temperature);
		}
		const dH = new Float32Array(this.hidden);
		for (let j = 0; j < this.hidden; j++) {
			let sum = 0;
			for (let c = 0; c < head.classes; c++) {
				sum += head.weights[j * head.classes + c] * dLogits[c];
				head.weights[j * head.classes + c] -= learningRate * h[j] * dLogits[c];
			}
			dH[j] = sum * (1 - h[j] * h[j]);
		}
		for (let c = 0; c < head.classes; c++) {
			head.bias[c] -= learningRate * dLogits[c];
		}
		for (let k = 0; k < vector.indices.length; k++) {
			const row = vector.indices[k] * this.hidden;
			for (let j = 0; j < this.hidden; j++) {
				let gradient = vector.values[k] * dH[j];
				if (penalty !== undefined) {
					// The penalty is applied to the rows this example touches (a lazy, sparse update, as for L2 in the proxy).
					const i = row + j;
					gradient += 2 * penalty.strength * (penalty.importance?.[i] ?? 1) * (this.encoder[i] - penalty.anchor[i]);
				}
				this.encoder[row + j] -= learningRate * gradient;
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
		vectors.forEach((vector, i) => {
			const h = this.encode(vector);
			const p = softmax(this.logits(head, h));
			for (let j = 0; j < this.hidden; j++) {
				let sum = 0;
				for (let c = 0; c < head.classes; c++) {
					sum += head.weights[j * head.classes + c] * (p[c] - (c === classes[i] ? 1 : 0));
				}
				const dH = sum * (1 - h[j] * h[j]);
				for (let k = 0; k < vector.indices.length; k++) {
					const g = vector.values[k] * dH;
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
