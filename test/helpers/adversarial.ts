/**
 * Lines built to make backtracking regular expressions explode: long runs of the characters our patterns look for
 * (braces, backslashes, escapes, angle brackets, quotes, spaces, word characters), inside and outside JSON strings.
 * Shared by the regex-safety test and the worst-case benchmark.
 */
export function adversarialLines(size: number): Array<{ shape: string; line: string }> {
	const fill = (unit: string): string => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
	const inString = (body: string): string => JSON.stringify({ text: body, label: 'x' });
	const shapes: Record<string, string> = {
		'open braces': fill('{'),
		'double braces in a string': inString(fill('{{a')),
		'backslashes': fill('\\'),
		'escaped backslashes in a string': `{"text": "${fill('\\\\')}"}`,
		'surrogate escapes': `{"text": "${fill('\\ud83d')}"}`,
		'control escapes': `{"text": "${fill('\\u00')}"}`,
		'angle brackets': inString(fill('<A')),
		'brackets': inString(fill('[INSERT ')),
		'spaces': inString(fill(' ')),
		'word characters': inString(fill('a')),
		'words and spaces': inString(fill('ignore previous instructions ')),
		'urls': inString(fill('http://a.b/')),
		'emails': inString(fill('a@b.')),
		'digits': inString(fill('1234-')),
		'base64-like': inString(fill('QUJD')),
		'nested arrays': `${'['.repeat(size / 2)}${']'.repeat(size / 2)}`,
		'quotes': fill('"'),
		'mixed punctuation': inString(fill('{a}<B>[C]')),
		'zero-width characters': inString(fill('a\u200b')),
	};
	return Object.entries(shapes).map(([shape, line]) => ({ shape, line }));
}
