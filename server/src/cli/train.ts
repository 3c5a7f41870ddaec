import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

import type { Finding } from '../core';
import { BACKEND_CHOICES, type BackendChoice } from '../training/backend';
import { startTrainingProcess } from '../training/process';
import { DEFAULT_RUN_CONFIG, type RunConfig, type TrainingProgress, type TrainingResult } from '../training/run';
import { defaultRunsDirectory, saveRun } from '../training/runStore';
import { loadSettings } from './config';
import { type CliIo, UsageError, wholeNumberFlag } from './io';
import { toJsonFinding } from './reporters/types';

export const TRAIN_USAGE = `Usage: tunelint train FILE [options]

Trains a small TensorFlow.js proxy model on FILE (in its own process) and reports what it learned: overfitting,
insufficient-data, label-issue, underperforming-group and trigger-confirmed findings. Labels (or a small answer set)
train a classifier; free-text answers (chat, instruction, completion) train a next-token proxy whose loss and
accuracy are per answer token, and whose per-record losses give answer-outlier findings instead of label issues.
The run is saved under .tunelint/runs/<id>/ (or --out DIR).

Options:
  --valid FILE                   validate on FILE instead of a stratified ${DEFAULT_RUN_CONFIG.validationShare * 100} % split
  --folds N                      folds for out-of-fold label-issue (answer-outlier) detection; 0 skips it (default ${DEFAULT_RUN_CONFIG.folds})
  --epochs N                     most epochs (default ${DEFAULT_RUN_CONFIG.epochs}); early stopping on validation loss
  --patience N                   epochs without improvement before stopping (default ${DEFAULT_RUN_CONFIG.patience})
  --batch-size N                 (default ${DEFAULT_RUN_CONFIG.batchSize})
  --lr X                         Adam learning rate (default ${DEFAULT_RUN_CONFIG.learningRate})
                                 (the "training" section of .tunelintrc.json, saved by "tunelint tune --save",
                                 replaces these defaults for epochs, patience, batch size, lr, l2, dropout and
                                 embedding size)
  --l2 X                         L2 penalty on the feature rows each batch uses (with --embedding-size, the
                                 embedding table; the dense layer is not penalised) (default ${DEFAULT_RUN_CONFIG.l2})
  --dropout X                    input (context) feature dropout, 0 to <1 (default ${DEFAULT_RUN_CONFIG.dropout})
  --embedding-size N             0: a linear classifier over the features; N > 0: fastText's, an N-wide embedding
                                 and a dense layer (default ${DEFAULT_RUN_CONFIG.embeddingSize}; the free-text proxy always embeds, 0 = 32 wide)
  --seed N                       seed for splits, shuffling and dropout (default ${DEFAULT_RUN_CONFIG.seed})
  --backend auto|cpu|wasm|node   TensorFlow.js backend (default auto: node, else wasm, else cpu)
  --no-learning-curve            skip the 10/25/50 % learning-curve fits
  --out DIR                      runs directory (default ./.tunelint/runs)
  --format text|json             result on stdout (default text)

Progress goes to stderr: readable lines with --format text, one JSON object per line with --format json:
  {"type":"process","pid":12345}                                  (the training process)
  {"type":"stage","stage":"train","message":"…"}
  {"type":"progress","stage":"train","fit":1,"fits":9,"epoch":1,"epochs":10,"batch":20,"batches":49,"etaSeconds":3.2}
  {"type":"epoch","stage":"train","epoch":1,"loss":0.14,"accuracy":0.98,"valLoss":0.43,"valAccuracy":0.81,"seconds":2.1}
  {"type":"saved","runDirectory":"…"}
SIGINT/SIGTERM cancel the training within 2 seconds; nothing is saved then.

Exit codes: 0 trained (no error findings), 1 error findings (a confirmed trigger), 2 bad input or usage, 130 cancelled.`;

/** Progress lines per second, at most, for batch progress (epoch and stage lines always go out). */
const PROGRESS_INTERVAL_MS = 250;

/** `tunelint train`: trains the proxy in a child process, saves the run and prints the result. */
export async function runTrain(argv: string[], io: CliIo): Promise<number> {
	// Listening from the first moment, so that a cancel arriving while the options and the config file are read is
	// honoured too (the default handler would end the process without a word).
	const cancellation = new SignalCancellation();
	try {
		return await train(argv, io, cancellation);
	} finally {
		cancellation.dispose();
	}
}

/** SIGINT and SIGTERM as a cancellation request that a step can ask about or subscribe to once it has begun. */
class SignalCancellation {
	requested = false;
	private onCancel: (() => void) | undefined;
	private readonly fire = (): void => {
		this.requested = true;
		this.onCancel?.();
	};

	constructor() {
		process.on('SIGINT', this.fire);
		process.on('SIGTERM', this.fire);
	}

	/** Runs `cancel` on the next signal, or now if one has already arrived. */
	subscribe(cancel: () => void): void {
		this.onCancel = cancel;
		if (this.requested) {
			cancel();
		}
	}

	dispose(): void {
		process.off('SIGINT', this.fire);
		process.off('SIGTERM', this.fire);
	}
}

async function train(argv: string[], io: CliIo, cancellation: SignalCancellation): Promise<number> {
	const { values, positionals } = parseArgs({
		args: argv,
		allowPositionals: true,
		options: {
			valid: { type: 'string' },
			folds: { type: 'string' },
			epochs: { type: 'string' },
			patience: { type: 'string' },
			'batch-size': { type: 'string' },
			lr: { type: 'string' },
			l2: { type: 'string' },
			dropout: { type: 'string' },
			'embedding-size': { type: 'string' },
			seed: { type: 'string' },
			backend: { type: 'string', default: 'auto' },
			'no-learning-curve': { type: 'boolean', default: false },
			out: { type: 'string' },
			format: { type: 'string', default: 'text' },
			help: { type: 'boolean', default: false },
		},
	});
	if (values.help) {
		io.out(TRAIN_USAGE);
		return 0;
	}
	if (positionals.length !== 1) {
		throw new UsageError(positionals.length === 0 ? 'train needs a FILE' : 'train takes one FILE');
	}
	if (values.format !== 'text' && values.format !== 'json') {
		throw new UsageError(`unknown --format "${values.format}" (use text or json)`);
	}
	if (!BACKEND_CHOICES.includes(values.backend as BackendChoice)) {
		throw new UsageError(`unknown --backend "${values.backend}" (use ${BACKEND_CHOICES.join(', ')})`);
	}
	const file = positionals[0];
	for (const given of [file, values.valid]) {
		if (given !== undefined && !existsSync(given)) {
			io.err(`tunelint: ${given}: no such file`);
			return 2;
		}
	}
	const { settings, problems, sections } = await loadSettings(undefined, path.dirname(path.resolve(file)));
	problems.forEach((problem) => io.err(`tunelint: ${problem}`));
	if (cancellation.requested) {
		io.err('tunelint: training cancelled; no run was saved');
		return 130;
	}
	// The config file's `training` section (saved by `tunelint tune --save`) replaces the built-in defaults; flags win.
	const defaults: RunConfig = { ...DEFAULT_RUN_CONFIG, ...sections.training };
	const config: RunConfig = {
		...defaults,
		folds: wholeNumberFlag(values.folds, '--folds', defaults.folds, 0),
		epochs: wholeNumberFlag(values.epochs, '--epochs', defaults.epochs, 1),
		patience: wholeNumberFlag(values.patience, '--patience', defaults.patience, 1),
		batchSize: wholeNumberFlag(values['batch-size'], '--batch-size', defaults.batchSize, 1),
		learningRate: number(values.lr, '--lr', defaults.learningRate, (x) => x > 0),
		l2: number(values.l2, '--l2', defaults.l2, (x) => x >= 0),
		dropout: number(values.dropout, '--dropout', defaults.dropout, (x) => x >= 0 && x < 1),
		embeddingSize: wholeNumberFlag(values['embedding-size'], '--embedding-size', defaults.embeddingSize, 0),
		seed: wholeNumberFlag(values.seed, '--seed', DEFAULT_RUN_CONFIG.seed, 0),
		backend: values.backend as BackendChoice,
		learningCurve: !values['no-learning-curve'],
	};
	if (config.folds === 1) {
		throw new UsageError('--folds must be 0 (skip label issues) or at least 2');
	}
	const json = values.format === 'json';
	const training = startTrainingProcess({ file, validationFile: values.valid, fields: settings.fields, config }, progressWriter(io, json));
	if (json) {
		io.err(JSON.stringify({ type: 'process', pid: training.pid }));
	}
	cancellation.subscribe(() => training.cancel());
	const outcome = await training.outcome;
	if (outcome.type === 'cancelled') {
		io.err('tunelint: training cancelled; no run was saved');
		return 130;
	}
	if (outcome.type === 'failed') {
		io.err(outcome.kind === 'input' ? `tunelint: ${outcome.message}` : `tunelint: internal error in training: ${outcome.message}`);
		return 2;
	}
	const runDirectory = saveRun(values.out ?? defaultRunsDirectory(process.cwd()), outcome.result);
	io.err(json ? JSON.stringify({ type: 'saved', runDirectory }) : `run saved in ${runDirectory}`);
	io.out(json ? JSON.stringify(jsonResult(outcome.result, runDirectory), null, 2) : textResult(outcome.result, runDirectory));
	return outcome.result.findings.some((finding) => finding.severity === 'error') ? 1 : 0;
}

function progressWriter(io: CliIo, json: boolean): (progress: TrainingProgress) => void {
	let lastBatchLine = 0;
	return (progress) => {
		if (progress.type === 'progress') {
			if (!json || Date.now() - lastBatchLine < PROGRESS_INTERVAL_MS) {
				return;
			}
			lastBatchLine = Date.now();
		}
		if (json) {
			io.err(JSON.stringify(progress));
		} else if (progress.type === 'stage') {
			io.err(`${progress.stage}: ${progress.message}`);
		} else if (progress.type === 'epoch') {
			const validation = progress.valLoss === undefined ? '' : `, val_loss ${progress.valLoss.toFixed(4)}, val_acc ${progress.valAccuracy?.toFixed(4)}`;
			io.err(`  ${progress.stage} epoch ${progress.epoch}: loss ${progress.loss.toFixed(4)}, acc ${progress.accuracy.toFixed(4)}${validation} (${progress.seconds.toFixed(1)} s)`);
		}
	};
}

/** The `--format json` object: the run result with findings in the check command's JSON shape. */
function jsonResult(result: TrainingResult, runDirectory: string): Record<string, unknown> {
	return { ...result, findings: result.findings.map((finding: Finding) => toJsonFinding(result.file, finding)), runDirectory };
}

/** Label issues (answer outliers) shown in text output; the rest are in the run's ranked label-issues.json (answer-outliers.json). */
const TEXT_LABEL_ISSUES = 20;

function textResult(result: TrainingResult, runDirectory: string): string {
	const validation = result.metrics.validation;
	const perRecord = (finding: Finding): boolean => finding.ruleId === 'label-issue' || finding.ruleId === 'answer-outlier';
	const labelIssues = result.findings.filter(perRecord);
	const shown = [...result.findings.filter((finding) => !perRecord(finding)), ...labelIssues.slice(0, TEXT_LABEL_ISSUES)];
	const hidden = labelIssues.length - Math.min(labelIssues.length, TEXT_LABEL_ISSUES);
	const rankedFile = result.task === 'next-token' ? 'answer-outliers.json' : 'label-issues.json';
	const nextToken = result.nextToken;
	const task = nextToken === undefined
		? `labels ${result.labels.map((label) => JSON.stringify(label)).join(', ')}`
		: `free-text answers: next-token proxy over ${nextToken.vocabularySize} words, loss and accuracy per answer token`;
	const lines = [
		`${result.file}: ${result.records.train} training records, ${result.records.validation} validation records, ${task}`,
		`backend ${result.backend}, seed ${result.seed}, best epoch ${result.bestEpoch} of ${result.history.length}, ${result.seconds.toFixed(1)} s`,
		`train: loss ${result.metrics.train.loss.toFixed(4)}, accuracy ${result.metrics.train.accuracy.toFixed(4)}`,
		`validation: loss ${validation.loss.toFixed(4)}, accuracy ${validation.accuracy.toFixed(4)}${validation.macroF1 === null ? '' : `, macro F1 ${validation.macroF1.toFixed(4)}`}`,
		'',
		...shown.map((finding) => `${result.file}:${finding.range.line + 1}: ${finding.severity} ${finding.message} [${finding.ruleId}]`),
		...(hidden > 0 ? [`… and ${hidden} more ${result.task === 'next-token' ? 'unusual answers' : 'label issues'}, ranked in ${path.join(runDirectory, rankedFile)}`] : []),
		'',
		`${result.findings.length} finding${result.findings.length === 1 ? '' : 's'}; run saved in ${runDirectory}`,
	];
	return lines.join('\n');
}


function number(value: string | undefined, flag: string, fallback: number, valid: (x: number) => boolean): number {
	if (value === undefined) {
		return fallback;
	}
	const parsed = Number(value);
	if (!Number.isFinite(parsed) || !valid(parsed)) {
		throw new UsageError(`${flag}: "${value}" is out of range`);
	}
	return parsed;
}
