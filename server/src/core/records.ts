import { jsonErrorOffset } from './jsonErrorOffset';
import type { JsonObject, JsonValue } from './types';

/** One line of a JSONL document after parsing. Parsing never throws: failures are described, not raised. */
export type ParsedLine =
	| { kind: 'blank'; text: string }
	| { kind: 'invalid'; text: string; error: ParseError }
	| { kind: 'value'; text: string; value: JsonValue };

/** Where and why a line is not valid JSON; `column` is a UTF-16 offset inside the line. */
export interface ParseError {
	message: string;
	column: number;
}

const BYTE_ORDER_MARK = '\uFEFF';

/** True when the line starts with a UTF-8 byte order mark (which JSON.parse rejects). */
export function hasByteOrderMark(text: string): boolean {
	return text.startsWith(BYTE_ORDER_MARK);
}

/**
 * Parses one JSONL line. A trailing carriage return (CRLF files) and a leading BOM are tolerated here; the `bom`
 * rule reports the latter separately so the other rules still see the record.
 */
export function parseLine(rawText: string): ParsedLine {
	const text = rawText.endsWith('\r') ? rawText.slice(0, -1) : rawText;
	const body = hasByteOrderMark(text) ? text.slice(1) : text;
	// Only a line that starts with whitespace can be blank; trimming every line would copy every line.
	if (body.length === 0 || (body.charCodeAt(0) <= 0x20 && body.trim() === '')) {
		return { kind: 'blank', text };
	}
	try {
		return { kind: 'value', text, value: JSON.parse(body) as JsonValue };
	} catch (error) {
		const offset = hasByteOrderMark(text) ? 1 : 0;
		return { kind: 'invalid', text, error: describeParseError(body, error, offset) };
	}
}

/** True for a plain JSON object (not an array, not null). */
export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Turns V8's JSON.parse error into a message and the exact column found by our own scanner. */
function describeParseError(body: string, error: unknown, offset: number): ParseError {
	const raw = error instanceof Error ? error.message : String(error);
	const column = jsonErrorOffset(body);
	let reason: string;
	if (/^Unexpected end/.test(raw) || column >= body.length) {
		reason = 'Unexpected end of the line: the JSON value is incomplete';
	} else if (/after JSON/.test(raw)) {
		reason = `Extra text after the JSON value (found ${JSON.stringify(body.slice(column, column + 12))}); a line holds exactly one value`;
	} else if (/is not valid JSON$/.test(raw)) {
		// This V8 message quotes the input around the error; ours names the character and the column instead.
		reason = `Unexpected character ${JSON.stringify(body[column])}`;
	} else {
		reason = raw.replace(/\s*\(line \d+ column \d+\)/, '').replace(/ (?:in|after) JSON at position \d+/, '');
	}
	return { message: `${reason} (column ${column + offset + 1})`, column: column + offset };
}

/**
 * Splits a document into lines the way editors do (LF or CRLF); the carriage return stays on the line and is
 * stripped by parseLine so that columns match the editor's. A final newline does not start another line.
 */
export function splitLines(text: string): string[] {
	const lines = text.split('\n');
	if (lines.length > 1 && lines[lines.length - 1] === '') {
		lines.pop();
	}
	return lines;
}
