// `npm run bench`: runs every benchmark in turn and prints their tables. BENCH_ONLY=name,name runs a subset.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Every benchmark, in the order they run; each prints a Markdown table with its reference measured in the same run. */
const BENCHMARKS = ['format', 'regex', 'fairness', 'dedup', 'provenance', 'poison', 'train', 'tune', 'forget'];

const only = process.env.BENCH_ONLY?.split(',');
let failed = false;
for (const name of BENCHMARKS.filter((item) => only === undefined || only.includes(item))) {
	const result = spawnSync(process.execPath, [path.join(here, `${name}.mjs`)], { stdio: 'inherit' });
	failed ||= result.status !== 0;
}
process.exitCode = failed ? 1 : 0;
