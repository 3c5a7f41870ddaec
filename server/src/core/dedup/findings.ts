/** Helpers shared by the duplicate rules for ranges and fixes. */

import type { FileFindingDraft } from '../rule';
import type { Fix, TextEdit } from '../types';

/** The edit that removes a whole line, its line break included; every other byte of the file stays as it was. */
export function deleteLineEdit(line: number): TextEdit {
	return { line, column: 0, endLine: line + 1, endColumn: 0, newText: '' };
}

/** A fix removing the given lines in one undoable edit. */
export function deleteLinesFix(title: string, lines: readonly number[], safe: boolean): Fix {
	return { title, edits: [...lines].sort((a, b) => a - b).map(deleteLineEdit), safe };
}

/** The range of a whole line of the given length. */
export function lineRange(line: number, length: number): NonNullable<FileFindingDraft['range']> {
	return { line, column: 0, endLine: line, endColumn: length };
}

/** "1 record" / "3 records". */
export function plural(count: number, noun: string): string {
	return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** One-based line numbers read better in messages; ranges stay zero-based. */
export function lineLabel(line: number): string {
	return `line ${line + 1}`;
}
