import { promises as fs } from 'node:fs';
import { parseArgs } from 'node:util';

import { type DatasetProfile, profiledRecords, profileProblem, profileRecords } from '../core/drift/profile';
import type { FieldMapping } from '../core/types';
import { TargetExistsError, writeNewFile } from '../node/safeWrite';
import { ConfigError, loadSettings } from './config';
import { type CliIo, UsageError, warnAboutConfig } from './io';

export const STATS_USAGE = `Usage: tunelint stats FILE [--out stats.json] [options]

Profiles a JSONL dataset (labels, formats, role structure, length and token-count samples, vocabulary, identity
groups) into a small JSON snapshot. "tunelint drift" accepts the snapshot in place of a file, so a CI job can compare
each new data batch with the profile of the data a model was trained on.

Options:
  --out FILE           write the snapshot to FILE (refused if it exists, unless --force); default: stdout
  --force              replace an existing --out file
  --format text|json   with --out, the summary on stdout (default text)
  --config FILE        config file (field names)`;

/** `tunelint stats`: writes a dataset profile snapshot. */
export async function runStats(argv: string[], io: CliIo): Promise<number> {
	const { values, positionals } = parseArgs({
		args: argv,
		allowPositionals: true,
		options: {
			out: { type: 'string' },
			force: { type: 'boolean', default: false },
			format: { type: 'string', default: 'text' },
			config: { type: 'string' },
			help: { type: 'boolean', default: false },
		},
	});
	if (values.help) {
		io.out(STATS_USAGE);
		return 0;
	}
	if (positionals.length !== 1) {
		throw new UsageError(positionals.length === 0 ? 'stats needs a FILE' : 'stats takes one FILE');
	}
	if (values.format !== 'text' && values.format !== 'json') {
		throw new UsageError(`unknown --format "${values.format}" (use text or json)`);
	}
	const file = positionals[0];
	const { settings, problems } = await loadSettings(values.config, process.cwd());
	warnAboutConfig(problems, io);
	const { profile } = profileFile(await readText(file), file, settings.fields, io);
	const snapshot = JSON.stringify(profile);
	if (values.out === undefined) {
		io.out(snapshot);
		return 0;
	}
	try {
		await writeNewFile(values.out, `${snapshot}\n`, { overwrite: values.force, inputs: [file] });
	} catch (error) {
		if (error instanceof TargetExistsError) {
			io.err(`tunelint: ${error.message}`);
			return 2;
		}
		throw error;
	}
	io.out(values.format === 'json' ? JSON.stringify({ file, out: values.out, records: profile.records, skipped: profile.skipped }) : `${file}: ${profile.records} records profiled (${profile.skipped} skipped); snapshot written to ${values.out}`);
	return 0;
}

/**
 * Profiles a dataset's text, with its records' texts (for the domain classifier). A file with no record to profile is
 * refused (ConfigError, exit 2); skipped lines are reported on stderr, naming the first.
 */
export function profileFile(text: string, file: string, fields: FieldMapping, io: CliIo): { profile: DatasetProfile; texts: string[] } {
	const { records, skipped, firstSkippedLine } = profiledRecords(text, fields);
	const lines = `${skipped} line${skipped === 1 ? '' : 's'}`;
	if (records.length === 0) {
		throw new ConfigError(`${file}: no records to profile (${skipped === 0 ? 'the file is empty' : `${lines} skipped, the first on line ${firstSkippedLine}: not a JSON object record of a known format`})`);
	}
	if (skipped > 0) {
		io.err(`tunelint: ${file}: ${lines} skipped (not JSON object records of a known format), the first on line ${firstSkippedLine}`);
	}
	return { profile: profileRecords(records, skipped, file), texts: records.map((record) => record.text) };
}

/** Reads a file as UTF-8 text, with a message naming the file when it cannot be read. */
export async function readText(file: string): Promise<string> {
	try {
		return await fs.readFile(file, 'utf8');
	} catch (error) {
		throw new ConfigError(`${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
	}
}

/**
 * A profile snapshot when the text is one (a single JSON object with `"kind": "tunelint-profile"`), else undefined.
 * A JSON object that looks like a snapshot but is broken is refused with the reason.
 */
export function snapshotOf(text: string, file: string): DatasetProfile | undefined {
	const trimmed = text.trim();
	if (!trimmed.startsWith('{') || !trimmed.includes('"tunelint-profile"')) {
		return undefined;
	}
	let value: unknown;
	try {
		value = JSON.parse(trimmed);
	} catch {
		return undefined;
	}
	const problem = profileProblem(value);
	if (problem !== undefined) {
		throw new ConfigError(`${file}: ${problem}`);
	}
	return value as DatasetProfile;
}
