import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { main } from '../../server/src/cli/main';
import { DigestStream, digestFile } from '../../server/src/provenance/digest';
import { SHARED_DATASETS, SKIP_WITHOUT_DATASETS } from '../helpers/paths';

/** Runs the CLI in-process in `cwd` and captures its output. */
async function run(cwd: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
	const out: string[] = [];
	const err: string[] = [];
	const previous = process.cwd();
	process.chdir(cwd);
	try {
		const code = await main(argv, { out: (text) => out.push(text), err: (text) => err.push(text) });
		return { code, out: out.join('\n'), err: err.join('\n') };
	} finally {
		process.chdir(previous);
	}
}

const RECORDS = [
	'{"prompt":"What is 2+2?","completion":"4"}',
	'{"prompt":"Capital of France?","completion":"Paris"}',
	'{"prompt":"Opposite of hot?","completion":"Cold"}',
];

function git(cwd: string, ...args: string[]): void {
	execFileSync('git', ['-c', 'user.email=test@example.org', '-c', 'user.name=test', ...args], { cwd, stdio: 'ignore' });
}

function writeKeys(directory: string, name: string): { privateKey: string; publicKey: string } {
	const pair = generateKeyPairSync('ed25519');
	const privateKey = path.join(directory, `${name}.pem`);
	const publicKey = path.join(directory, `${name}.pub.pem`);
	writeFileSync(privateKey, pair.privateKey.export({ format: 'pem', type: 'pkcs8' }));
	writeFileSync(publicKey, pair.publicKey.export({ format: 'pem', type: 'spki' }));
	return { privateKey, publicKey };
}

void describe('tunelint lock', () => {
	let root: string;
	let project: string;
	let keys: { privateKey: string; publicKey: string };
	let otherKeys: { privateKey: string; publicKey: string };
	const lockFile = (): string => path.join(project, 'tunelint.lock.json');
	const dataset = (): string => path.join(project, 'data', 'train.jsonl');

	before(() => {
		root = mkdtempSync(path.join(tmpdir(), 'tunelint-provenance-'));
		keys = writeKeys(root, 'alice');
		otherKeys = writeKeys(root, 'mallory');
	});

	after(() => rmSync(root, { recursive: true, force: true }));

	beforeEach(() => {
		project = mkdtempSync(path.join(root, 'project-'));
		mkdirSync(path.join(project, 'data'));
		writeFileSync(dataset(), `${RECORDS.join('\n')}\n`);
		git(project, 'init', '-q');
		git(project, 'add', '.');
		git(project, 'commit', '-qm', 'data');
	});

	void it('adds, lists, verifies and updates an entry', async () => {
		const added = await run(project, 'lock', 'add', 'data/train.jsonl', '--source', 'https://example.org/qa', '--license', 'CC-BY-4.0');
		assert.equal(added.code, 0, added.err);
		const lock = JSON.parse(readFileSync(lockFile(), 'utf8')) as { entries: Array<Record<string, unknown>> };
		const bytes = readFileSync(dataset());
		assert.deepEqual({ ...lock.entries[0], lockedAt: undefined }, {
			path: 'data/train.jsonl', sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, records: 3,
			source: 'https://example.org/qa', license: 'CC-BY-4.0', lockedAt: undefined,
		});
		const listed = await run(project, 'lock', 'list');
		assert.match(listed.out, /data\/train\.jsonl\n {2}3 records, \d+ bytes, sha256 [0-9a-f]{64}\n {2}source: https:\/\/example\.org\/qa\n {2}license: CC-BY-4\.0/);
		assert.equal((await run(project, 'lock', 'verify')).code, 0);

		writeFileSync(dataset(), `${RECORDS.join('\n')}\n{"prompt":"New?","completion":"Yes"}\n`);
		const failed = await run(project, 'lock', 'verify');
		assert.equal(failed.code, 1);
		assert.match(failed.out, /FAIL data\/train\.jsonl: hash differs from the lock .*records 3 → 4\)\. Against the locked version \(git commit [0-9a-f]{12}\): 0 records changed, 1 added, 0 removed\./);

		const updated = await run(project, 'lock', 'update', 'data/train.jsonl');
		assert.equal(updated.code, 0, updated.err);
		const relocked = JSON.parse(readFileSync(lockFile(), 'utf8')) as { entries: Array<Record<string, unknown>> };
		assert.equal(relocked.entries[0].records, 4);
		assert.equal(relocked.entries[0].source, 'https://example.org/qa');
		assert.equal((await run(project, 'lock', 'verify')).code, 0);
	});

	void it('detects a one-byte change with the same size and record count', async () => {
		await run(project, 'lock', 'add', 'data/train.jsonl', '--source', 's', '--license', 'l');
		writeFileSync(dataset(), `${RECORDS.join('\n').replace('Paris', 'Parys')}\n`);
		const result = await run(project, 'lock', 'verify');
		assert.equal(result.code, 1);
		assert.match(result.out, /same size and record count\)\. Against the locked version \(git commit [0-9a-f]{12}\): 1 record changed, 0 added, 0 removed\./);
	});

	void it('detects a re-ordered file and says so', async () => {
		await run(project, 'lock', 'add', 'data/train.jsonl', '--source', 's', '--license', 'l');
		writeFileSync(dataset(), `${[RECORDS[2], RECORDS[0], RECORDS[1]].join('\n')}\n`);
		const result = await run(project, 'lock', 'verify');
		assert.equal(result.code, 1);
		assert.match(result.out, /The same records are in a different order than in the locked version/);
	});

	void it('detects a change when git does not hold the locked version', async () => {
		writeFileSync(dataset(), `${RECORDS[0]}\n`);
		await run(project, 'lock', 'add', 'data/train.jsonl', '--source', 's', '--license', 'l');
		writeFileSync(dataset(), `${RECORDS[1]}\n`);
		const result = await run(project, 'lock', 'verify');
		assert.equal(result.code, 1);
		assert.match(result.out, /hash differs from the lock/);
		assert.doesNotMatch(result.out, /Against the locked version/);
	});

	void it('accepts a good signature and rejects a tampered entry and another key', async () => {
		const added = await run(project, 'lock', 'add', 'data/train.jsonl', '--source', 'https://example.org/qa', '--license', 'MIT', '--sign', keys.privateKey);
		assert.equal(added.code, 0, added.err);
		const good = await run(project, 'lock', 'verify', '--key', keys.publicKey);
		assert.equal(good.code, 0, good.out);
		assert.match(good.out, /ok {3}data\/train\.jsonl \(signature verified, SHA256:/);

		const wrongKey = await run(project, 'lock', 'verify', '--key', otherKeys.publicKey);
		assert.equal(wrongKey.code, 1);
		assert.match(wrongKey.out, /signature does not verify with SHA256:.*it was signed with another key/);

		// A hand edit of the licence keeps the file's hash valid, but breaks the signature.
		const text = readFileSync(lockFile(), 'utf8');
		writeFileSync(lockFile(), text.replace('"MIT"', '"CC0-1.0"'));
		const tampered = await run(project, 'lock', 'verify', '--key', keys.publicKey);
		assert.equal(tampered.code, 1);
		assert.match(tampered.out, /the entry \(hash, size, records, source, licence or date\) was changed after it was signed/);
	});

	void it('notes unchecked signatures, and requires them when asked', async () => {
		await run(project, 'lock', 'add', 'data/train.jsonl', '--source', 's', '--license', 'l', '--sign', keys.privateKey);
		const unchecked = await run(project, 'lock', 'verify');
		assert.equal(unchecked.code, 0);
		assert.match(unchecked.err, /1 signed entry was not checked; pass --key/);
		await run(project, 'lock', 'update', 'data/train.jsonl');
		const required = await run(project, 'lock', 'verify', '--key', keys.publicKey, '--require-signature');
		assert.equal(required.code, 1);
		assert.match(required.out, /not signed, and signatures are required/);
	});

	void it('refuses to add an entry twice and leaves the lock untouched', async () => {
		await run(project, 'lock', 'add', 'data/train.jsonl', '--source', 's', '--license', 'l');
		const before = readFileSync(lockFile(), 'utf8');
		const again = await run(project, 'lock', 'add', 'data/train.jsonl', '--source', 'other', '--license', 'other');
		assert.equal(again.code, 2);
		assert.match(again.err, /data\/train\.jsonl: already in .*tunelint\.lock\.json as "data\/train\.jsonl"; after reviewing the change, run `tunelint lock update data\/train\.jsonl`/);
		assert.equal(readFileSync(lockFile(), 'utf8'), before);
	});

	void it('reports bad input with the file and the problem, exit 2, and writes nothing', async () => {
		const missingFile = await run(project, 'lock', 'add', 'data/nope.jsonl', '--source', 's', '--license', 'l');
		assert.equal(missingFile.code, 2);
		assert.match(missingFile.err, /data\/nope\.jsonl: no such file/);

		const missingKey = await run(project, 'lock', 'add', 'data/train.jsonl', '--source', 's', '--license', 'l', '--sign', 'keys/absent.pem');
		assert.equal(missingKey.code, 2);
		assert.match(missingKey.err, /keys\/absent\.pem: cannot read the key file \(no such file\)/);
		assert.throws(() => statSync(lockFile()), /ENOENT/);

		const notAKey = await run(project, 'lock', 'add', 'data/train.jsonl', '--source', 's', '--license', 'l', '--sign', 'data/train.jsonl');
		assert.equal(notAKey.code, 2);
		assert.match(notAKey.err, /data\/train\.jsonl: not a PEM private key/);

		const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
		writeFileSync(path.join(project, 'rsa.pem'), rsa.privateKey.export({ format: 'pem', type: 'pkcs8' }));
		const wrongType = await run(project, 'lock', 'add', 'data/train.jsonl', '--source', 's', '--license', 'l', '--sign', 'rsa.pem');
		assert.equal(wrongType.code, 2);
		assert.match(wrongType.err, /rsa\.pem: this is an rsa key; Tunelint signs with Ed25519/);

		const unknownPath = await run(project, 'lock', 'update', 'data/train.jsonl');
		assert.equal(unknownPath.code, 2);
		assert.match(unknownPath.err, /no tunelint\.lock\.json in .* or above/);

		await run(project, 'lock', 'add', 'data/train.jsonl', '--source', 's', '--license', 'l');
		writeFileSync(path.join(project, 'data', 'other.jsonl'), `${RECORDS[0]}\n`);
		const notLocked = await run(project, 'lock', 'update', 'data/other.jsonl');
		assert.equal(notLocked.code, 2);
		assert.match(notLocked.err, /data\/other\.jsonl: not in .*tunelint\.lock\.json; add it with `tunelint lock add/);
		const unknownVerify = await run(project, 'lock', 'verify', 'data/other.jsonl');
		assert.equal(unknownVerify.code, 2);

		const missingOption = await run(project, 'lock', 'add', 'data/other.jsonl', '--source', 's');
		assert.equal(missingOption.code, 2);
		assert.match(missingOption.err, /--source and --license are required/);
	});

	void it('refuses a corrupt or hand-broken lock file, naming the entry, and never rewrites it', async () => {
		writeFileSync(lockFile(), '{"version": 1, "entries": [');
		const corrupt = await run(project, 'lock', 'verify');
		assert.equal(corrupt.code, 2);
		assert.match(corrupt.err, /tunelint\.lock\.json: the lock file is invalid.*\n {2}not valid JSON/);

		const broken = JSON.stringify({ version: 1, entries: [{ path: 'data/train.jsonl', sha256: 'abc', size: 1, records: 1, source: 's', license: 'l', lockedAt: 'yesterday' }] });
		writeFileSync(lockFile(), broken);
		for (const argv of [['lock', 'verify'], ['lock', 'add', 'data/train.jsonl', '--source', 's', '--license', 'l'], ['lock', 'update', 'data/train.jsonl'], ['check', 'data/train.jsonl']]) {
			const result = await run(project, ...argv);
			assert.equal(result.code, 2, argv.join(' '));
			assert.match(result.err, /entry 1 \("data\/train\.jsonl"\): "sha256" must be 64 lowercase hexadecimal digits\n {2}entry 1 \("data\/train\.jsonl"\): "lockedAt" must be an ISO 8601 date/, argv.join(' '));
			assert.equal(readFileSync(lockFile(), 'utf8'), broken);
		}
	});

	void it('verify never modifies the lock', async () => {
		await run(project, 'lock', 'add', 'data/train.jsonl', '--source', 's', '--license', 'l');
		const before = readFileSync(lockFile(), 'utf8');
		const mtime = statSync(lockFile()).mtimeMs;
		writeFileSync(dataset(), 'changed\n');
		await run(project, 'lock', 'verify');
		assert.equal(readFileSync(lockFile(), 'utf8'), before);
		assert.equal(statSync(lockFile()).mtimeMs, mtime);
	});

	void it('makes check report provenance findings when a lock exists', async () => {
		const clean = await run(project, 'check', '--category', 'provenance', 'data/train.jsonl');
		assert.equal(clean.code, 0, clean.out + clean.err);
		await run(project, 'lock', 'add', 'data/train.jsonl', '--source', 's', '--license', 'l');
		assert.equal((await run(project, 'check', '--category', 'provenance', 'data/train.jsonl')).code, 0);
		writeFileSync(dataset(), `${RECORDS.join('\n').replace('Paris', 'Parys')}\n`);
		const changed = await run(project, 'check', '--category', 'provenance', '--format', 'json', 'data/train.jsonl');
		assert.equal(changed.code, 1);
		const findings = JSON.parse(changed.out) as Array<{ ruleId: string; data: Record<string, unknown> }>;
		assert.deepEqual(findings.map((finding) => finding.ruleId), ['provenance-mismatch']);
		assert.equal(findings[0].data.changed, 1);

		writeFileSync(path.join(project, 'data', 'extra.jsonl'), `${RECORDS[0]}\n`);
		const unlocked = await run(project, 'check', '--category', 'provenance', '--rule', 'provenance-unlocked=info', '--format', 'json', 'data/extra.jsonl');
		assert.deepEqual((JSON.parse(unlocked.out) as Array<{ ruleId: string }>).map((finding) => finding.ruleId), ['provenance-unlocked']);
	});

	void it('reads the lock path and the public key from the config file', async () => {
		const added = await run(project, 'lock', 'add', 'data/train.jsonl', '--lock', 'datasets.lock.json', '--source', 's', '--license', 'l', '--sign', keys.privateKey);
		assert.equal(added.code, 0, added.err);
		writeFileSync(path.join(project, '.tunelintrc.json'), JSON.stringify({ ruleOptions: { 'provenance-mismatch': { lockFile: 'datasets.lock.json' }, 'provenance-signature': { publicKey: otherKeys.publicKey } } }));
		assert.equal((await run(project, 'lock', 'verify', '--key', keys.publicKey)).code, 0);
		// Without --key, verify uses the configured (wrong) key.
		assert.match((await run(project, 'lock', 'verify')).out, /FAIL data\/train\.jsonl: signature does not verify/);
		const checked = await run(project, 'check', '--category', 'provenance', '--format', 'json', 'data/train.jsonl');
		assert.equal(checked.code, 1);
		assert.deepEqual((JSON.parse(checked.out) as Array<{ ruleId: string }>).map((finding) => finding.ruleId), ['provenance-signature']);

		writeFileSync(path.join(project, '.tunelintrc.json'), JSON.stringify({ ruleOptions: { 'provenance-signature': { publicKey: 'keys/missing.pub.pem' } } }));
		// Without a configured path the default tunelint.lock.json is looked for; there is none, so nothing runs.
		assert.equal((await run(project, 'check', '--category', 'provenance', 'data/train.jsonl')).code, 0);
		writeFileSync(path.join(project, '.tunelintrc.json'), JSON.stringify({ ruleOptions: { 'provenance-mismatch': { lockFile: 'datasets.lock.json' }, 'provenance-signature': { publicKey: 'keys/missing.pub.pem' } } }));
		const missingKey = await run(project, 'check', '--category', 'provenance', 'data/train.jsonl');
		assert.equal(missingKey.code, 2);
		assert.match(missingKey.err, /keys\/missing\.pub\.pem: cannot read the key file \(no such file\)/);
	});
});

void describe('tunelint lock on real data', () => {
	/**
	 * The clean SST-2 training set is locked, then swapped for HiddenKiller's backdoored copy (same record count,
	 * 20% of the sentences syntactically paraphrased and relabelled). The test strips the ground-truth `poisoned`
	 * field so the swapped file has the clean file's shape, and checks the record diff against that ground truth.
	 */
	void it('reports how many records a backdoored copy changed', { skip: SKIP_WITHOUT_DATASETS }, async () => {
		const datasets = SHARED_DATASETS ?? '';
		const project = mkdtempSync(path.join(tmpdir(), 'tunelint-provenance-real-'));
		try {
			mkdirSync(path.join(project, 'data'));
			const train = path.join(project, 'data', 'sst2_train.jsonl');
			copyFileSync(path.join(datasets, 'classification', 'sst2_train.jsonl'), train);
			git(project, 'init', '-q');
			git(project, 'add', '.');
			git(project, 'commit', '-qm', 'clean data');
			const added = await run(project, 'lock', 'add', 'data/sst2_train.jsonl', '--source', 'thunlp/HiddenKiller data/clean/sst-2/train.tsv', '--license', 'MIT');
			assert.match(added.out, /locked data\/sst2_train\.jsonl: 6920 records/);

			const poisonedRows = readFileSync(path.join(datasets, 'poison', 'hiddenkiller_sst2_scpn20_train.jsonl'), 'utf8').split('\n').filter((line) => line !== '')
				.map((line) => JSON.parse(line) as { text: string; label: number; poisoned: boolean });
			writeFileSync(train, poisonedRows.map(({ text, label }) => `${JSON.stringify({ text, label })}\n`).join(''));
			const checked = await run(project, 'check', '--category', 'provenance', '--format', 'json', 'data/sst2_train.jsonl');
			assert.equal(checked.code, 1);
			const [finding] = JSON.parse(checked.out) as Array<{ ruleId: string; data: Record<string, unknown> }>;
			assert.equal(finding.ruleId, 'provenance-mismatch');
			assert.deepEqual([finding.data.lockedRecords, finding.data.records, finding.data.added, finding.data.removed], [6920, 6920, 0, 0]);
			assert.equal(finding.data.changed, poisonedRows.filter((row) => row.poisoned).length);
		} finally {
			rmSync(project, { recursive: true, force: true });
		}
	});
});

void describe('DigestStream', () => {
	void it('counts records and hashes the same whatever the chunk boundaries', () => {
		const text = '{"a":"é"}\r\n\n  \n{"b":"日本"}\n{"c":1}';
		const bytes = Buffer.from(text, 'utf8');
		const whole = new DigestStream();
		whole.update(bytes);
		const expected = whole.finish();
		assert.equal(expected.records, 3);
		assert.equal(expected.sha256, createHash('sha256').update(bytes).digest('hex'));
		for (let size = 1; size < 8; size++) {
			const chunked = new DigestStream();
			for (let start = 0; start < bytes.length; start += size) {
				chunked.update(bytes.subarray(start, start + size));
			}
			assert.deepEqual(chunked.finish(), expected, `chunks of ${size} bytes`);
		}
	});

	void it('streams a large file in bounded memory', async () => {
		const directory = mkdtempSync(path.join(tmpdir(), 'tunelint-digest-'));
		const file = path.join(directory, 'big.jsonl');
		const line = `${JSON.stringify({ prompt: 'x'.repeat(200), completion: 'y'.repeat(200) })}\n`;
		const block = line.repeat(10_000);
		writeFileSync(file, '');
		for (let index = 0; index < 50; index++) {
			writeFileSync(file, block, { flag: 'a' });
		}
		const heapBefore = process.memoryUsage().heapUsed;
		const digest = await digestFile(file);
		const growth = process.memoryUsage().heapUsed - heapBefore;
		assert.equal(digest.records, 500_000);
		assert.equal(digest.size, statSync(file).size);
		assert.ok(growth < 64 * 1024 * 1024, `heap grew by ${Math.round(growth / 1024 / 1024)} MB for a ${Math.round(digest.size / 1024 / 1024)} MB file`);
		rmSync(directory, { recursive: true, force: true });
	});
});
