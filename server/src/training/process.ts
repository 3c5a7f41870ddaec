import { type ChildProcess, fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { ChildMessage, TrainingJob } from './protocol';
import type { TrainingProgress, TrainingResult } from './run';

/** How a training process ended. */
export type TrainingOutcome =
	| { type: 'result'; result: TrainingResult }
	| { type: 'failed'; kind: 'input' | 'internal'; message: string }
	| { type: 'cancelled' };

/** A running training process: its outcome, and a cancel that stops it within the grace period. */
export interface TrainingProcess {
	readonly outcome: Promise<TrainingOutcome>;
	readonly pid: number | undefined;
	cancel(): void;
}

/** After `cancel`, the child has this long to stop on its own before it is killed. */
export const CANCEL_GRACE_MS = 1500;

/** Forks the training process (server/out/trainingWorker.js in the bundle, worker.js beside this file otherwise). */
export function startTrainingProcess(job: TrainingJob, onProgress: (progress: TrainingProgress) => void = () => undefined): TrainingProcess {
	const child = fork(workerPath(), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
	let cancelled = false;
	let settled: TrainingOutcome | undefined;
	const outcome = new Promise<TrainingOutcome>((resolve) => {
		child.on('message', (message: ChildMessage) => {
			if (message.type === 'progress') {
				onProgress(message.progress);
			} else {
				settled = message;
			}
		});
		child.on('exit', (code, signal) => {
			if (settled !== undefined) {
				resolve(settled);
			} else if (cancelled) {
				resolve({ type: 'cancelled' });
			} else {
				resolve({ type: 'failed', kind: 'internal', message: `the training process stopped unexpectedly (${signal ?? `exit code ${code}`})` });
			}
		});
		child.on('error', (error) => resolve({ type: 'failed', kind: 'internal', message: `could not start the training process: ${error.message}` }));
	});
	child.send({ type: 'start', job });
	return {
		outcome,
		pid: child.pid,
		cancel: () => cancel(child, () => (cancelled = true)),
	};
}

function cancel(child: ChildProcess, markCancelled: () => void): void {
	markCancelled();
	if (child.exitCode !== null || child.signalCode !== null) {
		return;
	}
	if (child.connected) {
		child.send({ type: 'cancel' });
	}
	const timer = setTimeout(() => child.kill('SIGKILL'), CANCEL_GRACE_MS);
	child.once('exit', () => clearTimeout(timer));
}

function workerPath(): string {
	const candidates = [path.join(__dirname, 'trainingWorker.js'), path.join(__dirname, 'worker.js')];
	return candidates.find((candidate) => fs.existsSync(candidate)) ?? candidates[0];
}
