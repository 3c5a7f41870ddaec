/**
 * Maps offsets inside a decoded JSON string value back to columns of the raw line, so that a finding about a word
 * inside `"content"` underlines that word even when the line writes it with escapes (`\u202e`, `\"`, `\n`).
 */

/** Columns of a range in the raw line (end exclusive). */
export interface LineSpan {
	column: number;
	endColumn: number;
}

/** One string value of a JSON line with the raw column of each decoded code unit (and one past the end). */
interface StringLiteral {
	value: string;
	columns: Int32Array;
}

/**
 * Locates text of a record's content in its raw line. The line's string values are decoded once, on first use, and
 * only for lines that have findings.
 */
export class LineLocator {
	private literals: StringLiteral[] | undefined;

	constructor(private readonly line: string) {}

	/**
	 * Finds `text.slice(start, end)`: first in a string value equal to `text` (the field the finding came from), then
	 * in any string value containing the slice. Object keys are skipped. Undefined when nothing matches.
	 */
	locate(text: string, start: number, end: number): LineSpan | undefined {
		this.literals ??= stringValues(this.line);
		const exact = this.literals.find((literal) => literal.value === text);
		if (exact !== undefined) {
			return { column: exact.columns[start], endColumn: exact.columns[end] };
		}
		const wanted = text.slice(start, end);
		for (const literal of this.literals) {
			const at = literal.value.indexOf(wanted);
			if (at >= 0) {
				return { column: literal.columns[at], endColumn: literal.columns[at + wanted.length] };
			}
		}
		return undefined;
	}

	/** Like {@link locate}, falling back to the whole line so that a finding is never lost. */
	locateOrLine(text: string, start: number, end: number): LineSpan {
		return this.locate(text, start, end) ?? { column: 0, endColumn: this.line.length };
	}
}

/** Every string value of a JSON line (keys excluded), decoded, with the raw column map. Linear in the line length. */
function stringValues(line: string): StringLiteral[] {
	const literals: StringLiteral[] = [];
	let i = 0;
	while (i < line.length) {
		if (line[i] !== '"') {
			i++;
			continue;
		}
		const decoded = decodeAt(line, i);
		i = decoded.end;
		let next = i;
		while (next < line.length && (line[next] === ' ' || line[next] === '\t')) {
			next++;
		}
		if (line[next] !== ':') {
			literals.push({ value: decoded.value, columns: decoded.columns });
		}
	}
	return literals;
}

const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** Decodes the string literal whose opening quote is at `quote`; tolerant of bad escapes and a missing closing quote. */
function decodeAt(line: string, quote: number): { value: string; columns: Int32Array; end: number } {
	const parts: string[] = [];
	const columns: number[] = [];
	let i = quote + 1;
	while (i < line.length && line[i] !== '"') {
		if (line[i] === '\\' && i + 1 < line.length) {
			const escape = line[i + 1];
			if (escape === 'u' && /^[0-9a-fA-F]{4}$/.test(line.slice(i + 2, i + 6))) {
				parts.push(String.fromCharCode(parseInt(line.slice(i + 2, i + 6), 16)));
				columns.push(i);
				i += 6;
				continue;
			}
			parts.push(SIMPLE_ESCAPES[escape] ?? escape);
			columns.push(i);
			i += 2;
			continue;
		}
		parts.push(line[i]);
		columns.push(i);
		i++;
	}
	columns.push(i);
	return { value: parts.join(''), columns: Int32Array.from(columns), end: Math.min(line.length, i + 1) };
}
