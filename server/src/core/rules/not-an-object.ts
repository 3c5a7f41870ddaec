import type { RecordRule } from '../rule';

/** Valid JSON that is not an object: every fine-tuning format needs one object per line. */
export const notAnObject: RecordRule = {
	kind: 'record',
	id: 'not-an-object',
	category: 'format',
	description: 'A line holding JSON that is not an object (an array, a string, a number): every format needs one object per line.',
	defaultSeverity: 'error',
	check({ parsed, record }) {
		if (parsed.kind !== 'value' || record !== undefined) {
			return [];
		}
		const value = parsed.value;
		const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
		return [{ message: `Each line must be a JSON object; this line is ${kind}.`, column: 0, endColumn: parsed.text.length, data: { found: kind } }];
	},
};
