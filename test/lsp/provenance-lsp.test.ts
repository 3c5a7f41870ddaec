import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CodeActionRequest, DidChangeConfigurationNotification, DidChangeTextDocumentNotification, DocumentDiagnosticRequest, ExecuteCommandRequest, type CodeAction, type Diagnostic, type FullDocumentDiagnosticReport } from 'vscode-languageserver-protocol/node';
import {
	LOCK_ADD_COMMAND,
	LOCK_LIST_COMMAND,
	LOCK_UPDATE_COMMAND,
	LOCK_VERIFY_COMMAND,
	LOCKED_VERSION_COMMAND,
	PROVENANCE_STATUS_COMMAND,
	type LockListResult,
	type LockReport,
	type LockedVersion,
	type ProvenanceStatus,
} from '../../server/src/protocol/provenance';
import { LINT_FILE_ON_DISK_COMMAND } from '../../server/src/protocol/messages';
import { initialize, open, startInProcess, waitFor, type TestClient } from '../helpers/lspClient';

const RECORDS = ['{"prompt":"What is 2+2?","completion":"4"}', '{"prompt":"Capital of France?","completion":"Paris"}', '{"prompt":"Opposite of hot?","completion":"Cold"}'];
const TEXT = `${RECORDS.join('\n')}\n`;

void describe('language server: provenance', () => {
	let client: TestClient;
	let folder: string;
	let file: string;
	let uri: string;
	let version = 1;

	const command = <T>(name: string, ...args: unknown[]): Promise<T> => client.connection.sendRequest(ExecuteCommandRequest.type, { command: name, arguments: args }) as Promise<T>;
	const pull = async (): Promise<Diagnostic[]> => ((await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } })) as FullDocumentDiagnosticReport).items;
	const provenanceDiagnostics = async (): Promise<Diagnostic[]> => (await pull()).filter((diagnostic) => String(diagnostic.code).startsWith('provenance'));
	const edit = async (text: string): Promise<void> => {
		version++;
		await client.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
	};

	before(async () => {
		folder = mkdtempSync(path.join(tmpdir(), 'tunelint-provenance-lsp-'));
		file = path.join(folder, 'train.jsonl');
		writeFileSync(file, TEXT);
		execFileSync('git', ['init', '-q'], { cwd: folder });
		execFileSync('git', ['add', '.'], { cwd: folder });
		execFileSync('git', ['-c', 'user.email=t@example.org', '-c', 'user.name=t', 'commit', '-qm', 'data'], { cwd: folder });
		uri = pathToFileURL(file).toString();
		client = startInProcess();
		await initialize(client, pathToFileURL(folder).toString());
		await open(client, uri, TEXT, version);
	});

	after(async () => {
		await client.dispose();
		rmSync(folder, { recursive: true, force: true });
	});

	void it('shows no lock state before a lock exists', async () => {
		assert.deepEqual(await provenanceDiagnostics(), []);
		assert.equal((await command<ProvenanceStatus>(PROVENANCE_STATUS_COMMAND, uri)).state, 'none');
	});

	void it('locks the file from the editor and shows it as locked', async () => {
		const written = await command<{ lockFile: string; written: string[] }>(LOCK_ADD_COMMAND, { uris: [uri], source: 'https://example.org/qa', license: 'MIT' });
		assert.equal(written.lockFile, path.join(folder, 'tunelint.lock.json'));
		assert.deepEqual(written.written, [`train.jsonl: 3 records, ${Buffer.byteLength(TEXT)} bytes`]);
		assert.deepEqual(await provenanceDiagnostics(), []);
		const status = await command<ProvenanceStatus>(PROVENANCE_STATUS_COMMAND, uri);
		assert.equal(status.state, 'locked');
		assert.match(status.detail, /^Matches tunelint\.lock\.json \(locked \d{4}-\d\d-\d\d, source https:\/\/example\.org\/qa, licence MIT\)\.$/);
		const listed = await command<LockListResult>(LOCK_LIST_COMMAND, { uri });
		assert.deepEqual(listed.entries.map((entry) => [entry.path, entry.uri, entry.records]), [['train.jsonl', uri, 3]]);
	});

	void it('refuses to add the file twice, naming it', async () => {
		await assert.rejects(command(LOCK_ADD_COMMAND, { uris: [uri], source: 's', license: 'l' }), /train\.jsonl: already in .*tunelint\.lock\.json as "train\.jsonl"/);
	});

	void it('reports an unsaved one-byte edit, with the record diff from git and the quick fixes', async () => {
		await edit(TEXT.replace('Paris', 'Parys'));
		const diagnostics = await provenanceDiagnostics();
		assert.equal(diagnostics.length, 1);
		assert.equal(diagnostics[0].code, 'provenance-mismatch');
		assert.match(String(diagnostics[0].message), /same size and record count.*Against the locked version \(git commit [0-9a-f]{12}\): 1 record changed, 0 added, 0 removed\./);
		assert.equal((await command<ProvenanceStatus>(PROVENANCE_STATUS_COMMAND, uri)).state, 'modified');
		const actions = (await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: diagnostics[0].range, context: { diagnostics } })) as CodeAction[];
		// Every finding also offers the baseline's "accept this finding"; the provenance actions come first.
		assert.deepEqual(actions.map((action) => action.command?.command).filter((command) => command !== 'tunelint.server.acceptFinding'), ['tunelint.showLockedDiff', 'tunelint.lockUpdate']);
		const locked = await command<LockedVersion>(LOCKED_VERSION_COMMAND, uri);
		assert.ok('text' in locked);
		assert.equal(locked.text, TEXT);
	});

	void it('shows a re-ordered document as modified, and locked again once restored', async () => {
		await edit(`${[RECORDS[1], RECORDS[0], RECORDS[2]].join('\n')}\n`);
		assert.match(String((await provenanceDiagnostics())[0].message), /The same records are in a different order/);
		await edit(TEXT);
		assert.deepEqual(await provenanceDiagnostics(), []);
	});

	void it('verifies and updates the lock after the file on disk changed', async () => {
		const changed = `${TEXT}{"prompt":"New?","completion":"Yes"}\n`;
		writeFileSync(file, changed);
		await edit(changed);
		const report = await command<LockReport>(LOCK_VERIFY_COMMAND, { uri });
		assert.equal(report.ok, false);
		assert.match(report.lines[0], /^FAIL train\.jsonl: hash differs from the lock .*records 3 → 4\)/);
		await command(LOCK_UPDATE_COMMAND, { uris: [uri] });
		assert.equal((await command<LockReport>(LOCK_VERIFY_COMMAND, { uri })).ok, true);
		assert.deepEqual(await provenanceDiagnostics(), []);
		assert.equal((await command<ProvenanceStatus>(PROVENANCE_STATUS_COMMAND, uri)).state, 'locked');
	});

	void it('verifies a signature with the public key named in the config, and reports a bad one', async () => {
		for (const name of ['alice', 'mallory']) {
			const pair = generateKeyPairSync('ed25519');
			writeFileSync(path.join(folder, `${name}.pem`), pair.privateKey.export({ format: 'pem', type: 'pkcs8' }));
			writeFileSync(path.join(folder, `${name}.pub.pem`), pair.publicKey.export({ format: 'pem', type: 'spki' }));
		}
		await command(LOCK_UPDATE_COMMAND, { uris: [uri], signKey: 'alice.pem' });
		const useKey = async (key: string): Promise<void> => {
			writeFileSync(path.join(folder, '.tunelintrc.json'), JSON.stringify({ ruleOptions: { 'provenance-signature': { publicKey: key } } }));
			await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
		};
		await useKey('alice.pub.pem');
		assert.deepEqual(await provenanceDiagnostics(), []);
		assert.match((await command<ProvenanceStatus>(PROVENANCE_STATUS_COMMAND, uri)).detail, /signature verified/);
		await useKey('mallory.pub.pem');
		const diagnostics = await provenanceDiagnostics();
		assert.deepEqual(diagnostics.map((diagnostic) => diagnostic.code), ['provenance-signature']);
		assert.match(String(diagnostics[0].message), /does not verify with public key SHA256:.* \(.*mallory\.pub\.pem\): it was signed with another key/);
		rmSync(path.join(folder, '.tunelintrc.json'));
		await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
	});

	void it('hashes a file linted from disk in the same read and reports a change', async () => {
		const big = path.join(folder, 'big.jsonl');
		writeFileSync(big, TEXT);
		const bigUri = pathToFileURL(big).toString();
		await command(LOCK_ADD_COMMAND, { uris: [bigUri], source: 's', license: 'l' });
		writeFileSync(big, TEXT.replace('"4"', '"5"'));
		await command(LINT_FILE_ON_DISK_COMMAND, bigUri);
		await waitFor(() => client.published.has(bigUri));
		const pushed = client.published.get(bigUri)?.diagnostics ?? [];
		const mismatch = pushed.filter((diagnostic) => diagnostic.code === 'provenance-mismatch');
		assert.equal(mismatch.length, 1);
		assert.match(String(mismatch[0].message), /big\.jsonl changed since it was locked .*same size and record count/);
	});

	void it('reports a damaged lock file on the document, naming the entry and the problem', async () => {
		const lockFile = path.join(folder, 'tunelint.lock.json');
		const good = readFileSync(lockFile, 'utf8');
		writeFileSync(lockFile, good.replace(/"sha256": "[0-9a-f]+"/, '"sha256": "oops"'));
		const diagnostics = await provenanceDiagnostics();
		assert.equal(diagnostics.length, 1);
		assert.match(String(diagnostics[0].message), /Cannot check this file against the lock: .*tunelint\.lock\.json: the lock file is invalid.*\n {2}entry 1 \("big\.jsonl"\): "sha256" must be 64 lowercase hexadecimal digits/);
		assert.equal((await command<ProvenanceStatus>(PROVENANCE_STATUS_COMMAND, uri)).state, 'error');
		await assert.rejects(command(LOCK_UPDATE_COMMAND, { uris: [uri] }), /the lock file is invalid/);
		assert.equal(readFileSync(lockFile, 'utf8'), good.replace(/"sha256": "[0-9a-f]+"/, '"sha256": "oops"'));
		writeFileSync(lockFile, good);
	});
});
