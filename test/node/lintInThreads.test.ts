import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { defaultSettings, lintText } from '../../server/src/core';
import { lintFileInThreads } from '../../server/src/node/lintInThreads';
import { readLineBatches } from '../../server/src/node/readLines';

void describe('lintFileInThreads', () => {
	void it('gives the one-thread result with 2 and 4 threads (the compiled worker reads the file itself)', async () => {
		const folder = mkdtempSync(path.join(tmpdir(), 'tunelint-threads-'));
		try {
			const file = path.join(folder, 'data.jsonl');
			const text = ['{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"}]}', '{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"}]}', '{"text": broken', '', '{"messages":[{"role":"assistant","content":"x"}]}'].join('\n');
			writeFileSync(file, `${text}\n`);
			const settings = defaultSettings();
			const expected = await lintText(text, settings);
			assert.ok(new Set(expected.findings.map((finding) => finding.ruleId)).size >= 4);
			for (const threads of [2, 4]) {
				assert.deepEqual(await lintFileInThreads(file, readLineBatches(file), settings, {}, threads), expected, `${threads} threads`);
			}
		} finally {
			rmSync(folder, { recursive: true, force: true });
		}
	});

	void it('fails with the system error code when the file cannot be read', async () => {
		const missing = path.join(tmpdir(), 'tunelint-no-such-file.jsonl');
		await assert.rejects(lintFileInThreads(missing, readLineBatches(missing), defaultSettings(), {}, 2), (error: NodeJS.ErrnoException) => error.code === 'ENOENT' && error.syscall === 'open');
	});

	void it('stops its own lint when a worker fails: the worker\'s error comes back at once, before this thread\'s lines are read', async () => {
		// This thread streams good lines that never end until it is cancelled; the worker is given a file that does not
		// exist, so only the worker fails, and the run must end with the worker's error instead of reading on.
		const missing = path.join(tmpdir(), 'tunelint-no-such-file.jsonl');
		let read = 0;
		async function* endless(): AsyncGenerator<readonly string[]> {
			// Bounded, so that a run which does not stop fails the assertion below instead of hanging the test.
			while (read < 200_000) {
				read += 100;
				yield Array.from({ length: 100 }, (_, index) => `{"text":"line ${read + index}","label":"a"}`);
				await new Promise(setImmediate);
			}
		}
		const started = Date.now();
		await assert.rejects(lintFileInThreads(missing, endless(), defaultSettings(), {}, 2), (error: NodeJS.ErrnoException) => error.code === 'ENOENT' && error.syscall === 'open');
		assert.ok(Date.now() - started < 20_000, 'the failure ended the run');
		const readAtFailure = read;
		await new Promise((resolve) => setTimeout(resolve, 500));
		assert.ok(read - readAtFailure <= 2_000, `this thread stopped reading (${read - readAtFailure} more lines after the failure)`);
	});
});
