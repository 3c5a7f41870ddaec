import { isClassificationLike, MAX_ANSWER_CLASSES } from '../core/balance/labels';
import { recordContent } from '../core/content';
import { detectRecordFormat, findField, majorityFormat } from '../core/formats';
import { isJsonObject, parseLine, splitLines } from '../core/records';
import type { DatasetFormat, FieldMapping, JsonObject, JsonValue } from '../core/types';

/**
 * Turns a JSONL document into labelled examples for the proxy classifier: text → label for classification (and KTO's
 * boolean label), prompt → answer when a chat, instruction or completion file has a small answer set; otherwise into
 * prompt/answer pairs for the next-token proxy (nextToken.ts). Everything that
 * makes training impossible raises a {@link TrainingInputError} whose message names the file, the lines and the fix.
 */

/** One training example; `line` is 0-based like every range in the engine. */
export interface Example {
	line: number;
	text: string;
	label: string;
}

/** A record that was left out, and why. */
export interface SkippedRecord {
	line: number;
	reason: string;
}

/** The examples of one file, with labels as class ids (`classes[i]` indexes `labels`). */
export interface TrainingData {
	file: string;
	format: DatasetFormat;
	/** Where the labels came from: an explicit label field, or the answers of a small answer set. */
	labelSource: 'label' | 'answer';
	examples: Example[];
	labels: string[];
	classes: Int32Array;
	skipped: SkippedRecord[];
}

/** Limits that decide whether a file can be trained on. */
export interface ExampleLimits {
	/** Every label needs this many records (the split and the folds need some of each). */
	minPerClass: number;
	/** Distinct labels needed: two to train on, one is enough for a validation file. */
	minLabels: number;
}

export const DEFAULT_EXAMPLE_LIMITS: ExampleLimits = { minPerClass: 5, minLabels: 2 };

/** The input cannot be trained on; the message says what is missing and where. */
export class TrainingInputError extends Error {}

/** One free-text example for the next-token proxy; `line` is 0-based. */
export interface AnswerExample {
	line: number;
	prompt: string;
	answer: string;
}

/** The free-text answers of one file, with what they were asked. */
export interface AnswerData {
	file: string;
	format: DatasetFormat;
	examples: AnswerExample[];
	skipped: SkippedRecord[];
}

/** What a file trains: a classifier (labels, or a small answer set) or the next-token proxy (free-text answers). */
export type TrainingInput = { task: 'classification'; data: TrainingData } | { task: 'next-token'; data: AnswerData };

/** Fewest records with an answer the next-token proxy trains on (the split, the learning curve and the folds need some). */
export const MIN_ANSWER_RECORDS = 30;

/** Reads labelled examples from the text of a JSONL file; free-text answers raise a {@link TrainingInputError}. */
export function trainingData(text: string, file: string, fields: FieldMapping, limits: ExampleLimits = DEFAULT_EXAMPLE_LIMITS): TrainingData {
	const input = readTrainingInput(text, file, fields, limits);
	if (input.task === 'next-token') {
		const distinct = new Set(input.data.examples.map((example) => example.answer.trim())).size;
		throw new TrainingInputError(
			`${file}: the answers are free text (${distinct} distinct answers in ${input.data.examples.length} records); the proxy classifier needs a small answer set, at most ${MAX_ANSWER_CLASSES} distinct answers and fewer than a third of the records (tunelint train uses the next-token proxy for such files)`,
		);
	}
	return input.data;
}

/**
 * Reads a training file and decides its task: chat, instruction and completion files whose answers are not a small
 * answer set train the next-token proxy, everything else the classifier. A small answer set is what the label-balance
 * rules call one (`isClassificationLike` in core/balance/labels.ts: at most 50 distinct trimmed answers and fewer than
 * a third of the records), so the proxy trains a classifier exactly where the linter counts labels.
 */
export function readTrainingInput(text: string, file: string, fields: FieldMapping, limits: ExampleLimits = DEFAULT_EXAMPLE_LIMITS): TrainingInput {
	const { records, format } = readRecords(text, file, fields);
	if (format !== 'classification' && format !== 'unpaired-preference') {
		const answers = records.objects.map(({ value }) => recordContent(value, format, fields).answer.trim()).filter((answer) => answer !== '');
		// No answer at all is not a label set either: the next-token reader's message says which answers are missing.
		if (!isClassificationLike(format, new Set(answers).size, answers.length)) {
			return { task: 'next-token', data: answerExamples(records, format, fields, file, MIN_ANSWER_RECORDS) };
		}
	}
	return { task: 'classification', data: labelledExamples(records, format, fields, file, limits) };
}

/**
 * Reads labelled examples whatever the size of the answer set: a validation file is read the way its training file
 * was, even when a few records of a small answer set would not count as a label set on their own.
 */
export function labelledData(text: string, file: string, fields: FieldMapping, limits: ExampleLimits = DEFAULT_EXAMPLE_LIMITS): TrainingData {
	const { records, format } = readRecords(text, file, fields);
	return labelledExamples(records, format, fields, file, limits);
}

/** Reads the free-text answers of a file (a validation file for the next-token proxy needs only one). */
export function answerData(text: string, file: string, fields: FieldMapping, minRecords = MIN_ANSWER_RECORDS): AnswerData {
	const { records, format } = readRecords(text, file, fields);
	return answerExamples(records, format, fields, file, minRecords);
}

type ParsedRecords = ReturnType<typeof parseRecords>;

/** The file's records and its majority format; a file without a record of a known format cannot be trained on. */
function readRecords(text: string, file: string, fields: FieldMapping): { records: ParsedRecords; format: DatasetFormat } {
	const records = parseRecords(text);
	const format = majorityFormat(countFormats(records.objects, fields));
	if (format === undefined) {
		throw new TrainingInputError(`${file}: no JSON object records to train on${firstSkip(records.skipped)}`);
	}
	return { records, format };
}

function answerExamples(records: ParsedRecords, format: DatasetFormat, fields: FieldMapping, file: string, minRecords: number): AnswerData {
	const skipped = [...records.skipped];
	const examples: AnswerExample[] = [];
	for (const { line, value } of records.objects) {
		const content = recordContent(value, format, fields);
		if (content.answer.trim() === '') {
			skipped.push({ line, reason: 'empty answer' });
		} else {
			examples.push({ line, prompt: content.prompt, answer: content.answer });
		}
	}
	if (examples.length === 0) {
		throw new TrainingInputError(`${file}: no record has a non-empty answer to train the next-token proxy on${firstSkip(skipped.sort((a, b) => a.line - b.line))}`);
	}
	if (examples.length < minRecords) {
		throw new TrainingInputError(
			`${file}: too few records with an answer: ${examples.length} (the next-token proxy needs at least ${minRecords}, for a validation split, the learning curve and the folds)${firstSkip(skipped.sort((a, b) => a.line - b.line))}`,
		);
	}
	return { file, format, examples, skipped: skipped.sort((a, b) => a.line - b.line) };
}

function labelledExamples(records: ParsedRecords, format: DatasetFormat, fields: FieldMapping, file: string, limits: ExampleLimits): TrainingData {
	const skipped: SkippedRecord[] = [...records.skipped];
	const labelSource = format === 'classification' || format === 'unpaired-preference' ? 'label' : 'answer';
	if (labelSource === 'label') {
		checkLabelTypes(records.objects, format, fields, file);
	}
	const examples: Example[] = [];
	for (const { line, value } of records.objects) {
		const content = recordContent(value, format, fields);
		const input = labelSource === 'label' ? content.text : content.prompt;
		const label = labelSource === 'label' ? content.label : content.answer.trim();
		if (label === undefined || label === '') {
			skipped.push({ line, reason: labelSource === 'label' ? 'no label' : 'no answer' });
		} else if (input.trim() === '') {
			skipped.push({ line, reason: 'empty text' });
		} else {
			examples.push({ line, text: input, label });
		}
	}
	if (examples.length === 0) {
		throw new TrainingInputError(`${file}: no record has both a non-empty text and a label${firstSkip(skipped)}`);
	}
	const labels = sortLabels([...new Set(examples.map((example) => example.label))]);
	checkClassSizes(examples, labels, limits, file);
	const classOf = new Map(labels.map((label, index) => [label, index]));
	const classes = Int32Array.from(examples, (example) => classOf.get(example.label) ?? -1);
	return { file, format, labelSource, examples, labels, classes, skipped: skipped.sort((a, b) => a.line - b.line) };
}

function parseRecords(text: string): { objects: { line: number; value: JsonObject }[]; skipped: SkippedRecord[] } {
	const objects: { line: number; value: JsonObject }[] = [];
	const skipped: SkippedRecord[] = [];
	splitLines(text).forEach((raw, line) => {
		const parsed = parseLine(raw);
		if (parsed.kind === 'invalid') {
			skipped.push({ line, reason: `invalid JSON: ${parsed.error.message}` });
		} else if (parsed.kind === 'value') {
			if (isJsonObject(parsed.value)) {
				objects.push({ line, value: parsed.value });
			} else {
				skipped.push({ line, reason: 'not a JSON object' });
			}
		}
	});
	return { objects, skipped };
}

function countFormats(objects: readonly { value: JsonObject }[], fields: FieldMapping): Map<DatasetFormat, number> {
	const counts = new Map<DatasetFormat, number>();
	for (const { value } of objects) {
		const { format } = detectRecordFormat(value, fields);
		if (format !== undefined) {
			counts.set(format, (counts.get(format) ?? 0) + 1);
		}
	}
	return counts;
}

/** `1` and `"1"` would silently become one label (or two): refuse files that mix label types. */
function checkLabelTypes(objects: readonly { line: number; value: JsonObject }[], format: DatasetFormat, fields: FieldMapping, file: string): void {
	const firstLineOfType = new Map<string, number>();
	for (const { line, value } of objects) {
		const field = format === 'classification' ? findField(value, fields.labelFields) : 'label';
		const label: JsonValue | undefined = field === undefined ? undefined : value[field];
		if (label === undefined || label === null) {
			continue;
		}
		const type = Array.isArray(label) ? 'array' : typeof label;
		if (!firstLineOfType.has(type)) {
			firstLineOfType.set(type, line);
		}
	}
	if (firstLineOfType.size > 1) {
		const kinds = [...firstLineOfType].map(([type, line]) => `${type} (first on line ${line + 1})`).join(', ');
		throw new TrainingInputError(`${file}: labels of mixed types: ${kinds}; use one type for every label so that 1 and "1" are not confused`);
	}
	const only = [...firstLineOfType.keys()][0];
	if (only === 'object' || only === 'array') {
		throw new TrainingInputError(`${file}: labels are JSON ${only}s (line ${(firstLineOfType.get(only) ?? 0) + 1}); the proxy classifier needs string, number or boolean labels`);
	}
}

function checkClassSizes(examples: readonly Example[], labels: readonly string[], { minPerClass, minLabels }: ExampleLimits, file: string): void {
	if (labels.length < minLabels) {
		throw new TrainingInputError(`${file}: every record has the label ${JSON.stringify(labels[0])}; a classifier needs at least two labels`);
	}
	const linesByLabel = new Map<string, number[]>(labels.map((label) => [label, []]));
	for (const example of examples) {
		linesByLabel.get(example.label)?.push(example.line + 1);
	}
	const small = [...linesByLabel].filter(([, lines]) => lines.length < minPerClass);
	if (small.length > 0) {
		const described = small
			.slice(0, 5)
			.map(([label, lines]) => `${JSON.stringify(label)} has ${lines.length} (line${lines.length === 1 ? '' : 's'} ${lines.slice(0, 5).join(', ')})`)
			.join('; ');
		const more = small.length > 5 ? `; and ${small.length - 5} more labels` : '';
		throw new TrainingInputError(`${file}: too few records per label: ${described}${more}; training needs at least ${minPerClass} records of every label`);
	}
}

/** Numeric labels sort as numbers (so 2 comes before 10), others alphabetically. */
function sortLabels(labels: string[]): string[] {
	const numeric = labels.every((label) => label.trim() !== '' && Number.isFinite(Number(label)));
	return numeric ? labels.sort((a, b) => Number(a) - Number(b)) : labels.sort();
}

function firstSkip(skipped: readonly SkippedRecord[]): string {
	const first = skipped[0];
	return first === undefined ? '' : ` (line ${first.line + 1}: ${first.reason}${skipped.length > 1 ? `, and ${skipped.length - 1} more skipped` : ''})`;
}
