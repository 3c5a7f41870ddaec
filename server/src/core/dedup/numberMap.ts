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

	/** The slot holding `key`, or the empty slot where it would go. */
	private position(key: number): number {
		// The low 32 bits of a 53-bit hash are well mixed; `>>> 0` takes them without allocating.
		let position = (key >>> 0) & this.mask;
		while (this.values[position] !== -1 && this.keys[position] !== key) {
			position = (position + 1) & this.mask;
		}
		return position;
	}

	private grow(): void {
		const oldKeys = this.keys;
		const oldValues = this.values;
		this.keys = new Float64Array(oldKeys.length * 2);
		this.values = new Int32Array(oldValues.length * 2).fill(-1);
		this.mask = this.keys.length - 1;
		this.count = 0;
		for (let i = 0; i < oldKeys.length; i++) {
			if (oldValues[i] !== -1) {
				this.set(oldKeys[i], oldValues[i]);
			}
		}
	}
}
