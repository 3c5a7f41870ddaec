import { createReadStream } from 'node:fs';
import * as readline from 'node:readline';

/**
 * Reads a file line by line without ever holding it whole; shared by the CLI and the language server's "lint file
 * on disk". Invalid UTF-8 becomes U+FFFD (which the `encoding` rule reports), a final newline does not make an extra
 * line, and CRLF endings are removed as editors do.
 */
export function readLines(file: string): AsyncIterable<string> {
	const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
	return readline.createInterface({ input: stream, crlfDelay: Infinity });
}
