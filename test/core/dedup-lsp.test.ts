import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CodeActionRequest, DocumentDiagnosticRequest, type CodeAction, type Diagnostic, type FullDocumentDiagnosticReport } from 'vscode-languageserver-protocol/node';

import { FIX_ALL_KIND } from '../../server/src/lsp/codeActions';
import { initialize, open, startInProcess, type TestClient } from '../helpers/lspClient';
import { FIXTURES } from '../helpers/paths';

/** The duplicate rules through the language server: diagnostics with related locations, the safe fix-all, leakage. */
void describe('language server: duplicates and split leakage', () => {
	let client: TestClient;
	let folder: string;

	const diagnosticsOf = async (uri: string): Promise<Diagnostic[]> => ((await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } })) as FullDocumentDiagnosticReport).items;

	before(async () => {
		folder = mkdtempSync(path.join(tmpdir(), 'tunelint-dedup-lsp-'));
		copyFileSync(path.join(FIXTURES, 'split-leakage', 'pair', 'train.jsonl'), path.join(folder, 'qa_train.jsonl'));
		copyFileSync(path.join(FIXTURES, 'split-leakage', 'pair', 'valid.jsonl'), path.join(folder, 'qa_valid.jsonl'));
		copyFileSync(path.join(FIXTURES, 'duplicate-exact', 'bad.jsonl'), path.join(folder, 'copies.jsonl'));
		client = startInProcess();
		await initialize(client, pathToFileURL(folder).toString());
	});

	after(async () => {
		await client.dispose();
		rmSync(folder, { recursive: true, force: true });
	});

	void it('reports leaks of an open validation file against its training file on disk', async () => {
		const file = path.join(folder, 'qa_valid.jsonl');
		const uri = pathToFileURL(file).toString();
		await open(client, uri, readFileSync(file, 'utf8'));
		const leaks = (await diagnosticsOf(uri)).filter((diagnostic) => diagnostic.code === 'split-leakage' && typeof diagnostic.message === 'string' && String(diagnostic.message).startsWith('Leak:'));
		assert.deepEqual(leaks.map((diagnostic) => diagnostic.range.start.line), [0, 2]);
		assert.equal(leaks[0].relatedInformation?.[0].location.uri, pathToFileURL(path.join(folder, 'qa_train.jsonl')).toString());
		assert.equal(leaks[0].relatedInformation?.[0].location.range.start.line, 3);
	});

	void it('offers the deletion of later exact copies in the safe fix-all', async () => {
		const file = path.join(folder, 'copies.jsonl');
		const uri = pathToFileURL(file).toString();
		const text = readFileSync(file, 'utf8');
		await open(client, uri, text);
		const diagnostics = (await diagnosticsOf(uri)).filter((diagnostic) => diagnostic.code === 'duplicate-exact' && diagnostic.relatedInformation !== undefined);
		assert.deepEqual(diagnostics.map((diagnostic) => [diagnostic.range.start.line, diagnostic.relatedInformation?.[0].location.range.start.line]), [[2, 0], [3, 0], [4, 1]]);
		const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
			textDocument: { uri },
			range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
			context: { diagnostics: [], only: [FIX_ALL_KIND] },
		})) as CodeAction[];
		const edits = actions.find((action) => action.kind === FIX_ALL_KIND)?.edit?.changes?.[uri] ?? [];
		const deleted = edits.filter((edit) => edit.newText === '' && edit.range.start.character === 0 && edit.range.end.line === edit.range.start.line + 1).map((edit) => edit.range.start.line);
		// The fix-all leaves a deletion that touches an already chosen one for its next run (codeActions.ts), so adjacent
		// copies take more than one run; every deletion offered is one of the later copies.
		assert.ok(deleted.length > 0 && deleted.every((line) => [2, 3, 4].includes(line)), `deleted ${deleted.join(', ')}`);
	});
});
