// Writes a JSONL file over VS Code's 50 MB limit for extensions, with defects at known lines.
import { closeSync, openSync, writeSync } from 'node:fs';

/** Line (1-based) that holds invalid JSON. */
export const LARGE_FILE_INVALID_LINE = 1_000;

const WORDS = ('alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec '
	+ 'romeo sierra tango uniform victor whiskey xray yankee zulu river mountain forest ocean desert valley island harbor '
	+ 'castle bridge garden market library station theater museum planet comet galaxy nebula quantum vector matrix tensor '
	+ 'kernel thread socket buffer cache index query schema table column record').split(' ');

/**
 * Writes varied chat records (seeded, so every run writes the same bytes) until the file reaches `minBytes`.
 * @returns {{ lines: number, bytes: number }}
 */
export function writeLargeFile(path, minBytes) {
	let seed = 42;
	const random = () => {
		// Math.imul keeps the product exact; a plain multiplication loses bits above 2^53 and the sequence cycles.
		seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
		return seed / 0x7fffffff;
	};
	const sentence = (length) => Array.from({ length }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');
	const file = openSync(path, 'w');
	let bytes = 0;
	let lines = 0;
	try {
		while (bytes < minBytes) {
			lines++;
			const record = lines === LARGE_FILE_INVALID_LINE
				? '{"messages": [oops'
				: JSON.stringify({ messages: [{ role: 'user', content: `${sentence(20)}?` }, { role: 'assistant', content: `${sentence(60)}.` }] });
			const text = `${record}\n`;
			writeSync(file, text);
			bytes += Buffer.byteLength(text);
		}
	} finally {
		closeSync(file);
	}
	return { lines, bytes };
}
