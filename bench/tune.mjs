// Issue 8 benchmark (`BENCH_ONLY=tune npm run bench`): best-so-far validation loss of grid, random, Bayesian (GP)
// and TPE search at equal budgets over 5 seeds, on a seeded sample of sst2_train. The proxy is shrunk so that the
// 4 × 5 searches fit in about 20 minutes on a shared 2-core machine: BENCH_TUNE_RECORDS records (default 1000, of
// 6,920), at most BENCH_TUNE_EPOCHS epochs per trial (default 4, early stopping with patience 2), BENCH_TUNE_TRIALS
// trials (default 25). Trials run one after another in this process (workers = 1), so the curves are those of the
// sequential algorithms. Reference: random search in the same run. Reported per method: the mean best after k
// trials, the mean final best, and the trials needed to reach random search's final best of the same seed. Bayes and
// TPE go on past the budget (up to BENCH_TUNE_EXTENDED trials, default twice the budget; their first trials do not
// depend on the total) only to measure that count instead of censoring it; the curves and final bests use the budget.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { reportFigure, requireSources, ROOT } from './lib.mjs';

const FILE = path.join(ROOT, '..', 'shared', 'datasets', 'classification', 'sst2_train.jsonl');
const TRIALS = Number(process.env.BENCH_TUNE_TRIALS ?? 25);
const RECORDS = Number(process.env.BENCH_TUNE_RECORDS ?? 1000);
const EPOCHS = Number(process.env.BENCH_TUNE_EPOCHS ?? 4);
const SEEDS = [1, 2, 3, 4, 5].slice(0, Number(process.env.BENCH_TUNE_SEEDS ?? 5));
const METHODS = (process.env.BENCH_TUNE_METHODS ?? 'grid,random,bayes,tpe').split(',');
const EXTENDED = Math.max(TRIALS, Number(process.env.BENCH_TUNE_EXTENDED ?? 2 * TRIALS));
const MODEL_BASED = new Set(['bayes', 'tpe']);

if (!existsSync(FILE)) {
	console.log(`bench:tune skipped: ${FILE} is absent`);
	process.exit(0);
}

const lib = await requireSources('tune-bench', [
	"export { selectBackend } from './server/src/training/backend';",
	"export { tuneObjective } from './server/src/training/tune/objective';",
	"export { DEFAULT_TUNE_SPACE } from './server/src/training/tune/space';",
	"export { search, bestSoFar } from './server/src/training/tune/search';",
	"export { seededRandom, shuffleInPlace } from './server/src/training/random';",
	"export { defaultSettings } from './server/src/core/settings';",
]);
const backend = await lib.selectBackend(process.env.BENCH_BACKEND ?? 'auto');
const lines = readFileSync(FILE, 'utf8').split('\n').filter((line) => line.trim() !== '');
const sample = lib.shuffleInPlace(lines, lib.seededRandom(7)).slice(0, RECORDS).join('\n');

const mean = (values) => values.reduce((sum, value) => sum + value, 0) / values.length;
const sd = (values) => Math.sqrt(mean(values.map((value) => (value - mean(values)) ** 2)));
const at = (curve, k) => curve[Math.min(k, curve.length - 1)];

const curves = Object.fromEntries(METHODS.map((method) => [method, []]));
const seconds = Object.fromEntries(METHODS.map((method) => [method, 0]));
const started = Date.now();
for (const seed of SEEDS) {
	const objective = lib.tuneObjective(sample, 'sst2_train(sample)', lib.defaultSettings().fields, { seed, validationShare: 0.2, epochs: EPOCHS });
	for (const method of METHODS) {
		const searchStarted = Date.now();
		const result = await lib.search((params) => objective.evaluate(params), lib.DEFAULT_TUNE_SPACE, { method, trials: MODEL_BASED.has(method) ? EXTENDED : TRIALS, seed });
		seconds[method] += (Date.now() - searchStarted) / 1000;
		curves[method].push(lib.bestSoFar(result.trials));
		process.stderr.write(`seed ${seed} ${method}: best ${at(curves[method].at(-1), TRIALS - 1).toFixed(4)} after ${TRIALS} trials\n`);
	}
}

const marks = [...new Set([2, 4, 6, 9, 14, 19, TRIALS - 1].filter((k) => k < TRIALS))];
console.log(`\n## Hyper-parameter search (sst2_train sample of ${RECORDS} records, 80/20 split, ≤ ${EPOCHS} epochs per trial, ${TRIALS} trials, seeds ${SEEDS.join(', ')}, backend ${backend.name}, ${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
console.log('Mean best validation loss after k trials:\n');
console.log(`| method | ${marks.map((k) => `k = ${k + 1}`).join(' | ')} |`);
console.log(`|---|${marks.map(() => '---').join('|')}|`);
for (const method of METHODS) {
	console.log(`| ${method} | ${marks.map((k) => mean(curves[method].map((curve) => at(curve, k))).toFixed(4)).join(' | ')} |`);
}
if (curves.random !== undefined) {
	// Trials a method needs to reach random search's final best of the same seed; a seed that never does counts as
	// TRIALS + 1 (a lower bound), and the number of seeds that got there is shown beside the mean.
	console.log(`\nPer method: mean final best after ${TRIALS} trials (± sd over seeds), and trials to reach random search's final best (${TRIALS} trials) of the same seed (Bayes and TPE followed up to ${EXTENDED} trials):\n`);
	console.log('| method | final best | trials to random\'s final best (per seed) | mean | seeds reaching it | search seconds |');
	console.log('|---|---|---|---|---|---|');
	const summary = Object.fromEntries(
		METHODS.map((method) => {
			const finals = curves[method].map((curve) => at(curve, TRIALS - 1));
			const limit = MODEL_BASED.has(method) ? EXTENDED : TRIALS;
			const needed = SEEDS.map((_, index) => {
				const target = at(curves.random[index], TRIALS - 1);
				const reached = curves[method][index].findIndex((value) => value <= target);
				return reached === -1 ? limit + 1 : reached + 1;
			});
			const reached = needed.filter((count) => count <= limit).length;
			console.log(`| ${method} | ${mean(finals).toFixed(4)} ± ${sd(finals).toFixed(4)} | ${needed.map((count) => (count > limit ? `>${limit}` : String(count))).join(', ')} | ${mean(needed).toFixed(1)}${reached < SEEDS.length ? ' (lower bound)' : ''} | ${reached}/${SEEDS.length} | ${seconds[method].toFixed(0)} |`);
			return [method, { final: mean(finals), needed: mean(needed), reached, limit }];
		}),
	);
	const settings = `${RECORDS} sst2_train records, ≤ ${EPOCHS} epochs, ${TRIALS} trials, ${SEEDS.length} seeds`;
	for (const method of METHODS.filter((name) => name !== 'random')) {
		const { final, needed, reached, limit } = summary[method];
		reportFigure({ measure: `${method}: mean final best validation loss (${settings})`, value: final, reference: `random search ${summary.random.final.toFixed(4)} in the same run`, ratio: final / summary.random.final });
		reportFigure({
			measure: `${method}: mean trials to reach random search's final best (${settings}; ${reached}/${SEEDS.length} seeds reach it, followed up to ${limit} trials, the others count as ${limit + 1})`,
			value: needed,
			// Random search spends its whole budget to be sure of its final best; the stricter reference is the trial at
			// which it happened to find it, which favours random search (the target is its own best), and is shown beside.
			reference: `random search's budget of ${TRIALS} trials (it met its final best at trial ${summary.random.needed.toFixed(1)} on average) in the same run`,
			ratio: needed / TRIALS,
			// A seed that never got there counts as limit + 1, a lower bound, so the target is only met when every seed got there.
			...(method === 'bayes' ? { target: `fewer than random search's ${TRIALS} trials on average, every seed reaching it`, met: reached === SEEDS.length && needed < TRIALS } : {}),
		});
	}
}
