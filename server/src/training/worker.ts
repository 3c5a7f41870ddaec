import { readFile } from 'node:fs/promises';

import { BackendUnavailable } from './backend';
import { TrainingInputError } from './examples';
import type { ChildMessage, ParentMessage, TrainingJob } from './protocol';
import { runValidation } from './run';
import { TrainingCancelled } from './train';

/**
 * The training process (bundled as server/out/trainingWorker.js). Training is CPU-bound and synchronous between
 * batches, so it never runs in the editor's extension host or the language server: the parent forks this process,
 * sends `start`, and may send `cancel`, which the training loop notices after the current batch. When the parent
 * goes away (the IPC channel closes) the process cancels too, so no training outlives its parent.
 */

const cancellation = { isCancellationRequested: false };

function send(message: ChildMessage): Promise<void> {
	return new Promise((resolve) => {
		if (process.send === undefined || !process.connected) {
			resolve();
			return;
		}
		process.send(message, undefined, undefined, () => resolve());
	});
}

async function runJob(job: TrainingJob): Promise<void> {
	try {
		const train = { file: job.file, text: await readFile(job.file, 'utf8') };
		const validation = job.validationFile === undefined ? undefined : { file: job.validationFile, text: await readFile(job.validationFile, 'utf8') };
		const result = await runValidation({ train, validation, fields: job.fields }, job.config, {
			signal: cancellation,
			onProgress: (progress) => void send({ type: 'progress', progress }),
		});
		await send({ type: 'result', result });
	} catch (error) {
		await send(failure(error));
	}
	process.exit(0);
}

function failure(error: unknown): ChildMessage {
	if (error instanceof TrainingCancelled) {
		return { type: 'cancelled' };
	}
	if (error instanceof TrainingInputError || error instanceof BackendUnavailable) {
		return { type: 'failed', kind: 'input', message: error.message };
	}
	if (error instanceof Error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
		return { type: 'failed', kind: 'input', message: error.message };
	}
	return { type: 'failed', kind: 'internal', message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
}

process.on('message', (message: ParentMessage) => {
	if (message.type === 'start') {
		void runJob(message.job);
	} else if (message.type === 'cancel') {
		cancellation.isCancellationRequested = true;
	}
});
process.on('disconnect', () => {
	cancellation.isCancellationRequested = true;
	// Without a parent there is nobody to report to; leave promptly even if a batch is still running.
	setTimeout(() => process.exit(0), 500).unref();
});
