// `npm run bench`: runs every benchmark in turn, shows their tables, and writes bench/results.md (one row per figure
// the benchmarks report with reportFigure, see bench/lib.mjs) with the machine's description.
// `npm run bench -- --only name,name` (or BENCH_ONLY=name,name) runs a subset; the figures of the benchmarks not run are
// kept from the previous run (bench/results.json) and marked with their date.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Every benchmark, in the order they run; each prints Markdown tables and reports its figures with reportFigure. */
const BENCHMARKS = ['format', 'regex', 'fairness', 'dedup', 'relint', 'provenance', 'poison', 'train', 'tune', 'forget', 'huge'];
const RESULTS_JSON = path.join(here, 'results.json');
const RESULTS_MD = path.join(here, 'results.md');
const RESULT_PREFIX = 'RESULT ';

const { values } = parseArgs({ options: { only: { type: 'string' } } });
const only = (values.only ?? process.env.BENCH_ONLY)?.split(',').map((name) => name.trim());
const unknown = only?.filter((name) => !BENCHMARKS.includes(name)) ?? [];
if (unknown.length > 0) {
	console.error(`unknown benchmark ${unknown.join(', ')} (known: ${BENCHMARKS.join(', ')})`);
	process.exit(2);
}

const machine = describeMachine();
let failed = false;
for (const name of BENCHMARKS.filter((item) => only === undefined || only.includes(item))) {
	const run = await runBenchmark(name);
	failed ||= run.exitCode !== 0;
	// Read again and written after each benchmark, so that an interrupted `npm run bench` keeps what it measured and a
	// subset run at the same time is not lost.
	const results = existsSync(RESULTS_JSON) ? JSON.parse(readFileSync(RESULTS_JSON, 'utf8')) : { runs: {} };
	results.runs[name] = { ...run, machine };
	writeFileSync(RESULTS_JSON, `${JSON.stringify(results, null, '\t')}\n`);
	writeFileSync(RESULTS_MD, resultsMarkdown(results.runs));
}
console.log(`\nFigures written to ${path.relative(process.cwd(), RESULTS_MD)}.`);
process.exitCode = failed ? 1 : 0;

/** Runs bench/<name>.mjs, echoing its output except the RESULT lines, which it collects. */
function runBenchmark(name) {
	return new Promise((resolve) => {
		const started = Date.now();
		const child = spawn(process.execPath, [path.join(here, `${name}.mjs`)], { stdio: ['ignore', 'pipe', 'inherit'] });
		const figures = [];
		const lines = readline.createInterface({ input: child.stdout, crlfDelay: Infinity });
		lines.on('line', (line) => {
			if (!line.startsWith(RESULT_PREFIX)) {
				console.log(line);
				return;
			}
			try {
				figures.push(JSON.parse(line.slice(RESULT_PREFIX.length)));
			} catch {
				console.log(line);
			}
		});
		child.on('close', (code, signal) => {
			resolve({ date: new Date(started).toISOString(), seconds: (Date.now() - started) / 1000, exitCode: code ?? signal, figures });
		});
	});
}

/** CPU, cores, memory, Node, OS and load at the start: figures mean little without them. */
function describeMachine() {
	const cpus = os.cpus();
	return {
		cpu: cpus[0]?.model.trim() ?? 'unknown',
		cores: cpus.length,
		memoryGb: Number((os.totalmem() / 1024 ** 3).toFixed(1)),
		node: process.version,
		os: `${os.type()} ${os.release()} (${os.arch()})`,
		loadAverage: os.loadavg().map((load) => Number(load.toFixed(2))),
		date: new Date().toISOString(),
	};
}

function machineLine(machine) {
	return `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB RAM, Node ${machine.node}, ${machine.os}; load average at start ${machine.loadAverage.join(' / ')} (1 / 5 / 15 min)`;
}

function resultsMarkdown(runs) {
	const names = BENCHMARKS.filter((name) => runs[name] !== undefined);
	const machines = new Map();
	for (const name of names) {
		const key = machineLine(runs[name].machine);
		machines.set(key, [...(machines.get(key) ?? []), name]);
	}
	const out = ['# Benchmark results', '', 'Written by `npm run bench` (bench/run.mjs); do not edit by hand. Each figure is a ratio or is stated with the reference measured in the same run.', ''];
	out.push('## Machine', '');
	for (const [line, benchmarks] of machines) {
		out.push(machines.size === 1 ? `- ${line}` : `- ${line}: ${benchmarks.join(', ')}`);
	}
	out.push('', '## Figures', '', '| benchmark | measure | value | reference (same run) | ratio | target | met | run |', '| --- | --- | ---: | --- | ---: | --- | --- | --- |');
	for (const name of names) {
		const run = runs[name];
		const when = `${run.date.slice(0, 16).replace('T', ' ')} UTC, ${Math.round(run.seconds)} s`;
		if (run.figures.length === 0) {
			out.push(`| ${name} | (no figures${run.exitCode === 0 ? '' : `; exit ${run.exitCode}`}) |  |  |  |  |  | ${when} |`);
			continue;
		}
		for (const figure of run.figures) {
			const value = figure.unit === undefined ? `${figure.value}` : `${figure.value} ${figure.unit}`;
			const met = figure.met === undefined ? '' : figure.met ? 'yes' : 'no';
			out.push(`| ${name} | ${cell(figure.measure)} | ${cell(value)} | ${cell(figure.reference)} | ${cell(figure.ratio)} | ${cell(figure.target)} | ${met} | ${when}${run.exitCode === 0 ? '' : `, exit ${run.exitCode}`} |`);
		}
	}
	return `${out.join('\n')}\n`;
}

function cell(value) {
	return value === undefined || value === null ? '' : String(value).replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
