import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { jsonFindings, jsonl, scratchFolder, tunelint, writeInput, type CliFinding } from './cliHarness';
import { cleanRecords } from './formatSamples';

/**
 * The bad input of issue 2, through the bundled CLI: each case gives a clear finding or message, never a crash
 * (exit 2, "internal error"), and the lines after the damage are still checked. Every file ends with MARKER, a
 * record whose unfilled placeholder must still be found at its line and column.
 */
const work = scratchFolder();
after(() => rmSync(work, { recursive: true, force: true }));

const MARKER = '{"prompt": "Say hello to {{name}}.", "completion": "Hello!"}';
/** Where MARKER's placeholder starts (1-based UTF-16 column) when the marker starts its line. */
const MARKER_COLUMN = MARKER.indexOf('{{name}}') + 1;
const TEN_MB = 10 * 1024 * 1024;

/** Lints one input with the format rules and checks that it did not crash. */
async function lint(name: string, content: string | Uint8Array, extraArgs: string[] = []): Promise<CliFinding[]> {
	const file = writeInput(work, name, content);
	const run = await tunelint(['check', file, '--category', 'format', '--format', 'json', ...extraArgs], work);
	assert.ok(run.code === 0 || run.code === 1, `exit ${run.code}: ${run.stderr}`);
	assert.doesNotMatch(run.stderr, /internal error/);
	const findings = jsonFindings(run);
	assert.deepEqual(findings.filter((finding) => finding.message.includes('internal error')), []);
	return findings;
}

const of = (findings: CliFinding[], ruleId: string): CliFinding[] => findings.filter((finding) => finding.ruleId === ruleId);
const at = (finding: CliFinding | undefined): [number, number] | undefined => finding && [finding.line, finding.column];

/** Deterministic bytes that look like a binary file renamed to .jsonl: a PNG signature, then noise. */
function binaryGarbage(length: number): Uint8Array {
	const bytes = new Uint8Array(length);
	bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
	let state = 12345;
	for (let index = 8; index < length; index++) {
		state = (state * 1103515245 + 12345) % 2 ** 31;
		bytes[index] = state >> 16;
	}
	return bytes;
}

void describe('bad input', { concurrency: true }, () => {
	void it('a malformed line: an invalid-json finding at its column, and the next line is still checked', async () => {
		const findings = await lint('malformed.jsonl', `{"prompt": "broken", "completion": \n${MARKER}\n`);
		assert.deepEqual(of(findings, 'invalid-json').map((finding) => [finding.line, finding.data.column]), [[1, 36]]);
		assert.deepEqual(at(of(findings, 'template-placeholder')[0]), [2, MARKER_COLUMN]);
	});

	void it('a 10 MB line that is cut off: the error at its true column, and the next line is still checked', async () => {
		const findings = await lint('ten-mb-broken.jsonl', `{"text": "${'x'.repeat(TEN_MB)}\n${MARKER}\n`);
		assert.deepEqual(of(findings, 'invalid-json').map((finding) => [finding.line, finding.data.column]), [[1, TEN_MB + 11]]);
		assert.deepEqual(at(of(findings, 'template-placeholder')[0]), [2, MARKER_COLUMN]);
	});

	void it('a valid 10 MB record: parsed, its tokens counted, and the next line checked too', async () => {
		const words = 'the quick brown fox jumps over the lazy dog '.repeat(Math.ceil(TEN_MB / 44)).slice(0, TEN_MB);
		const findings = await lint('ten-mb-valid.jsonl', `${JSON.stringify({ prompt: 'Summarise.', completion: words })}\n${MARKER}\n`);
		assert.deepEqual(of(findings, 'invalid-json'), []);
		const overLimit = of(findings, 'token-limit');
		assert.deepEqual(overLimit.map((finding) => [finding.line, finding.severity, finding.data.limit]), [[1, 'error', 16385]]);
		assert.ok(Number(overLimit[0].data.tokens) > 2_000_000, `${String(overLimit[0].data.tokens)} tokens`);
		assert.deepEqual(at(of(findings, 'template-placeholder')[0]), [2, MARKER_COLUMN]);
	});

	void it('binary garbage: invalid-json findings, and the record after it is still checked', async () => {
		const garbage = binaryGarbage(4096);
		// Like editors (and LSP), the CLI ends a line at CR, LF or CRLF.
		const lines = Buffer.from(garbage).toString('latin1').split(/\r\n|\r|\n/).length;
		const findings = await lint('garbage.jsonl', Buffer.concat([garbage, Buffer.from(`\n${MARKER}\n`)]));
		assert.ok(of(findings, 'invalid-json').length > 0);
		assert.deepEqual(at(of(findings, 'template-placeholder')[0]), [lines + 1, MARKER_COLUMN]);
	});

	void it('invalid UTF-8: replaced by U+FFFD and reported by the encoding rule at the damaged character', async () => {
		const bytes = Buffer.concat([
			Buffer.from('{"text": "caf'),
			Buffer.from([0xe9]), // Latin-1 é, not UTF-8
			Buffer.from(' au lait"}\n{"text": "cut in the middle of '),
			Buffer.from([0xe6, 0x97]), // the first two bytes of 日
			Buffer.from(`"}\n${MARKER}\n`),
		]);
		const findings = await lint('invalid-utf8.jsonl', bytes);
		assert.deepEqual(of(findings, 'encoding').map((finding) => [finding.line, finding.column, finding.data.kind]), [[1, 14, 'replacement-character'], [2, 32, 'replacement-character']]);
		assert.deepEqual(of(findings, 'invalid-json'), []);
		assert.deepEqual(at(of(findings, 'template-placeholder')[0]), [3, MARKER_COLUMN]);
	});

	void it('an empty file: one dataset-level finding that says so', async () => {
		const findings = await lint('empty.jsonl', '');
		assert.deepEqual(findings.map((finding) => [finding.ruleId, finding.scope, finding.message]), [['too-few-examples', 'file', 'The file is empty: there is nothing to fine-tune on.']]);
	});

	void it('a file of only blank lines: each blank line, and no records', async () => {
		const findings = await lint('blank.jsonl', '\n  \n\t\n');
		assert.deepEqual(of(findings, 'blank-line').map((finding) => finding.line), [1, 2, 3]);
		assert.equal(of(findings, 'too-few-examples')[0]?.data.records, 0);
	});

	void it('CRLF line ends: the same findings and columns as LF, and a CRLF blank line is a blank line', async () => {
		const records = cleanRecords('prompt-completion').slice(0, 9);
		const [lf, crlf] = await Promise.all([lint('lf.jsonl', `${jsonl(records)}${MARKER}\n\n`), lint('crlf.jsonl', `${jsonl(records, '\r\n')}${MARKER}\r\n\r\n`)]);
		const shape = (findings: CliFinding[]): unknown[] => findings.map(({ file: _file, ...rest }) => rest);
		assert.deepEqual(shape(crlf), shape(lf));
		assert.deepEqual(of(crlf, 'blank-line').map((finding) => [finding.line, finding.column, finding.endColumn]), [[11, 1, 1]]);
		assert.deepEqual(at(of(crlf, 'template-placeholder')[0]), [10, MARKER_COLUMN]);
		assert.deepEqual(of(crlf, 'invalid-json'), []);
	});

	void it('a byte order mark: a bom finding, and the first record is still parsed and checked', async () => {
		const findings = await lint('bom.jsonl', `\uFEFF${MARKER}\n${jsonl(cleanRecords('prompt-completion'))}`);
		assert.deepEqual(of(findings, 'bom').map((finding) => [finding.line, finding.column, finding.endColumn]), [[1, 1, 2]]);
		assert.deepEqual(of(findings, 'invalid-json'), []);
		// The BOM is a character of the line as an editor shows it, so the placeholder is one column further.
		assert.deepEqual(at(of(findings, 'template-placeholder')[0]), [1, MARKER_COLUMN + 1]);
	});
});
