import type { LineFindingDraft, RecordRule } from '../rule';

/**
 * An escape starts at a backslash that is not itself escaped: `\\u0000` in JSON text is a backslash followed by
 * the letters `u0000` (as in a code sample that explains escapes), not a NUL character.
 */
const UNESCAPED = String.raw`(?<=(?<!\\)(?:\\\\)*)`;

/**
 * Text damaged by encoding: U+FFFD (bytes that were not valid UTF-8 were replaced), lone surrogates (a string cut
 * in the middle of an emoji, or `\ud83d` escapes without their pair), and control characters other than tab,
 * newline and carriage return (written as `\u0000`–`\u001f` escapes in valid JSON).
 */
const CHECKS: ReadonlyArray<{ regex: RegExp; describe: (found: string) => string; kind: string }> = [
	{ kind: 'replacement-character', regex: /\uFFFD+/g, describe: () => 'U+FFFD replacement character: the source bytes were not valid UTF-8, text was lost here' },
	{ kind: 'lone-surrogate', regex: new RegExp(String.raw`${UNESCAPED}\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})|${UNESCAPED}(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}`, 'g'), describe: (found) => `lone surrogate ${found}: half of a character (cut emoji or bad escaping)` },
	{ kind: 'lone-surrogate', regex: /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, describe: () => 'lone surrogate: half of a character' },
	{ kind: 'control-character', regex: new RegExp(String.raw`${UNESCAPED}\\u00(?:0[0-8bBcCeEfF]|1[0-9a-fA-F])|${UNESCAPED}\\u007[fF]|[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]`, 'g'), describe: (found) => `control character ${found.startsWith('\\') ? found : 'U+' + found.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` },
];

/**
 * A cheap first pass that every damaged line fails: most lines pass, and then the precise (and more expensive)
 * patterns above never run. The escape test only runs on lines that contain a `\u` escape at all. A line that parsed
 * needs no character class: JSON allows no raw control character in a string and only tab, line feed and carriage
 * return between tokens, so only DEL, U+FFFD and lone surrogates can stand in it raw, and three native scans find
 * those five to seven times faster than the class (it had cost 7% of a format and duplicates check).
 */
const SUSPICIOUS_CHARACTER = /[\uFFFD\uD800-\uDFFF\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const SUSPICIOUS_ESCAPE = /\\u(?:[dD]|00)/;

function isSuspicious(text: string, parsed: boolean): boolean {
	const raw = parsed ? !text.isWellFormed() || text.includes('\uFFFD') || text.includes('\u007F') : SUSPICIOUS_CHARACTER.test(text);
	return raw || (text.includes('\\u') && SUSPICIOUS_ESCAPE.test(text));
}

export const encoding: RecordRule = {
	kind: 'record',
	id: 'encoding',
	category: 'format',
	description: 'Broken text encoding: U+FFFD replacement characters, lone surrogates, or control characters.',
	defaultSeverity: 'warning',
	check({ parsed }) {
		if (!isSuspicious(parsed.text, parsed.kind === 'value')) {
			return [];
		}
		const findings: LineFindingDraft[] = [];
		for (const { kind, regex, describe } of CHECKS) {
			for (const match of parsed.text.matchAll(regex)) {
				const column = match.index ?? 0;
				findings.push({ message: `Encoding problem: ${describe(match[0])}.`, column, endColumn: column + match[0].length, data: { kind } });
				if (findings.length >= 20) {
					return findings;
				}
			}
		}
		return findings;
	},
};
