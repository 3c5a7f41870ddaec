import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CodeActionRequest, DocumentDiagnosticRequest, ExecuteCommandRequest, type CodeAction, type FullDocumentDiagnosticReport } from 'vscode-languageserver-protocol/node';
import { STATUS_NOTIFICATION, type StatusParams } from '../../server/src/protocol/messages';
import { PLAN_REBALANCE_COMMAND, PLAN_SPLIT_COMMAND, type RebalancePreview, type SplitPreview } from '../../server/src/protocol/balance';
import { initialize, open, startInProcess, waitFor, type TestClient } from '../helpers/lspClient';

const uri = 'file:///tmp/tunelint-balance/reviews.jsonl';
const lines = Array.from({ length: 100 }, (_, index) => JSON.stringify({ text: `review number ${index} of item ${index * 7}`, label: index < 80 ? 'pos' : 'neg' }));

void describe('rebalance and split from the editor (LSP)', () => {
	let client: TestClient;
	before(async () => {
		client = startInProcess();
		await initialize(client);
		await open(client, uri, `${lines.join('\n')}\n`);
	});
	after(() => client.dispose());

	void it('offers "Rebalance…" as the quick fix of label-imbalance', async () => {
		const report = (await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } })) as FullDocumentDiagnosticReport;
		const imbalance = report.items.find((item) => item.code === 'label-imbalance');
		assert.ok(imbalance, 'label-imbalance is reported for an 80/20 file');
		const actions = (await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: imbalance.range, context: { diagnostics: [imbalance] } })) as CodeAction[];
		const rebalance = actions.find((action) => action.command?.command === 'tunelint.rebalance');
		assert.ok(rebalance, `no rebalance action among ${JSON.stringify(actions.map((action) => action.title))}`);
		assert.deepEqual(rebalance.command?.arguments, [uri]);
	});

	void it('plans an undersample into a sibling file without writing anything', async () => {
		const preview = (await client.connection.sendRequest(ExecuteCommandRequest.type, { command: PLAN_REBALANCE_COMMAND, arguments: [uri, 'under', 1] })) as RebalancePreview;
		assert.deepEqual(preview.before, { pos: 80, neg: 20 });
		assert.deepEqual(preview.after, { pos: 20, neg: 20 });
		assert.equal(preview.files[0].uri, 'file:///tmp/tunelint-balance/reviews.rebalanced.jsonl');
		const written = preview.files[0].content.trimEnd().split('\n');
		assert.equal(written.length, 40);
		assert.ok(written.every((line) => lines.includes(line)));
	});

	void it('plans a stratified split into two files', async () => {
		const preview = (await client.connection.sendRequest(ExecuteCommandRequest.type, { command: PLAN_SPLIT_COMMAND, arguments: [uri, 0.2, 1] })) as SplitPreview;
		assert.equal(preview.validationRecords, 20);
		assert.deepEqual(preview.strata, { neg: { train: 16, validation: 4 }, pos: { train: 64, validation: 16 } });
		assert.deepEqual(preview.files.map((file) => file.uri.split('/').pop()), ['reviews.train.jsonl', 'reviews.valid.jsonl']);
	});

	void it('shows a balanced file\'s label distribution in the status, not as a finding', async () => {
		const balancedUri = 'file:///tmp/tunelint-balance/balanced.jsonl';
		const balanced = Array.from({ length: 60 }, (_, index) => JSON.stringify({ text: `balanced review ${index} of item ${index * 11}`, label: ['pos', 'neg', 'neutral'][index % 3] }));
		const statuses: StatusParams[] = [];
		client.connection.onNotification(STATUS_NOTIFICATION, (status: StatusParams) => {
			statuses.push(status);
		});
		await open(client, balancedUri, `${balanced.join('\n')}\n`);
		const report = (await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri: balancedUri } })) as FullDocumentDiagnosticReport;
		assert.equal(report.items.filter((item) => item.code === 'label-imbalance').length, 0);
		await waitFor(() => statuses.some((status) => status.uri === balancedUri));
		assert.deepEqual(statuses.find((status) => status.uri === balancedUri)?.labels, { pos: 20, neg: 20, neutral: 20 });
	});

	void it('refuses a bad strategy with a clear message', async () => {
		await assert.rejects(client.connection.sendRequest(ExecuteCommandRequest.type, { command: PLAN_REBALANCE_COMMAND, arguments: [uri, 'sideways', 1] }), /Unknown rebalance strategy "sideways"/);
	});
});
