import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import { CLI, FIXTURES } from '../helpers/paths';
import { scratchFolder, tunelint } from './cliHarness';

const SENTIMENT = path.join(FIXTURES, 'training', 'sentiment.jsonl');

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/**
 * Starts `tunelint tune` (the bundled CLI) with long trials, waits until both workers run a trial, sends `signal`,
 * and resolves with the exit code, the seconds from the signal to the exit, and the worker pids.
 */
function cancelledSearch(signal: NodeJS.Signals): Promise<{ code: number | null; seconds: number; pids: number[]; stdout: string }> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [CLI, 'tune', SENTIMENT, '--method', 'random', '--trials', '50', '--workers', '2', '--epochs', '400', '--backend', 'cpu', '--format', 'json'], { cwd: scratchFolder() });
		const pids: number[] = [];
		let stdout = '';
		let stderr = '';
		let signalled = 0;
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => {
			stderr += chunk.toString();
			for (const line of stderr.split('\n')) {
				if (line.startsWith('{"type":"worker"')) {
					const pid = (JSON.parse(line) as { pid: number }).pid;
					if (!pids.includes(pid)) {
						pids.push(pid);
					}
				}
			}
			// Once the workers are ready and have had a moment to start their first trials, cancel.
			if (signalled === 0 && stderr.includes('{"type":"ready"')) {
				signalled = -1;
				setTimeout(() => {
					signalled = Date.now();
					child.kill(signal);
				}, 1500);
			}
		});
		child.on('error', reject);
		child.on('exit', (code) => resolve({ code, seconds: (Date.now() - signalled) / 1000, pids, stdout }));
	});
}

void describe('tunelint tune: parallel workers, cancel, --save', () => {
	for (const signal of ['SIGINT', 'SIGTERM'] as const) {
		void it(`${signal} stops the search and every worker within 2 seconds, leaving no process behind`, async () => {
			const result = await cancelledSearch(signal);
			assert.equal(result.code, 130);
			assert.equal(result.pids.length, 2);
			assert.ok(result.seconds < 2, `exited ${result.seconds} s after ${signal}`);
			assert.deepEqual(result.pids.filter(alive), [], 'no worker outlives the search');
			const output = JSON.parse(result.stdout) as { stoppedEarly: boolean; trials: unknown[] };
			assert.equal(output.stoppedEarly, true);
		});
	}

	void it('runs trials on several workers, streams one trial line per finished trial, and --save writes the best params that train then uses', async () => {
		const folder = scratchFolder();
		copyFileSync(SENTIMENT, path.join(folder, 'data.jsonl'));
		writeFileSync(path.join(folder, '.tunelintrc.json'), '{\n  "rules": {\n    "pii": "off"\n  },\n  "myTeamKey": true\n}\n');
		const tune = await tunelint(['tune', 'data.jsonl', '--method', 'tpe', '--trials', '4', '--workers', '2', '--epochs', '2', '--backend', 'cpu', '--save', '--format', 'json'], folder);
		assert.equal(tune.code, 0, tune.stderr);
		const output = JSON.parse(tune.stdout) as { method: string; workers: number; trials: { params: Record<string, number>; metric: number; seconds: number }[]; best: { params: Record<string, number>; metric: number }; saved: { configFile: string; params: Record<string, number> } };
		assert.equal(output.method, 'tpe');
		assert.equal(output.workers, 2);
		assert.equal(output.trials.length, 4);
		const lines = tune.stderr.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
		const trialLines = lines.filter((line) => line.type === 'trial');
		assert.equal(trialLines.length, 4);
		assert.deepEqual(new Set(trialLines.map((line) => line.worker)), new Set([1, 2]), 'both workers ran trials');
		assert.deepEqual(trialLines.map((line) => line.finished), [1, 2, 3, 4]);
		assert.equal(trialLines[3].best, output.best.metric);
		assert.equal(lines.filter((line) => line.type === 'worker').length, 2);

		const config = JSON.parse(readFileSync(path.join(folder, '.tunelintrc.json'), 'utf8')) as Record<string, unknown>;
		assert.deepEqual(Object.keys(config), ['rules', 'myTeamKey', 'training']);
		assert.deepEqual(config.rules, { pii: 'off' });
		const training = config.training as Record<string, number>;
		assert.deepEqual(Object.keys(training).sort(), ['batchSize', 'dropout', 'l2', 'learningRate']);
		assert.ok(Math.abs(training.learningRate / output.best.params.learningRate - 1) < 1e-5);
		assert.equal(training.batchSize, output.best.params.batchSize);
		assert.match(readFileSync(path.join(folder, '.tunelintrc.json'), 'utf8'), /^\{\n {2}"rules"/, 'indentation kept');

		const train = await tunelint(['train', 'data.jsonl', '--folds', '0', '--no-learning-curve', '--epochs', '1', '--backend', 'cpu', '--format', 'json'], folder);
		assert.equal(train.code, 0, train.stderr);
		const used = (JSON.parse(train.stdout) as { config: Record<string, number> }).config;
		assert.equal(used.learningRate, training.learningRate);
		assert.equal(used.batchSize, training.batchSize);
		assert.equal(used.dropout, training.dropout);
	});
});
