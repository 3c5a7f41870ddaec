import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
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

void describe('tunelint forget', () => {
	void it('reports the base task before, and one row per mitigation with retention and new-task accuracy, reproducibly', async () => {
		const args = ['forget', '--base', path.join(FIXTURES, 'drift', 'reference.jsonl'), '--target', path.join(FIXTURES, 'training', 'sentiment.jsonl'), '--format', 'json', '--seed', '5'];
		const result = await run(...args);
		assert.equal(result.code, 0, result.err);
		const report = JSON.parse(result.out) as { base: { before: number }; rows: { method: string; params: object; retention: number; newTask: number }[] };
		assert.ok(report.base.before > 0.8, `base accuracy ${report.base.before}`);
		assert.deepEqual([...new Set(report.rows.map((row) => row.method))], ['plain', 'replay', 'l2-sp', 'ewc', 'distillation']);
		assert.deepEqual(report.rows.map((row) => [row.method, Object.keys(row.params)]), [['plain', []], ['replay', ['share']], ['replay', ['share']], ['replay', ['share']], ['l2-sp', ['strength']], ['ewc', ['strength']], ['distillation', ['temperature']]]);
		assert.ok(report.rows.every((row) => row.retention >= 0 && row.newTask >= 0 && row.newTask <= 1));
		assert.equal((await run(...args)).out, result.out, 'seeded: the same table');
	});

	void it('writes the replay-mixed dataset as a new file, never over an existing one', async () => {
		const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'tunelint-forget-')), 'mixed.jsonl');
		const args = ['forget', '--base', path.join(FIXTURES, 'drift', 'reference.jsonl'), '--target', path.join(FIXTURES, 'training', 'sentiment.jsonl'), '--write-replay', '0.1', '--out', out];
		const result = await run(...args);
		assert.equal(result.code, 0, result.err);
		const mixed = readFileSync(out, 'utf8').trim().split('\n');
		const lines = (file: string): string[] => readFileSync(file, 'utf8').trim().split('\n');
		const target = lines(path.join(FIXTURES, 'training', 'sentiment.jsonl'));
		const base = new Set(lines(path.join(FIXTURES, 'drift', 'reference.jsonl')));
		assert.equal(mixed.length, 330);
		assert.deepEqual(mixed.filter((line) => target.includes(line)).sort(), [...target].sort(), 'every record of the new dataset, once');
		assert.equal(mixed.filter((line) => base.has(line)).length, 30, 'r = 0.1: 30 base records mixed in');
		const refused = await run(...args);
		assert.equal(refused.code, 2);
		assert.match(refused.err, /mixed\.jsonl/);
	});

	void it('takes the replay sweep and the fine-tune length from flags, and refuses a bad share before reading anything', async () => {
		const args = ['forget', '--base', path.join(FIXTURES, 'drift', 'reference.jsonl'), '--target', path.join(FIXTURES, 'training', 'sentiment.jsonl'), '--format', 'json'];
		const result = await run(...args, '--replay', '0.5', '--target-epochs', '1', '--max-records', '100');
		assert.equal(result.code, 0, result.err);
		const report = JSON.parse(result.out) as { rows: { method: string; params: { share?: number } }[] };
		assert.deepEqual(report.rows.filter((row) => row.method === 'replay').map((row) => row.params.share), [0.5]);
		const refused = await run('forget', '--base', 'missing.jsonl', '--target', 'missing.jsonl', '--replay', '0,1');
		assert.equal(refused.code, 2);
		assert.match(refused.err, /--replay needs positive numbers, not "0"/);
	});

	void it('needs both files', async () => {
		const result = await run('forget', '--base', 'a.jsonl');
		assert.equal(result.code, 2);
		assert.match(result.err, /--target/);
	});
});
