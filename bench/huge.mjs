// Issue 11 benchmark: `tunelint check` on a huge generated chat file, in bounded memory. Generates a seeded JSONL of
// HUGE_MB megabytes (default 1024) in a temporary folder, deleted afterwards, and measures, in the same run, the
// readline + JSON.parse reference loop, `check --category format` (target: peak RSS under 300 MB) and the default rules
// (target: peak RSS at most the file's size plus 200 MB, and the run finishes), and the same default rules through the
// language server's Lint File on Disk (bench/lintOnDisk.mjs), held to the same target. HUGE_LIMIT_SECONDS (default 14400)
// stops a run that takes longer; it is then reported as unfinished. HUGE_RULES=id,id… (opt-in: a run per rule takes
// as long as that rule) also runs each named rule alone, against a run with every rule off, to show which rule the
// memory goes to: its peak RSS above the rules-off run, per 100 MB of input.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { measureNode, reportFigure, requireSources, ROOT, writeChatFile } from './lib.mjs';

const megabytes = Number(process.env.HUGE_MB ?? 1024);
const limitSeconds = Number(process.env.HUGE_LIMIT_SECONDS ?? 14_400);
const CLI = path.join(ROOT, 'server', 'out', 'cli.js');
const folder = mkdtempSync(path.join(os.tmpdir(), 'tunelint-huge-'));
const file = path.join(folder, `chat-${megabytes}mb.jsonl`);
const removeFolder = () => rmSync(folder, { recursive: true, force: true });
process.on('exit', removeFolder);
for (const signal of ['SIGINT', 'SIGTERM']) {
	process.on(signal, () => process.exit(130));
}

process.stderr.write(`generating ${file}…\n`);
const records = await writeChatFile(file, megabytes);
const size = statSync(file).size / (1024 * 1024);
const reference = await measureNode([path.join(ROOT, 'bench', 'reference-loop.mjs'), file]);
const runs = [
	{ label: 'check --category format', args: ['check', '--category', 'format', '--format', 'json', file], maxPeak: 300, target: '< 300 MB' },
	{ label: 'check (default rules)', args: ['check', '--format', 'json', file], maxPeak: size + 200, target: `≤ ${(size + 200).toFixed(0)} MB (file + 200 MB)` },
];
console.log(`\n## Huge file: ${size.toFixed(0)} MB chat file, ${records.toLocaleString('en-US')} records\n`);
console.log('| run | seconds | MB/s | speed ratio to reference | peak RSS MB | peak RSS target | finished |');
console.log('| --- | ---: | ---: | ---: | ---: | --- | --- |');
console.log(`| reference: readline + JSON.parse | ${reference.seconds.toFixed(1)} | ${(size / reference.seconds).toFixed(1)} | 1.00 | ${reference.peakMb.toFixed(0)} |  | yes |`);
reportFigure({ measure: `reference loop on ${size.toFixed(0)} MB: seconds`, value: reference.seconds, unit: 's' });
reportFigure({ measure: `reference loop on ${size.toFixed(0)} MB: peak RSS`, value: reference.peakMb, unit: 'MB' });
for (const run of runs) {
	const result = await measureNode([CLI, ...run.args], { timeoutMs: limitSeconds * 1000, keepStdout: true });
	// Exit 0 or 1 (findings) is a finished run unless a rule failed on the way (the engine reports it as a finding and
	// goes on without it); null means it was stopped at the limit.
	const failedRules = failedRulesOf(result.stdout);
	const finished = (result.code === 0 || result.code === 1) && failedRules.length === 0;
	const status = result.code === null ? `stopped after ${limitSeconds} s` : failedRules.length > 0 ? `no: ${failedRules.join('; ')}` : finished ? 'yes' : `exit ${result.code}`;
	const speedRatio = reference.seconds / result.seconds;
	console.log(`| ${run.label} | ${result.seconds.toFixed(1)} | ${(size / result.seconds).toFixed(1)} | ${speedRatio.toFixed(2)} | ${result.peakMb.toFixed(0)} | ${run.target} | ${status} |`);
	reportFigure({ measure: `${run.label} on ${size.toFixed(0)} MB: seconds${finished ? '' : ` (${status})`}`, value: result.seconds, unit: 's', reference: `reference loop ${reference.seconds.toFixed(1)} s`, ratio: speedRatio, target: 'finishes', met: finished });
	reportFigure({ measure: `${run.label} on ${size.toFixed(0)} MB: peak RSS`, value: result.peakMb, unit: 'MB', reference: `reference loop ${reference.peakMb.toFixed(0)} MB`, ratio: result.peakMb / reference.peakMb, target: run.target, met: finished && result.peakMb <= run.maxPeak });
}
await lintFileOnDisk();
const ruleIds = process.env.HUGE_RULES?.split(',').map((id) => id.trim()).filter((id) => id !== '') ?? [];
if (ruleIds.length > 0) {
	await perRule(ruleIds);
}
console.log(`\nTargets (issue 11): \`--category format\` under 300 MB; default rules at most the file's size + 200 MB (${(size + 200).toFixed(0)} MB), and finished. Speed ratio = reference seconds / run seconds.`);

/**
 * The editor's path: "Lint File on Disk" with the default rules, through the bundled language server as a child over
 * stdio (bench/lintOnDisk.mjs), held to the same target as the CLI's default run; the peak is the server's own.
 */
async function lintFileOnDisk() {
	const label = 'Lint File on Disk (language server, default rules)';
	const maxPeak = size + 200;
	const driver = await measureNode([path.join(ROOT, 'bench', 'lintOnDisk.mjs'), file], { timeoutMs: limitSeconds * 1000, keepStdout: true });
	let result;
	try {
		result = JSON.parse(driver.stdout);
	} catch {
		console.log(`| ${label} | ${driver.seconds.toFixed(1)} |  |  |  | ≤ ${maxPeak.toFixed(0)} MB | exit ${driver.code} |`);
		return;
	}
	const finished = driver.code === 0 && result.records === records;
	const speedRatio = reference.seconds / result.seconds;
	console.log(`| ${label} | ${result.seconds.toFixed(1)} | ${(size / result.seconds).toFixed(1)} | ${speedRatio.toFixed(2)} | ${result.peakMb.toFixed(0)} | ≤ ${maxPeak.toFixed(0)} MB (file + 200 MB) | ${finished ? 'yes' : `no: ${result.records} of ${records} records`} |`);
	reportFigure({ measure: `${label} on ${size.toFixed(0)} MB: peak RSS`, value: result.peakMb, unit: 'MB', reference: `reference loop ${reference.peakMb.toFixed(0)} MB`, ratio: result.peakMb / reference.peakMb, target: `≤ ${maxPeak.toFixed(0)} MB (file + 200 MB)`, met: finished && result.peakMb <= maxPeak });
}

/** The "internal error in rule …" findings of a `check --format json` report: rules that failed during the run. */
function failedRulesOf(jsonReport) {
	try {
		return JSON.parse(jsonReport).filter((finding) => finding.message.startsWith('internal error in rule')).map((finding) => finding.message);
	} catch {
		return [];
	}
}

/** Runs `check` with every rule off, then with each of `ruleIds` alone, and reports their peak RSS. */
async function perRule(ruleIds) {
	const { ALL_RULES } = await requireSources('huge-rules', ["export { ALL_RULES } from './server/src/core/rules';"]);
	const allOff = ALL_RULES.flatMap((rule) => ['--rule', `${rule.id}=off`]);
	const alone = (id) => ALL_RULES.filter((rule) => rule.id !== id).flatMap((rule) => ['--rule', `${rule.id}=off`]);
	const base = await measureNode([CLI, 'check', '--format', 'json', ...allOff, file], { timeoutMs: limitSeconds * 1000 });
	console.log(`\n### One rule at a time on the ${size.toFixed(0)} MB file (peak RSS above the rules-off run, ${base.peakMb.toFixed(0)} MB)\n`);
	console.log('| rule | seconds | peak RSS MB | above rules off, MB | per 100 MB of input, MB |');
	console.log('| --- | ---: | ---: | ---: | ---: |');
	for (const id of ruleIds) {
		if (!ALL_RULES.some((rule) => rule.id === id)) {
			console.log(`| ${id} | unknown rule |  |  |  |`);
			continue;
		}
		const result = await measureNode([CLI, 'check', '--format', 'json', ...alone(id), file], { timeoutMs: limitSeconds * 1000 });
		const above = result.peakMb - base.peakMb;
		const finished = result.code === 0 || result.code === 1;
		console.log(`| ${id} | ${result.seconds.toFixed(1)}${finished ? '' : ' (unfinished)'} | ${result.peakMb.toFixed(0)} | ${above.toFixed(0)} | ${(above / size * 100).toFixed(1)} |`);
		reportFigure({ measure: `${id} alone on ${size.toFixed(0)} MB: peak RSS above every rule off`, value: above, unit: 'MB', reference: `every rule off ${base.peakMb.toFixed(0)} MB`, ratio: result.peakMb / base.peakMb });
	}
}
