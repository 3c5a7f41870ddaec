import type { LineEntry } from '../rule';
import type { DatasetFormat, JsonValue } from '../types';
import { findField } from '../formats';
import { detachedString } from '../poisoning/columns';

/** Where a record's label is, as a JSON path inside the line, and its value as written. */
export interface LabelOccurrence {
	/** The label as written (a classification label, a KTO boolean, or the final answer), as a string. */
	label: string;
	/** JSON path of the label value inside the record, for fixes that rewrite it. */
	path: Array<string | number>;
	/** The raw JSON value, so fixes keep the label's type (number, boolean, string). */
	raw: JsonValue;
}

/** Formats whose "label" is the final answer when the set of answers is small. */
const ANSWER_FORMATS: ReadonlySet<DatasetFormat> = new Set(['openai-chat', 'sharegpt', 'alpaca', 'prompt-completion', 'vertex-gemini']);

/** At most this many distinct answers count as a label set (OpenAI's old classification heuristic). */
export const MAX_ANSWER_CLASSES = 50;

/**
 * The label of a record: the classification label field, the KTO boolean, or (for chat, instruction and
 * prompt-completion formats) the final answer, which is a label only if the file turns out to have few distinct
 * answers (see `isClassificationLike`). Undefined for formats without a label.
 */
export function labelOf(entry: LineEntry): LabelOccurrence | undefined {
	const { record, match } = entry;
	const format = match?.format;
	if (record === undefined || format === undefined) {
		return undefined;
	}
	if (format === 'classification') {
		const field = findField(record, entry.settings.fields.labelFields);
		const raw = field === undefined ? undefined : record[field];
		return field === undefined || raw === undefined || raw === null || typeof raw === 'object' ? undefined : { label: String(raw), path: [field], raw };
	}
	if (format === 'unpaired-preference') {
		return typeof record.label === 'boolean' ? { label: String(record.label), path: ['label'], raw: record.label } : undefined;
	}
	if (!ANSWER_FORMATS.has(format)) {
		return undefined;
	}
	return answerOccurrence(record, format);
}

function answerOccurrence(record: Record<string, JsonValue>, format: DatasetFormat): LabelOccurrence | undefined {
	const pick = (path: Array<string | number>, value: JsonValue | undefined): LabelOccurrence | undefined =>
		typeof value === 'string' ? { label: value, path, raw: value } : undefined;
	switch (format) {
		case 'alpaca':
			return pick(['output'], record.output);
		case 'prompt-completion':
			return pick(['completion'], record.completion);
		case 'openai-chat':
			return lastTurn(record.messages, 'messages', 'role', 'content', ['assistant']);
		case 'sharegpt':
			return lastTurn(record.conversations, 'conversations', 'from', 'value', ['gpt', 'assistant']);
		case 'vertex-gemini': {
			const contents = record.contents;
			if (!Array.isArray(contents) || contents.length === 0) {
				return undefined;
			}
			const last = contents[contents.length - 1];
			if (typeof last !== 'object' || last === null || Array.isArray(last) || last.role !== 'model' || !Array.isArray(last.parts) || last.parts.length !== 1) {
				return undefined;
			}
			const part = last.parts[0];
			return typeof part === 'object' && part !== null && !Array.isArray(part) ? pick(['contents', contents.length - 1, 'parts', 0, 'text'], part.text) : undefined;
		}
		default:
			return undefined;
	}
}

function lastTurn(list: JsonValue | undefined, listKey: string, roleKey: string, contentKey: string, roles: string[]): LabelOccurrence | undefined {
	if (!Array.isArray(list) || list.length === 0) {
		return undefined;
	}
	const last = list[list.length - 1];
	if (typeof last !== 'object' || last === null || Array.isArray(last) || !roles.includes(String(last[roleKey]))) {
		return undefined;
	}
	const value = last[contentKey];
	return typeof value === 'string' ? { label: value, path: [listKey, list.length - 1, contentKey], raw: value } : undefined;
}

/**
 * Whether answers form a label set: at most 50 distinct answers and well under a third of the records (OpenAI's
 * old heuristic for classification fine-tunes). Explicit labels (classification, KTO) always do.
 */
export function isClassificationLike(format: DatasetFormat | undefined, distinct: number, records: number): boolean {
	if (format === 'classification' || format === 'unpaired-preference') {
		return true;
	}
	return distinct > 0 && distinct <= MAX_ANSWER_CLASSES && distinct < records / 3;
}

/** Counts labels in insertion order; gives up counting new labels beyond a cap, which marks the data generative. */
export class LabelCounter {
	readonly counts = new Map<string, number>();
	overflowed = false;

	constructor(private readonly cap: number) {}

	add(label: string): void {
		const count = this.counts.get(label);
		if (count !== undefined) {
			this.counts.set(label, count + 1);
		} else if (this.counts.size < this.cap) {
			// A copy, so that a label cut out of a streamed line does not keep the line's read buffer alive.
			this.counts.set(detachedString(label), 1);
		} else {
			this.overflowed = true;
		}
	}

	get total(): number {
		let sum = 0;
		for (const count of this.counts.values()) {
			sum += count;
		}
		return sum;
	}
}
