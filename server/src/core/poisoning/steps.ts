/**
 * Long computations written as generators that yield between chunks of their work, so that a rule's finish step can
 * pause there (and be cancelled) while other callers simply run them to the end. A yield marks a point where a few
 * milliseconds of work at most have passed since the last one.
 */

/** A computation that yields between chunks of work and returns its result at the end. */
export type Steps<T> = Generator<void, T, void>;

/** Runs a computation to its end without pausing (for callers outside a lint, such as training). */
export function runSteps<T>(steps: Steps<T>): T {
	for (;;) {
		const step = steps.next();
		if (step.done === true) {
			return step.value;
		}
	}
}

/** Runs a computation, awaiting `pause()` at each of its yields; a rejected pause (a cancelled lint) stops it there. */
export async function runStepsPausing<T>(steps: Steps<T>, pause: () => Promise<void>): Promise<T> {
	for (;;) {
		const step = steps.next();
		if (step.done === true) {
			return step.value;
		}
		await pause();
	}
}

/** Elements sorted or merged between two yields: sorting 65,536 numbers takes a few milliseconds. */
const SORT_CHUNK = 1 << 16;

/**
 * A sorted copy of `values` (ascending; no NaN expected): chunks are sorted natively, then merged pairwise, with a yield
 * after each chunk and each merge run. One `sort()` of a million numbers blocks for about 200 ms; this never blocks for
 * more than one merge of at most `values.length` elements, whose cost is linear.
 */
export function* sortedSteps(values: ArrayLike<number>): Steps<Float64Array> {
	let source = Float64Array.from(values);
	const length = source.length;
	for (let start = 0; start < length; start += SORT_CHUNK) {
		source.subarray(start, Math.min(length, start + SORT_CHUNK)).sort();
		yield;
	}
	if (length <= SORT_CHUNK) {
		return source;
	}
	let target = new Float64Array(length);
	for (let width = SORT_CHUNK; width < length; width *= 2) {
		for (let left = 0; left < length; left += 2 * width) {
			const middle = Math.min(length, left + width);
			const right = Math.min(length, left + 2 * width);
			mergeRuns(source, target, left, middle, right);
			yield;
		}
		[source, target] = [target, source];
	}
	return source;
}

/** Merges the sorted runs source[left, middle) and source[middle, right) into target[left, right). */
function mergeRuns(source: Float64Array, target: Float64Array, left: number, middle: number, right: number): void {
	let i = left;
	let j = middle;
	let out = left;
	while (i < middle && j < right) {
		target[out++] = source[i] <= source[j] ? source[i++] : source[j++];
	}
	while (i < middle) {
		target[out++] = source[i++];
	}
	while (j < right) {
		target[out++] = source[j++];
	}
}
