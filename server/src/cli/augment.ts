import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { seededRandom } from '../core/balance/random';
import { augmentCounterfactual, type CounterfactualAugmentation } from '../core/fairness/document';
import { fairnessLexicon } from '../core/fairness/settings';
import { siblingPath, TargetExistsError, writeNewFile } from '../node/safeWrite';
import { ConfigError, loadSettings } from './config';
import { joinLines, readDataset } from './datasetFile';
import { UsageError, type CliIo } from './io';
import { integer, single } from './rebalance';

export const AUGMENT_USAGE = `Usage: tunelint augment FILE --counterfactual [options]

Writes FILE plus counterfactual copies to a new file (FILE is never modified): for every identity group the audit
finds over-associated with a label ("tunelint fairness FILE" shows the table), the records that mention it are
copied with its terms swapped for the group of the same axis least associated with that label, and the other way
round (he/she, his/her, muslim/christian, …); labels, roles and ids are kept. Records where a term has no
counterpart are skipped and counted.

Options:
  --counterfactual     the augmentation to run (the only one so far; required)
  --axis AXIS          swap only groups of this axis (e.g. gender, religion)
  --out FILE           where to write (default FILE.counterfactual.jsonl next to FILE)
  --seed N             place the new records at seeded random positions among the originals (default: appended)
  --force              replace an existing --out file
  --format text|json   the report's format (default text)
  --config FILE        use this config file instead of the nearest .tunelintrc.json

Exit codes: 0 written (or nothing to add), 2 usage error, unusable lexicon, existing output or internal error.`;

/** `tunelint augment --counterfactual`: plans the swaps, writes the augmented copy, reports what was added and skipped. */
export async function runAugment(argv: string[], io: CliIo): Promise<number> {
	const { values, positionals } = parseArgs({
		args: argv,
		allowPositionals: true,
		options: {
			counterfactual: { type: 'boolean', default: false },
			axis: { type: 'string' },
			out: { type: 'string' },
			seed: { type: 'string' },
			force: { type: 'boolean', default: false },
			format: { type: 'string', default: 'text' },
			config: { type: 'string' },
			help: { type: 'boolean', default: false },
		},
	});
	if (values.help) {
		io.out(AUGMENT_USAGE);
		return 0;
	}
	if (!values.counterfactual) {
		throw new UsageError('say which augmentation to run: --counterfactual');
	}
	if (values.format !== 'text' && values.format !== 'json') {
		throw new UsageError(`unknown --format "${values.format}" (use text or json)`);
	}
	const seed = values.seed === undefined ? undefined : integer(values.seed, '--seed');
	const file = single(positionals);
	const { settings, problems } = await loadSettings(values.config, process.cwd());
	for (const problem of problems) {
		io.err(`tunelint: warning: ${problem}`);
	}
	const { lexicon, error } = fairnessLexicon(settings);
	// Swapping with the built-in lexicon when the user asked for theirs would write the wrong records.
	if (error !== undefined) {
		throw new ConfigError(`${error.replace(/; the built-in lexicon is used$/, '')}. Fix it (or remove lexiconFile) before augmenting: the built-in lexicon would swap other terms`);
	}
	if (values.axis !== undefined && !lexicon.axes.some((axis) => axis.id === values.axis)) {
		throw new UsageError(`--axis: unknown axis "${values.axis}" (known: ${lexicon.axes.map((axis) => axis.id).join(', ')})`);
	}
	const dataset = await readDataset(file);
	const planned = augmentCounterfactual(dataset.lines, settings);
	const augmentation = values.axis === undefined ? planned : augmentCounterfactual(dataset.lines, settings, planned.pairs.filter((pair) => pair.axis === values.axis));
	const out = values.out ?? siblingPath(file, 'counterfactual');
	if (path.resolve(out) === path.resolve(file)) {
		throw new UsageError('--out must not name the dataset: the augmented copy is always a new file');
	}
	const report = augmentReport(file, out, augmentation, seed);
	if (augmentation.records.length > 0) {
		const added = augmentation.records.map((record) => record.json);
		const lines = seed === undefined ? [...dataset.lines, ...added] : interleave(dataset.lines, added, seed);
		try {
			await writeNewFile(out, joinLines(lines, dataset.eol), { overwrite: values.force, inputs: [file] });
		} catch (writeError) {
			if (writeError instanceof TargetExistsError) {
				io.err(`tunelint: ${writeError.message}`);
				return 2;
			}
			throw writeError;
		}
	}
	io.out(values.format === 'json' ? JSON.stringify(report, null, 2) : augmentText(report));
	return 0;
}

/** What the augmentation did, as `--format json` prints it. */
export interface AugmentReport {
	file: string;
	/** The file written, or null when there was nothing to add. */
	out: string | null;
	seed: number | null;
	added: number;
	skipped: number;
	pairs: { axis: string; fromGroup: string; toGroup: string; records: number }[];
}

function augmentReport(file: string, out: string, augmentation: CounterfactualAugmentation, seed: number | undefined): AugmentReport {
	return {
		file,
		out: augmentation.records.length > 0 ? out : null,
		seed: seed ?? null,
		added: augmentation.records.length,
		skipped: augmentation.skipped,
		pairs: augmentation.pairs.map((pair) => ({
			...pair,
			records: augmentation.records.filter((record) => record.pair.axis === pair.axis && record.pair.fromGroup === pair.fromGroup && record.pair.toGroup === pair.toGroup).length,
		})),
	};
}

function augmentText(report: AugmentReport): string {
	if (report.pairs.length === 0) {
		return `${report.file}: no identity group is over-associated with a label; nothing to add (see tunelint fairness ${report.file}).`;
	}
	const pairs = report.pairs.map((pair) => `  ${pair.axis}: ${pair.fromGroup} → ${pair.toGroup}: ${pair.records} record${pair.records === 1 ? '' : 's'}`);
	const written = report.out === null ? 'nothing written' : `wrote ${report.out}`;
	return [`counterfactual: ${written}; ${report.added} records added, ${report.skipped} skipped (a term without a counterpart)`, ...pairs].join('\n');
}

/** The original lines in their order, with the new lines inserted at seeded random positions. */
function interleave(original: readonly string[], added: readonly string[], seed: number): string[] {
	const random = seededRandom(seed);
	const slots = added.map((line) => ({ line, after: Math.floor(random() * (original.length + 1)) })).sort((left, right) => left.after - right.after);
	const result: string[] = [];
	let next = 0;
	for (let index = 0; index <= original.length; index++) {
		while (next < slots.length && slots[next].after === index) {
			result.push(slots[next++].line);
		}
		if (index < original.length) {
			result.push(original[index]);
		}
	}
	return result;
}
