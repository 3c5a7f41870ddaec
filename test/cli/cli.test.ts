import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { ALL_RULES, DATASET_FORMATS } from '../../server/src/core';
import { jsonFindings, jsonl, scratchFolder, tunelint, writeInput, type CliFinding } from './cliHarness';
import { cleanRecords } from './formatSamples';
import { validateSarif } from './sarifSchema';

/**
 * End-to-end tests of the bundled CLI (server/out/cli.js): exit codes, options, the three output formats and bad
 * input. Each test spawns `node server/out/cli.js` in a scratch folder, so no .tunelintrc.json of the repository
 * applies unless a test writes one.
 */
const work = scratchFolder();
after(() => rmSync(work, { recursive: true, force: true }));

const CATEGORY_OF = new Map(ALL_RULES.map((rule) => [rule.id, rule.category]));
const CHAT = cleanRecords('openai-chat');
/** A clean file of ten chat records with one blank line in the middle: one warning, no errors. */
const WITH_WARNING = writeInput(work, 'with-warning.jsonl', `${jsonl(CHAT.slice(0, 5))}\n${jsonl(CHAT.slice(5))}`);
/** The same records after an unparsable line: one error. */
const WITH_ERROR = writeInput(work, 'with-error.jsonl', `${jsonl(CHAT.slice(0, 5))}{"messages": [\n${jsonl(CHAT.slice(5))}`);

const rulesOf = (findings: CliFinding[]): string[] => [...new Set(findings.map((finding) => finding.ruleId))].sort();

void describe('tunelint check', { concurrency: true }, () => {
	void it('accepts one small clean file of every format, detects each format, and exits 0', async () => {
		for (const format of DATASET_FORMATS) {
			// One of them as .ndjson: a directory walk picks up both extensions, and nothing else.
			writeInput(work, `formats/${format}.${format === 'text' ? 'ndjson' : 'jsonl'}`, jsonl(cleanRecords(format)));
		}
		writeInput(work, 'formats/README.md', 'not a dataset');
		const run = await tunelint(['check', 'formats', '--category', 'format'], work);
		assert.equal(run.code, 0, run.stdout + run.stderr);
		const headers = [...run.stdout.matchAll(/^(\S+)\s+(\d+) records, (\S+), \d+ ms$/gm)].map((match) => ({ file: path.basename(match[1]), records: Number(match[2]), format: match[3] }));
		assert.deepEqual(headers.map((header) => header.format).sort(), [...DATASET_FORMATS].sort(), run.stdout);
		for (const header of headers) {
			assert.equal(header.file.replace(/\.(jsonl|ndjson)$/, ''), header.format, `${header.file} was detected as ${header.format}`);
			assert.equal(header.records, 10);
		}
		// Ten records meet the minimum; the only findings are the "50–100 recommended" notes, one per file.
		assert.match(run.stdout, /✖ 12 problems \(0 errors, 0 warnings, 12 infos\)$/m);
	});

	void it('exits 1 when there are errors, and 0 when there are only warnings', async () => {
		const [errors, warnings] = await Promise.all([tunelint(['check', WITH_ERROR], work), tunelint(['check', WITH_WARNING], work)]);
		assert.equal(errors.code, 1, errors.stdout);
		assert.match(errors.stdout, /^ {2}6:14 +error +Invalid JSON: .*invalid-json$/m);
		assert.equal(warnings.code, 0, warnings.stdout);
		assert.match(warnings.stdout, /^ {2}6:1 +warning +Blank line: .*blank-line$/m);
	});

	void it('exits 1 with --max-warnings when there are more warnings than allowed', async () => {
		const [zero, one] = await Promise.all([tunelint(['check', WITH_WARNING, '--max-warnings', '0'], work), tunelint(['check', WITH_WARNING, '--max-warnings', '1'], work)]);
		assert.equal(zero.code, 1);
		assert.equal(one.code, 0);
	});

	void it('exits 2 with a message on usage errors', async () => {
		const cases: Array<{ args: string[]; message: RegExp }> = [
			{ args: ['check', WITH_WARNING, '--rule', 'no-such-rule=off'], message: /unknown rule "no-such-rule"/ },
			{ args: ['check', WITH_WARNING, '--rule', 'blank-line=loud'], message: /severity must be off, info, warning or error/ },
			{ args: ['check', WITH_WARNING, '--format', 'xml'], message: /unknown --format "xml"/ },
			{ args: ['check', 'no-such-file.jsonl'], message: /no-such-file\.jsonl: no such file or directory/ },
			{ args: ['check', WITH_WARNING, '--category', 'format,colour'], message: /unknown category "colour"/ },
			{ args: ['check', WITH_WARNING, '--max-warnings', 'many'], message: /--max-warnings must be a whole number/ },
			{ args: ['check', WITH_WARNING, '--no-such-option'], message: /no-such-option/ },
			{ args: ['check'], message: /no files given/ },
			{ args: [], message: /Usage: tunelint/ },
		];
		const runs = await Promise.all(cases.map((item) => tunelint(item.args, work)));
		runs.forEach((run, index) => {
			const { args, message } = cases[index];
			assert.equal(run.code, 2, `tunelint ${args.join(' ')} exited ${run.code}`);
			assert.match(run.stderr + run.stdout, message, `tunelint ${args.join(' ')}`);
			assert.doesNotMatch(run.stderr, /internal error/);
		});
	});

	void it('prints help and exits 0 with --help', async () => {
		const run = await tunelint(['check', '--help'], work);
		assert.equal(run.code, 0);
		assert.match(run.stdout, /--max-warnings N/);
	});

	void it('turns a rule off, or changes its severity, with --rule', async () => {
		const [off, raised] = await Promise.all([
			tunelint(['check', WITH_WARNING, '--rule', 'blank-line=off', '--format', 'json'], work),
			tunelint(['check', WITH_WARNING, '--rule', 'blank-line=error', '--format', 'json'], work),
		]);
		assert.equal(off.code, 0);
		assert.ok(!rulesOf(jsonFindings(off)).includes('blank-line'));
		assert.equal(raised.code, 1);
		assert.deepEqual(jsonFindings(raised).filter((finding) => finding.ruleId === 'blank-line').map((finding) => [finding.line, finding.severity]), [[6, 'error']]);
	});

	void it('runs only the rules of the categories given with --category', async () => {
		const records = [...CHAT, CHAT[0]];
		const file = writeInput(work, 'categories.jsonl', `${jsonl(records)}{"messages": [\n`);
		const [format, duplicates] = await Promise.all([
			tunelint(['check', file, '--category', 'format', '--format', 'json'], work),
			tunelint(['check', file, '--category', 'duplicates', '--format', 'json'], work),
		]);
		const formatFindings = jsonFindings(format);
		assert.ok(rulesOf(formatFindings).includes('invalid-json'));
		assert.deepEqual([...new Set(formatFindings.map((finding) => CATEGORY_OF.get(finding.ruleId)))], ['format']);
		const duplicateFindings = jsonFindings(duplicates);
		assert.ok(rulesOf(duplicateFindings).includes('duplicate-exact'), JSON.stringify(duplicateFindings));
		assert.deepEqual([...new Set(duplicateFindings.map((finding) => CATEGORY_OF.get(finding.ruleId)))], ['duplicates']);
	});

	void it('reads .tunelintrc.json from the working folder upwards, or the file named by --config', async () => {
		const project = path.join(work, 'project');
		writeInput(project, '.tunelintrc.json', JSON.stringify({ rules: { 'blank-line': 'off' }, ruleOptions: { 'too-few-examples': { minimum: 3, recommended: 3 } } }));
		writeInput(project, 'data/three.jsonl', `${jsonl(CHAT.slice(0, 2))}\n${jsonl(CHAT.slice(2, 3))}`);
		writeInput(work, 'strict.json', JSON.stringify({ rules: { 'blank-line': 'error' } }));
		writeInput(work, 'broken.json', '{"rules": {');
		writeInput(work, 'unknown-rule.json', JSON.stringify({ rules: { 'no-such-rule': 'off' } }));
		const [found, named, broken, unknown, missing] = await Promise.all([
			tunelint(['check', 'three.jsonl', '--format', 'json', '--category', 'format'], path.join(project, 'data')),
			tunelint(['check', WITH_WARNING, '--config', 'strict.json'], work),
			tunelint(['check', WITH_WARNING, '--config', 'broken.json'], work),
			tunelint(['check', WITH_WARNING, '--config', 'unknown-rule.json'], work),
			tunelint(['check', WITH_WARNING, '--config', 'no-such-config.json'], work),
		]);
		// Found from project/data by walking up: blank-line is off and three records meet the configured minimum.
		assert.equal(found.code, 0, found.stderr);
		assert.deepEqual(jsonFindings(found).filter((finding) => finding.ruleId === 'blank-line' || finding.ruleId === 'too-few-examples'), []);
		assert.equal(named.code, 1);
		assert.equal(broken.code, 2);
		assert.match(broken.stderr, /broken\.json: the config file is not valid JSON/);
		assert.equal(unknown.code, 0, 'an unknown rule in the config is a warning, not a stop');
		assert.match(unknown.stderr, /unknown-rule\.json: unknown rule "no-such-rule"/);
		assert.equal(missing.code, 2);
		assert.match(missing.stderr, /no-such-config\.json: cannot read the config file/);
	});

	void it('prints JSON findings with 1-based lines and UTF-16 columns, a severity word and the evidence', async () => {
		const file = writeInput(work, 'json-shape.jsonl', `${jsonl(CHAT.slice(0, 3))}{"text": "😀" oops}\n`);
		const run = await tunelint(['check', file, '--format', 'json', '--category', 'format'], work);
		const findings = jsonFindings(run);
		for (const finding of findings) {
			assert.deepEqual(Object.keys(finding).sort(), ['column', 'data', 'endColumn', 'endLine', 'file', 'line', 'message', 'ruleId', 'scope', 'severity']);
			assert.ok(['error', 'warning', 'info'].includes(finding.severity));
			assert.equal(typeof finding.data, 'object');
			assert.ok(finding.line >= 1 && finding.column >= 1);
		}
		// {"text": "😀" oops}: the emoji takes two UTF-16 code units, so "oops" starts at column 15 (as in VS Code).
		const invalid = findings.find((finding) => finding.ruleId === 'invalid-json');
		assert.deepEqual(invalid && { ...invalid, message: undefined }, {
			file,
			line: 4,
			column: 15,
			endLine: 4,
			endColumn: 16,
			ruleId: 'invalid-json',
			severity: 'error',
			message: undefined,
			scope: 'line',
			data: { column: 15 },
		});
		const tooFew = findings.find((finding) => finding.ruleId === 'too-few-examples');
		assert.deepEqual(tooFew && [tooFew.scope, tooFew.line, tooFew.column, tooFew.severity, tooFew.data.records], ['file', 1, 1, 'error', 3]);
	});

	void it('prints SARIF 2.1.0 that the official schema accepts, with dataset-level findings carrying no region', async () => {
		const lineFindings = writeInput(work, 'sarif/lines.jsonl', `${jsonl(CHAT)}{"messages": [\n\n`);
		writeInput(work, 'sarif/small.jsonl', jsonl(CHAT.slice(0, 2)));
		const run = await tunelint(['check', 'sarif', '--format', 'sarif'], work);
		assert.equal(run.code, 1);
		const log = JSON.parse(run.stdout) as SarifLog;
		assert.deepEqual(validateSarif(log), []);
		assert.equal(log.version, '2.1.0');
		const [sarifRun] = log.runs;
		const rules = sarifRun.tool.driver.rules;
		assert.deepEqual(rules.map((rule) => rule.id), ALL_RULES.map((rule) => rule.id));
		for (const rule of rules) {
			assert.match(rule.helpUri, new RegExp(`#${rule.id}$`));
		}
		for (const result of sarifRun.results) {
			assert.equal(rules[result.ruleIndex].id, result.ruleId);
			assert.ok(['error', 'warning', 'note'].includes(result.level));
			assert.equal(typeof result.message.text, 'string');
		}
		const invalid = sarifRun.results.find((result) => result.ruleId === 'invalid-json');
		assert.deepEqual(invalid?.locations[0].physicalLocation, { artifactLocation: { uri: lineFindings }, region: { startLine: 11, startColumn: 14, endLine: 11, endColumn: 15 } });
		const blank = sarifRun.results.find((result) => result.ruleId === 'blank-line');
		assert.deepEqual(blank?.locations[0].physicalLocation.region, { startLine: 12, startColumn: 1, endLine: 12, endColumn: 2 }, 'an empty range still covers one column');
		const tooFew = sarifRun.results.find((result) => result.ruleId === 'too-few-examples' && result.locations[0].physicalLocation.artifactLocation.uri === 'sarif/small.jsonl');
		assert.deepEqual(tooFew?.locations[0].physicalLocation, { artifactLocation: { uri: 'sarif/small.jsonl' } });
		assert.equal(tooFew?.level, 'error');
		// The schema check is not vacuous: a log with a made-up level fails it.
		assert.notDeepEqual(validateSarif({ ...log, runs: [{ ...sarifRun, results: [{ ...sarifRun.results[0], level: 'fatal' }] }] }), []);
	});

	void it('caps line findings with --max-problems and says so', async () => {
		const file = writeInput(work, 'many-blank.jsonl', `${jsonl(CHAT)}${'\n'.repeat(20)}`);
		const [json, stylish] = await Promise.all([
			tunelint(['check', file, '--max-problems', '5', '--format', 'json'], work),
			tunelint(['check', file, '--max-problems', '5'], work),
		]);
		assert.equal(jsonFindings(json).filter((finding) => finding.ruleId === 'blank-line').length, 5);
		assert.match(stylish.stdout, /… \d+ more findings not shown \(raise --max-problems to see them\)/);
	});
});

/** The parts of a SARIF log these tests read. */
interface SarifLog {
	version: string;
	runs: Array<{
		tool: { driver: { rules: Array<{ id: string; helpUri: string }> } };
		results: Array<{
			ruleId: string;
			ruleIndex: number;
			level: string;
			message: { text: string };
			locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region?: Record<string, number> } }>;
		}>;
	}>;
}
