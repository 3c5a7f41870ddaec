import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CodeActionRequest, DidChangeTextDocumentNotification, DocumentDiagnosticRequest, type CodeAction, type Diagnostic, type FullDocumentDiagnosticReport, type TextEdit } from 'vscode-languageserver-protocol/node';
import { URI } from 'vscode-uri';
import type { Finding } from '../../server/src/core';
import { placeRunFindings } from '../../server/src/lsp/runFindings';
import { EXPORT_LABEL_ISSUES_COMMAND, RUNS_CHANGED_NOTIFICATION } from '../../server/src/protocol/runs';
import { labelIssueFinding, lineTextHash } from '../../server/src/training/findings';
import type { TrainingResult } from '../../server/src/training/run';
import { saveRun } from '../../server/src/training/runStore';
import { initialize, open, startInProcess, type TestClient } from '../helpers/lspClient';

const LABELS = ['pos', 'neg'];
const LINES = [
	'{"text": "a lovely, warm film", "label": "pos"}',
	'{"text": "dull and far too long", "label": "neg"}',
	'{"text": "the worst thing I have seen this year", "label": "pos", "id": 7}',
	'{"text": "great fun for everyone", "label": "pos"}',
	'{"text": "an awful script", "label":"pos"}',
];

/** A label issue as the training process makes it: line `line` is labelled pos, the model says neg. */
function issueOn(lines: readonly string[], line: number, rank: number): Finding {
	return labelIssueFinding(lines[line], line, ['label'], { index: line, given: 0, suggested: 1, selfConfidence: 0.07, suggestedProbability: 0.93 }, LABELS, rank);
}

/** Saves a run of `file` through the real run store; only the parts the editor reads are filled in. */
function saveRunOf(runs: string, file: string, findings: Finding[], when: Date): string {
	const result = { file, backend: 'cpu', seed: 1, history: [], learningCurve: [], labelIssues: [], groups: [], triggers: [], findings } as unknown as TrainingResult;
	return saveRun(runs, result, when);
}

function messageOf(diagnostic: Diagnostic): string {
	return typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value;
}

function applyEdits(text: string, edits: readonly TextEdit[]): string {
	const lines = text.split('\n');
	for (const edit of [...edits].sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character)) {
		assert.equal(edit.range.start.line, edit.range.end.line, 'a relabel stays on its line');
		const line = lines[edit.range.start.line];
		lines[edit.range.start.line] = line.slice(0, edit.range.start.character) + edit.newText + line.slice(edit.range.end.character);
	}
	return lines.join('\n');
}

void describe('label issues of the newest saved run in the editor (LSP)', () => {
	let client: TestClient;
	let folder: string;
	let uri: string;
	let version = 1;
	let text = `${LINES.join('\n')}\n`;

	const pull = async (): Promise<Diagnostic[]> => {
		const report = (await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } })) as FullDocumentDiagnosticReport;
		return report.items.filter((item) => item.code === 'label-issue');
	};
	const change = async (next: string): Promise<void> => {
		text = next;
		version++;
		await client.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
	};

	before(async () => {
		folder = mkdtempSync(path.join(tmpdir(), 'tunelint-run-findings-'));
		const file = path.join(folder, 'reviews.jsonl');
		writeFileSync(file, text);
		const runs = path.join(folder, '.tunelint', 'runs');
		// An older run of the same file and a newer run of another file: neither may show.
		saveRunOf(runs, file, [issueOn(LINES, 0, 1)], new Date('2026-11-29T10:00:00Z'));
		saveRunOf(runs, path.join(folder, 'other.jsonl'), [issueOn(LINES, 3, 1)], new Date('2026-11-29T12:00:00Z'));
		// The newest run of this file, saved with the path relative to the workspace folder as `tunelint train` keeps it.
		saveRunOf(runs, 'reviews.jsonl', [issueOn(LINES, 2, 1), issueOn(LINES, 4, 2)], new Date('2026-11-29T11:00:00Z'));
		uri = URI.file(file).toString();
		client = startInProcess();
		await initialize(client, URI.file(folder).toString());
		await open(client, uri, text, version);
	});
	after(async () => {
		await client.dispose();
		rmSync(folder, { recursive: true, force: true });
	});

	void it('shows the newest run\'s label issues on their lines, on the label value', async () => {
		const issues = await pull();
		assert.deepEqual(issues.map((issue) => issue.range.start.line), [2, 4]);
		const [first] = issues;
		assert.match(messageOf(first), /^Labelled "pos", the model says "neg" with p = 0\.93/);
		assert.equal(first.source, 'tunelint');
		assert.equal(LINES[2].slice(first.range.start.character, first.range.end.character), '"pos"');
	});

	void it('relabels with one edit of the label value only, the rest of the line byte for byte', async () => {
		const [issue] = await pull();
		const actions = (await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: issue.range, context: { diagnostics: [issue] } })) as CodeAction[];
		const relabel = actions.find((action) => action.title === 'Relabel as "neg"');
		assert.ok(relabel, `no relabel among ${JSON.stringify(actions.map((action) => action.title))}`);
		assert.ok(actions.some((action) => action.command?.command === EXPORT_LABEL_ISSUES_COMMAND && action.command.arguments?.[0] === uri), 'the export command is offered beside it');
		const edits = relabel.edit?.changes?.[uri] ?? [];
		assert.equal(edits.length, 1);
		assert.equal(Object.keys(relabel.edit?.changes ?? {}).length, 1, 'only this document is edited');
		const relabelled = applyEdits(text, edits);
		const expected = [...LINES];
		expected[2] = '{"text": "the worst thing I have seen this year", "label": "neg", "id": 7}';
		assert.equal(relabelled, `${expected.join('\n')}\n`);
		// The editor applies the edit; the relabelled line no longer matches the run, so its finding goes.
		await change(relabelled);
		assert.deepEqual((await pull()).map((diagnostic) => diagnostic.range.start.line), [4]);
	});

	void it('follows a line moved by an insertion above it, and drops it once the line is edited', async () => {
		const lines = text.split('\n');
		await change(['{"text": "inserted", "label": "neg"}', ...lines].join('\n'));
		assert.deepEqual((await pull()).map((diagnostic) => diagnostic.range.start.line), [5]);
		const moved = text.split('\n');
		moved[5] = moved[5].replace('awful', 'awful, awful');
		await change(moved.join('\n'));
		assert.deepEqual(await pull(), []);
	});

	void it('shows a run saved later once the client says runs changed', async () => {
		const runs = path.join(folder, '.tunelint', 'runs');
		const current = text.split('\n');
		saveRunOf(runs, path.join(folder, 'reviews.jsonl'), [issueOn(current, 4, 1)], new Date('2026-11-29T13:00:00Z'));
		await client.connection.sendNotification(RUNS_CHANGED_NOTIFICATION);
		const issues = await pull();
		assert.deepEqual(issues.map((issue) => issue.range.start.line), [4]);
		assert.match(messageOf(issues[0]), /rank 1/);
	});
});

void describe('placeRunFindings', () => {
	void it('keeps a finding without a line hash only while its label value is still the label it names', () => {
		const legacy = issueOn(LINES, 2, 1);
		delete legacy.data?.lineHash;
		assert.equal(placeRunFindings([legacy], LINES, 'r').length, 1);
		const edited = [...LINES];
		edited[2] = edited[2].replace('"pos"', '"neg"');
		assert.equal(placeRunFindings([legacy], edited, 'r').length, 0);
	});

	void it('places per-record findings of the next-token proxy by their line hash, and only with one', () => {
		const outlier = (withHash: boolean): Finding => ({ ruleId: 'answer-outlier', severity: 'warning', scope: 'line', message: 'Unusual answer', range: { line: 1, column: 10, endLine: 1, endColumn: 20 }, data: withHash ? { rank: 1, lineHash: lineTextHash(LINES[1]) } : { rank: 1 } });
		assert.deepEqual(placeRunFindings([outlier(true), issueOn(LINES, 1, 1)], LINES, 'r').map((finding) => `${finding.ruleId} ${finding.range.line}`), ['answer-outlier 1', 'label-issue 1']);
		assert.deepEqual(placeRunFindings([outlier(false)], LINES, 'r'), []);
	});

	void it('puts two findings of identical lines on two lines, and says which run they came from', () => {
		const lines = [LINES[2], LINES[0], LINES[2]];
		const placed = placeRunFindings([issueOn(lines, 0, 1), issueOn(lines, 2, 2)], lines, 'run-1');
		assert.deepEqual(placed.map((finding) => finding.range.line), [0, 2]);
		assert.equal(placed[0].data?.run, 'run-1');
	});
});
