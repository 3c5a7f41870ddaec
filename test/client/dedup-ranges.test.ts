import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { buildSync } from 'esbuild';

// The compiled test lives in out/test/client/, three folders below the repository root.
const repositoryRoot = path.resolve(__dirname, '..', '..', '..');
const bundleDirectory = mkdtempSync(path.join(tmpdir(), 'tunelint-dedup-ranges-'));
after(() => rmSync(bundleDirectory, { recursive: true, force: true }));

interface LineSpan {
	startLine: number;
	startCharacter: number;
	endLine: number;
	endCharacter: number;
}

/** The pure client module, bundled from its source (the client project compiles where a test cannot import it). */
function loadDedupRanges(): { deletionSpans(droppedLines: readonly number[], lineCount: number, lineLength: (line: number) => number): LineSpan[] } {
	const outfile = path.join(bundleDirectory, 'dedupRanges.js');
	buildSync({ entryPoints: [path.join(repositoryRoot, 'client', 'src', 'commands', 'dedupRanges.ts')], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent' });
	// eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle just built, by its path.
	return require(outfile) as ReturnType<typeof loadDedupRanges>;
}

/** Applies the spans to a text as an editor would (line breaks LF or CRLF), from the last to the first. */
function applySpans(text: string, spans: readonly LineSpan[]): string {
	const starts = [0];
	for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) {
		starts.push(index + 1);
	}
	const offset = (line: number, character: number): number => starts[line] + character;
	let result = text;
	for (const span of [...spans].reverse()) {
		result = result.slice(0, offset(span.startLine, span.startCharacter)) + result.slice(offset(span.endLine, span.endCharacter));
	}
	return result;
}

function removeLines(text: string, dropped: number[]): string {
	const { deletionSpans } = loadDedupRanges();
	const lines = text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
	return applySpans(text, deletionSpans(dropped, lines.length, (line) => lines[line].length));
}

void describe('dedup deletion spans', () => {
	void it('deletes whole dropped lines only, runs of adjacent lines as one span, CRLF kept on kept lines', () => {
		const text = 'a\r\nb\r\nc\r\nd\r\ne\r\n';
		assert.equal(removeLines(text, [1, 2, 4]), 'a\r\nd\r\n');
		assert.equal(loadDedupRanges().deletionSpans([1, 2, 4], 6, () => 1).length, 2);
	});

	void it('takes the line break before a dropped last line when the file has no final newline', () => {
		assert.equal(removeLines('a\nb\nc', [2]), 'a\nb');
		assert.equal(removeLines('a\nb\nc', [1, 2]), 'a');
		assert.equal(removeLines('a\nb\nc', [0]), 'b\nc');
	});

	void it('keeps every other line byte for byte on a larger random plan', () => {
		const lines = Array.from({ length: 200 }, (_, index) => `{"text":"record ${index} é"}`);
		const dropped = lines.map((_, index) => index).filter((index) => (index * 37) % 5 === 0 || index % 7 === 3);
		const text = `${lines.join('\n')}\n`;
		const expected = `${lines.filter((_, index) => !dropped.includes(index)).join('\n')}\n`;
		assert.equal(removeLines(text, dropped), expected);
	});
});
