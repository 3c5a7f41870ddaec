import { parseArgs } from 'node:util';
import { collectLines } from '../core/balance/collect';
import { planRebalance, rebalancedLines, type RebalanceStrategy } from '../core/balance/rebalance';
import { siblingPath, TargetExistsError, writeNewFile } from '../node/safeWrite';
import { loadSettings } from './config';
import { UsageError, type CliIo, warnAboutConfig } from './io';
import { readDataset, joinLines } from './datasetFile';

export const REBALANCE_USAGE = `Usage: tunelint rebalance FILE [options]

Writes a rebalanced copy of FILE next to it (FILE is never modified):
  under    keep a seeded random subset of each class, as large as the smallest class (lines without a label
           are left out, and counted in the report)
  over     keep every line and append seeded copies of minority records (listed in the report)
  reweigh  keep the data; write sampling weights to a sidecar file (N / (K · n_y), or with --group-axis,
           AIF360's Reweighing P(y)·P(g)/P(y,g))

Options:
  --strategy under|over|reweigh   (default under)
  --seed N                        (default 1)
  --out FILE                      (default FILE.rebalanced.jsonl, or FILE.weights.jsonl for reweigh)
  --group-axis AXIS               reweigh by label and the group mentioned on AXIS (e.g. gender)
  --force                         replace an existing --out file
  --format text|json              the report's format (default text)`;

/** `tunelint rebalance`: plans, writes the new file, prints the before/after counts. */
export async function runRebalance(argv: string[], io: CliIo): Promise<number> {
	const { values, positionals } = parseArgs({
		args: argv,
		allowPositionals: true,
		options: {
			strategy: { type: 'string', default: 'under' },
			seed: { type: 'string', default: '1' },
			out: { type: 'string' },
			'group-axis': { type: 'string' },
			force: { type: 'boolean', default: false },
			format: { type: 'string', default: 'text' },
			config: { type: 'string' },
			help: { type: 'boolean', default: false },
		},
	});
	if (values.help) {
		io.out(REBALANCE_USAGE);
		return 0;
	}
	const strategy = values.strategy as RebalanceStrategy;
	if (!['under', 'over', 'reweigh'].includes(strategy)) {
		throw new UsageError(`--strategy must be under, over or reweigh, got "${values.strategy}"`);
	}
	const seed = integer(values.seed, '--seed');
	const file = single(positionals);
	const { settings, problems } = await loadSettings(values.config, process.cwd());
	warnAboutConfig(problems, io);
	const dataset = await readDataset(file);
	const labelled = collectLines(dataset.lines, settings, values['group-axis']).filter((line) => line.label !== undefined);
	if (labelled.length === 0) {
		io.err(`tunelint: ${file}: no labelled records (classification labels, KTO booleans, or a small set of answers) to rebalance`);
		return 2;
	}
	const plan = planRebalance(labelled.map((line) => ({ line: line.line, label: line.label ?? '', group: line.group })), strategy, seed);
	const out = values.out ?? siblingPath(file, strategy === 'reweigh' ? 'weights' : 'rebalanced');
	const content = strategy === 'reweigh'
		? joinLines((plan.weights ?? []).map((weight) => JSON.stringify({ line: weight.line + 1, label: weight.label, ...(weight.group === undefined ? {} : { group: weight.group }), weight: Number(weight.weight.toFixed(6)) })), '\n')
		: joinLines(rebalancedLines(plan, dataset.lines.length).map((line) => dataset.lines[line]), dataset.eol);
	try {
		await writeNewFile(out, content, { overwrite: values.force, inputs: [file] });
	} catch (error) {
		if (error instanceof TargetExistsError) {
			io.err(`tunelint: ${error.message}`);
			return 2;
		}
		throw error;
	}
	const report = { file, out, strategy, seed, before: plan.before, after: plan.after, copies: plan.copies.map((line) => line + 1), unlabelledLinesDropped: strategy === 'under' ? dataset.lines.length - labelled.length : 0 };
	if (values.format === 'json') {
		io.out(JSON.stringify(report, null, 2));
	} else {
		io.out(`${strategy}: wrote ${out}\n  before: ${JSON.stringify(plan.before)}\n  after:  ${JSON.stringify(plan.after)}${plan.copies.length > 0 ? `\n  ${plan.copies.length} copies appended, of lines ${report.copies.slice(0, 20).join(', ')}${plan.copies.length > 20 ? ', …' : ''}` : ''}${report.unlabelledLinesDropped > 0 ? `\n  ${report.unlabelledLinesDropped} line${report.unlabelledLinesDropped === 1 ? '' : 's'} without a label left out` : ''}`);
	}
	return 0;
}

export function integer(text: string, name: string): number {
	const value = Number(text);
	if (!Number.isInteger(value)) {
		throw new UsageError(`${name} must be a whole number, got "${text}"`);
	}
	return value;
}

export function single(positionals: string[]): string {
	if (positionals.length !== 1) {
		throw new UsageError(positionals.length === 0 ? 'no file given' : 'give exactly one file');
	}
	return positionals[0];
}
