import { parseArgs } from 'node:util';

import { BACKEND_CHOICES, type BackendChoice, selectBackend } from '../training/backend';
import { TrainingInputError } from '../training/examples';
import { TrainingCancelled } from '../training/train';
import { DEFAULT_TUNE_SPACE, tuneObjective } from '../training/tune/objective';
import { bestSoFar, search, SEARCH_METHODS, type SearchMethod, type SearchResult } from '../training/tune/search';
import { loadSettings } from './config';
import { type CliIo, UsageError } from './io';
import { readText } from './stats';

export const TUNE_USAGE = `Usage: tunelint tune FILE [options]

Searches hyper-parameters of the proxy model (learning rate and L2 on a log scale, input dropout, batch size; epochs
by early stopping) on a seeded stratified split of FILE, minimising the validation loss.

Options:
  --method grid|random|bayes   (default bayes: Gaussian process, Matérn 5/2, expected improvement)
  --trials N                   (default 20)
  --budget-minutes M           start no trial after M minutes
  --seed N                     (default 42)
  --epochs N                   most epochs per trial (default 10; early stopping with patience 2)
  --backend auto|cpu|wasm|node (default auto)
  --format text|json           result on stdout (default text); with json, one {"type":"trial",…} line per trial on stderr

JSON: {method, trials: [{params, metric, seconds}], best: {params, metric}, bestSoFar, metricName, records, stoppedEarly}.
SIGINT/SIGTERM stop the search after the running trial is cancelled; the trials so far are reported (exit 130).`;

/** `tunelint tune`: hyper-parameter search on the proxy model. */
export async function runTune(argv: string[], io: CliIo): Promise<number> {
	const { values, positionals } = parseArgs({
		args: argv,
		allowPositionals: true,
		options: {
			method: { type: 'string', default: 'bayes' },
			trials: { type: 'string', default: '20' },
			'budget-minutes': { type: 'string' },
			seed: { type: 'string', default: '42' },
			epochs: { type: 'string', default: '10' },
			backend: { type: 'string', default: 'auto' },
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
	const trials = whole(values.trials, '--trials', 1);
	const seed = whole(values.seed, '--seed', 0);
	const epochs = whole(values.epochs, '--epochs', 1);
	const budgetMinutes = values['budget-minutes'] === undefined ? undefined : Number(values['budget-minutes']);
	if (budgetMinutes !== undefined && !(budgetMinutes > 0)) {
		throw new UsageError(`--budget-minutes needs a positive number, not "${values['budget-minutes']}"`);
	}
	const file = positionals[0];
	const { settings } = await loadSettings(values.config, process.cwd());
	const text = await readText(file);
	const signal = { isCancellationRequested: false };
	const cancel = (): void => {
		signal.isCancellationRequested = true;
	};
	process.once('SIGINT', cancel);
	process.once('SIGTERM', cancel);
	const json = values.format === 'json';
	try {
		let objective;
		try {
			objective = tuneObjective(text, file, settings.fields, { seed, validationShare: 0.2, epochs, signal });
		} catch (error) {
			if (error instanceof TrainingInputError) {
				io.err(`tunelint: ${error.message}`);
				return 2;
			}
			throw error;
		}
		const backend = await selectBackend(values.backend as BackendChoice);
		const result = await search(
			async (params) => {
				try {
					return await objective.evaluate(params);
				} catch (error) {
					// A cancelled trial is not a failed configuration: it is left out of the results.
					if (error instanceof TrainingCancelled) {
						return Number.NaN;
					}
					throw error;
				}
			},
			DEFAULT_TUNE_SPACE,
			{
				method: values.method as SearchMethod,
				trials,
				seed,
				budgetSeconds: budgetMinutes === undefined ? undefined : budgetMinutes * 60,
				signal,
				onTrial: (trial, index) => io.err(json ? JSON.stringify({ type: 'trial', index: index + 1, ...trial }) : `trial ${index + 1}: ${describeParams(trial.params)} → validation loss ${trial.metric.toFixed(4)} (${trial.seconds.toFixed(1)} s)`),
			},
		);
		if (signal.isCancellationRequested && result.trials.length > 0) {
			result.trials.pop();
		}
		const best = result.trials.reduce<SearchResult['trials'][number] | undefined>((current, trial) => (current === undefined || trial.metric < current.metric ? trial : current), undefined);
		const output = { ...result, best: best === undefined ? null : { params: best.params, metric: best.metric }, bestSoFar: bestSoFar(result.trials), metricName: 'validation loss', records: objective.records, backend: backend.name, file };
		io.out(json ? JSON.stringify(output, null, 2) : textResult(output));
		return signal.isCancellationRequested ? 130 : 0;
	} finally {
		process.off('SIGINT', cancel);
		process.off('SIGTERM', cancel);
	}
}

function describeParams(params: Record<string, number>): string {
	return Object.entries(params)
		.map(([name, value]) => `${name} ${Number.isInteger(value) ? value : value.toPrecision(3)}`)
		.join(', ');
}

function textResult(result: SearchResult & { records: { train: number; validation: number }; file: string }): string {
	const lines = [`${result.file}: ${result.method} search, ${result.trials.length} trials (${result.records.train} training, ${result.records.validation} validation records)`];
	lines.push(result.best === null ? 'no trial finished' : `best: ${describeParams(result.best.params)} → validation loss ${result.best.metric.toFixed(4)}`);
	return lines.join('\n');
}

function whole(value: string, flag: string, minimum: number): number {
	const parsed = Number(value);
	if (!Number.isInteger(parsed) || parsed < minimum) {
		throw new UsageError(`${flag} needs a whole number of at least ${minimum}, not "${value}"`);
	}
	return parsed;
}
