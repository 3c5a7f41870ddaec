import { setFlagsFromString } from 'node:v8';

/**
 * How far, in percent, the V8 heap may grow past what a full garbage collection found alive while a file streams from
 * disk. V8 otherwise lets the heap grow to two to four times its live size under a steady allocation rate, which on a
 * huge file turns a live set under 120 MB into 370 MB of resident memory; at 20% the same run peaks at 255 MB, its time
 * within the run-to-run noise of a loaded machine (40 MB chat file, default rules without duplicate-near).
 */
const STREAMING_HEAP_GROWING_PERCENT = 20;

/** Streaming lints in progress; the flag is restored when the last one ends. */
let running = 0;

/**
 * Runs a lint of a file streamed from disk (the CLI's `check`, the editor's Lint File on Disk) with the heap kept close
 * to its live size, and restores V8's default heap growth afterwards.
 */
export async function withTightHeap<T>(run: () => Promise<T>): Promise<T> {
	if (running++ === 0) {
		setFlagsFromString(`--heap-growing-percent=${STREAMING_HEAP_GROWING_PERCENT}`);
	}
	try {
		return await run();
	} finally {
		if (--running === 0) {
			// Zero is V8's default: its own adaptive growing factor.
			setFlagsFromString('--heap-growing-percent=0');
		}
	}
}
