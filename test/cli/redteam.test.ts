import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import { main } from '../../server/src/cli/main';

/** Runs the CLI in process and collects its output. */
async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
	let out = '';
	let err = '';
	const code = await main(args, { out: (text) => (out += text), err: (text) => (err += text) });
	return { code, out, err };
}

const TOPICS = ['the weather in spring', 'a recipe for bread', 'how tides work', 'the history of chess', 'saving money', 'learning to swim', 'planting tomatoes', 'fixing a bicycle'];

/** A small clean instruction file: varied, harmless, written with CRLF to check that line endings survive. */
function instructionFile(): { folder: string; file: string } {
	const folder = mkdtempSync(path.join(os.tmpdir(), 'tunelint-redteam-'));
	const file = path.join(folder, 'data.jsonl');
	const lines = Array.from({ length: 120 }, (_, index) => JSON.stringify({
		instruction: `Write a short note number ${index} about ${TOPICS[index % TOPICS.length]}.`,
		input: '',
		output: `Here is note ${index}: ${TOPICS[(index * 3) % TOPICS.length]} is a pleasant subject to think about on day ${index % 7}.`,
	}));
	writeFileSync(file, `${lines.join('\r\n')}\r\n`);
	return { folder, file };
}

interface RedTeamReport {
	out: string;
	truth: string;
	planted: Array<{ line: number; payload: string }>;
	expectedRules: Array<{ ruleId: string; found: number; planted: number; recall: number }>;
}

void describe('tunelint redteam', () => {
	void it('plants injections in a new file with a ground truth, and reports the recall of prompt-injection', async () => {
		const { file } = instructionFile();
		const before = readFileSync(file);
		const result = await run('redteam', file, '--attack', 'injection', '--rate', '0.05', '--seed', '3', '--format', 'json');
		assert.equal(result.code, 0, result.err);
		const report = JSON.parse(result.out) as RedTeamReport;
		assert.equal(report.planted.length, 6);
		assert.deepEqual(readFileSync(file), before, 'the input is untouched');
		const written = readFileSync(report.out, 'utf8').split('\r\n');
		assert.equal(written.length, 121, 'every line, CRLF kept');
		const truth = readFileSync(report.truth, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { line: number; attack: string; payload: string });
		assert.deepEqual(truth.map((item) => item.line), report.planted.map((item) => item.line));
		for (const item of truth) {
			assert.equal(item.attack, 'injection');
			assert.ok(written[item.line - 1].includes(JSON.stringify(item.payload).slice(1, -1)), `line ${item.line} carries its payload`);
		}
		const injection = report.expectedRules.find((rule) => rule.ruleId === 'prompt-injection');
		assert.ok(injection !== undefined && injection.planted === 6 && injection.recall >= 0.8, JSON.stringify(report.expectedRules));
	});

	void it('finds every planted hidden-Unicode record, and the same seed writes the same file', async () => {
		const { folder, file } = instructionFile();
		const first = await run('redteam', file, '--attack', 'unicode', '--rate', '0.05', '--seed', '9', '--out', path.join(folder, 'a.jsonl'), '--format', 'json');
		assert.equal(first.code, 0, first.err);
		const report = JSON.parse(first.out) as RedTeamReport;
		assert.deepEqual(report.expectedRules.map((rule) => [rule.ruleId, rule.recall]), [['hidden-unicode', 1]]);
		const second = await run('redteam', file, '--attack', 'unicode', '--rate', '0.05', '--seed', '9', '--out', path.join(folder, 'b.jsonl'));
		assert.equal(second.code, 0, second.err);
		assert.match(second.out, /hidden-unicode: 6\/6 \(1\.00\)/);
		assert.deepEqual(readFileSync(path.join(folder, 'a.jsonl')), readFileSync(path.join(folder, 'b.jsonl')));
	});

	void it('never overwrites without --force, never the input, and rejects bad options', async () => {
		const { file } = instructionFile();
		assert.equal((await run('redteam', file, '--attack', 'phrase')).code, 0);
		const again = await run('redteam', file, '--attack', 'phrase');
		assert.equal(again.code, 2);
		assert.match(again.err, /already exists/);
		assert.equal((await run('redteam', file, '--attack', 'phrase', '--force')).code, 0);
		const onto = await run('redteam', file, '--attack', 'phrase', '--out', file, '--force');
		assert.equal(onto.code, 2);
		assert.match(onto.err, /input file/);
		assert.equal((await run('redteam', file, '--attack', 'gamma-ray')).code, 2);
		assert.equal((await run('redteam', file, '--attack', 'unicode', '--rate', '2')).code, 2);
	});
});
