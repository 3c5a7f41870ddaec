import { spanOf } from '../jsonLocate';
import type { LineFindingDraft, RecordRule } from '../rule';
import type { DatasetFormat, JsonObject, JsonValue } from '../types';

/** The content fields of each flat format that must hold text (when they are strings rather than message lists). */
const REQUIRED_TEXT: Partial<Record<DatasetFormat, string[]>> = {
	'prompt-completion': ['prompt', 'completion'],
	'unpaired-preference': ['prompt', 'completion'],
	alpaca: ['instruction', 'output'],
	text: ['text'],
	'prompt-only': ['prompt'],
	'trl-preference': ['chosen', 'rejected'],
};

/** Where each format keeps its turns (a list, or one message object), and the keys of their role and text. */
interface TurnPlace {
	path: string[];
	content: string;
	role: string;
}

const CHAT: Omit<TurnPlace, 'path'> = { content: 'content', role: 'role' };
const SHAREGPT: Omit<TurnPlace, 'path'> = { content: 'value', role: 'from' };

const TURN_PLACES: Partial<Record<DatasetFormat, TurnPlace[]>> = {
	'openai-chat': [{ path: ['messages'], ...CHAT }],
	'unpaired-preference': [{ path: ['messages'], ...CHAT }, { path: ['prompt'], ...CHAT }, { path: ['completion'], ...CHAT }],
	'openai-preference': [{ path: ['input', 'messages'], ...CHAT }, { path: ['preferred_output'], ...CHAT }, { path: ['non_preferred_output'], ...CHAT }],
	'prompt-completion': [{ path: ['prompt'], ...CHAT }, { path: ['completion'], ...CHAT }],
	'prompt-only': [{ path: ['prompt'], ...CHAT }],
	'trl-preference': [{ path: ['prompt'], ...CHAT }, { path: ['chosen'], ...CHAT }, { path: ['rejected'], ...CHAT }],
	sharegpt: [{ path: ['conversations'], ...SHAREGPT }],
	'sharegpt-preference': [{ path: ['conversations'], ...SHAREGPT }, { path: ['chosen'], ...SHAREGPT }, { path: ['rejected'], ...SHAREGPT }],
	'vertex-gemini': [{ path: ['contents'], content: 'parts', role: 'role' }],
};

/**
 * Empty or whitespace-only content: an empty answer teaches the model to say nothing, an empty prompt teaches
 * it to answer nothing. Assistant turns that only call tools are not empty.
 */
export const emptyContent: RecordRule = {
	kind: 'record',
	id: 'empty-content',
	category: 'format',
	description: 'A message, prompt or answer whose text is empty or only whitespace.',
	defaultSeverity: 'error',
	check(input) {
		// content() is a method of the line entry, so it is called on the entry rather than destructured.
		const { record, match, parsed } = input;
		const format = match?.format;
		if (record === undefined || format === undefined) {
			return [];
		}
		const findings: LineFindingDraft[] = [];
		const at = (path: Array<string | number>, message: string): void => {
			const span = spanOf(parsed.text, path);
			findings.push({ message, column: span.start, endColumn: span.end, data: { path: path.join('.') } });
		};
		for (const key of REQUIRED_TEXT[format] ?? []) {
			if (typeof record[key] === 'string' && isBlank(record[key])) {
				at([key], `"${key}" is empty.`);
			}
		}
		for (const place of TURN_PLACES[format] ?? []) {
			const value = valueAt(record, place.path);
			// The main conversation list needs no "in …" in the message; other places (outputs, chosen) name themselves.
			const where = place.path.length === 1 && ['messages', 'conversations', 'contents'].includes(place.path[0]) ? '' : ` in ${place.path.join('.')}`;
			const turns = Array.isArray(value) ? value : isObject(value) ? [value] : [];
			turns.forEach((turn, index) => {
				if (isObject(turn) && isEmptyTurn(turn, place.content)) {
					at(Array.isArray(value) ? [...place.path, index] : place.path, `The ${String(turn[place.role] ?? 'message')} message ${index + 1}${where} has no content.`);
				}
			});
		}
		if (format === 'classification' && input.content()?.text.trim() === '') {
			at([], 'The text to classify is empty.');
		}
		return findings;
	},
};

function isEmptyTurn(turn: JsonObject, contentKey: string): boolean {
	if (turn.tool_calls !== undefined || turn.function_call !== undefined) {
		return false;
	}
	const value = turn[contentKey] ?? turn.text;
	if (Array.isArray(value)) {
		// A part without text (an image, a file) is content too.
		return value.every((part) => (isObject(part) ? (part.text ?? part.value) !== undefined && isBlank(part.text ?? part.value) : isBlank(part)));
	}
	return value === undefined || value === null || isBlank(value);
}

function isBlank(value: JsonValue | undefined): boolean {
	return typeof value === 'string' && value.trim() === '';
}

function isObject(value: JsonValue | undefined): value is JsonObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function valueAt(record: JsonObject, path: readonly string[]): JsonValue | undefined {
	let value: JsonValue | undefined = record;
	for (const key of path) {
		value = isObject(value) ? value[key] : undefined;
	}
	return value;
}
