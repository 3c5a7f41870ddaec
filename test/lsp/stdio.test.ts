import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import {
	CancellationTokenSource,
	DidChangeTextDocumentNotification,
	DocumentDiagnosticRequest,
	ExitNotification,
	ShutdownRequest,
	type FullDocumentDiagnosticReport,
} from 'vscode-languageserver-protocol/node';
import { initialize, open, startChildProcess } from '../helpers/lspClient';

const WORDS = ['amber', 'basalt', 'cedar', 'delta', 'ember', 'fjord', 'granite', 'harbor', 'iris', 'juniper', 'kelp', 'lagoon'];
const record = (index: number): string => JSON.stringify({ prompt: `Describe ${WORDS[index % 12]} number ${index} from ${1800 + index * 3}`, completion: `${WORDS[(index * 5) % 12]} ${index * 17}` });

/** The bundled server as VS Code starts it: a child process over stdio. */
void describe('language server (stdio child process)', () => {
	let client: ReturnType<typeof startChildProcess>;
	before(async () => {
		client = startChildProcess();
		await initialize(client);
	});
	after(() => client.dispose());

	void it('initializes, lints an opened document, re-lints after an edit, honours cancel, and exits on request', async () => {
		const uri = 'untitled:child.jsonl';
		const lines = Array.from({ length: 60 }, (_, index) => record(index));
		await open(client, uri, [...lines, '[1, 2]'].join('\n'));
		const first = (await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } })) as FullDocumentDiagnosticReport;
		assert.deepEqual(first.items.map((item) => item.code), ['not-an-object']);

		await client.connection.sendNotification(DidChangeTextDocumentNotification.type, {
			textDocument: { uri, version: 2 },
			contentChanges: [{ range: { start: { line: 60, character: 0 }, end: { line: 60, character: 6 } }, text: record(60) }],
		});
		const second = (await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } })) as FullDocumentDiagnosticReport;
		assert.deepEqual(second.items, []);

		const bigUri = 'untitled:child-big.jsonl';
		await open(client, bigUri, Array.from({ length: 200_000 }, (_, index) => record(index)).join('\n'));
		const source = new CancellationTokenSource();
		const pending = client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri: bigUri } }, source.token);
		setTimeout(() => source.cancel(), 20);
		await assert.rejects(pending, (error: { code: number }) => error.code === -32802 || error.code === -32800);

		await client.connection.sendRequest(ShutdownRequest.type);
		const exited = once(client.child, 'exit');
		await client.connection.sendNotification(ExitNotification.type);
		const [code] = await exited;
		assert.equal(code, 0);
	});
});
