import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import { main } from '../../server/src/cli/main';
import { defaultSettings, lintText, splitLines, type Finding, type Settings } from '../../server/src/core';
import { splitCompanions } from '../../server/src/core/dedup/crossFile';
import { DEFAULT_NEAR_DUPLICATE_OPTIONS } from '../../server/src/core/dedup/nearDuplicates';
import { keptLines, planDeduplication } from '../../server/src/core/dedup/plan';
import { checkSplitLeakage } from '../../server/src/core/rules/split-leakage';
import { checkFixture } from '../helpers/golden';
import { FIXTURES, SHARED_DATASETS, SKIP_WITHOUT_DATASETS } from '../helpers/paths';

function duplicatesOnly(): Settings {
	const settings = defaultSettings();
	settings.categories = ['duplicates'];
	settings.maxProblems = 1_000_000;
	return settings;
}

async function lintDataset(relative: string): Promise<{ lines: string[]; findings: Finding[] }> {
	const text = readFileSync(path.join(SHARED_DATASETS as string, relative), 'utf8');
	const result = await lintText(text, duplicatesOnly());
	return { lines: splitLines(text), findings: result.findings };
}

function lineFindings(findings: Finding[], ruleId: string): Finding[] {
	return findings.filter((finding) => finding.ruleId === ruleId && finding.scope === 'line');
}

/** Lines whose bytes equal an earlier line: the "dupLines" figure of the datasets' manifest. */
function byteIdenticalLaterLines(lines: string[]): Set<number> {
	const seen = new Set<string>();
	const later = new Set<number>();
	lines.forEach((line, index) => (seen.has(line) ? later.add(index) : seen.add(line)));
	return later;
}

void describe('duplicate rules on fixtures', () => {
	for (const [rule, names] of [
		['duplicate-exact', ['bad', 'good', 'prompts']],
		['duplicate-near', ['bad', 'good']],
		['conflicting-labels', ['bad', 'chat', 'preference', 'good']],
	] as const) {
		for (const name of names) {
			void it(`${rule}/${name}.jsonl`, async () => {
				const findings = await checkFixture(rule, name);
				if (name === 'good') {
					assert.deepEqual(findings.filter((finding) => finding.scope !== 'file'), [], 'the tricky negative has no line findings');
				} else {
					assert.ok(findings.length > 0);
				}
			});
		}
	}

	void it('links every exact copy to the first and offers a safe one-line deletion', async () => {
		const text = readFileSync(path.join(FIXTURES, 'duplicate-exact', 'bad.jsonl'), 'utf8');
		const findings = lineFindings((await lintText(text, duplicatesOnly())).findings, 'duplicate-exact');
		assert.deepEqual(findings.map((finding) => [finding.range.line, finding.related?.[0].line]), [[2, 0], [3, 0], [4, 1]]);
		for (const finding of findings) {
			assert.equal(finding.fix?.safe, true);
			assert.deepEqual(finding.fix?.edits, [{ line: finding.range.line, column: 0, endLine: finding.range.line + 1, endColumn: 0, newText: '' }]);
		}
	});

	void it('explains near duplicates with cluster, similarity and the banding curve', async () => {
		const text = readFileSync(path.join(FIXTURES, 'duplicate-near', 'bad.jsonl'), 'utf8');
		const findings = lineFindings((await lintText(text, duplicatesOnly())).findings, 'duplicate-near');
		assert.deepEqual(findings.map((finding) => finding.range.line), [2, 4, 5]);
		const data = findings[0].data as { cluster: number; clusterSize: number; similarity: number; bands: number; rows: number; probabilityCurve: Array<{ similarity: number; probability: number }> };
		assert.equal(data.clusterSize, 3);
		assert.ok(data.similarity >= 0.8);
		assert.deepEqual([data.bands, data.rows], [16, 6]);
		assert.ok((data.probabilityCurve.find((point) => point.similarity === 0.8)?.probability ?? 0) >= 0.99);
		assert.equal(findings[0].fix?.safe, false, 'removing a near duplicate is a judgment, never part of a fix-all');
	});

	void it('skips records without text with one info finding, and never crashes on bad lines', async () => {
		const result = await lintText('{"messages":[]}\nnot json\n\n{"text":"a"}\n{"text":"a"}\n', duplicatesOnly());
		const exact = result.findings.filter((finding) => finding.ruleId === 'duplicate-exact');
		assert.deepEqual(exact.filter((finding) => finding.scope === 'line').map((finding) => finding.range.line), [4]);
		assert.ok(exact.some((finding) => finding.severity === 'info' && /without text/.test(finding.message)));
	});

	void it('reports a file of identical lines as one group, within the problem cap', async () => {
		const settings = duplicatesOnly();
		settings.maxProblems = 100;
		const lines = Array.from({ length: 50_000 }, () => '{"text":"the same line","label":"x"}');
		const result = await lintText(lines.join('\n'), settings);
		const summary = result.findings.find((finding) => finding.ruleId === 'duplicate-exact' && finding.scope === 'file');
		assert.deepEqual(summary?.data, { duplicates: 49_999, groups: 1, compare: 'whole' });
		assert.equal(result.findings.filter((finding) => finding.ruleId === 'duplicate-near' && finding.scope === 'line').length, 0);
	});
});

void describe('split-leakage', () => {
	const train = splitLines(readFileSync(path.join(FIXTURES, 'split-leakage', 'pair', 'train.jsonl'), 'utf8'));
	const valid = splitLines(readFileSync(path.join(FIXTURES, 'split-leakage', 'pair', 'valid.jsonl'), 'utf8'));

	void it('finds exact and near leaks of prompts, with the other file as related location', () => {
		const findings = checkSplitLeakage(valid, { name: 'train.jsonl', lines: train }, defaultSettings());
		const lines = findings.filter((finding) => finding.scope === 'line');
		assert.deepEqual(lines.map((finding) => [finding.range.line, finding.related?.[0].line, finding.related?.[0].file, (finding.data as { exact: boolean }).exact]), [
			[0, 3, 'train.jsonl', true],
			[2, 1, 'train.jsonl', false],
		]);
		assert.match(findings[findings.length - 1].message, /2 records of 3 \(66\.7%\) also in train\.jsonl: 1 exact, 1 near/);
	});

	void it('can compare exact matches only, and is silenced like any rule', () => {
		const settings = defaultSettings();
		settings.ruleOptions['split-leakage'] = { near: false };
		assert.equal(checkSplitLeakage(valid, { name: 'train.jsonl', lines: train }, settings).filter((finding) => finding.scope === 'line').length, 1);
		settings.rules['split-leakage'] = 'off';
		assert.deepEqual(checkSplitLeakage(valid, { name: 'train.jsonl', lines: train }, settings), []);
	});

	void it('pairs files by naming convention', () => {
		const siblings = ['data_train.jsonl', 'data_valid.jsonl', 'data_test.jsonl', 'other_val.jsonl', 'train.jsonl', 'dev.jsonl', 'x.training.jsonl', 'x.eval.jsonl'];
		assert.deepEqual(splitCompanions('data_train.jsonl', siblings), ['data_valid.jsonl', 'data_test.jsonl']);
		assert.deepEqual(splitCompanions('data_test.jsonl', siblings), ['data_train.jsonl']);
		assert.deepEqual(splitCompanions('train.jsonl', siblings), ['dev.jsonl']);
		assert.deepEqual(splitCompanions('x.eval.jsonl', siblings), ['x.training.jsonl']);
		assert.deepEqual(splitCompanions('notes.jsonl', siblings), []);
		assert.deepEqual(splitCompanions('constraint_x.jsonl', ['constrvalid_x.jsonl']), [], 'a split word must be a whole name part');
	});
});

void describe('dedup plan', () => {
	const lines = splitLines(readFileSync(path.join(FIXTURES, 'duplicate-near', 'bad.jsonl'), 'utf8'));
	const request = { compare: 'whole' as const, near: true, nearOptions: DEFAULT_NEAR_DUPLICATE_OPTIONS, keep: 'first' as const };

	void it('drops later copies and keeps every other line byte for byte', () => {
		const plan = planDeduplication(lines, defaultSettings(), request);
		assert.deepEqual(plan.dropped.map((item) => [item.line, item.keptLine, item.reason]), [[2, 0, 'near'], [4, 1, 'near'], [5, 0, 'near']]);
		assert.deepEqual(keptLines(lines, plan), [lines[0], lines[1], lines[3]]);
	});

	void it('keeps the longest member of a cluster on request, and only exact copies without --near', () => {
		const plan = planDeduplication(lines, defaultSettings(), { ...request, keep: 'longest' });
		assert.deepEqual(plan.dropped.map((item) => [item.line, item.keptLine]), [[0, 5], [1, 4], [2, 5]]);
		assert.deepEqual(planDeduplication(lines, defaultSettings(), { ...request, near: false }).dropped, []);
	});
});

void describe('CLI: dedup and --against', () => {
	async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
		let out = '';
		let err = '';
		const code = await main(argv, { out: (text) => (out += `${text}\n`), err: (text) => (err += `${text}\n`) });
		return { code, out, err };
	}

	void it('writes a copy without the later copies, byte for byte, and refuses to overwrite its input', async () => {
		const folder = mkdtempSync(path.join(tmpdir(), 'tunelint-dedup-'));
		try {
			const input = path.join(folder, 'in.jsonl');
			const lines = ['{"text":"Hello","label":"a"}', '{"text":"héllo  wörld","label":"b"}\r', '{"text":"HELLO","label":"a"}', 'not json', '{"text":"hello","label":"a"}'];
			writeFileSync(input, lines.join('\n'));
			const result = await run(['dedup', input, '--out', path.join(folder, 'out.jsonl')]);
			assert.equal(result.code, 0, result.err);
			assert.equal(readFileSync(path.join(folder, 'out.jsonl'), 'utf8'), `${lines.slice(0, 2).join('\n')}\n${lines[3]}\n`);
			assert.deepEqual(result.out.trim().split('\n').map((line) => JSON.parse(line) as unknown), [
				{ line: 3, keptLine: 1, reason: 'exact', similarity: 1 },
				{ line: 5, keptLine: 1, reason: 'exact', similarity: 1 },
			]);
			assert.equal((await run(['dedup', input, '--out', input])).code, 2);
		} finally {
			rmSync(folder, { recursive: true, force: true });
		}
	});

	void it('checks leakage against a named file', async () => {
		const valid = path.join(FIXTURES, 'split-leakage', 'pair', 'valid.jsonl');
		const result = await run(['check', '--category', 'duplicates', '--format', 'json', '--against', path.join(FIXTURES, 'split-leakage', 'pair', 'train.jsonl'), valid]);
		const findings = JSON.parse(result.out) as Array<{ ruleId: string; line: number; scope: string }>;
		assert.deepEqual(findings.filter((finding) => finding.ruleId === 'split-leakage' && finding.scope === 'line').map((finding) => finding.line), [1, 3]);
	});
});

void describe('duplicate rules on the real datasets', { skip: SKIP_WITHOUT_DATASETS }, () => {
	for (const [file, byteCopies, normalisedCopies] of [
		['classification/sms_spam_collection.jsonl', 403, 415],
		['classification/tweeteval_emoji_train.jsonl', 337, 346],
		['instruct/llamafactory_alpaca_en_demo.jsonl', 14, 14],
	] as const) {
		void it(`${file}: every one of the ${byteCopies} byte-identical copies, plus copies equal after normalisation`, async () => {
			const { lines, findings } = await lintDataset(file);
			const flagged = new Set(lineFindings(findings, 'duplicate-exact').map((finding) => finding.range.line));
			const identical = byteIdenticalLaterLines(lines);
			assert.equal(identical.size, byteCopies);
			assert.deepEqual([...identical].filter((line) => !flagged.has(line)), []);
			assert.equal(flagged.size, normalisedCopies);
		});
	}

	void it('giskard predup: recall 1 and precision 121/124 against exact_duplicate_of_index (the 3 extra differ only in case)', async () => {
		const { lines, findings } = await lintDataset('injection/giskard_prompt_injections_predup_a4d5498.jsonl');
		const truth = new Map<number, number>();
		lines.forEach((line, index) => {
			const original = (JSON.parse(line) as { exact_duplicate_of_index: number | null }).exact_duplicate_of_index;
			if (original !== null) {
				truth.set(index, original);
			}
		});
		const flagged = lineFindings(findings, 'duplicate-exact');
		const truePositives = flagged.filter((finding) => truth.has(finding.range.line));
		assert.equal(truth.size, 121);
		assert.equal(truePositives.length, 121, 'recall 1.0');
		assert.equal(flagged.length, 124, 'precision 121/124');
		for (const finding of flagged.filter((item) => !truth.has(item.range.line))) {
			const [a, b] = [lines[finding.range.line], lines[finding.related?.[0].line ?? -1]].map((line) => (JSON.parse(line) as { prompt: string }).prompt);
			assert.notEqual(a, b);
			assert.equal(a.toLowerCase(), b.toLowerCase());
		}
	});

	void it('fastchat dummy conversations: templated near duplicates form clusters', async () => {
		const { findings } = await lintDataset('instruct/fastchat_dummy_conversation.sharegpt.jsonl');
		const near = lineFindings(findings, 'duplicate-near');
		const clusters = new Set(near.map((finding) => (finding.data as { cluster: number }).cluster));
		assert.ok(near.length > 400, `${near.length} near duplicates`);
		assert.ok(clusters.size > 10 && clusters.size < 60, `${clusters.size} clusters`);
	});
});
