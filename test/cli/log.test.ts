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

void describe('tunelint log', () => {
	void it('reports overfitting and the early-stopping step as JSON', async () => {
		const result = await run('log', path.join(FIXTURES, 'logs', 'openai_result.csv'), '--format', 'json');
		assert.equal(result.code, 0, result.err);
		const report = JSON.parse(result.out) as { format: string; overfitting: { step: number; gap: number }; earlyStopping: { step: number } };
		assert.equal(report.format, 'openai-csv');
		assert.equal(typeof report.overfitting.gap, 'number');
		assert.equal(report.earlyStopping.step, report.overfitting.step);
	});

	void it('says so in text, and exits 2 naming the file on an unreadable log', async () => {
		const text = await run('log', path.join(FIXTURES, 'logs', 'losses.csv'));
		assert.match(text.out, /OVERFITTING from step \d+/);
		const bad = await run('log', path.join(FIXTURES, 'logs', 'missing.csv'));
		assert.equal(bad.code, 2);
		assert.match(bad.err, /missing\.csv: cannot read the file/);
	});
});
