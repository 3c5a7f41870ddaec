import type { RecordRule } from '../rule';

/** An empty or whitespace-only line; the final newline of a file is not a line and is never reported. */
export const blankLine: RecordRule = {
	kind: 'record',
	id: 'blank-line',
	category: 'format',
	description: 'An empty line inside the file: some loaders stop or fail there, others count it as a broken example.',
	defaultSeverity: 'warning',
	check({ parsed }) {
		if (parsed.kind !== 'blank') {
			return [];
		}
		return [{
			message: 'Blank line: JSONL has one record per line and no empty lines.',
			column: 0,
			endColumn: parsed.text.length,
			fix: { title: 'Remove the blank line', safe: true, edits: [{ line: 0, column: 0, endLine: 1, endColumn: 0, newText: '' }] },
		}];
	},
};
