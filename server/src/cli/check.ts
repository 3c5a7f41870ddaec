import { availableParallelism } from 'node:os';
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ALL_CATEGORIES, parseCategory, parseSeverity, ruleById, type Category, type Settings } from '../core';
import { ConfigError, loadSettings } from './config';
import { configDirectory, lintReader, loadProvenance } from '../provenance/adapter';
import type { ProvenanceContext } from '../provenance/observe';
import { expandPaths } from './files';
import { withTightHeap } from '../node/tightHeap';
import { lintFileInThreads } from '../node/lintInThreads';
import { addSplitLeakage } from './leakage';
import { applyCliBaseline } from './baseline';
import { jsonReporter } from './reporters/json';
import { sarifReporter } from './reporters/sarif';
import { stylishReporter } from './reporters/stylish';
import type { FileReport, Reporter } from './reporters/types';
import { UsageError, type CliIo } from './io';

/** Reporters by `--format` name; other commands register more (e.g. html) here. */
export const REPORTERS: Record<string, Reporter> = {
	stylish: stylishReporter,
	json: jsonReporter,
	sarif: sarifReporter,
};

export const CHECK_USAGE = `Usage: tunelint check FILE|DIR... [options]

Options:
  --format stylish|json|sarif   output format (default stylish)
  --rule ID=SEVERITY            override a rule: off, info, warning or error (repeatable)
  --category LIST               run only these categories (${ALL_CATEGORIES.join(', ')})
  --max-warnings N              exit 1 when there are more than N warnings
  --max-problems N              report at most N line findings per file (counts stay exact; default 10000)
  --config FILE                 use this config file instead of the nearest .tunelintrc.json
  --against FILE                check train/validation leakage against FILE (repeatable); without it, files
                                named like x_train/x_valid/x_test.jsonl in one folder are paired automatically
  --progress                    print progress for large files to stderr
  --threads N                   split the rules of a file between N threads (default: as many as the machine
                                has cores, at most 4, for files of 16 MB or more; 1 for smaller files)
  --baseline FILE               leave out the findings FILE accepts (.tunelint-baseline.json, shared with the editor)
  --update-baseline             accept every current finding: write them to --baseline FILE (default
                                ./.tunelint-baseline.json), so that later runs report only new ones

Exit codes: 0 no errors, 1 errors (or too many warnings), 2 usage or internal error.`;

/** `tunelint check`: lints files and prints a report; returns the exit code. */
export async function runCheck(argv: string[], io: CliIo): Promise<number> {
	const { values, positionals } = parseArgs({
		args: argv,
		allowPositionals: true,
		options: {
			format: { type: 'string', default: 'stylish' },
			rule: { type: 'string', multiple: true, default: [] },
			category: { type: 'string' },
			'max-warnings': { type: 'string' },
			'max-problems': { type: 'string' },
			config: { type: 'string' },
			against: { type: 'string', multiple: true, default: [] },
			progress: { type: 'boolean', default: false },
			threads: { type: 'string' },
			baseline: { type: 'string' },
			'update-baseline': { type: 'boolean', default: false },
			help: { type: 'boolean', default: false },
		},
	});
	if (values.help) {
		io.out(CHECK_USAGE);
		return 0;
	}
	const reporter = REPORTERS[values.format];
	if (reporter === undefined) {
		throw new UsageError(`unknown --format "${values.format}" (use ${Object.keys(REPORTERS).join(', ')})`);
	}
	if (positionals.length === 0) {
		throw new UsageError('no files given');
	}
	const maxWarnings = optionalCount(values['max-warnings'], '--max-warnings');
	const threads = optionalCount(values.threads, '--threads');
	if (threads === 0) {
		throw new UsageError('--threads must be at least 1');
	}
	const settings = await settingsFor(values, io);
	const provenance = await loadProvenance(settings, await configDirectory(values.config, process.cwd()), process.cwd());
	const { files, missing } = await expandPaths(positionals);
	for (const file of missing) {
		io.err(`tunelint: ${file}: no such file or directory`);
	}
	const reports: FileReport[] = [];
	for (const file of files) {
		const report = await checkFile(file, settings, { progress: values.progress ? io : undefined, provenance, threads });
		await addSplitLeakage(report, values.against, settings);
		reports.push(report);
	}
	await applyCliBaseline(reports, { baseline: values.baseline, update: values['update-baseline'] }, io);
	io.out(reporter(reports));
	const errors = reports.reduce((sum, report) => sum + report.result.counts.error, 0);
	const warnings = reports.reduce((sum, report) => sum + report.result.counts.warning, 0);
	if (missing.length > 0) {
		return 2;
	}
	return errors > 0 || (maxWarnings !== undefined && warnings > maxWarnings) ? 1 : 0;
}

/** How `checkFile` reads: progress lines, the provenance context (a lock file exists), and the thread count. */
export interface CheckFileOptions {
	progress?: CliIo;
	provenance?: ProvenanceContext;
	/** Threads to split the rules between; by default several for big files (see defaultThreads). */
	threads?: number;
}

/** Files from this size up are linted with their rules split between threads: below it, starting them costs more. */
const THREADED_FILE_BYTES = 16 * 1024 * 1024;
/** Every thread parses the whole file again, so past a few threads the rules' split no longer pays. */
const MAX_DEFAULT_THREADS = 4;

/**
 * Lints one file from disk, streaming, with the heap kept close to its live size (see withTightHeap) and the rules
 * split between threads on big files (lintFileInThreads). A file that cannot be read is reported and counted as an
 * error. With a provenance context the same read hashes the file and the provenance findings are added.
 */
export async function checkFile(file: string, settings: Settings, options: CheckFileOptions = {}): Promise<FileReport> {
	const started = performance.now();
	const { progress, provenance } = options;
	try {
		const threads = options.threads ?? (await defaultThreads(file));
		const reader = lintReader(provenance, file, settings);
		const lintOptions = {
			yieldEvery: 100_000,
			onProgress: progress === undefined ? undefined : (lines: number) => progress.err(`tunelint: ${file}: ${lines.toLocaleString('en-US')} lines…`),
		};
		const result = await reader.complete(await withTightHeap(() => lintFileInThreads(file, reader.lines, settings, lintOptions, threads)));
		return { file, result, durationMs: performance.now() - started };
	} catch (error) {
		const { code, syscall } = error as NodeJS.ErrnoException;
		if (syscall === undefined) {
			// Not the file system: a lint thread that failed (out of memory, its bundle missing), or a file that changed
			// while its threads read it.
			throw new ConfigError(`${file}: ${(error as Error).message}`);
		}
		throw new ConfigError(`${file}: cannot read the file: ${code === 'EISDIR' ? 'is a directory' : (error as Error).message}`);
	}
}

async function defaultThreads(file: string): Promise<number> {
	const { size } = await stat(file);
	return size >= THREADED_FILE_BYTES ? Math.min(availableParallelism(), MAX_DEFAULT_THREADS) : 1;
}

async function settingsFor(values: { rule: string[]; category?: string; config?: string; 'max-problems'?: string }, io: CliIo): Promise<Settings> {
	const { settings, problems } = await loadSettings(values.config, process.cwd());
	for (const problem of problems) {
		io.err(`tunelint: warning: ${problem}`);
	}
	settings.maxProblems = optionalCount(values['max-problems'], '--max-problems') ?? 10000;
	for (const item of values.rule) {
		const [id, severityText] = item.split('=');
		const severity = parseSeverity(severityText);
		if (id === undefined || ruleById(id) === undefined) {
			throw new UsageError(`--rule ${item}: unknown rule "${id}"`);
		}
		if (severity === undefined) {
			throw new UsageError(`--rule ${item}: severity must be off, info, warning or error`);
		}
		settings.rules[id] = severity;
	}
	if (values.category !== undefined) {
		settings.categories = values.category.split(',').map((name): Category => {
			const category = parseCategory(name.trim());
			if (category === undefined) {
				throw new UsageError(`--category: unknown category "${name}" (known: ${ALL_CATEGORIES.join(', ')})`);
			}
			return category;
		});
	}
	return settings;
}

function optionalCount(text: string | undefined, name: string): number | undefined {
	if (text === undefined) {
		return undefined;
	}
	const value = Number(text);
	if (!Number.isInteger(value) || value < 0) {
		throw new UsageError(`${name} must be a whole number ≥ 0, got "${text}"`);
	}
	return value;
}
