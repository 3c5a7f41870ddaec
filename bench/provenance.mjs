// Issue 12 benchmark: `tunelint lock verify` (streaming SHA-256 + record count) on a generated file, as a ratio to a
// bare streaming SHA-256 of the same file in the same run, with the peak RSS of each. Size: BENCH_MB (default 300).
import { createWriteStream, existsSync, linkSync, rmSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { BENCH_DIR, formatRow, measureNode, reportFigure, ROOT } from './lib.mjs';

const megabytes = Number(process.env.BENCH_MB ?? 300);
const directory = path.join(BENCH_DIR, 'provenance');
const file = path.join(directory, `data-${megabytes}mb.jsonl`);
const CLI = path.join(ROOT, 'out', 'server', 'src', 'cli', 'main.js');

async function generate() {
	await mkdir(directory, { recursive: true });
	const out = createWriteStream(file);
	let bytes = 0;
	for (let index = 0; bytes < megabytes * 1024 * 1024; index++) {
		const line = `${JSON.stringify({ prompt: `Question ${index}: ${'why '.repeat(index % 40)}?`, completion: `Answer ${index} ${'because '.repeat((index * 7) % 60)}` })}\n`;
		bytes += Buffer.byteLength(line);
		if (!out.write(line)) {
			await new Promise((resolve) => out.once('drain', resolve));
		}
	}
	await new Promise((resolve) => out.end(resolve));
}

if (!existsSync(file)) {
	await generate();
}
const size = statSync(file).size;
const lockFile = path.join(directory, 'tunelint.lock.json');
const reference = `const h=require('node:crypto').createHash('sha256');(async()=>{for await(const c of require('node:fs').createReadStream(${JSON.stringify(file)},{highWaterMark:1<<20}))h.update(c);console.log(h.digest('hex'))})()`;

// The lock is written once (not timed against the reference), then verified.
rmSync(lockFile, { force: true });
const add = await measureNode([CLI, 'lock', 'add', file, '--lock', lockFile, '--source', 'bench', '--license', 'none']);
const startup = await measureNode([CLI, '--version']);
/** A script running `tunelint check --category provenance FILE` from `cwd`: the lock is looked for from there upwards. */
function checkIn(cwd, target) {
	return `process.chdir(${JSON.stringify(cwd)});require(${JSON.stringify(CLI)}).main(['check','--category','provenance',${JSON.stringify(target)}],{out(){},err(){}}).then((code)=>{process.exitCode=code;})`;
}

// `check --category provenance` parses every line either way; with a lock in the folder it also hashes the bytes.
const unlockedDirectory = path.join(BENCH_DIR, 'provenance-unlocked');
await mkdir(unlockedDirectory, { recursive: true });
const unlockedFile = path.join(unlockedDirectory, path.basename(file));
if (!existsSync(unlockedFile)) {
	linkSync(file, unlockedFile);
}
const rows = [];
for (let round = 0; round < 2; round++) {
	const raw = await measureNode(['-e', reference]);
	const verify = await measureNode([CLI, 'lock', 'verify', '--lock', lockFile]);
	if (verify.code !== 0) {
		throw new Error(`lock verify failed with code ${verify.code}`);
	}
	const checkUnlocked = await measureNode(['-e', checkIn(unlockedDirectory, unlockedFile)]);
	const checkLocked = await measureNode(['-e', checkIn(directory, file)]);
	rows.push({ raw, verify, checkUnlocked, checkLocked });
}
const best = (key) => rows.map((row) => row[key]).sort((a, b) => a.seconds - b.seconds)[0];
const raw = best('raw');
const verify = best('verify');
const mb = size / 1024 / 1024;
const widths = [38, 10, 10, 12, 10];
console.log(`\n### provenance: lock verify on ${mb.toFixed(0)} MB (best of ${rows.length})\n`);
console.log(formatRow(['command', 'seconds', 'MB/s', 'peak RSS MB', 'ratio'], widths));
console.log(formatRow(['reference: streaming sha256', raw.seconds.toFixed(2), (mb / raw.seconds).toFixed(0), raw.peakMb.toFixed(0), '1.00'], widths));
console.log(formatRow(['tunelint lock verify', verify.seconds.toFixed(2), (mb / verify.seconds).toFixed(0), verify.peakMb.toFixed(0), (verify.seconds / raw.seconds).toFixed(2)], widths));
const checkUnlocked = best('checkUnlocked');
const checkLocked = best('checkLocked');
console.log(formatRow(['check --category provenance, no lock', checkUnlocked.seconds.toFixed(2), (mb / checkUnlocked.seconds).toFixed(0), checkUnlocked.peakMb.toFixed(0), (checkUnlocked.seconds / raw.seconds).toFixed(2)], widths));
console.log(formatRow(['check --category provenance, locked', checkLocked.seconds.toFixed(2), (mb / checkLocked.seconds).toFixed(0), checkLocked.peakMb.toFixed(0), (checkLocked.seconds / raw.seconds).toFixed(2)], widths));
console.log(formatRow(['tunelint --version (startup only)', startup.seconds.toFixed(2), '', startup.peakMb.toFixed(0), ''], widths));
console.log(formatRow(['tunelint lock add (once)', add.seconds.toFixed(2), (mb / add.seconds).toFixed(0), add.peakMb.toFixed(0), (add.seconds / raw.seconds).toFixed(2)], widths));
for (const [label, run] of [['tunelint lock verify', verify], ['check --category provenance, no lock', checkUnlocked], ['check --category provenance, locked', checkLocked], ['tunelint lock add', add]]) {
	reportFigure({ measure: `${label} on ${mb.toFixed(0)} MB: time ratio`, value: run.seconds / raw.seconds, reference: `streaming sha256 ${raw.seconds.toFixed(2)} s; this run ${run.seconds.toFixed(2)} s`, ratio: run.seconds / raw.seconds });
}
reportFigure({ measure: `tunelint lock verify on ${mb.toFixed(0)} MB: peak RSS`, value: verify.peakMb, unit: 'MB', reference: `streaming sha256 ${raw.peakMb.toFixed(0)} MB`, ratio: verify.peakMb / raw.peakMb });
