import { hasByteOrderMark } from '../records';
import type { RecordRule } from '../rule';

/** A UTF-8 byte order mark, which JSON parsers in most training stacks reject. */
export const bom: RecordRule = {
	kind: 'record',
	id: 'bom',
	category: 'format',
	description: 'A UTF-8 byte order mark at the start of a line: Python\'s json module and many loaders reject the first record.',
	defaultSeverity: 'warning',
	check({ parsed }) {
		if (!hasByteOrderMark(parsed.text)) {
			return [];
		}
		return [{
			message: 'Byte order mark (U+FEFF) at the start of the line: json.loads rejects it; save the file as UTF-8 without BOM.',
			column: 0,
			endColumn: 1,
			fix: { title: 'Remove the byte order mark', safe: true, edits: [{ line: 0, column: 0, endLine: 0, endColumn: 1, newText: '' }] },
		}];
	},
};
