import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
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
		const run = await train([SENTIMENT, '--format', 'json', '--folds', '2', '--no-learning-curve', '--out', out]);
		assert.ok(run.code === 0 || run.code === 1, run.stderr);
		const result = JSON.parse(run.stdout);
		for (const key of ['backend', 'seed', 'config', 'metrics', 'bestEpoch', 'history', 'findings']) {
			assert.ok(key in result, `missing ${key}`);
		}
		assert.equal(typeof result.metrics.train.loss, 'number');
		assert.equal(typeof result.metrics.validation.macroF1, 'number');
		assert.ok(result.findings.every((finding: { file: string; line: number; ruleId: string }) => finding.file === SENTIMENT && finding.line >= 1 && typeof finding.ruleId === 'string'));
		const progress = run.stderr.trim().split('\n').map((line) => JSON.parse(line) as { type: string });
		assert.deepEqual([...new Set(progress.map((line) => line.type))].sort(), ['epoch', 'process', 'saved', 'stage', 'progress'].sort().filter((type) => type !== 'progress' || progress.some((line) => line.type === 'progress')));
		assert.equal(readdirSync(out).length, 1);
		assert.equal(readdirSync(out)[0], path.basename(result.runDirectory));
	});

	void it('cancels within 2 seconds on SIGTERM, leaving no process and no run behind', async () => {
		const out = path.join(work, 'cancelled');
		let workerPid = 0;
		let signalled = 0;
		const run = await train([SENTIMENT, '--format', 'json', '--batch-size', '2', '--epochs', '50', '--patience', '50', '--out', out], (line, child) => {
			if (!line.startsWith('{')) {
				return;
			}
			const message = JSON.parse(line) as { type: string; pid?: number };
			if (message.type === 'process') {
				workerPid = message.pid ?? 0;
			}
			if (message.type === 'progress' && signalled === 0) {
				signalled = Date.now();
				child.kill('SIGTERM');
			}
		});
		const stopped = Date.now() - signalled;
		assert.equal(run.code, 130, run.stderr);
		assert.ok(stopped < 2000, `took ${stopped} ms`);
		assert.match(run.stderr, /training cancelled; no run was saved/);
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
