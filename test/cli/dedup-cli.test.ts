import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import { main } from '../../server/src/cli/main';

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
	let out = '';
	let err = '';
	const code = await main(args, { out: (text) => (out += text), err: (text) => (err += text) });
	return { code, out, err };
}

void describe('tunelint dedup writes', () => {
	void it('replaces an existing copy or report only with --force, and leaves no temporary file behind', async () => {
		const folder = mkdtempSync(path.join(os.tmpdir(), 'tunelint-dedup-'));
		const input = path.join(folder, 'in.jsonl');
		const out = path.join(folder, 'out.jsonl');
		const report = path.join(folder, 'dropped.jsonl');
		writeFileSync(input, '{"text":"a","label":"x"}\n{"text":"A","label":"x"}\n{"text":"b","label":"y"}\n');
		writeFileSync(report, 'older report\n');
		const refused = await run('dedup', input, '--out', out, '--report', report);
		assert.equal(refused.code, 2);
		assert.match(refused.err, /dropped\.jsonl exists/);
		assert.equal(readFileSync(report, 'utf8'), 'older report\n');
		const forced = await run('dedup', input, '--out', out, '--report', report, '--force');
		assert.equal(forced.code, 0, forced.err);
		assert.equal(readFileSync(out, 'utf8'), '{"text":"a","label":"x"}\n{"text":"b","label":"y"}\n');
		assert.deepEqual(JSON.parse(readFileSync(report, 'utf8')), { line: 2, keptLine: 1, reason: 'exact', similarity: 1 });
		assert.equal((await run('dedup', input, '--out', out)).code, 2, 'an existing copy needs --force');
		assert.deepEqual(readdirSync(folder).sort(), ['dropped.jsonl', 'in.jsonl', 'out.jsonl']);
	});
});
