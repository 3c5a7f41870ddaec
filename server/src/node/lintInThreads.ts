/**
 * Lints a file from disk with its rules split between threads (core/ruleGroups.ts): the calling thread runs the first
 * group over the lines it is given, a worker thread per other group reads the file again, and the results are merged.
 * On a big file this cuts the wall time to about that of the costliest group, on as many cores as there are groups.
 */

import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ALL_RULES, lintLines, type LineSource, type LintOptions, type LintResult, type Settings } from '../core';
import { mergeLintResults, planRuleGroups } from '../core/ruleGroups';
import { countWorkerHeap, reportedHeapBytes } from './tightHeap';

/** What a lint worker is started with. */
export interface LintWorkerData {
	file: string;
	settings: Settings;
	ruleIds: string[];
	/** Where the worker reports its heap size (in megabytes, at `heapSlot`), so the heap growth fits every thread. */
	heaps: Int32Array;
	heapSlot: number;
}

/** What a lint worker posts back once; a failure keeps its system error fields (ENOENT, open…), if it had them. */
export type LintWorkerReply = { result: LintResult } | { error: string; code?: string; syscall?: string };

/**
 * Lints `file` whose lines the caller streams as `lines` (so that it can hash them as they pass, for provenance) with
 * at most `threads` threads. With one thread, or rules that do not split, it is exactly `lintLines`. When one part
 * fails, the others stop: the workers are terminated and this thread's lint is cancelled at its next pause.
 */
export async function lintFileInThreads(file: string, lines: LineSource, settings: Settings, options: LintOptions, threads: number): Promise<LintResult> {
	const [own, ...others] = planRuleGroups(ALL_RULES, settings, threads);
	if (own === undefined || others.length === 0) {
		return lintLines(lines, settings, options);
	}
	let failed = false;
	const signal = {
		get isCancellationRequested(): boolean {
			return failed || options.signal?.isCancellationRequested === true;
		},
	};
	const workers: Worker[] = [];
	const heaps = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT * others.length));
	const uncount = others.map((_, slot) => countWorkerHeap(reportedHeapBytes(heaps, slot)));
	try {
		const results: Array<Promise<LintResult>> = [];
		for (const [slot, rules] of others.entries()) {
			const workerData: LintWorkerData = { file, settings, ruleIds: rules.map((rule) => rule.id), heaps, heapSlot: slot };
			const worker = new Worker(workerPath(), { workerData });
			workers.push(worker);
			results.push(resultOf(worker, file));
		}
		results.unshift(lintLines(lines, settings, { ...options, signal }, own));
		return mergeLintResults(await Promise.all(results), settings.maxProblems);
	} catch (error) {
		failed = true;
		throw error;
	} finally {
		uncount.forEach((stop) => stop());
		// A worker still running here means another part failed; its result would be thrown away.
		await Promise.all(workers.map((worker) => worker.terminate()));
	}
}

function resultOf(worker: Worker, file: string): Promise<LintResult> {
	return new Promise((resolve, reject) => {
		worker.once('message', (reply: LintWorkerReply) => ('result' in reply ? resolve(reply.result) : reject(Object.assign(new Error(reply.error), { code: reply.code, syscall: reply.syscall }))));
		worker.once('error', (error) => reject(error));
		worker.once('exit', (code) => reject(new Error(`${file}: a lint thread stopped (exit code ${code}) before it finished`)));
	});
}

/** server/out/lintWorker.js beside the bundled CLI, or lintWorker.js beside this file in the compiled tree. */
function workerPath(): string {
	return path.join(__dirname, 'lintWorker.js');
}
