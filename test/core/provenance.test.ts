import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { defaultSettings, lintText } from '../../server/src/core';
import { provenanceFindings, withFindings } from '../../server/src/core/provenance/findings';
import { describeLockProblem, parseLock, serializeLock, signingPayload, type LockEntry } from '../../server/src/core/provenance/lock';
import { provenanceState, type ProvenanceObservation } from '../../server/src/core/provenance/observation';
import { diffRecords } from '../../server/src/core/provenance/recordDiff';
import { SHARED_DATASETS, SKIP_WITHOUT_DATASETS } from '../helpers/paths';

const ENTRY: LockEntry = {
	path: 'data/train.jsonl',
	sha256: 'a'.repeat(64),
	size: 10,
	records: 2,
	source: 'https://example.org',
	license: 'MIT',
	lockedAt: '2026-10-01T00:00:00.000Z',
};

function lockText(entries: unknown[], version: unknown = 1): string {
	return JSON.stringify({ version, entries });
}

void describe('parseLock', () => {
	void it('round-trips through serializeLock, entries sorted by path', () => {
		const second: LockEntry = { ...ENTRY, path: 'a.jsonl', signature: { algorithm: 'ed25519', key: 'SHA256:x', value: 'AAAA' } };
		const text = serializeLock({ version: 1, entries: [ENTRY, second] });
		const parsed = parseLock(text);
		assert.deepEqual(parsed.problems, []);
		assert.deepEqual(parsed.lock.entries.map((entry) => entry.path), ['a.jsonl', 'data/train.jsonl']);
		assert.equal(serializeLock(parsed.lock), text);
	});

	void it('names the problem of a file that is not JSON or not a lock', () => {
		assert.match(parseLock('{"version": 1, "entries": [').problems[0].message, /^not valid JSON/);
		assert.match(parseLock('[]').problems[0].message, /must be a JSON object/);
		assert.match(parseLock(lockText([], 2)).problems[0].message, /unsupported lock version 2/);
		assert.match(parseLock('{"version": 1}').problems[0].message, /"entries" must be an array/);
	});

	void it('names the entry and the problem of a hand-edited entry, and keeps the valid ones', () => {
		const parsed = parseLock(lockText([ENTRY, { ...ENTRY, path: 'b.jsonl', sha256: 'XYZ', size: -1 }, { ...ENTRY, path: 'c.jsonl', extra: 1 }]));
		assert.deepEqual(parsed.lock.entries.map((entry) => entry.path), ['data/train.jsonl']);
		assert.deepEqual(parsed.problems.map(describeLockProblem), [
			'entry 2 ("b.jsonl"): "sha256" must be 64 lowercase hexadecimal digits',
			'entry 2 ("b.jsonl"): "size" must be a whole number ≥ 0',
			'entry 3 ("c.jsonl"): unknown field "extra"',
		]);
	});

	void it('refuses duplicate paths, absolute paths and malformed signatures', () => {
		const parsed = parseLock(lockText([ENTRY, ENTRY, { ...ENTRY, path: '/etc/passwd' }, { ...ENTRY, path: 'd.jsonl', signature: { algorithm: 'rsa', key: 'k', value: 'v' } }]));
		assert.deepEqual(parsed.problems.map(describeLockProblem), [
			'entry 2 ("data/train.jsonl"): duplicate of entry 1',
			'entry 3 ("/etc/passwd"): "path" must be relative to the lock file, with / separators',
			'entry 4 ("d.jsonl"): "signature" must be {"algorithm": "ed25519", "key": "SHA256:…", "value": "<base64>"}',
		]);
	});

	void it('signs every field but the signature', () => {
		const payload = signingPayload(ENTRY);
		for (const changed of [{ sha256: 'b'.repeat(64) }, { size: 11 }, { records: 3 }, { source: 'x' }, { license: 'GPL' }, { lockedAt: '2026-10-02T00:00:00.000Z' }, { path: 'other.jsonl' }]) {
			assert.notEqual(signingPayload({ ...ENTRY, ...changed }), payload, JSON.stringify(changed));
		}
		assert.equal(signingPayload({ ...ENTRY, signature: { algorithm: 'ed25519', key: 'k', value: 'AAAA' } }), payload);
	});
});

void describe('diffRecords', () => {
	const locked = ['{"a":1}', '{"b":2}', '{"c":3}'];

	void it('counts an edit in place as a change', () => {
		assert.deepEqual(diffRecords(locked, ['{"a":1}', '{"b":20}', '{"c":3}']), { added: 0, removed: 0, changed: 1, reordered: false, sampleLines: [1] });
	});

	void it('counts additions and removals', () => {
		assert.deepEqual(diffRecords(locked, ['{"a":1}', '{"c":3}', '{"d":4}', '{"e":5}']), { added: 1, removed: 0, changed: 1, reordered: false, sampleLines: [2, 3] });
		assert.deepEqual(diffRecords(locked, ['{"c":3}']), { added: 0, removed: 2, changed: 0, reordered: false, sampleLines: [] });
	});

	void it('sees a re-ordered file, and ignores blank lines and CRLF endings', () => {
		assert.equal(diffRecords(locked, ['{"c":3}', '{"a":1}', '{"b":2}']).reordered, true);
		assert.deepEqual(diffRecords(locked, ['{"a":1}\r', '', '{"b":2}\r', '{"c":3}\r']), { added: 0, removed: 0, changed: 0, reordered: false, sampleLines: [] });
	});

	void it('counts duplicated records by multiplicity', () => {
		assert.deepEqual(diffRecords(locked, [...locked, '{"a":1}']), { added: 1, removed: 0, changed: 0, reordered: false, sampleLines: [3] });
	});
});

void describe('provenanceFindings', () => {
	const modified: ProvenanceObservation = { path: ENTRY.path, lockFile: 'tunelint.lock.json', entry: ENTRY, digest: { sha256: 'b'.repeat(64), size: 11, records: 2 } };

	void it('reports a mismatch with the configured severity, and nothing when the rule is off or out of category', () => {
		const settings = defaultSettings();
		assert.deepEqual(provenanceFindings(modified, settings).map((finding) => [finding.ruleId, finding.severity, finding.scope]), [['provenance-mismatch', 'error', 'file']]);
		settings.rules['provenance-mismatch'] = 'warning';
		assert.equal(provenanceFindings(modified, settings)[0].severity, 'warning');
		settings.rules['provenance-mismatch'] = 'off';
		assert.deepEqual(provenanceFindings(modified, settings), []);
		assert.deepEqual(provenanceFindings(modified, { ...defaultSettings(), categories: ['format'] }), []);
	});

	void it('reports an unlocked file only when provenance-unlocked is turned on', () => {
		const unlocked: ProvenanceObservation = { path: 'x.jsonl', lockFile: 'tunelint.lock.json', digest: modified.digest };
		assert.equal(provenanceState(unlocked), 'unlocked');
		assert.deepEqual(provenanceFindings(unlocked, defaultSettings()), []);
		const settings = defaultSettings();
		settings.rules['provenance-unlocked'] = 'info';
		assert.deepEqual(provenanceFindings(unlocked, settings).map((finding) => finding.ruleId), ['provenance-unlocked']);
	});

	void it('adds findings to a lint result with exact counts', () => {
		const result = { findings: [], counts: { error: 1, warning: 0, info: 0 }, truncated: false, lineCount: 2, recordCount: 2, format: undefined, formatCounts: {}, facts: {} };
		const merged = withFindings(result, provenanceFindings(modified, defaultSettings()));
		assert.equal(merged.counts.error, 2);
		assert.equal(merged.findings[0].ruleId, 'provenance-mismatch');
	});
});

void describe('untrusted-source on real data', () => {
	/** Giskard's prompt-injection set names its origin in a per-record `source` field: 20 garak rows, 15 PromptInject rows. */
	void it('flags the records whose source is not allowed and shows the distribution', { skip: SKIP_WITHOUT_DATASETS }, async () => {
		const text = readFileSync(path.join(SHARED_DATASETS ?? '', 'injection', 'giskard_prompt_injections.jsonl'), 'utf8');
		const settings = defaultSettings();
		settings.ruleOptions['untrusted-source'] = { allow: ['https://github.com/leondz/*'] };
		const findings = (await lintText(text, settings)).findings.filter((finding) => finding.ruleId === 'untrusted-source');
		const [summary, ...lines] = findings;
		assert.equal(summary.scope, 'file');
		assert.equal(summary.message, '15 of 35 records come from sources outside the allowlist. Sources: "https://github.com/leondz/garak" 20, "https://github.com/agencyenterprise/promptinject" 15 (untrusted).');
		assert.equal(lines.length, 15);
		assert.ok(lines.every((finding) => finding.data?.source === 'https://github.com/agencyenterprise/promptinject'));
	});
});
