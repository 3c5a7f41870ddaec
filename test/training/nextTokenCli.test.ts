import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';

import { CLI, FIXTURES } from '../helpers/paths';

/** `tunelint train` on a free-text file through the bundled CLI: the JSON contract of the next-token proxy, and bad input. */

const work = mkdtempSync(path.join(os.tmpdir(), 'tunelint-next-token-cli-'));
after(() => rmSync(work, { recursive: true, force: true }));
const fixture = (name: string): string => path.join(FIXTURES, 'training-free-text', name);
const train = (args: string[]) => spawnSync(process.execPath, [CLI, 'train', ...args], { cwd: work, encoding: 'utf8' });

void describe('tunelint train on free-text answers', { skip: existsSync(CLI) ? false : 'server/out/cli.js is not built (node esbuild.mjs)' }, () => {
	void it('prints the next-token result object with --format json and saves the run', () => {
		const out = path.join(work, 'runs');
		const run = train([fixture('chat.jsonl'), '--format', 'json', '--folds', '2', '--no-learning-curve', '--epochs', '3', '--out', out]);
		assert.equal(run.status, 0, run.stderr);
		const result = JSON.parse(run.stdout);
		assert.equal(result.task, 'next-token');
		assert.equal(result.metrics.validation.macroF1, null);
		assert.equal(typeof result.metrics.validation.loss, 'number');
		assert.equal(typeof result.metrics.train.accuracy, 'number');
		assert.equal(result.history.length, 3);
		assert.ok(Array.isArray(result.findings) && Array.isArray(result.answerOutliers));
		assert.ok(run.stderr.split('\n').some((line) => line.startsWith('{"type":"epoch","stage":"train"')));
		assert.deepEqual(readdirSync(out).filter((name) => !name.startsWith('.')).length, 1);
		assert.ok(existsSync(path.join(result.runDirectory, 'answer-outliers.json')));
	});
	void it('refuses too few records with exit code 2 and saves nothing', () => {
		const out = path.join(work, 'refused');
		const run = train([fixture('too-few.jsonl'), '--out', out]);
		assert.equal(run.status, 2);
		assert.match(run.stderr, /too-few\.jsonl: too few records with an answer: 25/);
		assert.equal(existsSync(out), false);
	});
});
