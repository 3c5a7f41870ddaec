import { spanOf } from '../jsonLocate';
import type { LineFindingDraft, RecordRule } from '../rule';
import type { DatasetFormat, JsonObject, JsonValue } from '../types';

/** The content fields of each flat format that must hold text. */
const REQUIRED_TEXT: Partial<Record<DatasetFormat, string[]>> = {
	'prompt-completion': ['prompt', 'completion'],
	alpaca: ['instruction', 'output'],
	text: ['text'],
	'prompt-only': ['prompt'],
	'trl-preference': ['chosen', 'rejected'],
};

/** Lists of turns, and the keys of their text. */
const TURN_LISTS: Array<{ list: string; content: string; role: string }> = [
	{ list: 'messages', content: 'content', role: 'role' },
	{ list: 'conversations', content: 'value', role: 'from' },
];

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
	check({ record, match, parsed, content }) {
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
		for (const { list, content: contentKey, role } of TURN_LISTS) {
			const turns = record[list];
			if (!Array.isArray(turns)) {
				continue;
			}
			turns.forEach((turn, index) => {
				if (isObject(turn) && isEmptyTurn(turn, contentKey)) {
					at([list, index], `The ${String(turn[role] ?? 'message')} message ${index + 1} has no content.`);
				}
			});
		}
		if (format === 'classification' && content()?.text.trim() === '') {
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
		return value.every((part) => (isObject(part) ? isBlank(part.text ?? part.value ?? '') : isBlank(part)));
	}
	return value === undefined || value === null || isBlank(value);
}

function isBlank(value: JsonValue | undefined): boolean {
	return typeof value === 'string' && value.trim() === '';
}

function isObject(value: JsonValue | undefined): value is JsonObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
