import { promises as fs } from 'node:fs';
import { parseArgs } from 'node:util';
import { collectLines } from '../core/balance/collect';
import { planSplit, splitStratum } from '../core/balance/split';
import { siblingPath, TargetExistsError, writeNewFile } from '../node/safeWrite';
import { loadSettings } from './config';
import { joinLines, readDataset } from './datasetFile';
import { UsageError, type CliIo, warnAboutConfig } from './io';
import { integer, single } from './rebalance';

export const SPLIT_USAGE = `Usage: tunelint split FILE [options]

Writes FILE.train.jsonl and FILE.valid.jsonl next to FILE (FILE is never modified): a seeded split stratified by
label (and by the group mentioned on --group-axis), in which exact duplicates always land on the same side.

Options:
  --valid SHARE          share of records for validation, between 0 and 1 (default 0.1)
  --seed N               (default 1)
  --out-train FILE, --out-valid FILE   other output paths
  --group-axis AXIS      also stratify by the group mentioned on AXIS (e.g. gender)
  --force                replace existing output files
  --format text|json     the report's format (default text)`;

/** `tunelint split`: a stratified, seeded, leak-free train/validation split into two new files. */
export async function runSplit(argv: string[], io: CliIo): Promise<number> {
	const { values, positionals } = parseArgs({
		args: argv,
		allowPositionals: true,
		options: {
			valid: { type: 'string', default: '0.1' },
			seed: { type: 'string', default: '1' },
			'out-train': { type: 'string' },
			'out-valid': { type: 'string' },
			'group-axis': { type: 'string' },
			force: { type: 'boolean', default: false },
			format: { type: 'string', default: 'text' },
			config: { type: 'string' },
			help: { type: 'boolean', default: false },
		},
	});
	if (values.help) {
		io.out(SPLIT_USAGE);
		return 0;
	}
	const share = Number(values.valid);
	if (!(share > 0 && share < 1)) {
		throw new UsageError(`--valid must be a share between 0 and 1, got "${values.valid}"`);
	}
	const seed = integer(values.seed, '--seed');
	const file = single(positionals);
	const { settings, problems } = await loadSettings(values.config, process.cwd());
	warnAboutConfig(problems, io);
	const dataset = await readDataset(file);
	const collected = collectLines(dataset.lines, settings, values['group-axis']);
	const plan = planSplit(collected.map((line) => ({ line: line.line, stratum: splitStratum(line.label, line.group), duplicateKey: line.duplicateKey })), share, seed);
	const trainFile = values['out-train'] ?? siblingPath(file, 'train');
	const validFile = values['out-valid'] ?? siblingPath(file, 'valid');
	try {
		// Both targets are checked before either is written, so a refusal never leaves one half of a split behind.
		for (const target of values.force ? [] : [trainFile, validFile]) {
			if (await fs.stat(target).then(() => true, () => false)) {
				throw new TargetExistsError(target);
			}
		}
		await writeNewFile(trainFile, joinLines(plan.train.map((line) => dataset.lines[line]), dataset.eol), { overwrite: values.force, inputs: [file] });
		await writeNewFile(validFile, joinLines(plan.validation.map((line) => dataset.lines[line]), dataset.eol), { overwrite: values.force, inputs: [file] });
	} catch (error) {
		if (error instanceof TargetExistsError) {
			io.err(`tunelint: ${error.message}`);
			return 2;
		}
		throw error;
	}
	if (values.format === 'json') {
		io.out(JSON.stringify({ file, train: trainFile, validation: validFile, seed, share, trainRecords: plan.train.length, validationRecords: plan.validation.length, strata: plan.strata }, null, 2));
	} else {
		io.out(`split: wrote ${trainFile} (${plan.train.length} lines) and ${validFile} (${plan.validation.length} lines)\n  per stratum: ${JSON.stringify(plan.strata)}`);
	}
	return 0;
}
