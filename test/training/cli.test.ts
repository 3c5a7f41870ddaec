import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';

import { CLI, FIXTURES } from '../helpers/paths';

/**
 * `tunelint train` end to end through the bundled CLI (server/out/cli.js, which forks server/out/trainingWorker.js):
 * the JSON result shape, progress lines on stderr, cancel within 2 seconds without a stray process or run directory,
 * and bad input.
 */

const work = mkdtempSync(path.join(os.tmpdir(), 'tunelint-train-cli-'));
after(() => rmSync(work, { recursive: true, force: true }));
const SENTIMENT = path.join(FIXTURES, 'training', 'sentiment.jsonl');

interface Run {
	code: number | null;
	stdout: string;
	stderr: string;
}

function train(args: string[], onStderrLine?: (line: string, child: ChildProcess) => void): Promise<Run> {
	return new Promise((resolve) => {
		const child = spawn(process.execPath, [CLI, 'train', ...args], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk) => (stdout += chunk));
		child.stderr.on('data', (chunk) => {
			const before = stderr.length;
			stderr += chunk;
			if (onStderrLine !== undefined) {
				const start = stderr.lastIndexOf('\n', before) + 1;
				stderr
					.slice(start)
					.split('\n')
					.slice(0, -1)
					.forEach((line) => onStderrLine(line, child));
			}
		});
		child.on('close', (code) => resolve({ code, stdout, stderr }));
	});
}

const isAlive = (pid: number): boolean => {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
};

void describe('tunelint train', { skip: existsSync(CLI) ? false : 'server/out/cli.js is not built (node esbuild.mjs)' }, () => {
	void it('prints the result object with --format json and JSON progress lines on stderr', async () => {
		const out = path.join(work, 'runs');
		// The first 60 records as the --valid file: the result's validation metrics are measured on it.
		const valid = path.join(work, 'valid.jsonl');
		writeFileSync(valid, `${readFileSync(SENTIMENT, 'utf8').split('\n').slice(0, 60).join('\n')}\n`);
		const options = ['--folds', '2', '--epochs', '6', '--patience', '2', '--lr', '0.1', '--l2', '0.0001', '--dropout', '0.1', '--embedding-size', '4', '--seed', '7', '--backend', 'auto'];
		const run = await train([SENTIMENT, '--valid', valid, ...options, '--format', 'json', '--no-learning-curve', '--out', out]);
		assert.ok(run.code === 0 || run.code === 1, run.stderr);
		const result = JSON.parse(run.stdout);
		for (const key of ['backend', 'seed', 'config', 'metrics', 'bestEpoch', 'history', 'findings']) {
			assert.ok(key in result, `missing ${key}`);
		}
		assert.ok(['node', 'wasm', 'cpu'].includes(result.backend));
		assert.equal(result.seed, 7);
		assert.deepEqual(
			{ folds: result.config.folds, epochs: result.config.epochs, patience: result.config.patience, learningRate: result.config.learningRate, l2: result.config.l2, dropout: result.config.dropout, embeddingSize: result.config.embeddingSize, seed: result.config.seed, backend: result.config.backend },
			{ folds: 2, epochs: 6, patience: 2, learningRate: 0.1, l2: 0.0001, dropout: 0.1, embeddingSize: 4, seed: 7, backend: 'auto' },
		);
		assert.deepEqual(Object.keys(result.metrics.train).sort(), ['accuracy', 'loss']);
		assert.deepEqual(Object.keys(result.metrics.validation).sort(), ['accuracy', 'loss', 'macroF1']);
		assert.ok([...Object.values(result.metrics.train), ...Object.values(result.metrics.validation)].every((value) => typeof value === 'number' && Number.isFinite(value)));
		assert.equal(result.validationFile, valid);
		assert.deepEqual(result.records, { train: 300, validation: 60, skipped: 0 }, 'validation is the --valid file, not a split of FILE');
		assert.ok(result.history.length >= 1 && result.history.length <= 6 && result.bestEpoch >= 1 && result.bestEpoch <= result.history.length);
		assert.ok(result.history.every((epoch: Record<string, unknown>) => ['epoch', 'loss', 'accuracy', 'valLoss', 'valAccuracy'].every((key) => typeof epoch[key] === 'number')));
		assert.ok(result.findings.every((finding: { file: string; line: number; ruleId: string }) => finding.file === SENTIMENT && finding.line >= 1 && typeof finding.ruleId === 'string'));
		const progress = run.stderr.trim().split('\n').map((line) => JSON.parse(line) as { type: string });
		assert.deepEqual([...new Set(progress.map((line) => line.type))].sort(), ['epoch', 'process', 'saved', 'stage', 'progress'].sort().filter((type) => type !== 'progress' || progress.some((line) => line.type === 'progress')));
		assert.equal(readdirSync(out).length, 1);
		assert.equal(readdirSync(out)[0], path.basename(result.runDirectory));
	});

	void it('prints a readable result and per-epoch progress by default (--format text), saving under .tunelint/runs', async () => {
		const run = await train([SENTIMENT, '--folds', '0', '--no-learning-curve', '--epochs', '2']);
		assert.ok(run.code === 0 || run.code === 1, run.stderr);
		const runs = path.join(work, '.tunelint', 'runs');
		assert.equal(readdirSync(runs).length, 1, 'the run is saved under .tunelint/runs of the working directory');
		assert.ok(run.stdout.trimEnd().endsWith(`run saved in ${path.join(runs, readdirSync(runs)[0])}`), run.stdout);
		assert.match(run.stdout, /^.*sentiment\.jsonl: \d+ training records, \d+ validation records, labels "0", "1"\nbackend (node|wasm|cpu), seed 42, best epoch \d of \d/);
		assert.match(run.stdout, /\nvalidation: loss \d\.\d{4}, accuracy \d\.\d{4}, macro F1 \d\.\d{4}\n/);
		assert.match(run.stderr, /^ {2}train epoch 1: loss \d\.\d{4}, acc \d\.\d{4}, val_loss \d\.\d{4}, val_acc \d\.\d{4} \(\d+\.\d s\)$/m);
	});

	void it('cancels within 2 seconds on SIGTERM, leaving no process and no run behind', async () => {
		const out = path.join(work, 'cancelled');
		let workerPid = 0;
		let signalled = 0;
		let progress: Record<string, unknown> = {};
		const run = await train([SENTIMENT, '--format', 'json', '--batch-size', '2', '--epochs', '50', '--patience', '50', '--out', out], (line, child) => {
			if (!line.startsWith('{')) {
				return;
			}
			const message = JSON.parse(line) as { type: string; pid?: number } & Record<string, unknown>;
			if (message.type === 'process') {
				workerPid = message.pid ?? 0;
			}
			if (message.type === 'progress' && signalled === 0) {
				signalled = Date.now();
				progress = message;
				child.kill('SIGTERM');
			}
		});
		const stopped = Date.now() - signalled;
		assert.equal(run.code, 130, run.stderr);
		assert.ok(stopped < 2000, `took ${stopped} ms`);
		assert.match(run.stderr, /training cancelled; no run was saved/);
		assert.ok(['fit', 'fits', 'epoch', 'epochs', 'batch', 'batches', 'etaSeconds'].every((key) => typeof progress[key] === 'number'), JSON.stringify(progress));
		assert.ok(workerPid > 0);
		await new Promise((resolve) => setTimeout(resolve, 200));
		assert.equal(isAlive(workerPid), false, 'the training process is gone');
		assert.equal(existsSync(out) && readdirSync(out).length > 0, false);
	});

	void it('explains bad input with exit code 2 and saves nothing', async () => {
		const out = path.join(work, 'bad');
		const run = await train([path.join(FIXTURES, 'training', 'mixed-labels.jsonl'), '--out', out]);
		assert.equal(run.code, 2);
		assert.match(run.stderr, /mixed-labels\.jsonl: labels of mixed types/);
		assert.equal(existsSync(out), false);
		const usage = await train([SENTIMENT, '--backend', 'gpu']);
		assert.equal(usage.code, 2);
		assert.match(usage.stderr, /unknown --backend "gpu"/);
	});
});
