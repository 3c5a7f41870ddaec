import { parseArgs } from 'node:util';

import { analyzeTrainingLog, DEFAULT_LOG_ANALYSIS_OPTIONS, type LogReport } from '../core/logs/analyze';
import { LogFormatError, parseTrainingLog } from '../core/logs/parse';
import { type CliIo, UsageError } from './io';
import { readText } from './stats';

export const LOG_USAGE = `Usage: tunelint log FILE [options]

Reads the metrics a real fine-tuning job wrote (OpenAI's result CSV, Hugging Face trainer_state.json, or any CSV or
JSONL with a step column and loss columns) and reports the training and validation curves, overfitting (the step
where validation loss turned while training loss kept falling, and the gap) and the step early stopping would
have chosen.

Options:
  --smoothing X        EMA weight for the curves, 0 to <1 (default ${DEFAULT_LOG_ANALYSIS_OPTIONS.smoothing})
  --patience N         evaluations without improvement before early stopping (default ${DEFAULT_LOG_ANALYSIS_OPTIONS.patience})
  --min-rise X         validation-loss rise over its minimum that counts as overfitting (default ${DEFAULT_LOG_ANALYSIS_OPTIONS.minRise})
  --format text|json   (default text)

Exit codes: 0 read (overfitting or not), 2 unreadable log or usage.`;

/** `tunelint log`: analyses a training log. */
export async function runLog(argv: string[], io: CliIo): Promise<number> {
	const { values, positionals } = parseArgs({
		args: argv,
		allowPositionals: true,
		options: {
			smoothing: { type: 'string' },
			patience: { type: 'string' },
			'min-rise': { type: 'string' },
			format: { type: 'string', default: 'text' },
			help: { type: 'boolean', default: false },
		},
	});
	if (values.help) {
		io.out(LOG_USAGE);
		return 0;
	}
	if (positionals.length !== 1) {
		throw new UsageError(positionals.length === 0 ? 'log needs a FILE' : 'log takes one FILE');
	}
	if (values.format !== 'text' && values.format !== 'json') {
		throw new UsageError(`unknown --format "${values.format}" (use text or json)`);
	}
	const options = {
		smoothing: option(values.smoothing, '--smoothing', DEFAULT_LOG_ANALYSIS_OPTIONS.smoothing, (x) => x >= 0 && x < 1),
		patience: option(values.patience, '--patience', DEFAULT_LOG_ANALYSIS_OPTIONS.patience, (x) => Number.isInteger(x) && x >= 1),
		minRise: option(values['min-rise'], '--min-rise', DEFAULT_LOG_ANALYSIS_OPTIONS.minRise, (x) => x >= 0),
	};
	const file = positionals[0];
	let report: LogReport;
	try {
		report = analyzeTrainingLog(parseTrainingLog(await readText(file), file), file, options);
	} catch (error) {
		if (error instanceof LogFormatError) {
			io.err(`tunelint: ${error.message}`);
			return 2;
		}
		throw error;
	}
	io.out(values.format === 'json' ? JSON.stringify(report, null, 2) : textReport(report));
	return 0;
}

function textReport(report: LogReport): string {
	const format = (value: number | undefined): string => (value === undefined ? '-' : value.toFixed(4));
	const lines = [
		`${report.file}: ${report.format}, steps ${report.steps.first}–${report.steps.last} (${report.steps.count} logged)`,
		`final: train loss ${format(report.final.trainLoss)}, validation loss ${format(report.final.validLoss)}, train accuracy ${format(report.final.trainAccuracy)}, validation accuracy ${format(report.final.validAccuracy)}`,
	];
	if (report.curves.validLoss.length === 0) {
		lines.push('no validation loss in the log: overfitting and early stopping cannot be judged (log a validation set)');
	} else if (report.overfitting === null) {
		lines.push('no overfitting: validation loss did not turn while training loss fell');
	} else {
		const o = report.overfitting;
		lines.push(`OVERFITTING from step ${o.step}: validation loss ${o.validLossAtTurn.toFixed(4)} → ${o.validLossAtEnd.toFixed(4)} (+${(o.rise * 100).toFixed(1)} %) while training loss fell ${o.trainLossAtTurn.toFixed(4)} → ${o.trainLossAtEnd.toFixed(4)}; final gap ${o.gap.toFixed(4)}`);
	}
	if (report.earlyStopping !== null) {
		const e = report.earlyStopping;
		lines.push(`early stopping (patience ${e.patience} evaluations) would have kept step ${e.step} (validation loss ${e.validLoss.toFixed(4)}), stopping at step ${e.stoppedAt}${e.stepsSaved > 0 ? `, ${e.stepsSaved} steps sooner` : ''}`);
	}
	lines.push(...report.problems.map((problem) => `skipped ${problem}`));
	return lines.join('\n');
}

function option(value: string | undefined, flag: string, fallback: number, valid: (x: number) => boolean): number {
	if (value === undefined) {
		return fallback;
	}
	const parsed = Number(value);
	if (!Number.isFinite(parsed) || !valid(parsed)) {
		throw new UsageError(`${flag}: "${value}" is out of range`);
	}
	return parsed;
}
