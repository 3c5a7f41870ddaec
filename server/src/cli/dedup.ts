import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

import { DEFAULT_NEAR_DUPLICATE_OPTIONS } from '../core/dedup/nearDuplicates';
import { planDeduplication, type DedupPlan } from '../core/dedup/plan';
import { COMPARE_MODES, nearDuplicateOptions, type CompareMode } from '../core/dedup/recordText';
import { RuleOptions } from '../core/rule';
import { TargetExistsError, writeNewFile } from '../node/safeWrite';
import { ConfigError, loadSettings } from './config';
import { UsageError, type CliIo, warnAboutConfig } from './io';

export const DEDUP_USAGE = `Usage: tunelint dedup FILE --out FILE [options]

Writes a copy of FILE without exact duplicates (the first copy of each record is kept; content is compared after
Unicode, case and white-space normalisation, ignoring ids and metadata). Kept lines are written byte for byte, and the
input is never modified. What was dropped is printed (or written with --report) so the choice can be reviewed.

Options:
  --out FILE                    where to write the copy (must not be FILE; an existing file needs --force)
  --near                        also drop near duplicates: clusters of records whose Jaccard similarity of
                                character 5-grams reaches the threshold (a judgment: review the report)
  --threshold T                 near-duplicate threshold (default ${DEFAULT_NEAR_DUPLICATE_OPTIONS.threshold}, or duplicate-near's threshold in the config)
  --keep first|longest          which record of a near-duplicate cluster to keep (default first)
  --compare whole|prompt|answer compare whole records (default), prompts only or answers only
  --report FILE                 write the dropped lines as JSON Lines instead of printing them
  --force                       overwrite an existing --out (or --report) file
  --config FILE                 use this config file instead of the nearest .tunelintrc.json`;

/** `tunelint dedup`: plans the removal, writes the kept lines to --out, reports the dropped ones. */
export async function runDedup(argv: string[], io: CliIo): Promise<number> {
	const { values, positionals } = parseArgs({
		args: argv,
		allowPositionals: true,
		options: {
			out: { type: 'string' },
			near: { type: 'boolean', default: false },
			threshold: { type: 'string' },
			keep: { type: 'string', default: 'first' },
			compare: { type: 'string', default: 'whole' },
			report: { type: 'string' },
			force: { type: 'boolean', default: false },
			config: { type: 'string' },
			help: { type: 'boolean', default: false },
		},
	});
	if (values.help) {
		io.out(DEDUP_USAGE);
		return 0;
	}
	const input = positionals[0];
	if (input === undefined || positionals.length > 1) {
		throw new UsageError(input === undefined ? 'dedup needs one input FILE' : 'dedup takes one input FILE');
	}
	if (values.out === undefined) {
		throw new UsageError('dedup needs --out FILE (the input is never overwritten)');
	}
	if (path.resolve(values.out) === path.resolve(input) || (values.report !== undefined && path.resolve(values.report) === path.resolve(input))) {
		throw new UsageError('--out and --report must not name the input file: dedup never overwrites its input');
	}
	if (values.keep !== 'first' && values.keep !== 'longest') {
		throw new UsageError(`--keep must be first or longest, got "${values.keep}"`);
	}
	if (!COMPARE_MODES.includes(values.compare as CompareMode)) {
		throw new UsageError(`--compare must be one of ${COMPARE_MODES.join(', ')}, got "${values.compare}"`);
	}
	const { settings, problems } = await loadSettings(values.config, process.cwd());
	warnAboutConfig(problems, io);
	const nearOptions = nearDuplicateOptions(new RuleOptions(settings.ruleOptions['duplicate-near'] ?? {}));
	if (values.threshold !== undefined) {
		const threshold = Number(values.threshold);
		if (!(threshold > 0 && threshold < 1)) {
			throw new UsageError(`--threshold must be a number between 0 and 1 (exclusive), got "${values.threshold}"`);
		}
		nearOptions.threshold = threshold;
	}
	// Checked before the work so a long run does not end in a refusal; writeNewFile checks again when it writes.
	for (const target of [values.out, values.report]) {
		if (target !== undefined && !values.force && (await exists(target))) {
			throw new UsageError(`${target} exists; pass --force to overwrite it`);
		}
	}
	const bytes = await fs.readFile(input).catch((error: NodeJS.ErrnoException) => {
		throw new ConfigError(`${input}: cannot read the file: ${error.code === 'EISDIR' ? 'is a directory' : error.message}`);
	});
	const lines = splitLineBytes(bytes);
	const plan = planDeduplication(
		lines.map((line) => line.toString('utf8')),
		settings,
		{ compare: values.compare as CompareMode, near: values.near, nearOptions, keep: values.keep },
	);
	const report = plan.dropped.map((item) => JSON.stringify({ line: item.line + 1, keptLine: item.keptLine + 1, reason: item.reason, similarity: Number(item.similarity.toFixed(4)) }));
	// Written through a temporary file and a rename, so a crash never leaves a half-written copy or report.
	try {
		await writeNewFile(values.out, joinKept(bytes, lines, plan), { overwrite: values.force, inputs: [input] });
		if (values.report !== undefined) {
			await writeNewFile(values.report, report.length === 0 ? '' : `${report.join('\n')}\n`, { overwrite: values.force, inputs: [input, values.out] });
		}
	} catch (error) {
		if (error instanceof TargetExistsError) {
			io.err(`tunelint: ${error.message}`);
			return 2;
		}
		throw error;
	}
	if (values.report === undefined && report.length > 0) {
		io.out(report.join('\n'));
	}
	const exact = plan.dropped.filter((item) => item.reason === 'exact').length;
	io.err(`tunelint: ${input}: kept ${plan.lineCount - plan.dropped.length} of ${plan.lineCount} lines in ${values.out}; dropped ${exact} exact and ${plan.dropped.length - exact} near duplicate${plan.dropped.length - exact === 1 ? '' : 's'}${values.near ? ` (threshold ${nearOptions.threshold}, keep ${values.keep})` : ''}.`);
	return 0;
}

async function exists(file: string): Promise<boolean> {
	return fs.stat(file).then(() => true, () => false);
}

/** The lines of a file as byte slices without their '\n' (a final newline does not start another line). */
function splitLineBytes(bytes: Buffer): Buffer[] {
	const lines: Buffer[] = [];
	let start = 0;
	for (let index = bytes.indexOf(10); index !== -1; index = bytes.indexOf(10, start)) {
		lines.push(bytes.subarray(start, index));
		start = index + 1;
	}
	if (start < bytes.length) {
		lines.push(bytes.subarray(start));
	}
	return lines;
}

/** The original bytes of every kept line, each followed by the newline it had. */
function joinKept(bytes: Buffer, lines: Buffer[], plan: DedupPlan): Buffer {
	const dropped = new Set(plan.dropped.map((item) => item.line));
	const newline = Buffer.from('\n');
	const parts: Buffer[] = [];
	lines.forEach((line, index) => {
		if (dropped.has(index)) {
			return;
		}
		parts.push(line);
		const isLast = index === lines.length - 1;
		if (!isLast || bytes[bytes.length - 1] === 10) {
			parts.push(newline);
		}
	});
	return Buffer.concat(parts);
}
