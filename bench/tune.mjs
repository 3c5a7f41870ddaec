// Issue 8 benchmark (`BENCH_ONLY=tune npm run bench`): best-so-far validation loss of grid, random and Bayesian search
// at equal budgets over 5 seeds, on a seeded 4,000-record sample of sst2_train (the proxy trained per trial; the full
// 67k records would take hours on a shared 2-core machine). Reference: random search in the same run. Reports, per
// method, the mean best after k trials, and how many trials Bayes needs on average to reach random's final best.
// BENCH_TUNE_TRIALS (default 12), BENCH_TUNE_RECORDS (default 4000) and BENCH_TUNE_SEEDS (default 5) change the budget.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { BENCH_DIR, ROOT } from './lib.mjs';

const FILE = path.join(ROOT, '..', 'shared', 'datasets', 'classification', 'sst2_train.jsonl');
const TRIALS = Number(process.env.BENCH_TUNE_TRIALS ?? 12);
const RECORDS = Number(process.env.BENCH_TUNE_RECORDS ?? 4000);
const SEEDS = [1, 2, 3, 4, 5].slice(0, Number(process.env.BENCH_TUNE_SEEDS ?? 5));
const METHODS = ['grid', 'random', 'bayes'];

if (!existsSync(FILE)) {
	console.log(`bench:tune skipped: ${FILE} is absent`);
	process.exit(0);
}

mkdirSync(BENCH_DIR, { recursive: true });
const outfile = path.join(BENCH_DIR, 'tune-bench.cjs');
await esbuild.build({
	stdin: {
		contents: `export { selectBackend } from './server/src/training/backend';
export { tuneObjective, DEFAULT_TUNE_SPACE } from './server/src/training/tune/objective';
export { search, bestSoFar } from './server/src/training/tune/search';
export { seededRandom, shuffleInPlace } from './server/src/training/random';
export { defaultSettings } from './server/src/core/settings';`,
		resolveDir: ROOT,
		loader: 'ts',
	},
	bundle: true,
	platform: 'node',
	format: 'cjs',
	outfile,
	external: ['@tensorflow/tfjs-node'],
	logLevel: 'error',
});
const lib = createRequire(import.meta.url)(outfile);
const backend = await lib.selectBackend(process.env.BENCH_BACKEND ?? 'auto');
const lines = readFileSync(FILE, 'utf8').split('\n').filter((line) => line.trim() !== '');
const sample = lib.shuffleInPlace(lines, lib.seededRandom(7)).slice(0, RECORDS).join('\n');

const curves = Object.fromEntries(METHODS.map((method) => [method, []]));
const started = Date.now();
for (const seed of SEEDS) {
	const objective = lib.tuneObjective(sample, 'sst2_train(sample)', lib.defaultSettings().fields, { seed, validationShare: 0.2, epochs: 10 });
	for (const method of METHODS) {
		const result = await lib.search((params) => objective.evaluate(params), lib.DEFAULT_TUNE_SPACE, { method, trials: TRIALS, seed });
		curves[method].push(lib.bestSoFar(result.trials));
		process.stderr.write(`seed ${seed} ${method}: best ${result.best.metric.toFixed(4)}\n`);
	}
}
const meanAt = (method, k) => {
	const values = curves[method].map((curve) => curve[Math.min(k, curve.length - 1)]);
	return values.reduce((sum, value) => sum + value, 0) / values.length;
};
const marks = [...new Set([2, 4, 6, 8, TRIALS - 1].filter((k) => k < TRIALS))];
console.log(`\n## Hyper-parameter search (${RECORDS} sst2_train records, ${TRIALS} trials, ${SEEDS.length} seeds, backend ${backend.name}, ${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
console.log(`| method | ${marks.map((k) => `best after ${k + 1}`).join(' | ')} |`);
console.log(`|---|${marks.map(() => '---').join('|')}|`);
for (const method of METHODS) {
	console.log(`| ${method} | ${marks.map((k) => meanAt(method, k).toFixed(4)).join(' | ')} |`);
}
// Trials Bayes needs to reach random search's final best of the same seed (TRIALS + 1 when it never does).
const needed = SEEDS.map((_, index) => {
	const target = curves.random[index][curves.random[index].length - 1];
	const reached = curves.bayes[index].findIndex((value) => value <= target);
	return reached === -1 ? TRIALS + 1 : reached + 1;
});
console.log(`\nBayes reaches random search's final best (validation loss, per seed) after ${needed.join(', ')} trials; mean ${(needed.reduce((a, b) => a + b, 0) / needed.length).toFixed(1)} of ${TRIALS}.`);
