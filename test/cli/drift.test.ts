import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import { main } from '../../server/src/cli/main';
import { FIXTURES } from '../helpers/paths';
import { PHONE_TOPICS } from '../core/driftData';

const fixture = (name: string): string => path.join(FIXTURES, 'drift', name);

/** Runs the CLI in process and collects its output. */
async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
	let out = '';
	let err = '';
	const code = await main(args, { out: (text) => (out += text), err: (text) => (err += text) });
	return { code, out, err };
}

void describe('tunelint stats and drift', () => {
	void it('writes a snapshot that drift accepts in place of a file (no drift between two samples of one distribution)', async () => {
		const directory = mkdtempSync(path.join(os.tmpdir(), 'tunelint-drift-'));
		const snapshot = path.join(directory, 'stats.json');
		const stats = await run('stats', fixture('reference.jsonl'), '--out', snapshot);
		assert.equal(stats.code, 0, stats.err);
		assert.equal((JSON.parse(readFileSync(snapshot, 'utf8')) as { records: number }).records, 300);
		const again = await run('stats', fixture('reference.jsonl'), '--out', snapshot);
		assert.equal(again.code, 2, 'an existing snapshot is not overwritten without --force');
		assert.match(again.err, /already exists/);
		const drift = await run('drift', snapshot, fixture('same.jsonl'), '--format', 'json');
		assert.equal(drift.code, 0, drift.out);
		const report = JSON.parse(drift.out) as Record<string, unknown>;
		assert.equal(report.drift, false);
		assert.equal(report.domainClassifier, null);
		assert.match(String(report.domainClassifierSkipped), /snapshot/);
	});

	void it('finds no drift between two halves of one file, with the domain classifier at chance', async () => {
		const directory = mkdtempSync(path.join(os.tmpdir(), 'tunelint-drift-'));
		const lines = readFileSync(fixture('reference.jsonl'), 'utf8').trimEnd().split('\n');
		const half = (parity: number): string => {
			const file = path.join(directory, `half${parity}.jsonl`);
			writeFileSync(file, `${lines.filter((_, index) => index % 2 === parity).join('\n')}\n`);
			return file;
		};
		const drift = await run('drift', half(0), half(1), '--format', 'json', '--backend', 'cpu');
		assert.equal(drift.code, 0, drift.out);
		const report = JSON.parse(drift.out) as { drift: boolean; signals: string[]; domainClassifier: { auc: number }; thresholds: { psi: number } };
		assert.equal(report.drift, false);
		assert.deepEqual(report.signals, []);
		assert.ok(report.domainClassifier.auc < 0.6, `AUC ${report.domainClassifier.auc}`);
		assert.equal(report.thresholds.psi, 0.2, 'PSI 0.2 by default, as in Deepchecks');
	});

	void it('finds a planted shift with the JSON contract, including the domain classifier', async () => {
		const drift = await run('drift', fixture('reference.jsonl'), fixture('shifted.jsonl'), '--format', 'json', '--backend', 'cpu');
		assert.equal(drift.code, 1, drift.err);
		const report = JSON.parse(drift.out) as {
			labels: { psi: number; js: number };
			length: { ks: number; psi: number };
			vocabulary: { js: number; appeared: { ngram: string }[]; vanished: { ngram: string }[] };
			groups: object;
			domainClassifier: { auc: number; topNgrams: { ngram: string; side: 'A' | 'B' }[] };
			drift: boolean;
			signals: string[];
		};
		assert.equal(report.drift, true);
		assert.ok(report.labels.psi >= 0.2);
		assert.ok(report.labels.js > 0 && report.length.ks >= 0 && report.length.psi >= 0 && report.vocabulary.js > 0);
		assert.ok(report.vocabulary.appeared.some((shift) => shift.ngram === 'battery'));
		assert.ok(report.vocabulary.vanished.some((shift) => shift.ngram === 'film' || shift.ngram === 'movie'));
		assert.deepEqual(Object.keys(report.groups).sort(), ['a', 'b', 'changed']);
		assert.ok(report.domainClassifier.auc > 0.9, `AUC ${report.domainClassifier.auc}`);
		const separating = report.domainClassifier.topNgrams.filter((entry) => entry.side === 'B').map((entry) => entry.ngram);
		assert.ok(separating.some((ngram) => ngram.split(' ').some((word) => PHONE_TOPICS.includes(word))), `B's separating n-grams name the new domain: ${separating.join(', ')}`);
		assert.deepEqual(report.signals.filter((signal) => ['labels', 'vocabulary', 'domainClassifier'].includes(signal)), ['labels', 'vocabulary', 'domainClassifier']);
	});

	void it('names a drift threshold of the config file that it cannot use, and compares with the default', async () => {
		const config = path.join(mkdtempSync(path.join(os.tmpdir(), 'tunelint-drift-')), '.tunelintrc.json');
		writeFileSync(config, JSON.stringify({ drift: { psi: 'high', auc: 0.9 } }));
		const drift = await run('drift', fixture('reference.jsonl'), fixture('same.jsonl'), '--no-domain-classifier', '--format', 'json', '--config', config);
		assert.equal(drift.code, 0, drift.err);
		assert.match(drift.err, /tunelint: .*\.tunelintrc\.json: drift\.psi/);
		const report = JSON.parse(drift.out) as { thresholds: { psi: number; auc: number } };
		assert.deepEqual([report.thresholds.psi, report.thresholds.auc], [0.2, 0.9]);
	});

	void it('refuses a file with no record to compare, and names the first skipped line of a file it can read', async () => {
		const directory = mkdtempSync(path.join(os.tmpdir(), 'tunelint-drift-'));
		const empty = path.join(directory, 'empty.jsonl');
		writeFileSync(empty, '');
		const garbage = path.join(directory, 'garbage.jsonl');
		writeFileSync(garbage, 'not json\n[1, 2]\n');
		const noRecords = await run('drift', garbage, fixture('same.jsonl'), '--no-domain-classifier');
		assert.equal(noRecords.code, 2);
		assert.match(noRecords.err, /garbage\.jsonl: no records to profile \(2 lines skipped, the first on line 1: not a JSON object record/);
		const emptyStats = await run('stats', empty);
		assert.equal(emptyStats.code, 2);
		assert.match(emptyStats.err, /empty\.jsonl: no records to profile \(the file is empty\)/);
		const partial = path.join(directory, 'partial.jsonl');
		writeFileSync(partial, `${readFileSync(fixture('same.jsonl'), 'utf8')}{"text": "broken\n`);
		const drift = await run('drift', fixture('reference.jsonl'), partial, '--no-domain-classifier');
		assert.equal(drift.code, 0, drift.err);
		assert.match(drift.err, /partial\.jsonl: 1 line skipped \(not JSON object records of a known format\), the first on line 301/);
	});

	void it('refuses a broken snapshot and a missing file with a message naming the file', async () => {
		const missing = await run('drift', fixture('nope.jsonl'), fixture('same.jsonl'));
		assert.equal(missing.code, 2);
		assert.match(missing.err, /nope\.jsonl: cannot read the file/);
		const directory = mkdtempSync(path.join(os.tmpdir(), 'tunelint-drift-'));
		const broken = path.join(directory, 'old.json');
		writeFileSync(broken, JSON.stringify({ kind: 'tunelint-profile', version: 0 }));
		const refused = await run('drift', broken, fixture('same.jsonl'), '--no-domain-classifier');
		assert.equal(refused.code, 2);
		assert.match(refused.err, /old\.json: snapshot version 0 is not supported/);
	});
});
