import { findField } from '../formats';
import { locatePath, spanOf, type Span } from '../jsonLocate';
import type { LineFindingDraft, RecordRule } from '../rule';
import { validateRecord } from '../schemas';
import type { FieldMapping, JsonObject, JsonValue } from '../types';

/** OpenAI preference keys and the names an old draft of the OpenAI spec gave them. */
const OLD_PREFERENCE_KEYS: Readonly<Record<string, string>> = {
	preferred_output: 'preferred_completion',
	non_preferred_output: 'non_preferred_completion',
};

/**
 * Validates each record against the JSON Schema of its own format (server/schemas/). The finding sits on the
 * offending key or value. `weight` values are left to the `weight` rule so one problem gives one finding.
 */
export const schema: RecordRule = {
	kind: 'record',
	id: 'schema',
	category: 'format',
	description: 'A record that breaks its format\'s schema (wrong type, missing required key, unknown role, malformed tool call).',
	defaultSeverity: 'error',
	check(input, options) {
		const { record, match, parsed } = input;
		if (record === undefined || match?.format === undefined) {
			return [];
		}
		const profile = options.string('profile', 'default') === 'strict' ? 'strict' : 'default';
		const findings: LineFindingDraft[] = [];
		// A key under its old-draft name gets the rename warning below, not a second finding for the missing new name.
		const renamedKeys = match.format === 'openai-preference' ? Object.keys(OLD_PREFERENCE_KEYS).filter((key) => !(key in record) && OLD_PREFERENCE_KEYS[key] in record) : [];
		for (const error of validateRecord(match.format, record, profile)) {
			if (error.path[error.path.length - 1] === 'weight' || (error.path.length === 0 && error.key !== undefined && renamedKeys.includes(error.key))) {
				continue;
			}
			const path = error.key === undefined ? error.path : [...error.path, error.key];
			const span = error.key === undefined ? spanOf(parsed.text, path) : keySpan(parsed.text, error.path, error.key);
			findings.push({ message: error.message, column: span.start, endColumn: span.end, data: { path: path.join('.'), format: match.format } });
		}
		if (match.format === 'classification') {
			findings.push(...classificationProblems(record, parsed.text, input.settings.fields));
		}
		if (match.format === 'openai-preference') {
			for (const [renamed, key] of Object.entries(OLD_PREFERENCE_KEYS)) {
				if (key in record) {
					const span = spanOf(parsed.text, [key], 'key');
					findings.push({
						message: `"${key}" is the name used by an old draft of the OpenAI spec; the fine-tuning API expects "${renamed}".`,
						column: span.start,
						endColumn: span.end,
						severity: 'warning',
						data: { key, expected: renamed },
					});
				}
			}
		}
		return findings;
	},
};

/**
 * The span of a key that is not allowed (the key itself) or missing (the object that should hold it, since a
 * missing key has no place in the line).
 */
function keySpan(text: string, objectPath: ReadonlyArray<string | number>, key: string): Span {
	const found = locatePath(text, [...objectPath, key]);
	return found?.key ?? spanOf(text, objectPath);
}

/**
 * The classification schema cannot name the text and label fields (they are configurable), so they are checked
 * here: the text must be a string and the label a string, number or boolean (a list of them for multi-label data).
 */
function classificationProblems(record: JsonObject, text: string, fields: FieldMapping): LineFindingDraft[] {
	const problems: LineFindingDraft[] = [];
	const textField = findField(record, fields.textFields);
	const labelField = findField(record, fields.labelFields);
	const add = (field: string, message: string): void => {
		const span = spanOf(text, [field]);
		problems.push({ message, column: span.start, endColumn: span.end, data: { path: field, format: 'classification' } });
	};
	if (textField !== undefined && typeof record[textField] !== 'string') {
		add(textField, `${textField} must be a string (the text to classify), got ${shownValue(record[textField])}`);
	}
	const label = labelField === undefined ? undefined : record[labelField];
	if (labelField !== undefined && label !== undefined && !isClass(label) && !(Array.isArray(label) && label.every(isClass))) {
		add(labelField, `${labelField} must be a string, a number or a boolean (or a list of them for multi-label data), got ${shownValue(label)}`);
	}
	return problems;
}

function shownValue(value: JsonValue): string {
	if (Array.isArray(value)) {
		return 'an array';
	}
	return value !== null && typeof value === 'object' ? 'an object' : JSON.stringify(value);
}

function isClass(value: JsonValue): boolean {
	return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}
