/**
 * Bounded-memory building blocks for file rules that would otherwise keep something per record of a huge file: a
 * seeded uniform sample under a memory budget, and a string counter that is exact while it is small and becomes a
 * count-min sketch (fixed size, never under-counts) when it is not.
 */

import { detachedString } from './columns';
import { seededRandom } from './random';

/** One kept item with the random priority that decided it and its estimated memory cost. */
interface Slot<T> {
	priority: number;
	cost: number;
	item: T;
}

/**
 * A seeded uniform random sample of a stream ("bottom-k" sampling): every item draws a random priority and the sample
 * keeps the items of lowest priority, at most `maxItems` of them and at most `maxCost` of total cost. Whatever the
 * budget lets in, which item stays is decided by its priority alone, so the sample is (nearly, when costs differ
 * widely) uniform; a stream that fits is kept whole. Items are built only when kept, so dropped ones cost nothing.
 */
export class BudgetSample<T> {
	/** A max-heap on priority: the root is the first item to leave. */
	private readonly heap: Array<Slot<T>> = [];
	private readonly random: () => number;
	private totalCost = 0;
	/** Items offered so far (kept or not). */
	seen = 0;

	constructor(private readonly maxItems: number, private readonly maxCost: number, seed: number) {
		this.random = seededRandom(seed);
	}

	/** Offers the next item of the stream; `item` is only called when the item is kept. */
	offer(cost: number, item: () => T): void {
		const priority = this.random();
		this.seen++;
		if (!this.admitsPriority(priority, cost)) {
			return;
		}
		this.push({ priority, cost, item: item() });
		while (this.heap.length > this.maxItems || this.totalCost > this.maxCost) {
			this.popRoot();
		}
	}

	/** True when some offered item was left out. */
	get sampled(): boolean {
		return this.heap.length < this.seen;
	}

	get size(): number {
		return this.heap.length;
	}

	/** The kept items, in no particular order. */
	items(): T[] {
		return this.heap.map((slot) => slot.item);
	}

	private admitsPriority(priority: number, cost: number): boolean {
		if (cost > this.maxCost) {
			return false;
		}
		if (this.heap.length < this.maxItems && this.totalCost + cost <= this.maxCost) {
			return true;
		}
		return this.heap.length > 0 && priority < this.heap[0].priority;
	}

	private push(slot: Slot<T>): void {
		this.heap.push(slot);
		this.totalCost += slot.cost;
		let index = this.heap.length - 1;
		while (index > 0) {
			const parent = (index - 1) >> 1;
			if (this.heap[parent].priority >= this.heap[index].priority) {
				break;
			}
			[this.heap[parent], this.heap[index]] = [this.heap[index], this.heap[parent]];
			index = parent;
		}
	}

	private popRoot(): void {
		const last = this.heap.pop() as Slot<T>;
		if (this.heap.length === 0) {
			this.totalCost -= last.cost;
			return;
		}
		this.totalCost -= this.heap[0].cost;
		this.heap[0] = last;
		let index = 0;
		for (;;) {
			const left = index * 2 + 1;
			const right = left + 1;
			let largest = index;
			if (left < this.heap.length && this.heap[left].priority > this.heap[largest].priority) {
				largest = left;
			}
			if (right < this.heap.length && this.heap[right].priority > this.heap[largest].priority) {
				largest = right;
			}
			if (largest === index) {
				return;
			}
			[this.heap[largest], this.heap[index]] = [this.heap[index], this.heap[largest]];
			index = largest;
		}
	}
}

const SKETCH_BITS = 20;
const SKETCH_ROWS = 2;

/**
 * Counts strings exactly until `maxKeys` distinct ones have been seen, then folds the counts into a count-min sketch
 * (two rows of 2^20 counters, 8 MB): from then on `count` may over-count a key (by what its hash neighbours add) but
 * never under-counts it. `exact` says which mode answered.
 */
export class CappedCounter {
	private exactCounts: Map<string, number> | undefined = new Map();
	private sketch: Uint32Array | undefined;

	constructor(private readonly maxKeys: number) {}

	get exact(): boolean {
		return this.exactCounts !== undefined;
	}

	add(key: string): void {
		if (this.exactCounts !== undefined) {
			const count = this.exactCounts.get(key);
			// A new key is copied, so that a key cut out of a longer string does not keep that string alive.
			this.exactCounts.set(count === undefined ? detachedString(key) : key, (count ?? 0) + 1);
			if (this.exactCounts.size > this.maxKeys) {
				this.toSketch(this.exactCounts);
			}
			return;
		}
		this.addToSketch(key, 1);
	}

	count(key: string): number {
		if (this.exactCounts !== undefined) {
			return this.exactCounts.get(key) ?? 0;
		}
		const sketch = this.sketch as Uint32Array;
		let least = Infinity;
		for (let row = 0; row < SKETCH_ROWS; row++) {
			least = Math.min(least, sketch[slot(key, row)]);
		}
		return least;
	}

	private toSketch(counts: Map<string, number>): void {
		this.sketch = new Uint32Array(SKETCH_ROWS << SKETCH_BITS);
		this.exactCounts = undefined;
		for (const [key, count] of counts) {
			this.addToSketch(key, count);
		}
	}

	private addToSketch(key: string, count: number): void {
		const sketch = this.sketch as Uint32Array;
		for (let row = 0; row < SKETCH_ROWS; row++) {
			sketch[slot(key, row)] += count;
		}
	}
}

/** The counter of `key` in sketch row `row`: FNV-1a with a per-row offset basis. */
function slot(key: string, row: number): number {
	let hash = row === 0 ? 0x811c9dc5 : 0x9747b28c;
	for (let i = 0; i < key.length; i++) {
		hash ^= key.charCodeAt(i);
		hash = Math.imul(hash, 0x01000193);
	}
	return (row << SKETCH_BITS) | ((hash >>> 0) & ((1 << SKETCH_BITS) - 1));
}
