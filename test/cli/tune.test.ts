import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
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
		const output = JSON.parse(result.out) as { method: string; workers: number; trials: { params: Record<string, number>; metric: number; seconds: number }[]; best: { params: Record<string, number>; metric: number }; bestSoFar: number[] };
		assert.equal(output.method, 'bayes');
		assert.equal(output.workers, Math.min(4, os.availableParallelism()), 'one worker process per core by default, at most one per trial');
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

	void it('searches the space of the config file\'s tune section (the one beside FILE), reporting entries it cannot use', async () => {
		const folder = mkdtempSync(path.join(os.tmpdir(), 'tunelint-tune-'));
		copyFileSync(path.join(FIXTURES, 'training', 'sentiment.jsonl'), path.join(folder, 'data.jsonl'));
		const space = { learningRate: { min: 0.01, max: 0.02 }, dropout: { min: 0.2, max: 0.1 }, batchSize: { values: [16, 48] }, hiddenSize: { min: 8, max: 64 } };
		writeFileSync(path.join(folder, '.tunelintrc.json'), JSON.stringify({ tune: { space } }));
		const result = await run('tune', path.join(folder, 'data.jsonl'), '--method', 'random', '--trials', '3', '--epochs', '1', '--workers', '1', '--backend', 'cpu', '--format', 'json');
		assert.equal(result.code, 0, result.err);
		const output = JSON.parse(result.out) as { trials: { params: Record<string, number> }[]; space: { name: string; min?: number; max?: number; values?: number[] }[] };
		assert.ok(output.trials.every(({ params }) => params.learningRate >= 0.01 && params.learningRate <= 0.02 && [16, 48].includes(params.batchSize) && params.dropout <= 0.5), JSON.stringify(output.trials));
		assert.deepEqual(output.space.find((parameter) => parameter.name === 'dropout'), { name: 'dropout', kind: 'linear', min: 0, max: 0.5 }, 'an invalid range keeps the default');
		assert.deepEqual(output.space.map((parameter) => parameter.name), ['learningRate', 'l2', 'dropout', 'batchSize']);
		assert.match(result.err, /tunelint: .*\.tunelintrc\.json: tune\.space\.dropout: \{"min":0\.2,"max":0\.1\} is not \{"min": x, "max": y\} with 0 ≤ min < max < 1; using the default/);
		assert.match(result.err, /tune\.space\.hiddenSize is not a parameter of the proxy model \(known: learningRate, l2, dropout, batchSize, embeddingSize\)/);
	});

	void it('searches the embedding size only when the tune section names it', async () => {
		const folder = mkdtempSync(path.join(os.tmpdir(), 'tunelint-tune-'));
		copyFileSync(path.join(FIXTURES, 'training', 'sentiment.jsonl'), path.join(folder, 'data.jsonl'));
		const tune = async (space: unknown) => {
			writeFileSync(path.join(folder, '.tunelintrc.json'), JSON.stringify({ tune: { space } }));
			const result = await run('tune', path.join(folder, 'data.jsonl'), '--method', 'grid', '--trials', '4', '--epochs', '1', '--workers', '1', '--backend', 'cpu', '--format', 'json');
			assert.equal(result.code, 0, result.err);
			return { ...result, output: JSON.parse(result.out) as { trials: { params: Record<string, number> }[]; space: { name: string; values?: number[] }[] } };
		};
		const named = await tune({ embeddingSize: { values: [0, 4] }, learningRate: { min: 0.05, max: 0.1 }, l2: { min: 1e-4, max: 2e-4 }, dropout: { min: 0, max: 0.01 }, batchSize: { values: [64] } });
		assert.deepEqual(named.output.space.at(-1), { name: 'embeddingSize', kind: 'choice', values: [0, 4] });
		assert.deepEqual([...new Set(named.output.trials.map((trial) => trial.params.embeddingSize))].sort(), [0, 4], 'the grid tries both sizes');
		const defaults = await tune({ embeddingSize: {} });
		assert.deepEqual(defaults.output.space.at(-1), { name: 'embeddingSize', kind: 'choice', values: [0, 16, 64] });
		const unnamed = await tune({ batchSize: { values: [64] } });
		assert.ok(unnamed.output.trials.every((trial) => !('embeddingSize' in trial.params)), 'not in the default space');
		const invalid = await tune({ embeddingSize: { values: [-1] } });
		assert.match(invalid.err, /tune\.space\.embeddingSize: \{"values":\[-1\]\} is not \{"values": \[whole numbers ≥ 0\]\}; not searched/);
		assert.ok(invalid.output.trials.every((trial) => !('embeddingSize' in trial.params)), 'an unusable entry leaves the optional parameter out');
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
