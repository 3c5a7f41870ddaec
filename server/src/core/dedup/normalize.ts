/** Text normalisation shared by every duplicate rule, so that "the same text" means the same thing everywhere. */

/** White space, plus the field separator below so that it can never occur inside a normalised field. */
const WHITESPACE_RUN = /[\s\u001f]+/g;
/**
 * White space other than the plain space (JavaScript's `\s` less U+0020), and the field separator: one character class,
 * which V8 scans far faster than an alternation. Two plain spaces in a row are found by `includes`.
 */
const OTHER_WHITESPACE = /[\t-\r\u001f\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;
const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Unicode NFKC, lower case, every run of white space collapsed to one space, trimmed. NFKC is skipped for pure ASCII
 * text, where it is the identity, because it dominates the cost on large files.
 */
export function normalizeText(text: string): string {
	if (isPlainAscii(text)) {
		return text.toLowerCase();
	}
	const composed = NON_ASCII.test(text) ? text.normalize('NFKC') : text;
	const lower = composed.toLowerCase();
	// Most records need no white-space change; testing first avoids copying every string.
	return (OTHER_WHITESPACE.test(lower) || lower.includes('  ') ? lower.replace(WHITESPACE_RUN, ' ') : lower).trim();
}

/** A character outside printable ASCII: white space other than the space, control characters, anything NFKC could change. */
const NOT_PRINTABLE_ASCII = /[^ -~]/;

/**
 * True for printable ASCII text whose only white space is single spaces between words: then lower-casing is all
 * that normalising does. One character-class scan and a native search for two spaces instead of the three
 * regular-expression scans of the general case, which cost more than parsing the record on big files (measured
 * faster than one alternation or a loop, on freshly parsed strings).
 */
function isPlainAscii(text: string): boolean {
	return !NOT_PRINTABLE_ASCII.test(text) && !text.includes('  ') && text.charCodeAt(0) !== SPACE && text.charCodeAt(text.length - 1) !== SPACE;
}

const SPACE = 0x20;

/**
 * The separator placed between the content fields of one record before hashing. Normalisation turns it into a space
 * inside a field, so joined fields never collide with one field.
 */
export const FIELD_SEPARATOR = '\u001f';

/** Normalises each field and joins them, so that `['a b', 'c']` and `['a', 'b c']` stay different. */
export function normalizeFields(fields: readonly string[]): string {
	let joined = '';
	for (let i = 0; i < fields.length; i++) {
		if (i > 0) {
			joined += FIELD_SEPARATOR;
		}
		joined += normalizeText(fields[i]);
	}
	return joined;
}
