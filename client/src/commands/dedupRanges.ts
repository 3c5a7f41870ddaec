/** Where the lines of a dedup plan are in a document, without `vscode`, so tests can check that only they go. */

/** A range of the document in editor coordinates (0-based line and UTF-16 character). */
export interface LineSpan {
	startLine: number;
	startCharacter: number;
	endLine: number;
	endCharacter: number;
}

/**
 * One span per run of consecutive dropped lines (ascending, 0-based), each covering whole lines with their line
 * breaks, so the kept lines keep their bytes and their own line endings. A run that ends the document takes the line
 * break before it instead, since there is none after it. `lineLength` is a line's length without its line break.
 */
export function deletionSpans(droppedLines: readonly number[], lineCount: number, lineLength: (line: number) => number): LineSpan[] {
	const spans: LineSpan[] = [];
	let index = 0;
	while (index < droppedLines.length) {
		const first = droppedLines[index];
		let last = first;
		while (index + 1 < droppedLines.length && droppedLines[index + 1] === last + 1) {
			index += 1;
			last = droppedLines[index];
		}
		index += 1;
		if (last + 1 < lineCount) {
			spans.push({ startLine: first, startCharacter: 0, endLine: last + 1, endCharacter: 0 });
		} else if (first > 0) {
			spans.push({ startLine: first - 1, startCharacter: lineLength(first - 1), endLine: last, endCharacter: lineLength(last) });
		} else {
			spans.push({ startLine: 0, startCharacter: 0, endLine: last, endCharacter: lineLength(last) });
		}
	}
	return spans;
}
