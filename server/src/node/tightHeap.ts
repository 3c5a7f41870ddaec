import { getHeapStatistics, setFlagsFromString } from 'node:v8';

/**
 * How far the V8 heap may grow past what a full garbage collection found alive while a file streams from disk. V8
 * otherwise lets the heap grow to two to four times its live size under a steady allocation rate, which on a huge file
 * turns a live set under 120 MB into 370 MB of resident memory; at 20% the same run peaks at 255 MB, its time within
 * the run-to-run noise of a loaded machine (40 MB chat file, default rules without duplicate-near). But at 20% a 40 MB
 * heap is collected in full every 8 MB of promoted objects: 43 full collections, a second of CPU, in the second thread
 * of a format and duplicates check of the 300 MB bench file. So a heap may grow by 48 MB or 20%, whichever is more,
 * and at most 100%: that check then takes about a fifth less CPU (alternating runs) and peaks at about 450 MB instead
 * of 430, while a heap of 240 MB or more keeps the 20% that bounds the huge files.
 */
const HEAP_SLACK_BYTES = 48 * 1024 * 1024;
const MIN_GROWING_PERCENT = 20;
const MAX_GROWING_PERCENT = 100;
/** How often the growth is fitted to the heap's size; V8 applies it at its next full collection. */
const REFIT_MILLISECONDS = 250;

/** The heap growth, in percent, for a heap of `usedBytes` (see HEAP_SLACK_BYTES). */
export function streamingGrowthPercent(usedBytes: number): number {
	const percent = Math.round((100 * HEAP_SLACK_BYTES) / Math.max(usedBytes, 1));
	return Math.min(MAX_GROWING_PERCENT, Math.max(MIN_GROWING_PERCENT, percent));
}

/** Streaming lints in progress; the flag is restored when the last one ends. */
let running = 0;
let refit: ReturnType<typeof setInterval> | undefined;
let applied = 0;
/** The heaps of worker threads linting for this thread, as they last reported them (see reportHeapUsage). */
const workerHeaps = new Set<() => number>();

/**
 * The growth for the largest heap taking part: the flag is shared by every thread of the process, so a heap smaller
 * than the largest gets less than 48 MB, and none more than 48 MB or 20% of itself.
 */
export function fittedGrowthPercent(): number {
	let largest = getHeapStatistics().used_heap_size;
	for (const usedBytes of workerHeaps) {
		largest = Math.max(largest, usedBytes());
	}
	return streamingGrowthPercent(largest);
}

function fitGrowth(): void {
	const percent = fittedGrowthPercent();
	if (percent !== applied) {
		applied = percent;
		setFlagsFromString(`--heap-growing-percent=${percent}`);
	}
}

/** Counts a worker's heap, read by `usedBytes`, in the growth fitted while it runs; returns the function that stops it. */
export function countWorkerHeap(usedBytes: () => number): () => void {
	workerHeaps.add(usedBytes);
	return () => workerHeaps.delete(usedBytes);
}

const MEGABYTE = 1024 * 1024;

/**
 * In a worker thread: writes this thread's heap size, in megabytes, to `slots[index]` now and every refit period,
 * for the thread that fits the growth; returns the function that stops it.
 */
export function reportHeapUsage(slots: Int32Array, index: number): () => void {
	const write = (): void => {
		Atomics.store(slots, index, Math.ceil(getHeapStatistics().used_heap_size / MEGABYTE));
	};
	write();
	const timer = setInterval(write, REFIT_MILLISECONDS);
	timer.unref();
	return () => clearInterval(timer);
}

/** How `countWorkerHeap` reads a heap that `reportHeapUsage` writes. */
export function reportedHeapBytes(slots: Int32Array, index: number): () => number {
	return () => Atomics.load(slots, index) * MEGABYTE;
}

/**
 * Runs a lint of a file streamed from disk (the CLI's `check`, the editor's Lint File on Disk) with the heap kept close
 * to its live size, and restores V8's default heap growth afterwards.
 */
export async function withTightHeap<T>(run: () => Promise<T>): Promise<T> {
	if (running++ === 0) {
		fitGrowth();
		refit = setInterval(fitGrowth, REFIT_MILLISECONDS);
		refit.unref();
	}
	try {
		return await run();
	} finally {
		if (--running === 0) {
			clearInterval(refit);
			applied = 0;
			// Zero is V8's default: its own adaptive growing factor.
			setFlagsFromString('--heap-growing-percent=0');
		}
	}
}
