import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { runTrain } from '../../server/src/cli/train';
import { FIXTURES } from '../helpers/paths';

void describe('tunelint train: a cancel before training starts', () => {
	void it('is honoured while the config is still being read: exit 130, a message, no run', async () => {
		const out = mkdtempSync(path.join(os.tmpdir(), 'tunelint-early-cancel-'));
		const errors: string[] = [];
		try {
			const exit = runTrain([path.join(FIXTURES, 'training', 'sentiment.jsonl'), '--out', out], { out: () => undefined, err: (text) => errors.push(text) });
			// The command is reading its config file (asynchronously) when the signal arrives.
			process.emit('SIGTERM', 'SIGTERM');
			assert.equal(await exit, 130);
			assert.ok(errors.some((text) => /training cancelled; no run was saved/.test(text)), errors.join('\n'));
			assert.deepEqual(readdirSync(out), [], 'no run directory');
			assert.equal(process.listenerCount('SIGTERM'), 0, 'the command leaves no signal listener behind');
		} finally {
			rmSync(out, { recursive: true, force: true });
		}
	});
});
