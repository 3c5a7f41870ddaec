import { type ChildProcess, fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { Params } from './space';
import type { TuneSetup, TuneWorkerMessage } from './workerProtocol';

/**
 * A pool of trial worker processes for `tunelint tune`: every worker prepares the same objective, then trains one
 * configuration at a time. `evaluate` hands a configuration to an idle worker (queueing when all are busy);
 * `cancel` interrupts every running trial and stops every worker within {@link CANCEL_GRACE_MS} (a worker that
 * has not left by then is killed), so a cancelled search leaves no process behind.
 */

/** After `cancel`, a worker has this long to leave on its own before it is killed. */
export const CANCEL_GRACE_MS = 1500;

/** The worker could not prepare the objective: a problem with the input (exit 2) or a bug. */
export class TuneWorkerError extends Error {
	constructor(
		message: string,
		readonly kind: 'input' | 'internal',
	) {
		super(message);
	}
}

/** A trial interrupted by `cancel` (not a failed configuration). */
export class TrialCancelled extends Error {}

/** What the workers report once ready (the same for all of them). */
export interface PoolInfo {
	records: { train: number; validation: number };
	labels: string[];
	backend: string;
}

interface Worker {
	number: number;
	child: ChildProcess;
	alive: boolean;
	/** The trial it runs, if any. */
	running?: { id: number; resolve(result: { metric: number; worker: number }): void; reject(error: Error): void };
}

/** A started pool: the workers' info, their process ids, and the operations on it. */
export class TrialPool {
	private readonly queue: { params: Params; resolve(result: { metric: number; worker: number }): void; reject(error: Error): void }[] = [];
	private nextId = 0;
	private cancelled = false;

	private constructor(
		private readonly workers: Worker[],
		readonly info: PoolInfo,
	) {}

	/** Process ids of the workers, numbered from 1 in this order. */
	get pids(): (number | undefined)[] {
		return this.workers.map((worker) => worker.child.pid);
	}

	/**
	 * Forks `count` workers and waits until each has prepared the objective. `onStarted` learns each worker's pid
	 * as soon as it exists (so a caller can report it before the slow preparation). A preparation failure stops
	 * every worker and rejects with a {@link TuneWorkerError}.
	 */
	static async start(count: number, setup: TuneSetup, onStarted: (worker: number, pid: number | undefined) => void = () => undefined): Promise<TrialPool> {
		const workers: Worker[] = Array.from({ length: count }, (_, index) => ({ number: index + 1, child: fork(workerPath(), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }), alive: true }));
		workers.forEach((worker) => {
			worker.child.on('exit', () => (worker.alive = false));
			// A send to a worker that just died emits 'error'; its exit reports the failure, so the error is not fatal.
			worker.child.on('error', () => undefined);
			onStarted(worker.number, worker.child.pid);
		});
		const ready = workers.map(
			(worker) =>
				new Promise<PoolInfo>((resolve, reject) => {
					const onMessage = (message: TuneWorkerMessage): void => {
						if (message.type === 'ready') {
							worker.child.off('message', onMessage);
							resolve({ records: message.records, labels: message.labels, backend: message.backend });
						} else if (message.type === 'failed') {
							reject(new TuneWorkerError(message.message, message.kind));
						}
					};
					worker.child.on('message', onMessage);
					worker.child.once('exit', (code, signal) => reject(new TuneWorkerError(`a trial worker stopped while preparing (${signal ?? `exit code ${code}`})`, 'internal')));
					worker.child.once('error', (error) => reject(new TuneWorkerError(`could not start a trial worker: ${error.message}`, 'internal')));
					worker.child.send({ type: 'setup', setup });
				}),
		);
		let infos: PoolInfo[];
		try {
			infos = await Promise.all(ready);
		} catch (error) {
			const pool = new TrialPool(workers, { records: { train: 0, validation: 0 }, labels: [], backend: '' });
			await pool.close();
			throw error;
		}
		const pool = new TrialPool(workers, infos[0]);
		workers.forEach((worker) => pool.listen(worker));
		return pool;
	}

	/** Trains one configuration on the first idle worker; resolves with its metric and the worker's number. */
	evaluate(params: Params): Promise<{ metric: number; worker: number }> {
		if (this.cancelled) {
			return Promise.reject(new TrialCancelled('the search was cancelled'));
		}
		return new Promise((resolve, reject) => {
			this.queue.push({ params, resolve, reject });
			this.dispatch();
		});
	}

	/** Interrupts every trial; every worker is gone within {@link CANCEL_GRACE_MS} (plus the time to reap it). */
	cancel(): void {
		if (this.cancelled) {
			return;
		}
		this.cancelled = true;
		for (const waiting of this.queue.splice(0)) {
			waiting.reject(new TrialCancelled('the search was cancelled'));
		}
		for (const worker of this.workers) {
			stop(worker.child, (child) => child.connected && child.send({ type: 'cancel' }));
		}
	}

	/** Stops the workers (idle ones leave at once) and waits until every one has exited. */
	async close(): Promise<void> {
		const exits = this.workers.map((worker) => (worker.child.exitCode !== null || worker.child.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => worker.child.once('exit', () => resolve()))));
		for (const worker of this.workers) {
			stop(worker.child, (child) => child.connected && child.disconnect());
		}
		await Promise.all(exits);
	}

	private listen(worker: Worker): void {
		worker.child.on('message', (message: TuneWorkerMessage) => {
			const running = worker.running;
			if (running === undefined || !('id' in message) || message.id !== running.id) {
				return;
			}
			worker.running = undefined;
			if (message.type === 'result') {
				running.resolve({ metric: message.metric, worker: worker.number });
			} else if (message.type === 'cancelled') {
				running.reject(new TrialCancelled('the trial was cancelled'));
			} else {
				running.reject(new Error(message.message));
			}
			this.dispatch();
		});
		worker.child.on('exit', (code, signal) => {
			const running = worker.running;
			worker.running = undefined;
			running?.reject(this.cancelled ? new TrialCancelled('the trial was cancelled') : new Error(`trial worker ${worker.number} stopped (${signal ?? `exit code ${code}`})`));
			if (!this.workers.some((other) => other.alive)) {
				// Nobody is left to run the queued trials.
				for (const waiting of this.queue.splice(0)) {
					waiting.reject(this.cancelled ? new TrialCancelled('the search was cancelled') : new Error('every trial worker stopped'));
				}
			}
		});
	}

	private dispatch(): void {
		for (const worker of this.workers) {
			if (this.queue.length === 0) {
				return;
			}
			if (worker.alive && worker.running === undefined && worker.child.connected) {
				const { params, resolve, reject } = this.queue.shift() as TrialPool['queue'][number];
				const id = this.nextId++;
				worker.running = { id, resolve, reject };
				worker.child.send({ type: 'trial', id, params });
			}
		}
	}
}

/** Asks a child to stop (through `ask`), and kills it if it is still there after the grace period. */
function stop(child: ChildProcess, ask: (child: ChildProcess) => void): void {
	if (child.exitCode !== null || child.signalCode !== null) {
		return;
	}
	ask(child);
	const timer = setTimeout(() => child.kill('SIGKILL'), CANCEL_GRACE_MS);
	child.once('exit', () => clearTimeout(timer));
}

/** server/out/tuneWorker.js beside the bundled CLI, or trialWorker.js beside this file in the compiled tree. */
function workerPath(): string {
	const candidates = [path.join(__dirname, 'tuneWorker.js'), path.join(__dirname, 'trialWorker.js')];
	return candidates.find((candidate) => fs.existsSync(candidate)) ?? candidates[0];
}
