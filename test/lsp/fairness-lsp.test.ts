import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { URI } from 'vscode-uri';
import {
	DidChangeConfigurationNotification,
	DidChangeWatchedFilesNotification,
	DocumentDiagnosticRequest,
	ExecuteCommandRequest,
	type FullDocumentDiagnosticReport,
} from 'vscode-languageserver-protocol/node';
import { AUDIT_FAIRNESS_COMMAND, PLAN_COUNTERFACTUAL_COMMAND, type CounterfactualPreview, type FairnessAuditView } from '../../server/src/protocol/fairness';
import { initialize, open, startInProcess, type TestClient } from '../helpers/lspClient';
import { FIXTURES } from '../helpers/paths';

const fixture = (name: string): string => readFileSync(path.join(FIXTURES, name), 'utf8');

void describe('fairness commands (LSP)', () => {
	const skewUri = 'file:///tmp/tunelint-fairness-lsp/loans.jsonl';
	const religionUri = 'file:///tmp/tunelint-fairness-lsp/comments.jsonl';
	let client: TestClient;
	before(async () => {
		client = startInProcess();
		await initialize(client);
		await open(client, skewUri, fixture('fairness-adapters/gender-skew.jsonl'));
		await open(client, religionUri, fixture('group-label-association/bad.jsonl'));
	});
	after(() => client.dispose());

	const execute = (command: string, ...args: unknown[]): Promise<unknown> => client.connection.sendRequest(ExecuteCommandRequest.type, { command, arguments: args });

	void it('returns the audit tables as Markdown', async () => {
		const view = (await execute(AUDIT_FAIRNESS_COMMAND, religionUri)) as FairnessAuditView;
		assert.match(view.markdown, /^# Demographic audit/);
		assert.match(view.markdown, /\| religion\/muslim \| toxic \| 30 \|.*\*\*yes\*\*/);
		assert.equal(view.lexiconError, undefined);
	});

	void it('plans the counterfactual copies, both directions, into a new sibling file holding the dataset then the new records', async () => {
		const preview = (await execute(PLAN_COUNTERFACTUAL_COMMAND, skewUri)) as CounterfactualPreview;
		assert.deepEqual(preview.pairs.map((pair) => `${pair.fromGroup}>${pair.toGroup}:${pair.records}`), ['female>male:30', 'male>female:30']);
		assert.equal(preview.added, 60);
		assert.equal(preview.skipped, 0);
		assert.equal(preview.files.length, 1);
		assert.equal(preview.files[0].uri, 'file:///tmp/tunelint-fairness-lsp/loans.counterfactual.jsonl');
		const original = fixture('fairness-adapters/gender-skew.jsonl');
		assert.ok(preview.files[0].content.startsWith(original));
		const added = preview.files[0].content.slice(original.length).trimEnd().split('\n');
		assert.equal(added.length, 60);
		assert.ok(added.includes('{"text":"He asked for loan 0 and his manager replied.","label":"rejected"}'));
		assert.ok(added.includes('{"text":"She applied for credit line 29 and her bank replied.","label":"approved"}'));
	});

	void it('follows the swaps the user kept in the preview, and refuses malformed ones', async () => {
		const preview = (await execute(PLAN_COUNTERFACTUAL_COMMAND, skewUri, [{ axis: 'gender', fromGroup: 'male', toGroup: 'female' }])) as CounterfactualPreview;
		assert.deepEqual(preview.pairs.map((pair) => `${pair.fromGroup}>${pair.toGroup}:${pair.records}`), ['male>female:30']);
		assert.equal(preview.added, 30);
		await assert.rejects(execute(PLAN_COUNTERFACTUAL_COMMAND, skewUri, [{ axis: 'gender' }]), /list of \{axis, fromGroup, toGroup\}/);
		const none = (await execute(PLAN_COUNTERFACTUAL_COMMAND, skewUri, null, 'religion')) as CounterfactualPreview;
		assert.deepEqual(none.pairs, []);
		assert.deepEqual(none.files, [], 'nothing to add, no file to create');
	});
});

void describe('lexiconFile through the LSP settings', () => {
	const folder = mkdtempSync(path.join(tmpdir(), 'tunelint-fairness-lsp-'));
	const lexicon = path.join(folder, 'lexicons', 'extra.json');
	const uri = URI.file(path.join(folder, 'comments.jsonl')).toString();
	let client: TestClient;
	before(async () => {
		mkdirSync(path.dirname(lexicon));
		copyFileSync(path.join(FIXTURES, 'fairness-adapters/extra-terms.json'), lexicon);
		writeFileSync(path.join(folder, '.tunelintrc.json'), JSON.stringify({ ruleOptions: { 'group-label-association': { lexiconFile: 'lexicons/extra.json' } } }));
		client = startInProcess();
		await initialize(client, URI.file(folder).toString());
		await open(client, uri, fixture('group-label-association/user-lexicon.jsonl'));
	});
	after(async () => {
		await client.dispose();
		rmSync(folder, { recursive: true, force: true });
	});

	const messages = async (): Promise<string[]> => {
		const report = (await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } })) as FullDocumentDiagnosticReport;
		return report.items.filter((item) => item.code === 'group-label-association' || item.code === 'demographic-representation').map((item) => (typeof item.message === 'string' ? item.message : item.message.value));
	};

	void it('reads the lexicon named by the config file, relative to it', async () => {
		assert.ok((await messages()).some((message) => message.includes('"zoroastrian"')));
	});

	void it('rebuilds the settings when the lexicon file changes', async () => {
		writeFileSync(lexicon, '{"axes": ');
		await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: URI.file(lexicon).toString(), type: 2 }] });
		const after = await messages();
		assert.ok(after.some((message) => message.includes('extra.json')), after.join('\n'));
		assert.ok(!after.some((message) => message.includes('"zoroastrian"')), 'the broken lexicon is not used');
		const plan = client.connection.sendRequest(ExecuteCommandRequest.type, { command: PLAN_COUNTERFACTUAL_COMMAND, arguments: [uri] });
		await assert.rejects(plan, /extra\.json.*Fix it before adding counterfactual examples/);
		copyFileSync(path.join(FIXTURES, 'fairness-adapters/extra-terms.json'), lexicon);
		await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: URI.file(lexicon).toString(), type: 2 }] });
		assert.ok((await messages()).some((message) => message.includes('"zoroastrian"')));
	});

	void it('refuses a lexicon file outside the workspace folder named in the editor settings, with a clear message', async () => {
		client.settings = { ruleOptions: { 'group-label-association': { lexiconFile: '../outside.json' } } };
		await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
		const refused = await messages();
		assert.ok(refused.some((message) => /outside\.json.*outside the workspace/.test(message)), refused.join('\n'));
		client.settings = {};
		await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
	});
});
