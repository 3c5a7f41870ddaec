import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { CLI, FIXTURES } from '../helpers/paths';

function dataset(): { folder: string; file: string; lines: string[] } {
	const folder = mkdtempSync(path.join(tmpdir(), 'tunelint-rebalance-'));
	const file = path.join(folder, 'data.jsonl');
	// Keys in an unusual order and extra spaces: the writers must copy lines byte for byte, not re-serialise them.
	const lines = Array.from({ length: 40 }, (_, index) => `{"label": "${index < 30 ? 'ham' : 'spam'}",  "text": "message ${index} \\u00e9"}`);
	lines.push(lines[3]);
	writeFileSync(file, `${lines.join('\r\n')}\r\n`);
	return { folder, file, lines };
}

function tunelint(...args: string[]): { status: number | null; stdout: string; stderr: string } {
	const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
	return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

void describe('tunelint rebalance and split', () => {
	void it('undersamples into a new file next to the original, lines byte for byte, CRLF kept', () => {
		const { file, lines } = dataset();
		const before = readFileSync(file);
		const run = tunelint('rebalance', file, '--strategy', 'under', '--seed', '7', '--format', 'json');
		assert.equal(run.status, 0, run.stderr);
		const report = JSON.parse(run.stdout) as { out: string; after: Record<string, number> };
		assert.deepEqual(report.after, { ham: 10, spam: 10 });
		const written = readFileSync(report.out, 'utf8').split('\r\n').filter((line) => line !== '');
		assert.equal(written.length, 20);
		assert.ok(written.every((line) => lines.includes(line)));
		assert.deepEqual(readFileSync(file), before, 'the original is untouched');
	});

	void it('never overwrites an existing output without --force, and never the input', () => {
		const { file } = dataset();
		assert.equal(tunelint('rebalance', file).status, 0);
		const again = tunelint('rebalance', file);
		assert.equal(again.status, 2);
		assert.match(again.stderr, /already exists/);
		assert.equal(tunelint('rebalance', file, '--force').status, 0);
		const onto = tunelint('rebalance', file, '--out', file, '--force');
		assert.equal(onto.status, 2);
		assert.match(onto.stderr, /input file/);
	});

	void it('oversamples with every copy listed, and the same seed writes the same file', () => {
		const { folder, file } = dataset();
		const first = JSON.parse(execFileSync(process.execPath, [CLI, 'rebalance', file, '--strategy', 'over', '--seed', '5', '--out', path.join(folder, 'a.jsonl'), '--format', 'json'], { encoding: 'utf8' })) as { copies: number[] };
		execFileSync(process.execPath, [CLI, 'rebalance', file, '--strategy', 'over', '--seed', '5', '--out', path.join(folder, 'b.jsonl')]);
		assert.equal(first.copies.length, 31 - 10);
		assert.deepEqual(readFileSync(path.join(folder, 'a.jsonl')), readFileSync(path.join(folder, 'b.jsonl')));
	});

	void it('splits into two files that partition the input and keep duplicates on one side', () => {
		const { folder, file, lines } = dataset();
		const run = tunelint('split', file, '--valid', '0.25', '--seed', '3');
		assert.equal(run.status, 0, run.stderr);
		const train = readFileSync(path.join(folder, 'data.train.jsonl'), 'utf8').split('\r\n').filter(Boolean);
		const valid = readFileSync(path.join(folder, 'data.valid.jsonl'), 'utf8').split('\r\n').filter(Boolean);
		assert.deepEqual([...train, ...valid].sort(), [...lines].sort());
		assert.ok(!(train.includes(lines[3]) && valid.includes(lines[3])), 'the duplicated record is on one side only');
		assert.equal(tunelint('split', file).status, 2, 'existing outputs are not replaced');
	});

	void it('oversampling keeps a line without a label; undersampling leaves it out and says so', () => {
		const { folder, file, lines } = dataset();
		const unlabelled = '{"text": "a message nobody labelled"}';
		writeFileSync(file, `${[...lines.slice(0, 5), unlabelled, ...lines.slice(5)].join('\r\n')}\r\n`);
		const over = tunelint('rebalance', file, '--strategy', 'over', '--out', path.join(folder, 'over.jsonl'));
		assert.equal(over.status, 0, over.stderr);
		assert.ok(readFileSync(path.join(folder, 'over.jsonl'), 'utf8').split('\r\n').includes(unlabelled));
		const under = tunelint('rebalance', file, '--strategy', 'under', '--out', path.join(folder, 'under.jsonl'));
		assert.equal(under.status, 0, under.stderr);
		assert.match(under.stdout, /\n {2}1 line without a label left out\n$/);
		assert.ok(!readFileSync(path.join(folder, 'under.jsonl'), 'utf8').includes(unlabelled));
	});

	void it('lists only minority records as the copies of an oversample', () => {
		const { folder, file, lines } = dataset();
		const run = tunelint('rebalance', file, '--strategy', 'over', '--seed', '2', '--out', path.join(folder, 'over.jsonl'), '--format', 'json');
		assert.equal(run.status, 0, run.stderr);
		const report = JSON.parse(run.stdout) as { copies: number[]; after: Record<string, number> };
		assert.deepEqual(report.after, { ham: 31, spam: 31 });
		assert.ok(report.copies.every((line) => lines[line - 1].includes('"spam"')), 'every copy repeats a spam record');
		const written = readFileSync(path.join(folder, 'over.jsonl'), 'utf8').split('\r\n').filter(Boolean);
		assert.deepEqual(written, [...lines, ...report.copies.map((line) => lines[line - 1])]);
	});

	void it('reweighs by label into FILE.weights.jsonl: N / (K · n_y) per record, the data untouched', () => {
		const { folder, file } = dataset();
		const run = tunelint('rebalance', file, '--strategy', 'reweigh', '--format', 'json');
		assert.equal(run.status, 0, run.stderr);
		assert.equal((JSON.parse(run.stdout) as { out: string }).out, path.join(folder, 'data.weights.jsonl'));
		const weights = readFileSync(path.join(folder, 'data.weights.jsonl'), 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as { line: number; label: string; weight: number });
		assert.equal(weights.length, 41);
		assert.deepEqual(weights[0], { line: 1, label: 'ham', weight: Number((41 / (2 * 31)).toFixed(6)) });
		assert.deepEqual(weights[30], { line: 31, label: 'spam', weight: Number((41 / (2 * 10)).toFixed(6)) });
	});

	void it('say which entries of the config file they cannot use (split, rebalance)', () => {
		const { folder, file } = dataset();
		const config = path.join(folder, 'bad.tunelintrc.json');
		writeFileSync(config, JSON.stringify({ training: { learningRate: -1 } }));
		for (const args of [['split', file, '--valid', '0.2'], ['rebalance', file, '--strategy', 'under', '--out', path.join(folder, 'under.jsonl')]]) {
			const run = tunelint(...args, '--config', config);
			assert.equal(run.status, 0, run.stderr);
			assert.ok(run.stderr.includes(`tunelint: warning: ${config}`) && run.stderr.includes('training.learningRate'), run.stderr);
		}
	});

	void it('stratifies the split by label, 0.1 by default, and the same seed writes the same files', () => {
		const { folder, file, lines } = dataset();
		const run = tunelint('split', file, '--format', 'json');
		assert.equal(run.status, 0, run.stderr);
		const report = JSON.parse(run.stdout) as { share: number; strata: Record<string, { train: number; validation: number }> };
		assert.equal(report.share, 0.1);
		assert.deepEqual(report.strata.spam, { train: 9, validation: 1 });
		assert.ok([3, 4].includes(report.strata.ham.validation), 'round(0.1 × 31) = 3, or one more when the duplicated pair is drawn last');
		const valid = readFileSync(path.join(folder, 'data.valid.jsonl'), 'utf8').split('\r\n').filter(Boolean);
		assert.equal(valid.filter((line) => line.includes('"spam"')).length, 1);
		const train = readFileSync(path.join(folder, 'data.train.jsonl'));
		const again = tunelint('split', file, '--seed', '1', '--out-train', path.join(folder, 'again.train.jsonl'), '--out-valid', path.join(folder, 'again.valid.jsonl'));
		assert.equal(again.status, 0, again.stderr);
		assert.deepEqual(readFileSync(path.join(folder, 'again.train.jsonl')), train, 'seed 1 is the default');
		assert.equal(lines.length, 41);
	});

	void it('stratifies by label and group with --group-axis', () => {
		const folder = mkdtempSync(path.join(tmpdir(), 'tunelint-split-groups-'));
		const file = path.join(folder, 'groups.jsonl');
		// Per label, ten records mention a woman and ten a man; a 0.5 split must halve each of the four strata.
		const lines = Array.from({ length: 40 }, (_, index) => JSON.stringify({ text: `note ${index} from a ${index % 2 === 0 ? 'woman' : 'man'} about item ${index * 7}`, label: index < 20 ? 'ok' : 'bad' }));
		writeFileSync(file, `${lines.join('\n')}\n`);
		const run = tunelint('split', file, '--valid', '0.5', '--group-axis', 'gender', '--format', 'json');
		assert.equal(run.status, 0, run.stderr);
		const report = JSON.parse(run.stdout) as { strata: Record<string, { train: number; validation: number }> };
		assert.deepEqual(report.strata, {
			'bad / female': { train: 5, validation: 5 },
			'bad / male': { train: 5, validation: 5 },
			'ok / female': { train: 5, validation: 5 },
			'ok / male': { train: 5, validation: 5 },
		});
	});

	void it('splits free-text answers as one stratum and refuses to rebalance them (they are no label set)', () => {
		const folder = mkdtempSync(path.join(tmpdir(), 'tunelint-split-answers-'));
		const file = path.join(folder, 'chat.jsonl');
		writeFileSync(file, readFileSync(path.join(FIXTURES, 'label-imbalance', 'generative.jsonl')));
		const split = tunelint('split', file, '--valid', '0.2', '--format', 'json');
		assert.equal(split.status, 0, split.stderr);
		const report = JSON.parse(split.stdout) as { trainRecords: number; validationRecords: number };
		assert.deepEqual([report.trainRecords, report.validationRecords], [32, 8]);
		const rebalance = tunelint('rebalance', file);
		assert.equal(rebalance.status, 2);
		assert.match(rebalance.stderr, /no labelled records/);
	});

	void it('explains bad input: no labels, bad strategy, bad share', () => {
		const { folder } = dataset();
		const unlabelled = path.join(folder, 'text.jsonl');
		writeFileSync(unlabelled, '{"text": "just text"}\n');
		const run = tunelint('rebalance', unlabelled);
		assert.equal(run.status, 2);
		assert.match(run.stderr, /no labelled records/);
		assert.equal(tunelint('rebalance', unlabelled, '--strategy', 'sideways').status, 2);
		assert.equal(tunelint('split', unlabelled, '--valid', '1.5').status, 2);
		assert.equal(tunelint('rebalance', path.join(folder, 'missing.jsonl')).status, 2);
	});
});
