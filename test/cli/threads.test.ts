import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { CLI, FIXTURES } from '../helpers/paths';
import { scratchFolder, tunelint } from './cliHarness';

/** One file with every rule's bad fixture, so that every category reports something. */
function writeMixedFile(folder: string): string {
	const lines = readdirSync(FIXTURES)
		.sort()
		.flatMap((name) => {
			try {
				return readFileSync(path.join(FIXTURES, name, 'bad.jsonl'), 'utf8').replace(/\n$/, '').split('\n');
			} catch {
				return [];
			}
		});
	const file = path.join(folder, 'mixed.jsonl');
	writeFileSync(file, `${lines.join('\n')}\n`);
	return file;
}

void describe('tunelint check --threads', () => {
	const folder = scratchFolder();
	const file = writeMixedFile(folder);

	for (const format of ['json', 'sarif', 'stylish']) {
		void it(`prints the same ${format} report with the rules split between 2 and 3 threads as with one`, async () => {
			const single = await tunelint(['check', '--threads', '1', '--format', format, file], folder);
			assert.ok(single.code === 0 || single.code === 1, single.stderr);
			// Only the stylish footer's timing may differ.
			const stable = (text: string): string => text.replace(/\d+(\.\d+)? ?m?s\b/g, 'TIME');
			for (const threads of ['2', '3']) {
				const split = await tunelint(['check', '--threads', threads, '--format', format, file], folder);
				assert.equal(split.code, single.code, split.stderr);
				assert.equal(stable(split.stdout), stable(single.stdout), `${threads} threads`);
			}
		});
	}

	void it('reports many rules on the mixed file (so the comparison above means something)', async () => {
		const run = await tunelint(['check', '--threads', '2', '--format', 'json', file], folder);
		const rules = new Set((JSON.parse(run.stdout) as Array<{ ruleId: string }>).map((finding) => finding.ruleId));
		assert.ok(rules.size >= 20, [...rules].join(', '));
	});

	void it('names the file and the real problem when a lint thread fails (here its bundle is missing), not a read error', () => {
		const lone = scratchFolder();
		copyFileSync(CLI, path.join(lone, 'cli.js'));
		let stderr = '';
		let status = 0;
		try {
			execFileSync(process.execPath, [path.join(lone, 'cli.js'), 'check', '--category', 'duplicates', '--threads', '2', file], { cwd: folder, stdio: 'pipe' });
		} catch (error) {
			({ status, stderr } = error as { status: number; stderr: string });
		}
		assert.equal(status, 2);
		assert.match(String(stderr), /mixed\.jsonl: .*lintWorker\.js/);
		assert.doesNotMatch(String(stderr), /cannot read the file/);
	});

	void it('refuses a thread count that is not a whole number of at least 1', async () => {
		for (const value of ['0', '-2', 'two']) {
			const run = await tunelint(['check', '--threads', value, file], folder);
			assert.equal(run.code, 2, value);
			assert.match(run.stderr, /--threads/);
		}
	});
});
