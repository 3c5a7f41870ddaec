// Issue 2 benchmark: throughput of `tunelint check` on a generated chat file as a ratio to a bare readline + JSON.parse
// loop over the same file in the same run, and the peak RSS of each. Size: BENCH_MB (default 300).
import { existsSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { BENCH_DIR, measureNode, reportFigure, ROOT, writeChatFile } from './lib.mjs';

const megabytes = Number(process.env.BENCH_MB ?? 300);
const file = path.join(BENCH_DIR, `chat-${megabytes}mb.jsonl`);
const CLI = path.join(ROOT, 'server', 'out', 'cli.js');

if (!existsSync(file)) {
	process.stderr.write(`generating ${file}…\n`);
	await mkdir(BENCH_DIR, { recursive: true });
	await writeChatFile(file, megabytes);
}
const size = statSync(file).size / (1024 * 1024);
const reference = await measureNode([path.join(ROOT, 'bench', 'reference-loop.mjs'), file]);
const runs = [
	['check --category format', ['check', '--category', 'format', '--format', 'json', file]],
	['check (default rules)', ['check', '--format', 'json', file]],
];
console.log(`\n## Format benchmark: ${size.toFixed(0)} MB chat file (${path.basename(file)})\n`);
console.log('| run | seconds | MB/s | ratio to reference loop | peak RSS MB |');
console.log('| --- | ---: | ---: | ---: | ---: |');
console.log(`| reference: readline + JSON.parse | ${reference.seconds.toFixed(1)} | ${(size / reference.seconds).toFixed(1)} | 1.00 | ${reference.peakMb.toFixed(0)} |`);
// The default set is bounded: its model-fitting and near-duplicate rules are far slower than the format rules.
const LIMIT_SECONDS = Number(process.env.BENCH_FORMAT_LIMIT_SECONDS ?? 900);
for (const [label, args] of runs) {
	const result = await measureNode([CLI, ...args], { timeoutMs: LIMIT_SECONDS * 1000 });
	const ratio = reference.seconds / result.seconds;
	const status = result.code === null ? ` (stopped after ${LIMIT_SECONDS} s, unfinished)` : result.code === 0 || result.code === 1 ? '' : ` (exit ${result.code})`;
	console.log(`| ${label}${status} | ${result.seconds.toFixed(1)} | ${(size / result.seconds).toFixed(1)} | ${ratio.toFixed(2)} | ${result.peakMb.toFixed(0)} |`);
	const format = label.includes('format');
	reportFigure({ measure: `${label} on ${size.toFixed(0)} MB: speed ratio${status}`, value: ratio, reference: `readline + JSON.parse loop ${reference.seconds.toFixed(1)} s; this run ${result.seconds.toFixed(1)} s`, ratio, target: format ? '≥ 0.40' : undefined, met: format ? ratio >= 0.4 : undefined });
	reportFigure({ measure: `${label} on ${size.toFixed(0)} MB: peak RSS${status}`, value: result.peakMb, unit: 'MB', reference: `reference loop ${reference.peakMb.toFixed(0)} MB`, ratio: result.peakMb / reference.peakMb, target: format ? '< 300 MB' : undefined, met: format ? result.peakMb < 300 : undefined });
}
console.log('\nTargets (issue 2): `--category format` at least 0.40 of the reference speed, peak RSS under 300 MB.');
