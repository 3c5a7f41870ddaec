import * as path from 'node:path';

import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

import { ProxyModel } from './model';
import { NextTokenModel } from './nextTokenModel';

/** The TensorFlow.js backends the trainer can run on. */
export type BackendName = 'node' | 'wasm' | 'cpu';
/** What the user asked for: `auto` tries node, then wasm, then cpu. */
export type BackendChoice = 'auto' | BackendName;

export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'node', 'wasm', 'cpu'];

/** The backend in use, and why the ones tried before it were passed over. */
export interface BackendSelection {
	name: BackendName;
	skipped: { name: BackendName; reason: string }[];
}

/** Raised when an explicitly requested backend cannot run. */
export class BackendUnavailable extends Error {}

let quietened = false;

/**
 * Selects and initialises a backend. With `auto`: tfjs-node when it loads (an optional dependency, absent on most
 * machines), else wasm when a one-batch training step of the proxy model succeeds on it, else the plain-JS cpu backend.
 * `start` initialises one backend and says why it cannot be used (tests pass a stand-in to see the order).
 */
export async function selectBackend(choice: BackendChoice, start: (name: BackendName) => Promise<string | undefined> = tryBackend): Promise<BackendSelection> {
	if (!quietened) {
		// Production mode silences tfjs's console advice ("install tfjs-node"), which would mix into CLI output.
		tf.enableProdMode();
		quietened = true;
	}
	const order: BackendName[] = choice === 'auto' ? ['node', 'wasm', 'cpu'] : [choice];
	const skipped: BackendSelection['skipped'] = [];
	for (const name of order) {
		const problem = await start(name);
		if (problem === undefined) {
			return { name, skipped };
		}
		skipped.push({ name, reason: problem });
	}
	const reasons = skipped.map((entry) => `${entry.name}: ${entry.reason}`).join('; ');
	throw new BackendUnavailable(`no TensorFlow.js backend could be started (${reasons})`);
}

/** Initialises one backend; returns why it cannot be used, or undefined when it is ready. */
async function tryBackend(name: BackendName): Promise<string | undefined> {
	try {
		switch (name) {
			case 'node':
				await loadTfjsNode();
				return (await tf.setBackend('tensorflow')) ? undefined : 'the tensorflow backend did not initialise';
			case 'wasm':
				setWasmPaths(wasmDirectory());
				if (!(await tf.setBackend('wasm'))) {
					return 'the wasm backend did not initialise';
				}
				return await smokeTest();
			case 'cpu':
				return (await tf.setBackend('cpu')) ? undefined : 'the cpu backend did not initialise';
		}
	} catch (error) {
		return error instanceof Error ? error.message.split('\n')[0] : String(error);
	}
}

/** tfjs-node registers the `tensorflow` backend when loaded; a computed name keeps bundlers from inlining it. */
async function loadTfjsNode(): Promise<void> {
	const moduleName = ['@tensorflow', 'tfjs-node'].join('/');
	await import(moduleName);
}

/**
 * Where the .wasm binaries are: next to the package's main file in a source checkout, or next to the bundle when
 * the extension ships them beside server/out/cli.js.
 */
function wasmDirectory(): string {
	try {
		return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep;
	} catch {
		return __dirname + path.sep;
	}
}

/** Trains the real model for one batch: a missing kernel or a broken gradient shows up here, not mid-run. */
async function smokeTest(): Promise<string | undefined> {
	const model = new ProxyModel(4, 2, { learningRate: 0.1, l2: 0.001 });
	try {
		const vectors = [
			{ indices: Int32Array.from([0, 1]), values: Float32Array.from([0.6, 0.8]) },
			{ indices: Int32Array.from([2, 3]), values: Float32Array.from([0.8, 0.6]) },
		];
		const first = await model.trainBatch(vectors, [0, 1]);
		const second = await model.trainBatch(vectors, [0, 1]);
		if (!(Number.isFinite(first) && second < first)) {
			return `a training step did not reduce the loss (${first} → ${second})`;
		}
	} finally {
		model.dispose();
	}
	return smokeTestNextToken();
}

/** The same for the next-token proxy, whose output layer adds a matMul and its gradients. */
async function smokeTestNextToken(): Promise<string | undefined> {
	const model = new NextTokenModel(3, 3, [1, 1, 1], { learningRate: 0.1, l2: 0.001, dimension: 4, seed: 1 });
	try {
		const answers = [{ promptRows: Int32Array.from([0]), targets: Int32Array.from([2, 1]), previousRows: Int32Array.from([1, 2]), previousPairRows: Int32Array.from([-1, -1]) }];
		const positions = { records: Int32Array.from([0, 0]), positions: Int32Array.from([0, 1]) };
		const first = await model.trainBatch(answers, positions);
		const second = await model.trainBatch(answers, positions);
		return Number.isFinite(first) && second < first ? undefined : `a next-token training step did not reduce the loss (${first} → ${second})`;
	} finally {
		model.dispose();
	}
}
