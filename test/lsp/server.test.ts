import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
	CancellationTokenSource,
	CodeActionRequest,
	DidChangeConfigurationNotification,
	DidChangeTextDocumentNotification,
	DocumentDiagnosticRequest,
	ExecuteCommandRequest,
	HoverRequest,
	type Diagnostic,
	type FullDocumentDiagnosticReport,
	type InitializeResult,
	type MarkupContent,
	type TextEdit,
} from 'vscode-languageserver-protocol/node';
import { LINT_FILE_ON_DISK_COMMAND } from '../../server/src/protocol/messages';
import { ACCEPT_FINDING_COMMAND } from '../../server/src/lsp/baseline';
import { initialize, open, startInProcess, waitFor, type TestClient } from '../helpers/lspClient';

const chat = (user: string, answer: string): string => JSON.stringify({ messages: [{ role: 'user', content: user }, { role: 'assistant', content: answer }] });
/** Sixty distinct records: enough that too-few-examples stays quiet, different enough for the duplicate rules. */
const TOPICS = ['rivers', 'volcanoes', 'bread', 'violins', 'glaciers', 'chess', 'tides', 'comets', 'bees', 'clocks', 'maps', 'salt'];
const CLEAN = Array.from({ length: 60 }, (_, index) => chat(`Tell me fact ${index % 5} about ${TOPICS[index % 12]} in ${1900 + index}?`, `${TOPICS[(index * 7) % 12]} ${index * 13} ${String.fromCharCode(97 + (index % 26))}`));

async function pull(client: TestClient, uri: string): Promise<Diagnostic[]> {
	const report = await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } });
	return (report as FullDocumentDiagnosticReport).items;
}

void describe('language server (in-process)', () => {
	let client: TestClient;
	let init: InitializeResult;
	before(async () => {
		client = startInProcess();
		init = (await initialize(client)) as InitializeResult;
	});
	after(() => client.dispose());

	void it('announces pull diagnostics, incremental sync, hovers, code actions and the disk command', () => {
		assert.deepEqual(init.capabilities.diagnosticProvider, { identifier: 'tunelint', interFileDependencies: false, workspaceDiagnostics: false });
		assert.equal((init.capabilities.textDocumentSync as { change: number }).change, 2);
		assert.equal(init.capabilities.hoverProvider, true);
		assert.deepEqual(init.capabilities.executeCommandProvider?.commands, [LINT_FILE_ON_DISK_COMMAND, ACCEPT_FINDING_COMMAND]);
	});

	void it('reports a parse error at its exact column, and clears it after an incremental edit', async () => {
		const uri = 'untitled:edit.jsonl';
		const lines = [...CLEAN.slice(0, 59), '{"messages": [}'];
		await open(client, uri, lines.join('\n') + '\n');
		const before = await pull(client, uri);
		assert.deepEqual(before.map((item) => item.code), ['invalid-json']);
		assert.equal(before[0].source, 'tunelint');
		assert.deepEqual(before[0].range, { start: { line: 59, character: 14 }, end: { line: 59, character: 15 } });
		// Replace the broken line through an incremental change.
		await client.connection.sendNotification(DidChangeTextDocumentNotification.type, {
			textDocument: { uri, version: 2 },
			contentChanges: [{ range: { start: { line: 59, character: 0 }, end: { line: 59, character: 15 } }, text: CLEAN[59] }],
		});
		assert.deepEqual(await pull(client, uri), []);
	});

	void it('explains a finding on hover with its rule and evidence', async () => {
		const uri = 'untitled:hover.jsonl';
		await open(client, uri, [...CLEAN, '{"messages": [{"role": "user", "content": "Hi {{name}}"}, {"role": "assistant", "content": "Hello"}]}'].join('\n'));
		const diagnostics = await pull(client, uri);
		const placeholder = diagnostics.find((diagnostic) => diagnostic.code === 'template-placeholder');
		assert.ok(placeholder);
		const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: placeholder.range.start });
		const markdown = (hover?.contents as MarkupContent).value;
		assert.match(markdown, /\*\*template-placeholder\*\*/);
		assert.match(markdown, /placeholder \| \\\{\\\{name\\\}\\\}/);
	});

	void it('offers a quick fix that removes a blank line', async () => {
		const uri = 'untitled:blank.jsonl';
		await open(client, uri, [...CLEAN.slice(0, 5), '', ...CLEAN.slice(5)].join('\n'));
		const diagnostics = await pull(client, uri);
		const blank = diagnostics.find((diagnostic) => diagnostic.code === 'blank-line');
		assert.ok(blank);
		const actions = await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: blank.range, context: { diagnostics: [blank] } });
		const action = actions?.[0] as { title: string; edit: { changes: Record<string, TextEdit[]> } };
		assert.equal(action.title, 'Remove the blank line');
		assert.deepEqual(action.edit.changes[uri], [{ range: { start: { line: 5, character: 0 }, end: { line: 6, character: 0 } }, newText: '' }]);
	});

	void it('applies editor settings: a rule turned off is not reported', async () => {
		client.settings = { rules: { 'blank-line': 'off' } };
		await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
		const diagnostics = await pull(client, 'untitled:blank.jsonl');
		assert.equal(diagnostics.filter((diagnostic) => diagnostic.code === 'blank-line').length, 0);
		client.settings = {};
		await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
	});

	void it('caps diagnostics at maxProblems with a visible note', async () => {
		client.settings = { maxProblems: 3 };
		await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
		const uri = 'untitled:many.jsonl';
		await open(client, uri, [...CLEAN, ...Array.from({ length: 10 }, () => '{oops')].join('\n'));
		const diagnostics = await pull(client, uri);
		assert.equal(diagnostics.length, 4);
		assert.match(String(diagnostics[3].message), /Showing 3 of 10 problems/);
		client.settings = {};
		await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
	});

	void it('abandons a lint when the request is cancelled', async () => {
		const uri = 'untitled:huge.jsonl';
		await open(client, uri, Array.from({ length: 200_000 }, (_, index) => chat(`q${index}`, `a${index}`)).join('\n'));
		const source = new CancellationTokenSource();
		const request = client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } }, source.token);
		setTimeout(() => source.cancel(), 20);
		// ServerCancelled with retriggerRequest tells the client to pull again later; a full result would mean the cancel was ignored.
		await assert.rejects(request, (error: { code: number }) => error.code === -32802);
	});

	void it('lints a file on disk and pushes its diagnostics', async () => {
		const folder = mkdtempSync(path.join(tmpdir(), 'tunelint-lsp-'));
		const file = path.join(folder, 'big.jsonl');
		writeFileSync(file, [...CLEAN, 'not json'].join('\n'));
		const uri = pathToFileURL(file).toString();
		const status = (await client.connection.sendRequest(ExecuteCommandRequest.type, { command: LINT_FILE_ON_DISK_COMMAND, arguments: [uri] })) as { records: number };
		assert.equal(status.records, 60);
		await waitFor(() => client.published.has(uri));
		const pushed = client.published.get(uri)?.diagnostics ?? [];
		assert.deepEqual(pushed.map((diagnostic) => [diagnostic.code, diagnostic.range.start.line]), [['invalid-json', 60]]);
	});
});
