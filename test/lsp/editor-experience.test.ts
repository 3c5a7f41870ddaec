/**
 * The everyday editor features of issue 9 through the LSP (in-process server): hovers with the threshold in effect
 * and the setting that changes it, the summary code lens on line 1, the baseline (the quick fix "Accept this
 * finding" writes .tunelint-baseline.json, the finding disappears, and the CLI reads the same file), and the audit
 * request behind the report webview.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
	CodeActionRequest,
	CodeLensRequest,
	DidChangeConfigurationNotification,
	DocumentDiagnosticRequest,
	ExecuteCommandRequest,
	HoverRequest,
	type CodeAction,
	type Diagnostic,
	type FullDocumentDiagnosticReport,
	type MarkupContent,
} from 'vscode-languageserver-protocol/node';
import { main } from '../../server/src/cli/main';
import type { AuditData } from '../../server/src/core/audit';
import { BASELINE_FILE_NAME } from '../../server/src/core/baseline';
import { AUDIT_REQUEST } from '../../server/src/protocol/audit';
import { initialize, open, startInProcess, type TestClient } from '../helpers/lspClient';

const chat = (user: string, answer: string): string => JSON.stringify({ messages: [{ role: 'user', content: user }, { role: 'assistant', content: answer }] });
const TOPICS = ['rivers', 'volcanoes', 'bread', 'violins', 'glaciers', 'chess', 'tides', 'comets', 'bees', 'clocks', 'maps', 'salt'];
const CLEAN = Array.from({ length: 60 }, (_, index) => chat(`Tell me fact ${index % 5} about ${TOPICS[index % 12]} in ${1900 + index}?`, `${TOPICS[(index * 7) % 12]} ${index * 13} ${String.fromCharCode(97 + (index % 26))}`));
/** Line 60 repeats line 3 exactly. */
const LINES = [...CLEAN, CLEAN[3]];

async function pull(client: TestClient, uri: string): Promise<Diagnostic[]> {
	return ((await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } })) as FullDocumentDiagnosticReport).items;
}

async function hoverAt(client: TestClient, uri: string, line: number): Promise<string> {
	const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character: 2 } });
	return (hover?.contents as MarkupContent | undefined)?.value ?? '';
}

void describe('editor experience through the LSP', () => {
	let client: TestClient;
	let folder: string;
	let file: string;
	let uri: string;

	before(async () => {
		folder = mkdtempSync(path.join(tmpdir(), 'tunelint-editor-'));
		file = path.join(folder, 'data.jsonl');
		writeFileSync(file, `${LINES.join('\n')}\n`);
		uri = pathToFileURL(file).href;
		client = startInProcess();
		await initialize(client, pathToFileURL(folder).href);
		await open(client, uri, `${LINES.join('\n')}\n`);
	});
	after(() => client.dispose());

	void it('hovers show the evidence, the threshold in effect and the setting that changes it', async () => {
		const diagnostics = await pull(client, uri);
		assert.deepEqual(diagnostics.map((item) => [item.code, item.range.start.line]), [['duplicate-exact', 0], ['duplicate-exact', 60]]);
		const hover = await hoverAt(client, uri, 60);
		assert.match(hover, /\*\*duplicate-exact\*\* \(warning\)/);
		assert.match(hover, /\| firstLine \| 3 \|/);
		assert.match(hover, /\| `compare` \| whole \(default\) \| what is compared/);
		assert.match(hover, /`tunelint\.ruleOptions`/);
		assert.match(hover, /\{"duplicate-exact":\{"compare":"whole"\}\}/);
		client.settings = { ruleOptions: { 'duplicate-exact': { compare: 'prompt' } } };
		await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: {} });
		await pull(client, uri);
		assert.match(await hoverAt(client, uri, 60), /\| `compare` \| prompt \(set\) \|/);
		client.settings = {};
		await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: {} });
	});

	void it('puts a summary code lens and an Audit lens on line 1', async () => {
		await pull(client, uri);
		const lenses = await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
		assert.deepEqual(lenses?.map((lens) => [lens.range.start.line, lens.command?.title, lens.command?.command]), [
			[0, '61 records · openai-chat · 0 errors · 1 warning', 'workbench.actions.view.problems'],
			[0, 'Audit', 'tunelint.audit'],
		]);
		assert.deepEqual(lenses?.[1].command?.arguments, [uri]);
	});

	void it('accepts a finding into .tunelint-baseline.json, which the editor and the CLI then both honour', async () => {
		const diagnostics = await pull(client, uri);
		const duplicate = diagnostics.find((item) => item.range.start.line === 60);
		assert.ok(duplicate);
		const actions = (await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: duplicate.range, context: { diagnostics: [duplicate] } })) as CodeAction[];
		const accept = actions.find((action) => action.title.startsWith('Accept this finding'));
		assert.ok(accept?.command, actions.map((action) => action.title).join(', '));
		const baselineFile = path.join(folder, BASELINE_FILE_NAME);
		assert.equal(existsSync(baselineFile), false);
		await client.connection.sendRequest(ExecuteCommandRequest.type, { command: accept.command.command, arguments: accept.command.arguments });
		const written = JSON.parse(readFileSync(baselineFile, 'utf8')) as { findings: Array<{ file: string; ruleId: string }> };
		assert.deepEqual(written.findings.map((entry) => [entry.file, entry.ruleId]), [['data.jsonl', 'duplicate-exact']]);
		// What remains is the dataset-level summary of the duplicate rule (line 0), not the accepted copy.
		assert.deepEqual((await pull(client, uri)).map((item) => [item.code, item.range.start.line]), [['duplicate-exact', 0]]);
		let out = '';
		const code = await main(['check', file, '--baseline', baselineFile, '--format', 'json'], { out: (text) => (out += text), err: () => undefined });
		assert.equal(code, 0);
		const findings = JSON.parse(out) as Array<{ line: number; ruleId: string; scope: string }>;
		assert.deepEqual(findings.filter((finding) => finding.scope === 'line').map((finding) => [finding.ruleId, finding.line]), []);
		let unfiltered = '';
		await main(['check', file, '--format', 'json'], { out: (text) => (unfiltered += text), err: () => undefined });
		assert.equal((JSON.parse(unfiltered) as Array<{ line: number; scope: string }>).filter((finding) => finding.scope === 'line' && finding.line === 61).length, 1);
	});

	void it('answers the audit request with the report data of the open document', async () => {
		const data = await client.connection.sendRequest<AuditData>(AUDIT_REQUEST, { uri });
		assert.equal(data.file, 'data.jsonl');
		assert.equal(data.summary.records, 61);
		assert.equal(data.summary.format, 'openai-chat');
		assert.equal(data.summary.tokens.tokenizer, 'o200k_base');
		assert.deepEqual(data.duplicates.biggest.map((cluster) => cluster.lines), [[3, 60]]);
	});
});
