import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

import { BACKEND_CHOICES, type BackendChoice } from '../training/backend';
import { TrialPool, TuneWorkerError } from '../training/tune/pool';
import { bestSoFar, search, SEARCH_METHODS, type SearchMethod, type SearchResult } from '../training/tune/search';
import { DEFAULT_TUNE_SPACE, type Parameter, type Params } from '../training/tune/space';
import { CONFIG_FILE_NAME, ConfigError, findConfig, loadSettings, saveConfigSection } from './config';
import { type CliIo, UsageError } from './io';

export const TUNE_USAGE = `Usage: tunelint tune FILE [options]

Searches hyper-parameters of the proxy model (learning rate and L2 on a log scale, input dropout, batch size, and
the embedding size when the config asks; epochs by early stopping) on a seeded stratified split of FILE, minimising
the validation loss. Trials run in parallel worker processes.

The space is configurable in the config file's "tune" section, e.g.
  {"tune": {"space": {"learningRate": {"min": 0.0001, "max": 0.1}, "l2": {"min": 1e-6, "max": 0.01},
                      "dropout": {"min": 0, "max": 0.3}, "batchSize": {"values": [16, 32, 64]},
                      "embeddingSize": {"values": [0, 16, 64]}}}}
(defaults: learning rate 0.001–0.5, L2 1e-7–0.1, dropout 0–0.5, batch size 32, 64, 128, 256; a parameter the
section does not name keeps its default range. The embedding size, 0 for the linear classifier or the width of
fastText's embedding, is searched only when named: {} gives 0, 16, 64. It makes trials 2–8 times slower.)

Options:
  --method grid|random|bayes|tpe   (default bayes: Gaussian process, Matérn 5/2, expected improvement;
                               tpe: tree-structured Parzen estimator)
  --trials N                   (default 20)
  --workers N                  trials at once, each in its own process (default: the number of cores, ${os.availableParallelism()}
                               here; at most --trials). Bayes and TPE choose each batch of N points together
                               (constant liar), so the points depend on N but not on timing.
  --budget-minutes M           start no trial after M minutes
  --seed N                     (default 42)
  --epochs N                   most epochs per trial (default 10; early stopping with patience 2)
  --backend auto|cpu|wasm|node (default auto)
  --save                       write the best configuration into the "training" section of the config file
                               (--config, else the nearest ${CONFIG_FILE_NAME} from FILE's folder, else a new one in the
                               current folder, or beside FILE when it is outside it); "tunelint train" then uses it
                               as its defaults. Other keys of the file are kept; the file is replaced atomically.
  --config FILE                config file (field names, tune.space; the one --save writes); default: the nearest
                               ${CONFIG_FILE_NAME} from FILE's folder upwards, as "tunelint train FILE" reads
  --format text|json           result on stdout (default text); with json, progress as JSON lines on stderr

Progress lines on stderr with --format json, one JSON object per line:
  {"type":"start","method":"bayes","trials":20,"workers":2,"metricName":"validation loss"}
  {"type":"worker","worker":1,"pid":12345}                          (one per worker process, as it starts)
  {"type":"ready","records":{"train":800,"validation":200},"labels":["0","1"],"backend":"wasm"}
  {"type":"trial","index":3,"params":{…},"metric":0.51,"seconds":2.1,"worker":2,"finished":3,"best":0.49}
     (one per finished trial, in finishing order; index is the trial's number in starting order, from 1)
  {"type":"saved","configFile":"…","params":{…}}                     (with --save)

JSON: {method, trials: [{params, metric, seconds}], best: {params, metric}, bestSoFar, metricName, records, workers,
space, stoppedEarly, saved?}. SIGINT/SIGTERM cancel every running trial and stop all workers within 2 seconds; the trials
finished so far are reported (exit 130) and nothing is saved.`;

/** `tunelint tune`: hyper-parameter search on the proxy model. */
export async function runTune(argv: string[], io: CliIo): Promise<number> {
	const { values, positionals } = parseArgs({
		args: argv,
		allowPositionals: true,
		options: {
			method: { type: 'string', default: 'bayes' },
			trials: { type: 'string', default: '20' },
			workers: { type: 'string' },
			'budget-minutes': { type: 'string' },
			seed: { type: 'string', default: '42' },
			epochs: { type: 'string', default: '10' },
			backend: { type: 'string', default: 'auto' },
			save: { type: 'boolean', default: false },
			format: { type: 'string', default: 'text' },
			config: { type: 'string' },
			help: { type: 'boolean', default: false },
		},
	});
	if (values.help) {
		io.out(TUNE_USAGE);
		return 0;
	}
	if (positionals.length !== 1) {
		throw new UsageError(positionals.length === 0 ? 'tune needs a FILE' : 'tune takes one FILE');
	}
	if (!SEARCH_METHODS.includes(values.method as SearchMethod)) {
		throw new UsageError(`unknown --method "${values.method}" (use ${SEARCH_METHODS.join(', ')})`);
	}
	if (values.format !== 'text' && values.format !== 'json') {
		throw new UsageError(`unknown --format "${values.format}" (use text or json)`);
	}
	if (!BACKEND_CHOICES.includes(values.backend as BackendChoice)) {
		throw new UsageError(`unknown --backend "${values.backend}" (use ${BACKEND_CHOICES.join(', ')})`);
	}
	const method = values.method as SearchMethod;
	const trials = whole(values.trials, '--trials', 1);
	const workers = Math.min(trials, values.workers === undefined ? os.availableParallelism() : whole(values.workers, '--workers', 1));
	const seed = whole(values.seed, '--seed', 0);
	const epochs = whole(values.epochs, '--epochs', 1);
	const budgetMinutes = values['budget-minutes'] === undefined ? undefined : Number(values['budget-minutes']);
	if (budgetMinutes !== undefined && !(budgetMinutes > 0)) {
		throw new UsageError(`--budget-minutes needs a positive number, not "${values['budget-minutes']}"`);
	}
	const file = positionals[0];
	// The config file `tunelint train FILE` reads (and `--save` writes): field names, and the search space.
	const { settings, problems, sections } = await loadSettings(values.config, path.dirname(path.resolve(file)));
	problems.forEach((problem) => io.err(`tunelint: ${problem}`));
	const space = sections.tune?.space ?? DEFAULT_TUNE_SPACE;
	await fs.stat(file).catch((error: NodeJS.ErrnoException) => {
		throw new ConfigError(`${file}: cannot read the file (${error.code ?? String(error)})`);
	});
	const json = values.format === 'json';
	const progress = (line: Record<string, unknown>, text: string): void => io.err(json ? JSON.stringify(line) : text);
	progress({ type: 'start', method, trials, workers, metricName: 'validation loss' }, `${method} search, ${trials} trials on ${workers} worker process${workers === 1 ? '' : 'es'}`);

	const signal = { isCancellationRequested: false };
	let pool: TrialPool | undefined;
	const cancel = (): void => {
		signal.isCancellationRequested = true;
		pool?.cancel();
	};
	process.once('SIGINT', cancel);
	process.once('SIGTERM', cancel);
	try {
		const starting = TrialPool.start(workers, { file, fields: settings.fields, seed, validationShare: 0.2, epochs, backend: values.backend as BackendChoice, defaults: sections.training }, (worker, pid) => progress({ type: 'worker', worker, pid }, `worker ${worker}: process ${pid ?? '?'}`));
		try {
			pool = await starting;
		} catch (error) {
			if (error instanceof TuneWorkerError) {
				io.err(error.kind === 'input' ? `tunelint: ${error.message}` : `tunelint: internal error in a trial worker: ${error.message}`);
				return signal.isCancellationRequested ? 130 : 2;
			}
			throw error;
		}
		if (signal.isCancellationRequested) {
			pool.cancel();
		}
		const info = pool.info;
		progress({ type: 'ready', records: info.records, labels: info.labels, backend: info.backend }, `${info.records.train} training and ${info.records.validation} validation records, backend ${info.backend}`);
		const workerOf = new WeakMap<Params, number>();
		let finished = 0;
		let best = Number.POSITIVE_INFINITY;
		const running = pool;
		const result = await search(
			async (params) => {
				const outcome = await running.evaluate(params);
				workerOf.set(params, outcome.worker);
				return outcome.metric;
			},
			space,
			{
				method,
				trials,
				seed,
				workers,
				budgetSeconds: budgetMinutes === undefined ? undefined : budgetMinutes * 60,
				signal,
				onTrial: (trial, index) => {
					finished++;
					best = Math.min(best, trial.metric);
					const worker = workerOf.get(trial.params);
					progress({ type: 'trial', index: index + 1, ...trial, worker, finished, best }, `trial ${index + 1} (worker ${worker ?? '?'}): ${describeParams(trial.params)} → validation loss ${trial.metric.toFixed(4)} (${trial.seconds.toFixed(1)} s)`);
				},
			},
		);
		await pool.close();
		const output: TuneOutput = { ...result, bestSoFar: bestSoFar(result.trials), metricName: 'validation loss', records: info.records, backend: info.backend, workers, space, file };
		if (values.save && result.best !== null && !signal.isCancellationRequested) {
			const target = values.config ?? (await saveTarget(file));
			const params = Object.fromEntries(Object.entries(result.best.params).map(([name, value]) => [name, Number(value.toPrecision(6))]));
			const configFile = await saveConfigSection(target, 'training', params);
			output.saved = { configFile, section: 'training', params };
			progress({ type: 'saved', configFile, params }, `best configuration saved in ${configFile} ("training"); tunelint train uses it as its defaults`);
		}
		io.out(json ? JSON.stringify(output, null, 2) : textResult(output));
		return signal.isCancellationRequested ? 130 : 0;
	} finally {
		process.off('SIGINT', cancel);
		process.off('SIGTERM', cancel);
		await pool?.close();
	}
}

/** The `--format json` object. */
type TuneOutput = SearchResult & { bestSoFar: number[]; metricName: string; records: { train: number; validation: number }; backend: string; workers: number; space: Parameter[]; file: string; saved?: { configFile: string; section: string; params: Params } };

/**
 * The config file `--save` writes without --config: the one `tunelint train FILE` will read (the nearest from FILE's
 * folder upwards), else a new one in the current folder when FILE is inside it, else beside FILE.
 */
async function saveTarget(file: string): Promise<string> {
	const folder = path.dirname(path.resolve(file));
	const existing = await findConfig(folder);
	if (existing !== undefined) {
		return existing;
	}
	const relative = path.relative(process.cwd(), folder);
	const insideCwd = relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
	return path.join(insideCwd ? process.cwd() : folder, CONFIG_FILE_NAME);
}

function describeParams(params: Record<string, number>): string {
	return Object.entries(params)
		.map(([name, value]) => `${name} ${Number.isInteger(value) ? value : value.toPrecision(3)}`)
		.join(', ');
}

function textResult(result: TuneOutput): string {
	const lines = [`${result.file}: ${result.method} search, ${result.trials.length} trials on ${result.workers} worker${result.workers === 1 ? '' : 's'} (${result.records.train} training, ${result.records.validation} validation records)`];
	lines.push(result.best === null ? 'no trial finished' : `best: ${describeParams(result.best.params)} → validation loss ${result.best.metric.toFixed(4)}`);
	if (result.saved !== undefined) {
		lines.push(`saved in ${result.saved.configFile} ("training" section)`);
	}
	return lines.join('\n');
}

function whole(value: string, flag: string, minimum: number): number {
	const parsed = Number(value);
	if (!Number.isInteger(parsed) || parsed < minimum) {
		throw new UsageError(`${flag} needs a whole number of at least ${minimum}, not "${value}"`);
	}
	return parsed;
}
