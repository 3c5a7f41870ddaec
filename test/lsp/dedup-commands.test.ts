import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ExecuteCommandRequest } from 'vscode-languageserver-protocol/node';
import { PLAN_DEDUP_COMMAND, type DedupPreview } from '../../server/src/protocol/dedup';
import { initialize, open, startInProcess, type TestClient } from '../helpers/lspClient';

const uri = 'file:///tmp/tunelint-dedup/notes.jsonl';
const base = 'The quick brown fox jumps over the lazy dog near the quiet river bank every single morning at dawn';
const lines = [
	JSON.stringify({ text: base, label: 'a' }),
	JSON.stringify({ text: 'Something entirely different about tax forms and filing deadlines', label: 'b' }),
	JSON.stringify({ text: base.toUpperCase(), label: 'a' }),
	'not json at all',
	JSON.stringify({ text: `${base} again`, label: 'a' }),
	JSON.stringify({ text: base.replace('quiet', 'calm'), label: 'a' }),
	'',
	JSON.stringify({ text: 'Something entirely different about tax forms and filing deadlines', label: 'b' }),
];

async function plan(client: TestClient, request: unknown): Promise<DedupPreview> {
	return (await client.connection.sendRequest(ExecuteCommandRequest.type, { command: PLAN_DEDUP_COMMAND, arguments: [uri, request] })) as DedupPreview;
}

void describe('remove duplicates from the editor (LSP)', () => {
	let client: TestClient;
	before(async () => {
		client = startInProcess();
		await initialize(client);
		await open(client, uri, `${lines.join('\r\n')}\r\n`, 4);
	});
	after(() => client.dispose());

	void it('plans exact duplicates only, keeping the first copy, on the open document version', async () => {
		const preview = await plan(client, { near: false, keep: 'first' });
		assert.equal(preview.version, 4);
		assert.equal(preview.lineCount, 8);
		assert.deepEqual(preview.droppedLines, [2, 7]);
		assert.deepEqual([preview.exact, preview.near], [2, 0]);
		assert.deepEqual(preview.clusters.map((cluster) => [cluster.keptLine, cluster.dropped.map((item) => [item.line, item.reason, item.similarity])]), [[0, [[2, 'exact', 1]]], [1, [[7, 'exact', 1]]]]);
		assert.equal(preview.clusters[0].keptText, lines[0].slice(0, 120), 'the preview shows the kept line without its carriage return');
	});

	void it('plans near duplicates as clusters, keep first or keep longest', async () => {
		const first = await plan(client, { near: true, keep: 'first' });
		assert.deepEqual(first.droppedLines, [2, 4, 5, 7]);
		assert.equal(first.exact, 2);
		assert.equal(first.near, 2);
		const cluster = first.clusters.find((item) => item.keptLine === 0);
		assert.deepEqual(cluster?.dropped.map((item) => item.line), [2, 4, 5]);
		assert.ok(cluster.dropped.filter((item) => item.reason === 'near').every((item) => item.similarity > 0.5 && item.similarity < 1));
		const longest = await plan(client, { near: true, keep: 'longest' });
		assert.equal(longest.keep, 'longest');
		assert.deepEqual(longest.droppedLines, [0, 2, 5, 7], 'the longer variant on line 4 is kept; the exact copy of line 0 still goes');
		assert.ok(longest.clusters.some((item) => item.keptLine === 4));
	});

	void it('refuses an unknown keep choice with a clear message', async () => {
		await assert.rejects(plan(client, { near: true, keep: 'shortest' }), /Keep must be "first" or "longest"/);
	});
});
