// Shared helpers for benchmarks: run a Node script in a child process and measure wall time and peak RSS, generate a
// seeded chat file, and report figures for bench/results.md.
//
// Figure-report convention: `npm run bench` (bench/run.mjs) collects every figure a benchmark reports into
// bench/results.md. A benchmark keeps printing its own human-readable tables and, for each figure worth keeping, calls
// `reportFigure({...})`, which prints one line `RESULT {json}` on stdout (run.mjs takes these lines out of the output
// it shows). A figure is a ratio, or a value stated with the reference measured in the same run:
//
//   reportFigure({
//     measure: 'check --category format: peak RSS',  // what was measured (the benchmark name is added from the file)
//     value: 212, unit: 'MB',                        // the figure
//     reference: 'readline + JSON.parse loop, 95 MB', // the reference measured in the same run, with its value
//     ratio: 2.23,                                   // value / reference (or the speed ratio the target names)
//     target: '< 300 MB', met: true,                 // the target and whether this run met it
//   });
//
// Every field but `measure` and `value` may be left out. A new benchmark is bench/<name>.mjs plus its name in the
// BENCHMARKS list of bench/run.mjs.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';
import * as esbuild from 'esbuild';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BENCH_DIR = path.join(ROOT, '.bench');
const RSS_PRELOAD = path.join(ROOT, 'bench', 'maxrss.cjs');

/**
 * Runs `node args…` with a preload that prints the peak RSS at exit; resolves to {seconds, peakMb, code, stdout}.
 * The child's stdout is drained (counted, not kept) so that large reports do not distort memory.
 */
export function measureNode(args, { keepStdout = false, timeoutMs = 3_600_000 } = {}) {
	return new Promise((resolve, reject) => {
		const started = process.hrtime.bigint();
		const child = spawn(process.execPath, ['--require', RSS_PRELOAD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stdoutBytes = 0;
		let peakKb = 0;
		let cpuUs = 0;
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		child.stdout.on('data', (chunk) => {
			stdoutBytes += chunk.length;
			if (keepStdout) {
				stdout += chunk;
			}
		});
		child.stderr.on('data', (chunk) => {
			const match = /TUNELINT_BENCH_MAXRSS_KB=(\d+)/.exec(String(chunk));
			if (match) {
				peakKb = Number(match[1]);
			}
			const cpu = /TUNELINT_BENCH_CPU_US=(\d+)/.exec(String(chunk));
			if (cpu) {
				cpuUs = Number(cpu[1]);
			}
		});
		child.on('error', reject);
		child.on('close', (code) => {
			clearTimeout(timer);
			const seconds = Number(process.hrtime.bigint() - started) / 1e9;
			resolve({ seconds, peakMb: peakKb / 1024, cpuSeconds: cpuUs / 1e6, code, stdout, stdoutBytes });
		});
	});
}

export function formatRow(cells, widths) {
	return cells.map((cell, index) => String(cell).padEnd(widths[index] ?? 12)).join(' ');
}

/**
 * Prints one figure as a `RESULT {json}` line for bench/run.mjs (see the convention at the top of this file).
 * `benchmark` defaults to the running script's name.
 */
export function reportFigure({ benchmark = path.basename(process.argv[1] ?? 'bench', '.mjs'), measure, value, unit, reference, ratio, target, met }) {
	const figure = { benchmark, measure, value: roundFigure(value), unit, reference, ratio: roundFigure(ratio), target, met };
	process.stdout.write(`RESULT ${JSON.stringify(figure)}\n`);
}

/** Four significant digits are plenty for a table, and keep results.md readable. */
function roundFigure(value) {
	return typeof value === 'number' && Number.isFinite(value) ? Number(value.toPrecision(4)) : value;
}

/**
 * Bundles project sources (TypeScript, from the repository root) into .bench/<name>.cjs and requires the result, so a
 * benchmark measures the current source without `tsc -b`. `exportLines` are export statements such as
 * "export { fit } from './server/src/training/train';". tfjs-node stays external: it is optional and absent here.
 */
export async function requireSources(name, exportLines) {
	mkdirSync(BENCH_DIR, { recursive: true });
	const outfile = path.join(BENCH_DIR, `${name}.cjs`);
	await esbuild.build({ stdin: { contents: exportLines.join('\n'), resolveDir: ROOT, loader: 'ts' }, bundle: true, platform: 'node', format: 'cjs', outfile, external: ['@tensorflow/tfjs-node'], logLevel: 'error' });
	return createRequire(import.meta.url)(outfile);
}

/** A deterministic pseudo-random generator (mulberry32), so that every run benchmarks the same file. */
export function mulberry32(seed) {
	return () => {
		seed |= 0;
		seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const WORDS = 'the model data answer question river mountain learning quickly because system value train example token ocean city music history science explain describe summary careful honest result number people language write code test bridge garden winter'.split(' ');

/**
 * Writes a seeded OpenAI chat JSONL file of about `megabytes` MB (the records of bench/format.mjs: a system turn, a
 * numbered question of 8 to 38 words, an answer of 20 to 140 words); resolves to the number of records.
 */
export async function writeChatFile(file, megabytes, seed = 42) {
	const random = mulberry32(seed);
	const sentence = (n) => Array.from({ length: n }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');
	const out = createWriteStream(file);
	let bytes = 0;
	let index = 0;
	while (bytes < megabytes * 1024 * 1024) {
		const record = {
			messages: [
				{ role: 'system', content: 'You are a helpful assistant.' },
				{ role: 'user', content: `${index}: ${sentence(8 + Math.floor(random() * 30))}?` },
				{ role: 'assistant', content: sentence(20 + Math.floor(random() * 120)) },
			],
		};
		const line = `${JSON.stringify(record)}\n`;
		bytes += Buffer.byteLength(line);
		index++;
		if (!out.write(line)) {
			await new Promise((resolve) => out.once('drain', resolve));
		}
	}
	await new Promise((resolve, reject) => {
		out.on('error', reject);
		out.end(resolve);
	});
	return index;
}
