import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { defaultSettings, DocumentLinter, lintText, splitLines, type Finding } from '../../server/src/core';

/** JSONL-ish documents: valid records of several formats, broken lines, blank lines, odd Unicode. */
const recordLine = fc.oneof(
	fc.record({ messages: fc.array(fc.record({ role: fc.constantFrom('system', 'user', 'assistant', 'tool', 'gpt'), content: fc.string() }), { maxLength: 4 }) }).map((value) => JSON.stringify(value)),
	fc.record({ prompt: fc.string(), completion: fc.string() }).map((value) => JSON.stringify(value)),
	fc.record({ text: fc.string({ unit: 'grapheme' }), label: fc.constantFrom('a', 'b', 'A ', 'c') }).map((value) => JSON.stringify(value)),
	fc.record({ instruction: fc.string(), input: fc.string(), output: fc.string() }).map((value) => JSON.stringify(value)),
	fc.jsonValue().map((value) => JSON.stringify(value) ?? 'null'),
	fc.string({ unit: 'binary' }),
	fc.constant(''),
	fc.constant('\uFEFF{"text": "x"}'),
	fc.constant('{"text": "\\ud83d"}'),
);
const document = fc.array(recordLine, { maxLength: 30 }).map((lines) => lines.join('\n'));

function assertInsideLines(findings: readonly Finding[], lines: readonly string[]): void {
	for (const finding of findings) {
		const { line, column, endLine, endColumn } = finding.range;
		const lineCount = Math.max(lines.length, 1);
		assert.ok(line >= 0 && line < lineCount, `${finding.ruleId}: line ${line} outside the document`);
		assert.ok(endLine >= line && endLine <= lineCount, `${finding.ruleId}: end line ${endLine}`);
		const text = lines[line] ?? '';
		assert.ok(column >= 0 && column <= text.length, `${finding.ruleId}: column ${column} outside line ${line} (${text.length})`);
		if (endLine === line) {
			assert.ok(endColumn >= column && endColumn <= text.length, `${finding.ruleId}: end column ${endColumn} outside line ${line} (${text.length})`);
		}
	}
}

void describe('engine robustness (fast-check)', () => {
	void it('never throws on arbitrary documents and keeps every finding inside its line', async () => {
		await fc.assert(fc.asyncProperty(document, async (text) => {
			const result = await lintText(text, defaultSettings());
			assertInsideLines(result.findings, splitLines(text));
			assert.ok(result.findings.every((finding) => !finding.message.startsWith('internal error')), 'no rule crashed');
		}), { numRuns: 150 });
	});

	void it('never throws on arbitrary strings, including deep nesting', async () => {
		const deep = fc.integer({ min: 1, max: 5000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`);
		await fc.assert(fc.asyncProperty(fc.oneof(fc.string({ unit: 'binary' }), deep, fc.string({ unit: 'binary-ascii' })), async (text) => {
			const result = await lintText(text, defaultSettings());
			assertInsideLines(result.findings, splitLines(text));
		}), { numRuns: 150 });
	});

	void it('after any sequence of edits, the cached incremental result equals a fresh lint', async () => {
		const edit = fc.record({ at: fc.nat(), remove: fc.nat({ max: 3 }), insert: fc.array(recordLine, { maxLength: 3 }) });
		await fc.assert(fc.asyncProperty(fc.array(recordLine, { maxLength: 20 }), fc.array(edit, { maxLength: 8 }), async (initial, edits) => {
			const linter = new DocumentLinter(defaultSettings());
			let lines = [...initial];
			await linter.lint(lines);
			for (const { at, remove, insert } of edits) {
				const start = lines.length === 0 ? 0 : at % (lines.length + 1);
				lines = [...lines.slice(0, start), ...insert, ...lines.slice(start + remove)];
				await linter.lint(lines);
			}
			const incremental = await linter.lint(lines);
			const fresh = await new DocumentLinter(defaultSettings()).lint(lines);
			assert.deepEqual(incremental, fresh);
		}), { numRuns: 60 });
	});
});
