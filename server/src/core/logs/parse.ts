/**
 * Reads the metric logs that real fine-tuning jobs write into one shape: OpenAI's result CSV (step, train_loss,
 * valid_loss, accuracies; also the older training_loss/validation_loss columns), Hugging Face `trainer_state.json`
 * (`log_history` with `loss` and `eval_loss` entries), and any CSV or JSONL with a step column and loss columns.
 * Pure: text in, points out; problems are reported with the line they are on, never thrown past {@link parseTrainingLog}.
 */

/** Which kind of log a file was read as. */
export type LogFormat = 'openai-csv' | 'hf-trainer-state' | 'csv' | 'jsonl';

/** The metrics logged at one step; a step may carry training metrics, validation metrics, or both. */
export interface LogPoint {
	step: number;
	trainLoss?: number;
	validLoss?: number;
	trainAccuracy?: number;
	validAccuracy?: number;
}

/** A parsed log: points sorted by step (entries of one step merged), and the columns each metric came from. */
export interface TrainingLog {
	format: LogFormat;
	points: LogPoint[];
	columns: Partial<Record<keyof LogPoint, string>>;
	/** Lines or entries that could not be read, with why (1-based line numbers). */
	problems: string[];
}

/** The log cannot be read at all; the message names the file and, where it applies, the line. */
export class LogFormatError extends Error {}

/**
 * Column names per metric, first match wins. OpenAI's newer result files have `full_valid_loss` on the steps where
 * the whole validation set was scored, which is preferred to the per-batch `valid_loss` when present.
 */
const COLUMN_NAMES: Record<keyof LogPoint, readonly string[]> = {
	step: ['step', 'global_step', 'iteration', 'iter', 'steps'],
	trainLoss: ['train_loss', 'training_loss', 'loss', 'train/loss'],
	validLoss: ['full_valid_loss', 'valid_loss', 'validation_loss', 'val_loss', 'eval_loss', 'eval/loss', 'test_loss'],
	trainAccuracy: ['train_accuracy', 'training_token_accuracy', 'train_mean_token_accuracy', 'training_sequence_accuracy', 'accuracy', 'train_acc', 'acc'],
	validAccuracy: ['full_valid_mean_token_accuracy', 'valid_mean_token_accuracy', 'valid_accuracy', 'validation_token_accuracy', 'validation_sequence_accuracy', 'val_accuracy', 'val_acc', 'eval_accuracy', 'eval/accuracy'],
};

const METRICS = Object.keys(COLUMN_NAMES) as (keyof LogPoint)[];

/** Parses a training log; `file` names it in messages. The format is taken from the content, not the file name. */
export function parseTrainingLog(text: string, file: string): TrainingLog {
	const trimmed = text.replace(/^\uFEFF/, '').trim();
	if (trimmed === '') {
		throw new LogFormatError(`${file}: the log is empty`);
	}
	if (trimmed.startsWith('{')) {
		const whole = parseJson(trimmed);
		// One JSON document is a trainer_state.json, unless it is a single JSONL line of metrics.
		const singleLine = typeof whole === 'object' && whole !== null && !('log_history' in whole) && 'step' in whole;
		return whole !== undefined && !singleLine ? trainerState(whole, file) : parseJsonLines(trimmed, file);
	}
	return parseCsv(trimmed, file);
}

/** The value of a JSON text, or undefined when it is not one JSON document (it may be JSON Lines). */
function parseJson(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}

function trainerState(state: unknown, file: string): TrainingLog {
	const history = (state as { log_history?: unknown }).log_history;
	if (!Array.isArray(history)) {
		throw new LogFormatError(`${file}: a JSON log needs a "log_history" array (Hugging Face trainer_state.json), or one JSON object per line`);
	}
	const log = fromEntries(history, file, 'entry');
	return { ...log, format: 'hf-trainer-state' };
}

function parseJsonLines(text: string, file: string): TrainingLog {
	const entries: unknown[] = [];
	const problems: string[] = [];
	text.split(/\r?\n/).forEach((line, index) => {
		if (line.trim() === '') {
			return;
		}
		try {
			entries.push(JSON.parse(line));
		} catch {
			problems.push(`line ${index + 1}: not valid JSON`);
			entries.push(undefined);
		}
	});
	const log = fromEntries(entries, file, 'line');
	return { ...log, format: 'jsonl', problems: [...problems, ...log.problems] };
}

/** Points from objects with metric keys (trainer_state entries or JSONL lines); entries without a step are skipped. */
function fromEntries(entries: readonly unknown[], file: string, unit: 'entry' | 'line'): Omit<TrainingLog, 'format'> {
	const columns: TrainingLog['columns'] = {};
	const problems: string[] = [];
	const points: LogPoint[] = [];
	entries.forEach((entry, index) => {
		if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
			if (entry !== undefined) {
				problems.push(`${unit} ${index + 1}: not an object`);
			}
			return;
		}
		const record = entry as Record<string, unknown>;
		if ('train_runtime' in record) {
			// trainer_state's closing summary: its train_loss is the mean over the run, not the loss at its step.
			return;
		}
		const point: Partial<LogPoint> = {};
		for (const metric of METRICS) {
			const key = COLUMN_NAMES[metric].find((name) => typeof record[name] === 'number' && Number.isFinite(record[name]));
			if (key !== undefined) {
				point[metric] = record[key] as number;
				columns[metric] ??= key;
				continue;
			}
			const unusable = COLUMN_NAMES[metric].find((name) => record[name] !== undefined && record[name] !== null);
			if (unusable !== undefined) {
				problems.push(`${unit} ${index + 1}: ${unusable} ${JSON.stringify(record[unusable])} is not a number`);
			}
		}
		if (point.step === undefined) {
			problems.push(`${unit} ${index + 1}: no step`);
			return;
		}
		if (METRICS.some((metric) => metric !== 'step' && point[metric] !== undefined)) {
			points.push(point as LogPoint);
		}
	});
	return finish(points, columns, problems, file);
}

function parseCsv(text: string, file: string): TrainingLog {
	const lines = text.split(/\r?\n/);
	const separator = lines[0].includes('\t') ? '\t' : ',';
	const header = splitCsvLine(lines[0], separator).map((name) => name.trim().toLowerCase());
	const columns: TrainingLog['columns'] = {};
	const indexOf: Partial<Record<keyof LogPoint, number>> = {};
	for (const metric of METRICS) {
		const name = COLUMN_NAMES[metric].find((candidate) => header.includes(candidate));
		if (name !== undefined) {
			indexOf[metric] = header.indexOf(name);
			columns[metric] = name;
		}
	}
	if (indexOf.step === undefined) {
		throw new LogFormatError(`${file}: line 1: no step column (looked for ${COLUMN_NAMES.step.join(', ')}); columns are ${header.join(', ')}`);
	}
	if (indexOf.trainLoss === undefined && indexOf.validLoss === undefined) {
		throw new LogFormatError(`${file}: line 1: no loss column (looked for ${[...COLUMN_NAMES.trainLoss, ...COLUMN_NAMES.validLoss].join(', ')})`);
	}
	const problems: string[] = [];
	const points: LogPoint[] = [];
	for (let index = 1; index < lines.length; index++) {
		if (lines[index].trim() === '') {
			continue;
		}
		const cells = splitCsvLine(lines[index], separator);
		const point: Partial<LogPoint> = {};
		for (const metric of METRICS) {
			const column = indexOf[metric];
			const cell = column === undefined ? undefined : cells[column]?.trim();
			// OpenAI leaves validation cells empty on steps without validation; those are simply absent.
			if (cell !== undefined && cell !== '') {
				const value = Number(cell);
				if (Number.isFinite(value)) {
					point[metric] = value;
				} else {
					problems.push(`line ${index + 1}: ${columns[metric] ?? metric} "${cell}" is not a number`);
				}
			}
		}
		if (point.step !== undefined && METRICS.some((metric) => metric !== 'step' && point[metric] !== undefined)) {
			points.push(point as LogPoint);
		}
	}
	const openAi = header.includes('train_loss') && (header.includes('valid_loss') || header.includes('train_accuracy')) || header.includes('training_loss') && header.includes('elapsed_tokens');
	return { ...finish(points, columns, problems, file), format: openAi ? 'openai-csv' : 'csv' };
}

/** Splits one CSV line, honouring double-quoted cells (with "" for a quote). */
function splitCsvLine(line: string, separator: string): string[] {
	const cells: string[] = [];
	let cell = '';
	let quoted = false;
	for (let i = 0; i < line.length; i++) {
		const char = line[i];
		if (quoted) {
			if (char === '"' && line[i + 1] === '"') {
				cell += '"';
				i++;
			} else if (char === '"') {
				quoted = false;
			} else {
				cell += char;
			}
		} else if (char === '"') {
			quoted = true;
		} else if (char === separator) {
			cells.push(cell);
			cell = '';
		} else {
			cell += char;
		}
	}
	cells.push(cell);
	return cells;
}

/** Sorts by step and merges entries of the same step (trainer_state logs training and evaluation separately). */
function finish(points: LogPoint[], columns: TrainingLog['columns'], problems: string[], file: string): Omit<TrainingLog, 'format'> {
	if (points.length === 0) {
		throw new LogFormatError(`${file}: no step with a loss or accuracy value${problems.length > 0 ? ` (${problems[0]})` : ''}`);
	}
	const byStep = new Map<number, LogPoint>();
	for (const point of points) {
		byStep.set(point.step, { ...byStep.get(point.step), ...point });
	}
	return { points: [...byStep.values()].sort((a, b) => a.step - b.step), columns, problems };
}
