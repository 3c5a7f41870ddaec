import { parseArgs } from 'node:util';

import { TargetExistsError, writeNewFile } from '../node/safeWrite';
import { TrainingInputError } from '../training/examples';
import { DEFAULT_FORGET_OPTIONS, type ForgetReport, probeForgetting } from '../training/forget/probe';
import { seededRandom, shuffleInPlace } from '../training/random';
import { loadSettings } from './config';
import { joinLines, readDataset } from './datasetFile';
import { type CliIo, UsageError, warnAboutConfig, wholeNumberFlag } from './io';
import { readText } from './stats';

export const FORGET_USAGE = `Usage: tunelint forget --base BASE.jsonl --target NEW.jsonl [options]

Catastrophic-forgetting probe: trains a shared encoder (embedding bag, then a dense layer) with a head on BASE,
then fine-tunes on NEW (its own head; the label sets may differ) with each mitigation from the same start, and
reports the base task's accuracy before and after (retention = after / before) with the new task's accuracy: plain
fine-tune, replay (r swept), L2-SP, EWC (diagonal Fisher on base data), and distillation of the base head's outputs
on the new inputs. Seeded.

Options:
  --seed N            (default ${DEFAULT_FORGET_OPTIONS.seed})
  --max-records N     seeded sample per task (default ${DEFAULT_FORGET_OPTIONS.maxRecords})
  --base-epochs N     (default ${DEFAULT_FORGET_OPTIONS.baseEpochs}, SGD learning rate ${DEFAULT_FORGET_OPTIONS.learningRate})
  --target-epochs N   epochs of every fine-tune on NEW (default ${DEFAULT_FORGET_OPTIONS.targetEpochs})
  --target-lr X       SGD learning rate of the fine-tunes (default ${DEFAULT_FORGET_OPTIONS.targetLearningRate})
  --replay R,R,…      replay shares swept, relative to NEW's size per epoch (default ${DEFAULT_FORGET_OPTIONS.replayShares.join(',')})
  --write-replay R --out FILE   instead of the probe, write NEW with round(R × its records) seeded base records
                      mixed in (the replay-mixed dataset to fine-tune on); FILE must not exist unless --force
  --format text|json  (default text)
  --config FILE       config file (field names)

JSON: {base: {before, …}, rows: [{method, params, retention, baseAfter, newTask}], …}.`;

/** `tunelint forget`: the catastrophic-forgetting probe. */
export async function runForget(argv: string[], io: CliIo): Promise<number> {
	const { values, positionals } = parseArgs({
		args: argv,
		allowPositionals: true,
		options: {
			base: { type: 'string' },
			target: { type: 'string' },
			seed: { type: 'string' },
			'max-records': { type: 'string' },
			'base-epochs': { type: 'string' },
			'target-epochs': { type: 'string' },
			'target-lr': { type: 'string' },
			replay: { type: 'string' },
			'write-replay': { type: 'string' },
			out: { type: 'string' },
			force: { type: 'boolean', default: false },
			format: { type: 'string', default: 'text' },
			config: { type: 'string' },
			help: { type: 'boolean', default: false },
		},
	});
	if (values.help) {
		io.out(FORGET_USAGE);
		return 0;
	}
	if (values.base === undefined || values.target === undefined || positionals.length > 0) {
		throw new UsageError('forget needs --base BASE.jsonl and --target NEW.jsonl (and no other files)');
	}
	if (values.format !== 'text' && values.format !== 'json') {
		throw new UsageError(`unknown --format "${values.format}" (use text or json)`);
	}
	const seed = wholeNumberFlag(values.seed, '--seed', DEFAULT_FORGET_OPTIONS.seed, 0);
	const maxRecords = wholeNumberFlag(values['max-records'], '--max-records', DEFAULT_FORGET_OPTIONS.maxRecords, 20);
	if (values['write-replay'] !== undefined) {
		return writeReplay(values.base, values.target, values['write-replay'], values.out, values.force, seed, io);
	}
	const options = {
		...DEFAULT_FORGET_OPTIONS,
		seed,
		maxRecords,
		baseEpochs: wholeNumberFlag(values['base-epochs'], '--base-epochs', DEFAULT_FORGET_OPTIONS.baseEpochs, 1),
		targetEpochs: wholeNumberFlag(values['target-epochs'], '--target-epochs', DEFAULT_FORGET_OPTIONS.targetEpochs, 1),
		targetLearningRate: positive(values['target-lr'], '--target-lr', DEFAULT_FORGET_OPTIONS.targetLearningRate),
		replayShares: values.replay === undefined ? DEFAULT_FORGET_OPTIONS.replayShares : values.replay.split(',').map((share) => positive(share, '--replay', 0)),
	};
	const { settings, problems } = await loadSettings(values.config, process.cwd());
	warnAboutConfig(problems, io);
	const base = { file: values.base, text: await readText(values.base) };
	const target = { file: values.target, text: await readText(values.target) };
	let report: ForgetReport;
	try {
		report = probeForgetting(base, target, settings.fields, options);
	} catch (error) {
		if (error instanceof TrainingInputError) {
			io.err(`tunelint: ${error.message}`);
			return 2;
		}
		throw error;
	}
	io.out(values.format === 'json' ? JSON.stringify(report, null, 2) : textReport(report));
	return 0;
}

/** Writes the target's lines with a seeded share of the base's lines mixed in at seeded positions. */
async function writeReplay(baseFile: string, targetFile: string, share: string, out: string | undefined, force: boolean, seed: number, io: CliIo): Promise<number> {
	const ratio = Number(share);
	if (!(ratio > 0 && ratio <= 10)) {
		throw new UsageError(`--write-replay needs a share above 0 (0.1 = 10 % of the target's size), not "${share}"`);
	}
	if (out === undefined) {
		throw new UsageError('--write-replay needs --out FILE');
	}
	const base = await readDataset(baseFile);
	const target = await readDataset(targetFile);
	const random = seededRandom(seed);
	const count = Math.min(base.lines.length, Math.round(ratio * target.lines.length));
	const replayed = shuffleInPlace(base.lines.filter((line) => line.trim() !== ''), random).slice(0, count);
	const mixed = shuffleInPlace([...target.lines.filter((line) => line.trim() !== ''), ...replayed], random);
	try {
		await writeNewFile(out, joinLines(mixed, target.eol), { overwrite: force, inputs: [baseFile, targetFile] });
	} catch (error) {
		if (error instanceof TargetExistsError) {
			io.err(`tunelint: ${error.message}`);
			return 2;
		}
		throw error;
	}
	io.out(`${out}: ${mixed.length} records (${target.lines.length} of ${targetFile}, ${replayed.length} replayed from ${baseFile})`);
	return 0;
}

function textReport(report: ForgetReport): string {
	return [
		`base ${report.base.file}: accuracy ${report.base.before.toFixed(3)} before fine-tuning on ${report.target.file}`,
		'',
		'| method | params | retention | base after | new task |',
		'|---|---|---|---|---|',
		...report.rows.map((row) => `| ${row.method} | ${Object.entries(row.params).map(([name, value]) => `${name} ${value}`).join(', ') || '-'} | ${row.retention.toFixed(3)} | ${row.baseAfter.toFixed(3)} | ${row.newTask.toFixed(3)} |`),
	].join('\n');
}


function positive(value: string | undefined, flag: string, fallback: number): number {
	if (value === undefined) {
		return fallback;
	}
	const parsed = Number(value);
	if (!(parsed > 0 && Number.isFinite(parsed))) {
		throw new UsageError(`${flag} needs positive numbers, not "${value}"`);
	}
	return parsed;
}
