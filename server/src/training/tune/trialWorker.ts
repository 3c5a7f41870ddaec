import { readFile } from 'node:fs/promises';

import { BackendUnavailable, selectBackend } from '../backend';
import { TrainingInputError } from '../examples';
import { TrainingCancelled } from '../train';
import { type TuneObjective, tuneObjective } from './objective';
import type { TuneParentMessage, TuneSetup, TuneWorkerMessage } from './workerProtocol';

/**
 * A trial worker of `tunelint tune` (bundled as server/out/tuneWorker.js): one process per parallel trial, so the
 * CPU-bound training of several configurations runs on several cores. It prepares the objective once, then trains
 * one configuration per `trial` message. Like the training process, it cancels and leaves when its parent goes
 * away, so no worker outlives the search.
 */

const cancellation = { isCancellationRequested: false };
let objective: Promise<TuneObjective | undefined> | undefined;
let busy = false;

function send(message: TuneWorkerMessage): Promise<void> {
	return new Promise((resolve) => {
		if (process.send === undefined || !process.connected) {
			resolve();
			return;
		}
		process.send(message, undefined, undefined, () => resolve());
	});
}

async function prepare(setup: TuneSetup): Promise<TuneObjective | undefined> {
	try {
		const text = await readFile(setup.file, 'utf8');
		const prepared = tuneObjective(text, setup.file, setup.fields, { seed: setup.seed, validationShare: setup.validationShare, epochs: setup.epochs, defaults: setup.defaults, signal: cancellation });
		const backend = await selectBackend(setup.backend);
		await send({ type: 'ready', records: prepared.records, labels: prepared.labels, backend: backend.name });
		return prepared;
	} catch (error) {
		const input = error instanceof TrainingInputError || error instanceof BackendUnavailable || (error as NodeJS.ErrnoException).code === 'ENOENT';
		await send({ type: 'failed', kind: input ? 'input' : 'internal', message: error instanceof Error ? (input ? error.message : (error.stack ?? error.message)) : String(error) });
		process.exit(0);
	}
}

async function runTrial(id: number, params: Record<string, number>): Promise<void> {
	const prepared = await objective;
	if (prepared === undefined) {
		return;
	}
	busy = true;
	try {
		await send({ type: 'result', id, metric: await prepared.evaluate(params) });
	} catch (error) {
		if (error instanceof TrainingCancelled || cancellation.isCancellationRequested) {
			await send({ type: 'cancelled', id });
			process.exit(0);
		}
		await send({ type: 'trial-failed', id, message: error instanceof Error ? error.message : String(error) });
	} finally {
		busy = false;
	}
}

process.on('message', (message: TuneParentMessage) => {
	if (message.type === 'setup') {
		objective = prepare(message.setup);
	} else if (message.type === 'trial') {
		void runTrial(message.id, message.params);
	} else {
		cancellation.isCancellationRequested = true;
		// A running trial notices the cancel after its current batch and exits then; an idle worker leaves now.
		if (!busy) {
			process.exit(0);
		}
	}
});
process.on('disconnect', () => {
	cancellation.isCancellationRequested = true;
	// Without a parent there is nobody to report to; leave promptly even if a batch is still running.
	setTimeout(() => process.exit(0), 500).unref();
});
