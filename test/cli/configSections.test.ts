import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import { loadSettings, saveConfigSection } from '../../server/src/cli/config';
import { main } from '../../server/src/cli/main';
import { FIXTURES } from '../helpers/paths';

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
	let out = '';
	let err = '';
	const code = await main(args, { out: (text) => (out += text), err: (text) => (err += text) });
	return { code, out, err };
}

function scratch(): string {
	return mkdtempSync(path.join(os.tmpdir(), 'tunelint-sections-'));
}

void describe('config file sections (training, drift)', () => {
	void it('saveConfigSection merges into the section, keeps unknown keys, their order, indentation and line ends, and leaves no temporary file', async () => {
		const directory = scratch();
		const file = path.join(directory, '.tunelintrc.json');
		const original = '{\r\n    "$schema": "x",\r\n    "rules": {"pii": "off"},\r\n    "training": {"epochs": 7, "learningRate": 0.5},\r\n    "customKey": [1, 2]\r\n}\r\n';
		writeFileSync(file, original);
		await saveConfigSection(file, 'training', { learningRate: 0.02, batchSize: 64 });
		const text = readFileSync(file, 'utf8');
		assert.deepEqual(Object.keys(JSON.parse(text) as object), ['$schema', 'rules', 'training', 'customKey']);
		assert.deepEqual((JSON.parse(text) as { training: object }).training, { epochs: 7, learningRate: 0.02, batchSize: 64 });
		assert.deepEqual((JSON.parse(text) as { customKey: number[] }).customKey, [1, 2]);
		assert.match(text, /^\{\r\n {4}"\$schema"/);
		assert.ok(!/[^\r]\n/.test(text), 'CRLF kept');
		assert.deepEqual(readdirSync(directory), ['.tunelintrc.json']);
		const { sections, problems } = await loadSettings(file, directory);
		assert.deepEqual(problems, [`${file}: unknown configuration key "customKey"`], 'only the key the settings do not know');
		assert.deepEqual(sections.training, { epochs: 7, learningRate: 0.02, batchSize: 64 });
	});

	void it('saveConfigSection creates a missing config file and refuses to touch one that is not valid JSON', async () => {
		const directory = scratch();
		const file = path.join(directory, '.tunelintrc.json');
		await saveConfigSection(file, 'training', { l2: 0.001 });
		assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { training: { l2: 0.001 } });
		writeFileSync(file, '{ "rules": ');
		await assert.rejects(saveConfigSection(file, 'training', { l2: 0.1 }), /not valid JSON.*not changed/);
		assert.equal(readFileSync(file, 'utf8'), '{ "rules": ');
	});

	void it('reports out-of-range and unknown section entries as problems and ignores them', async () => {
		const directory = scratch();
		const file = path.join(directory, '.tunelintrc.json');
		writeFileSync(file, JSON.stringify({ training: { learningRate: -1, dropout: 0.2, embeddingSize: 16, speed: 3 }, drift: { psi: 'high', auc: 0.9 } }));
		const { sections, problems } = await loadSettings(file, directory);
		assert.deepEqual(sections, { training: { dropout: 0.2, embeddingSize: 16 }, drift: { auc: 0.9 } });
		assert.equal(problems.length, 3, problems.join('\n'));
		assert.ok(problems.every((problem) => problem.startsWith(file)));
		assert.ok(!problems.some((problem) => /unknown configuration key/.test(problem)), 'the sections are known keys');
	});

	void it('drift reads its thresholds from the config file; flags win over the file', async () => {
		const directory = scratch();
		const config = path.join(directory, 'thresholds.json');
		const reference = path.join(FIXTURES, 'drift', 'reference.jsonl');
		const shifted = path.join(FIXTURES, 'drift', 'shifted.jsonl');
		const byDefault = await run('drift', reference, shifted, '--no-domain-classifier', '--format', 'json');
		assert.equal(byDefault.code, 1, byDefault.err);
		const lax = { psi: 50, js: 50, ks: 50, vocabularyJs: 50, groupShare: 50, auc: 50 };
		writeFileSync(config, JSON.stringify({ drift: lax }));
		const relaxed = await run('drift', reference, shifted, '--no-domain-classifier', '--format', 'json', '--config', config);
		assert.equal(relaxed.code, 0, relaxed.out);
		const report = JSON.parse(relaxed.out) as { drift: boolean; thresholds: Record<string, number> };
		assert.equal(report.drift, false);
		assert.equal(report.thresholds.psi, 50);
		assert.equal(report.thresholds.ksPValue, 0.01, 'a threshold the file does not name keeps its default');
		const flagged = await run('drift', reference, shifted, '--no-domain-classifier', '--format', 'json', '--config', config, '--psi', '0.2');
		const flaggedReport = JSON.parse(flagged.out) as { drift: boolean; signals: string[]; thresholds: Record<string, number> };
		assert.equal(flaggedReport.thresholds.psi, 0.2);
		assert.equal(flaggedReport.drift, true);
		assert.ok(flaggedReport.signals.includes('labels'), flaggedReport.signals.join(', '));
	});

	void it('train uses the training section as its defaults, and flags win over it', async () => {
		const directory = scratch();
		copyFileSync(path.join(FIXTURES, 'training', 'sentiment.jsonl'), path.join(directory, 'data.jsonl'));
		writeFileSync(path.join(directory, '.tunelintrc.json'), JSON.stringify({ training: { learningRate: 0.0123, batchSize: 32, epochs: 2 } }));
		const common = [path.join(directory, 'data.jsonl'), '--folds', '0', '--no-learning-curve', '--backend', 'cpu', '--format', 'json', '--out', path.join(directory, 'runs')];
		const saved = await run('train', ...common);
		assert.equal(saved.code, 0, saved.err);
		const config = (JSON.parse(saved.out) as { config: Record<string, number> }).config;
		assert.equal(config.learningRate, 0.0123);
		assert.equal(config.batchSize, 32);
		assert.equal(config.epochs, 2);
		assert.equal(config.l2, 0, 'a value the section does not name keeps the built-in default');
		const flagged = await run('train', ...common, '--lr', '0.2');
		assert.equal(flagged.code, 0, flagged.err);
		assert.equal((JSON.parse(flagged.out) as { config: Record<string, number> }).config.learningRate, 0.2);
	});
});
