/**
 * A hash map from 53-bit hashes (safe integers) to non-negative 32-bit integers, in two typed arrays with open
 * addressing: about 24 bytes per entry at most, where a JavaScript Map with number keys costs several times that.
 * The duplicate rules keep one entry per distinct record for the whole file, so this decides their memory on files of
 * millions of records.
 */
export class NumberMap {
	private keys: Float64Array;
	private values: Int32Array;
	private mask: number;
	private count = 0;

	constructor(capacity = 1024) {
		let size = 16;
		while (size < capacity * 2) {
			size *= 2;
		}
		this.keys = new Float64Array(size);
		this.values = new Int32Array(size).fill(-1);
		this.mask = size - 1;
	}

	/** How many keys are stored. */
	get size(): number {
		return this.count;
	}

	/** The value of `key`, or -1 when absent. */
	get(key: number): number {
		return this.values[this.position(key)];
	}

	/** Stores `value` (≥ 0) under `key`, replacing any previous value. */
	set(key: number, value: number): void {
		const position = this.position(key);
		if (this.values[position] === -1) {
			this.count++;
			this.keys[position] = key;
		}
		this.values[position] = value;
		if (this.count * 2 > this.mask + 1) {
			this.grow();
		}
	}

	/**
	 * The value of `key` when present; otherwise stores `value` under it and returns -1. One probe where `get` then
	 * `set` would make two (the duplicate rules do this for every line).
	 */
	getOrSet(key: number, value: number): number {
		const position = this.position(key);
		const found = this.values[position];
		if (found !== -1) {
			return found;
		}
		this.count++;
		this.keys[position] = key;
		this.values[position] = value;
		if (this.count * 2 > this.mask + 1) {
			this.grow();
		}
		return -1;
	}

	/** The slot holding `key`, or the empty slot where it would go. */
	private position(key: number): number {
		// The low 32 bits of a 53-bit hash are well mixed; `>>> 0` takes them without allocating.
		let position = (key >>> 0) & this.mask;
		while (this.values[position] !== -1 && this.keys[position] !== key) {
			position = (position + 1) & this.mask;
		}
		return position;
	}

	/**
	 * Makes room for `count` keys in all at once, so that filling a map whose final size is known (the editor's lines)
	 * does not rehash it at every doubling.
	 */
	reserve(count: number): void {
		if (count * 2 > this.mask + 1) {
			this.grow(count * 2);
		}
	}

	private grow(atLeast = 0): void {
		const oldKeys = this.keys;
		const oldValues = this.values;
		let size = oldKeys.length * 2;
		while (size < atLeast) {
			size *= 2;
		}
		this.keys = new Float64Array(size);
		this.values = new Int32Array(size).fill(-1);
		this.mask = size - 1;
		this.count = 0;
		for (let i = 0; i < oldKeys.length; i++) {
			if (oldValues[i] !== -1) {
				this.set(oldKeys[i], oldValues[i]);
			}
		}
	}
}
