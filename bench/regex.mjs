// Issue 11 benchmark: the worst-case time of each rule on adversarial 1 MB lines (shapes that make backtracking
// regular expressions explode), as a ratio to JSON.parse of the same line measured in the same run.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { reportFigure, ROOT } from './lib.mjs';

const require = createRequire(import.meta.url);
const core = require(path.join(ROOT, 'out', 'server', 'src', 'core', 'index.js'));
const { adversarialLines } = require(path.join(ROOT, 'out', 'test', 'helpers', 'adversarial.js'));

const settings = core.defaultSettings();
const lines = adversarialLines(1 << 20);
const results = [];
for (const rule of core.ALL_RULES) {
	let worst = { ms: 0, shape: '' };
	for (const { shape, line } of lines) {
		const started = performance.now();
		await core.lintLines([line], settings, {}, [rule]);
		const ms = performance.now() - started;
		if (ms > worst.ms) {
			worst = { ms, shape };
		}
	}
	results.push({ id: rule.id, ...worst });
}
let parseMs = 0;
for (const { line } of lines) {
	const started = performance.now();
	try {
		JSON.parse(line);
	} catch {
		// Most adversarial lines are not valid JSON; the time to find that out is the reference.
	}
	parseMs = Math.max(parseMs, performance.now() - started);
}
console.log(`\n## Worst case per rule on adversarial 1 MB lines (${lines.length} shapes)\n`);
console.log(`Reference: the slowest JSON.parse of the same lines, ${parseMs.toFixed(1)} ms.\n`);
console.log('| rule | worst ms | × JSON.parse | worst shape |');
console.log('| --- | ---: | ---: | --- |');
for (const result of results.sort((a, b) => b.ms - a.ms)) {
	console.log(`| ${result.id} | ${result.ms.toFixed(1)} | ${(result.ms / parseMs).toFixed(1)} | ${result.shape} |`);
}
const worst = results[0];
reportFigure({ measure: `worst rule on adversarial 1 MB lines (${worst.id}, ${worst.shape})`, value: worst.ms, unit: 'ms', reference: `slowest JSON.parse of the same lines ${parseMs.toFixed(1)} ms`, ratio: worst.ms / parseMs });
