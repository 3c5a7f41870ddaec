// Issue 8 benchmark (`BENCH_ONLY=forget npm run bench`): the forgetting table for sst2_train (base) → tweeteval_hate_train
// (target), seeded samples of BENCH_FORGET_RECORDS (default 2000) per task. Reference: the plain fine-tune row of the
// same run; each mitigation's retention and new-task accuracy are printed beside it.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { BENCH_DIR, ROOT } from './lib.mjs';

const DATASETS = path.join(ROOT, '..', 'shared', 'datasets', 'classification');
const PAIRS = [['sst2_train', 'tweeteval_hate_train'], ['agnews_dev', 'tweeteval_emotion_train']];
if (!existsSync(DATASETS)) {
	console.log(`bench:forget skipped: ${DATASETS} is absent`);
	process.exit(0);
}
mkdirSync(BENCH_DIR, { recursive: true });
const outfile = path.join(BENCH_DIR, 'forget-bench.cjs');
await esbuild.build({
	stdin: { contents: `export { probeForgetting, DEFAULT_FORGET_OPTIONS } from './server/src/training/forget/probe';\nexport { defaultSettings } from './server/src/core/settings';`, resolveDir: ROOT, loader: 'ts' },
	bundle: true,
	platform: 'node',
	format: 'cjs',
	outfile,
	logLevel: 'error',
});
const lib = createRequire(import.meta.url)(outfile);
const records = Number(process.env.BENCH_FORGET_RECORDS ?? 2000);
for (const [base, target] of PAIRS) {
	const read = (name) => ({ file: name, text: readFileSync(path.join(DATASETS, `${name}.jsonl`), 'utf8') });
	const started = Date.now();
	const report = lib.probeForgetting(read(base), read(target), lib.defaultSettings().fields, { ...lib.DEFAULT_FORGET_OPTIONS, maxRecords: records });
	console.log(`\n## Forgetting: ${base} → ${target} (${records} records per task, base accuracy before ${report.base.before.toFixed(3)}, ${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
	console.log('| method | params | retention | base after | new task |');
	console.log('|---|---|---|---|---|');
	for (const row of report.rows) {
		console.log(`| ${row.method} | ${JSON.stringify(row.params)} | ${row.retention.toFixed(3)} | ${row.baseAfter.toFixed(3)} | ${row.newTask.toFixed(3)} |`);
	}
}
