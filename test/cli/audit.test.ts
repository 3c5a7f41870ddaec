/**
 * `tunelint audit` through the bundled CLI: exit 0 whenever the report was written (whatever it found), 2 on usage
 * and input errors; an existing --out file is kept without --force; the JSON is the data the HTML page embeds.
 * Also the problem matcher of the manifest against real `tunelint check` output.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { AuditData } from '../../server/src/core/audit';
import { FIXTURES, REPO_ROOT } from '../helpers/paths';
import { scratchFolder, tunelint } from './cliHarness';

const BAD = path.join(FIXTURES, 'duplicate-exact', 'bad.jsonl');

void describe('tunelint audit', () => {
	void it('writes the JSON data and exits 0 although the dataset has errors', async () => {
		const run = await tunelint(['audit', BAD, '--format', 'json'], scratchFolder());
		assert.equal(run.code, 0, run.stderr);
		const data = JSON.parse(run.stdout) as AuditData;
		assert.equal(data.summary.records, 5);
		assert.ok(data.summary.problems.error > 0);
		assert.deepEqual(data.rules.map((rule) => rule.ruleId).sort(), ['duplicate-exact', 'too-few-examples']);
	});

	void it('writes one self-contained HTML file, and keeps an existing one without --force', async () => {
		const folder = scratchFolder();
		const out = path.join(folder, 'report.html');
		const first = await tunelint(['audit', BAD, '--out', out], folder);
		assert.equal(first.code, 0, first.stderr);
		const html = readFileSync(out, 'utf8');
		assert.match(html, /^<!DOCTYPE html>/);
		// Outside our inlined bundle (whose strings may spell tags), nothing refers to anything to load.
		const shell = html.replace(/<script nonce="[^"]+">[\s\S]*<\/script>/, '');
		assert.ok(!/<(script|link|img|iframe)[^>]+(src|href)=/i.test(shell), 'the page loads nothing');
		assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
		assert.ok(html.length > 100_000, 'the renderer bundle is inlined');
		writeFileSync(out, 'mine');
		const second = await tunelint(['audit', BAD, '--out', out], folder);
		assert.equal(second.code, 2);
		assert.match(second.stderr, /exists; pass --force/);
		assert.equal(readFileSync(out, 'utf8'), 'mine');
		assert.equal((await tunelint(['audit', BAD, '--out', out, '--force'], folder)).code, 0);
	});

	void it('exits 2 on usage and input errors', async () => {
		const folder = scratchFolder();
		for (const args of [['audit'], ['audit', BAD, '--format', 'pdf'], ['audit', BAD], ['audit', path.join(folder, 'missing.jsonl'), '--format', 'json'], ['audit', BAD, '--out', BAD]]) {
			const run = await tunelint(args, folder);
			assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
			assert.match(run.stderr, /^tunelint: /);
		}
	});
});

void describe('problem matcher', () => {
	void it('reads file, line, column, severity, message and rule from tunelint check', async () => {
		const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { contributes: { problemMatchers: Array<{ name: string; pattern: Array<{ regexp: string }> }> } };
		const matcher = manifest.contributes.problemMatchers.find((item) => item.name === 'tunelint');
		assert.ok(matcher !== undefined);
		const [fileLine, problemLine] = matcher.pattern.map((pattern) => new RegExp(pattern.regexp));
		const run = await tunelint(['check', BAD], path.dirname(BAD));
		const lines = run.stdout.split('\n');
		assert.equal(fileLine.exec(lines[0])?.[1], BAD);
		// VS Code's loop ends at the first line that does not match, so every finding line must match (file-level ones too).
		const findings = lines.slice(1, lines.indexOf(''));
		const matched = findings.map((line) => problemLine.exec(line));
		assert.ok(matched.every((match) => match !== null), findings.join('\n'));
		assert.deepEqual(matched.filter((match) => match?.[1] !== undefined).map((match) => match?.slice(1)), [
			['3', '1', 'warning', 'Exact duplicate of line 1 (copy 2 of 3).', 'duplicate-exact'],
			['4', '1', 'warning', 'Exact duplicate of line 1 (copy 3 of 3).', 'duplicate-exact'],
			['5', '1', 'warning', 'Exact duplicate of line 2 (copy 2 of 2).', 'duplicate-exact'],
		]);
	});
});
