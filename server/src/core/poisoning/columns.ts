/**
 * Growable typed-array columns: per-record numbers of a huge file kept in a few flat buffers instead of one object per
 * record (an object costs 40+ bytes and a pointer; a Float32 costs 4).
 */

type TypedArray = Float64Array | Float32Array | Int32Array | Uint8Array;
type TypedArrayConstructor<T extends TypedArray> = new (length: number) => T;

/** One column of numbers that doubles its buffer as it fills. */
export class NumberColumn<T extends TypedArray = Float64Array> {
	private buffer: T;
	length = 0;

	constructor(private readonly create: TypedArrayConstructor<T>, initialCapacity = 1024) {
		this.buffer = new create(initialCapacity);
	}

	push(value: number): void {
		if (this.length === this.buffer.length) {
			const grown = new this.create(this.buffer.length * 2);
			grown.set(this.buffer);
			this.buffer = grown;
		}
		this.buffer[this.length++] = value;
	}

	get(index: number): number {
		return this.buffer[index];
	}

	/** The filled part, without copying (valid until the next push). */
	view(): T {
		return this.buffer.subarray(0, this.length) as T;
	}
}

/**
 * A copy of `text` that does not keep its source alive. V8 represents `slice`, `trim` and regular-expression captures
 * as views into the original string, and the lines of a streamed file are views into a megabyte-sized read buffer: a
 * rule that keeps one such string per sampled record would pin most of the file. Use it on every string a rule keeps
 * past the line it came from. Concatenation and a slice make V8 copy exactly the characters kept.
 */
export function detachedString(text: string): string {
	return (` ${text}`).slice(1);
}
