import type { RecordRule } from '../rule';

/** A line that is not valid JSON; the finding points at the exact column where parsing failed. */
export const invalidJson: RecordRule = {
	kind: 'record',
	id: 'invalid-json',
	category: 'format',
	description: 'A line that is not valid JSON: providers reject the whole file, or silently drop the example.',
	defaultSeverity: 'error',
	check(input) {
		const { parsed } = input;
		if (parsed.kind !== 'invalid') {
			return [];
		}
		// An error at the very end (an unfinished value) is shown on the last character so the squiggle is visible.
		const column = Math.min(parsed.error.column, Math.max(0, parsed.text.length - 1));
		return [{
			message: `Invalid JSON: ${parsed.error.message}.`,
			column,
			endColumn: Math.min(parsed.text.length, column + 1),
			data: { column: parsed.error.column + 1 },
		}];
	},
};
