/**
 * The thread behind `lintFileInThreads`: lints the whole file with one group of rules and posts the result back.
 * Bundled as server/out/lintWorker.js beside the CLI; lintWorker.js beside lintInThreads.js in the compiled tree.
 */

import { parentPort, workerData } from 'node:worker_threads';
import { lintLines, ruleById, type Rule } from '../core';
import type { LintWorkerData, LintWorkerReply } from './lintInThreads';
import { readLineBatches } from './readLines';
import { reportHeapUsage } from './tightHeap';

const { file, settings, ruleIds, heaps, heapSlot } = workerData as LintWorkerData;
const rules = ruleIds.map((id) => ruleById(id)).filter((rule): rule is Rule => rule !== undefined);

// The timer is unreferenced: it never keeps the thread alive once the lint has posted its result.
reportHeapUsage(heaps, heapSlot);
lintLines(readLineBatches(file), settings, { yieldEvery: 100_000 }, rules).then(
	(result) => parentPort?.postMessage({ result } satisfies LintWorkerReply),
	(error: unknown) => {
		const { code, syscall } = error as NodeJS.ErrnoException;
		parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error), code, syscall } satisfies LintWorkerReply);
	},
);
