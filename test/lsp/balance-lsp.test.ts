import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CodeActionRequest, DocumentDiagnosticRequest, ExecuteCommandRequest, HoverRequest, type CodeAction, type FullDocumentDiagnosticReport, type MarkupContent, type TextEdit } from 'vscode-languageserver-protocol/node';
import { STATUS_NOTIFICATION, type StatusParams } from '../../server/src/protocol/messages';
import { PLAN_REBALANCE_COMMAND, PLAN_SPLIT_COMMAND, type RebalancePreview, type SplitPreview } from '../../server/src/protocol/balance';
import { initialize, open, startInProcess, waitFor, type TestClient } from '../helpers/lspClient';
import { FIXTURES } from '../helpers/paths';

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

	void it('shows the full distribution in the hover of label-imbalance', async () => {
		const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 20 } });
		const markdown = (hover?.contents as MarkupContent).value;
		assert.match(markdown, /\*\*label-imbalance\*\* \(warning\) — Label imbalance 4\.0:1/);
		assert.match(markdown, /\| label \| records \| share \|\n\| --- \| --- \| --- \|\n\| "pos" \| 80 \| 80\.0% \|\n\| "neg" \| 20 \| 20\.0% \|/);
	});

	void it('lists every class of a many-class distribution in the hover (the message names the eight largest)', async () => {
		const manyUri = 'file:///tmp/tunelint-balance/many.jsonl';
		// Twelve classes: "c0" has 60 records, the others 5 each (a 12:1 imbalance).
		const many = Array.from({ length: 115 }, (_, index) => JSON.stringify({ text: `note ${index} on topic ${index * 13}`, label: index < 60 ? 'c0' : `c${1 + ((index - 60) % 11)}` }));
		await open(client, manyUri, `${many.join('\n')}\n`);
		const report = (await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri: manyUri } })) as FullDocumentDiagnosticReport;
		assert.match(String(report.items.find((item) => item.code === 'label-imbalance')?.message), /and 4 more\.$/);
		const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: manyUri }, position: { line: 0, character: 0 } });
		const markdown = (hover?.contents as MarkupContent).value;
		for (let index = 0; index < 12; index++) {
			assert.match(markdown, new RegExp(`\\| "c${index}" \\| ${index === 0 ? 60 : 5} \\|`));
		}
	});

	void it('plans an oversample whose copies are listed in the preview', async () => {
		const preview = (await client.connection.sendRequest(ExecuteCommandRequest.type, { command: PLAN_REBALANCE_COMMAND, arguments: [uri, 'over', 1] })) as RebalancePreview;
		assert.deepEqual(preview.after, { pos: 80, neg: 80 });
		assert.equal(preview.copies.length, 60);
		assert.ok(preview.copies.every((line) => line > 80 && line <= 100), 'only minority ("neg", lines 81-100) records are copied');
		const written = preview.files[0].content.trimEnd().split('\n');
		assert.deepEqual(written, [...lines, ...preview.copies.map((line) => lines[line - 1])], 'every record, then the listed copies');
	});

	void it('plans reweighing as a sidecar of weights, the dataset untouched', async () => {
		const preview = (await client.connection.sendRequest(ExecuteCommandRequest.type, { command: PLAN_REBALANCE_COMMAND, arguments: [uri, 'reweigh', 1] })) as RebalancePreview;
		assert.equal(preview.files.length, 1);
		assert.equal(preview.files[0].uri, 'file:///tmp/tunelint-balance/reviews.weights.jsonl');
		const weights = preview.files[0].content.trimEnd().split('\n').map((line) => JSON.parse(line) as { line: number; label: string; weight: number });
		assert.equal(weights.length, 100);
		assert.deepEqual(weights[0], { line: 1, label: 'pos', weight: 0.625 }, 'N / (K · n_y) = 100 / (2 · 80)');
		assert.deepEqual(weights[99], { line: 100, label: 'neg', weight: 2.5 }, '100 / (2 · 20)');
	});

	void it('offers the label-format quick fix that rewrites a variant spelling to the canonical label', async () => {
		const formatUri = 'file:///tmp/tunelint-balance/spellings.jsonl';
		const text = readFileSync(path.join(FIXTURES, 'label-format', 'bad.jsonl'), 'utf8');
		await open(client, formatUri, text);
		const report = (await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri: formatUri } })) as FullDocumentDiagnosticReport;
		const variants = report.items.filter((item) => item.code === 'label-format');
		assert.equal(variants.length, 3);
		const fixed = text.split('\n');
		for (const diagnostic of variants) {
			const actions = (await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri: formatUri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } })) as CodeAction[];
			const [edit] = actions.flatMap((action) => action.edit?.changes?.[formatUri] ?? []) as TextEdit[];
			assert.ok(edit, `no edit offered for ${diagnostic.message}`);
			const line = fixed[edit.range.start.line];
			fixed[edit.range.start.line] = `${line.slice(0, edit.range.start.character)}${edit.newText}${line.slice(edit.range.end.character)}`;
		}
		const labels = fixed.filter(Boolean).map((line) => (JSON.parse(line) as { label: string }).label);
		// The fixture has 28 "positive" with "Positive" and "pos", 29 "negative" with "negative ": each variant joins its own label.
		const counts = Object.fromEntries([...new Set(labels)].sort().map((label) => [label, labels.filter((other) => other === label).length]));
		assert.deepEqual(counts, { negative: 30, positive: 30 }, 'one spelling per label after the fixes, each variant to its own label');
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

	void it('shows the answers\' length and first words of a generative file in the status, instead of labels', async () => {
		const generativeUri = 'file:///tmp/tunelint-balance/generative.jsonl';
		const statuses: StatusParams[] = [];
		client.connection.onNotification(STATUS_NOTIFICATION, (status: StatusParams) => {
			statuses.push(status);
		});
		await open(client, generativeUri, readFileSync(path.join(FIXTURES, 'label-imbalance', 'generative.jsonl'), 'utf8'));
		await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri: generativeUri } });
		await waitFor(() => statuses.some((status) => status.uri === generativeUri));
		const status = statuses.find((item) => item.uri === generativeUri);
		assert.equal(status?.labels, undefined);
		assert.deepEqual(status?.answers, { count: 40, length: { p10: 51, median: 53, p90: 56 }, firstWords: { sure: 30, well: 10 } });
	});

	void it('treats free-text answers as no labels: nothing to rebalance, and a split that still fills validation', async () => {
		const generativeUri = 'file:///tmp/tunelint-balance/answers.jsonl';
		await open(client, generativeUri, readFileSync(path.join(FIXTURES, 'label-imbalance', 'generative.jsonl'), 'utf8'));
		await assert.rejects(client.connection.sendRequest(ExecuteCommandRequest.type, { command: PLAN_REBALANCE_COMMAND, arguments: [generativeUri, 'under', 1] }), /no labelled records/);
		const split = (await client.connection.sendRequest(ExecuteCommandRequest.type, { command: PLAN_SPLIT_COMMAND, arguments: [generativeUri, 0.2, 1] })) as SplitPreview;
		assert.deepEqual([split.trainRecords, split.validationRecords], [32, 8], 'forty distinct answers are not forty strata of one record');
	});

	void it('refuses a bad strategy with a clear message', async () => {
		await assert.rejects(client.connection.sendRequest(ExecuteCommandRequest.type, { command: PLAN_REBALANCE_COMMAND, arguments: [uri, 'sideways', 1] }), /Unknown rebalance strategy "sideways"/);
		await assert.rejects(client.connection.sendRequest(ExecuteCommandRequest.type, { command: PLAN_SPLIT_COMMAND, arguments: [uri, 0.2, 1, 'zodiac'] }), /Unknown group axis "zodiac"; the lexicon has .*gender/);
	});
});
