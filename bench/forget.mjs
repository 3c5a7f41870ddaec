// Issue 8 benchmark (`BENCH_ONLY=forget npm run bench`): the forgetting table for sst2_train (base) →
// tweeteval_hate_train (target) and agnews_dev → tweeteval_emotion_train, with the probe's defaults (base 5 epochs at
// SGD lr 0.1; every fine-tune 5 epochs at lr 0.2; replay r swept over 0.1, 0.3, 1), seeded samples of
// BENCH_FORGET_RECORDS (default 2000) per task, over BENCH_FORGET_SEEDS seeds (default 3; the seed sets the sample,
// the split, the initial weights and the order). Reference: the plain fine-tune row of the same run; each
// mitigation's mean retention is printed beside it with its difference from plain.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { reportFigure, requireSources, ROOT } from './lib.mjs';

const DATASETS = path.join(ROOT, '..', 'shared', 'datasets', 'classification');
const PAIRS = [['sst2_train', 'tweeteval_hate_train'], ['agnews_dev', 'tweeteval_emotion_train']];
if (!existsSync(DATASETS)) {
	console.log(`bench:forget skipped: ${DATASETS} is absent`);
	process.exit(0);
}
const lib = await requireSources('forget-bench', [
	"export { probeForgetting, DEFAULT_FORGET_OPTIONS } from './server/src/training/forget/probe';",
	"export { defaultSettings } from './server/src/core/settings';",
]);
const records = Number(process.env.BENCH_FORGET_RECORDS ?? 2000);
const seeds = [42, 43, 44].slice(0, Number(process.env.BENCH_FORGET_SEEDS ?? 3));
const mean = (values) => values.reduce((sum, value) => sum + value, 0) / values.length;
const sd = (values) => Math.sqrt(mean(values.map((value) => (value - mean(values)) ** 2)));
const describe = (row) => Object.entries(row.params).map(([name, value]) => `${name} ${value}`).join(', ') || '–';

for (const [base, target] of PAIRS) {
	const read = (name) => ({ file: name, text: readFileSync(path.join(DATASETS, `${name}.jsonl`), 'utf8') });
	const started = Date.now();
	const reports = seeds.map((seed) => lib.probeForgetting(read(base), read(target), lib.defaultSettings().fields, { ...lib.DEFAULT_FORGET_OPTIONS, seed, maxRecords: records }));
	const before = reports.map((report) => report.base.before);
	console.log(`\n## Forgetting: ${base} → ${target} (${records} records per task, seeds ${seeds.join(', ')}, base accuracy before ${mean(before).toFixed(3)} ± ${sd(before).toFixed(3)}, ${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
	console.log('| method | params | retention (mean ± sd) | vs plain | per seed | base after | new task |');
	console.log('|---|---|---|---|---|---|---|');
	const plain = mean(reports.map((report) => report.rows[0].retention));
	reports[0].rows.forEach((row, index) => {
		const retention = reports.map((report) => report.rows[index].retention);
		const difference = mean(retention) - plain;
		console.log(`| ${row.method} | ${describe(row)} | ${mean(retention).toFixed(3)} ± ${sd(retention).toFixed(3)} | ${index === 0 ? '–' : `${difference >= 0 ? '+' : ''}${difference.toFixed(3)}`} | ${retention.map((value) => value.toFixed(3)).join(' ')} | ${mean(reports.map((report) => report.rows[index].baseAfter)).toFixed(3)} | ${mean(reports.map((report) => report.rows[index].newTask)).toFixed(3)} |`);
		reportFigure({ measure: `${base} → ${target}, ${row.method} (${describe(row)}): retention`, value: mean(retention), reference: index === 0 ? undefined : `plain fine-tune ${plain.toFixed(3)} in the same run`, ratio: index === 0 ? undefined : mean(retention) / plain });
	});
}
