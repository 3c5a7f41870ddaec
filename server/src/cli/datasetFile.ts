import { promises as fs } from 'node:fs';
import { ConfigError } from './config';

/** A dataset read whole for a command that rewrites it: its lines (without line endings) and its line ending. */
export interface DatasetLines {
	lines: string[];
	eol: '\n' | '\r\n';
}

/**
 * Reads a dataset for a writer command. Writers copy lines byte for byte, which decoding invalid UTF-8 would break,
 * so such files are refused with a message; a final newline does not make an extra line.
 */
export async function readDataset(file: string): Promise<DatasetLines> {
	let bytes: Buffer;
	try {
		bytes = await fs.readFile(file);
	} catch (error) {
		throw new ConfigError(`${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
	}
	const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
	if (text.includes('\uFFFD') && !bytes.includes(Buffer.from('\uFFFD'))) {
		throw new ConfigError(`${file}: the file is not valid UTF-8; fix its encoding first (tunelint check reports where)`);
	}
	const eol = text.includes('\r\n') ? '\r\n' : '\n';
	const lines = text.split(/\r?\n/);
	if (lines.length > 0 && lines[lines.length - 1] === '') {
		lines.pop();
	}
	return { lines, eol };
}

/** Joins lines with the file's line ending and a final newline (an empty list is an empty file). */
export function joinLines(lines: readonly string[], eol: string): string {
	return lines.length === 0 ? '' : `${lines.join(eol)}${eol}`;
}
