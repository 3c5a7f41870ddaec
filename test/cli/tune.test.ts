import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import { main } from '../../server/src/cli/main';
import { FIXTURES } from '../helpers/paths';

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
	let out = '';
	let err = '';
	const code = await main(args, { out: (text) => (out += text), err: (text) => (err += text) });
	return { code, out, err };
}

void describe('tunelint tune', () => {
	void it('runs a small seeded search and prints the JSON contract, one trial line per trial on stderr', async () => {
		const file = path.join(FIXTURES, 'training', 'sentiment.jsonl');
		const args = ['tune', file, '--method', 'bayes', '--trials', '4', '--epochs', '2', '--seed', '3', '--backend', 'cpu', '--format', 'json'];
		const result = await run(...args);
		assert.equal(result.code, 0, result.err);
		const output = JSON.parse(result.out) as { method: string; trials: { params: Record<string, number>; metric: number; seconds: number }[]; best: { params: Record<string, number>; metric: number }; bestSoFar: number[] };
		assert.equal(output.method, 'bayes');
		assert.equal(output.trials.length, 4);
		assert.ok(output.trials.every((trial) => Number.isFinite(trial.metric) && typeof trial.seconds === 'number' && trial.params.learningRate > 0));
		const bestTrial = output.trials.reduce((best, trial) => (trial.metric < best.metric ? trial : best));
		assert.deepEqual(output.best, { params: bestTrial.params, metric: bestTrial.metric });
		assert.deepEqual(Object.keys(output.trials[0]).sort(), ['metric', 'params', 'seconds']);
		assert.deepEqual(Object.keys(output.trials[0].params).sort(), ['batchSize', 'dropout', 'l2', 'learningRate']);
		assert.equal(output.bestSoFar[3], output.best.metric);
		assert.equal(result.err.split('{"type":"trial"').length - 1, 4);
		const again = JSON.parse((await run(...args)).out) as typeof output;
		assert.deepEqual(again.trials.map((trial) => trial.params), output.trials.map((trial) => trial.params), 'seeded: the same configurations');
	});

	void it('refuses a bad --workers or --method with a usage error', async () => {
		const file = path.join(FIXTURES, 'training', 'sentiment.jsonl');
		const workers = await run('tune', file, '--workers', '0');
		assert.equal(workers.code, 2);
		assert.match(workers.err, /--workers needs a whole number of at least 1/);
		const method = await run('tune', file, '--method', 'hyperband');
		assert.equal(method.code, 2);
		assert.match(method.err, /use grid, random, bayes, tpe/);
	});

	void it('refuses a file it cannot train on, naming it', async () => {
		const result = await run('tune', path.join(FIXTURES, 'training', 'single-class.jsonl'), '--trials', '2', '--backend', 'cpu');
		assert.equal(result.code, 2);
		assert.match(result.err, /single-class\.jsonl: /);
	});
});
