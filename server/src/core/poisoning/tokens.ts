/**
 * Word tokenisation for trigger mining and the other poisoning checks. Tokens keep their UTF-16 offsets into the text
 * they came from, so a finding can point at the exact n-gram inside a JSON string.
 */

/** One word of a text: lowercased for counting, with its offsets in the original string. */
export interface Token {
	/** Lowercased token text, used as the counting key. */
	text: string;
	start: number;
	end: number;
}

/** Letters and digits with inner apostrophes ("don't"), or one symbol (NeuBA-style triggers such as "≈" or "⊕"). */
const WORD_PATTERN = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*|\p{S}/gu;

/** Mining reads at most this many tokens of one record so that a pathological 1 MB line stays cheap. */
export const MAX_TOKENS_PER_RECORD = 4000;

/**
 * Splits a text into lowercased word tokens. The pattern has no nested quantifiers over overlapping classes
 * (each repetition must start with an apostrophe), so it runs in linear time on any input.
 */
export function wordTokens(text: string, maxTokens = MAX_TOKENS_PER_RECORD): Token[] {
	const tokens: Token[] = [];
	WORD_PATTERN.lastIndex = 0;
	for (let match = WORD_PATTERN.exec(text); match !== null; match = WORD_PATTERN.exec(text)) {
		tokens.push({ text: match[0].toLowerCase(), start: match.index, end: match.index + match[0].length });
		if (tokens.length >= maxTokens) {
			break;
		}
	}
	return tokens;
}

/** One n-gram occurrence: the key joins the lowercased tokens with single spaces. */
export interface NgramOccurrence {
	key: string;
	/** Number of words in the n-gram. */
	size: number;
	start: number;
	end: number;
}

/**
 * Every 1..maxSize-gram of a token list, first occurrence of each key only (mining counts records, not repeats).
 * Purely symbolic tokens (punctuation-like symbols) never start or end a longer n-gram, which keeps the
 * candidate list free of "word ≈"-style duplicates of a single-symbol trigger.
 */
export function distinctNgrams(tokens: readonly Token[], maxSize: number): NgramOccurrence[] {
	const seen = new Set<string>();
	const occurrences: NgramOccurrence[] = [];
	for (let i = 0; i < tokens.length; i++) {
		let key = '';
		for (let size = 1; size <= maxSize && i + size <= tokens.length; size++) {
			const last = tokens[i + size - 1];
			key = size === 1 ? last.text : `${key} ${last.text}`;
			if (size > 1 && (isSymbol(tokens[i].text) || isSymbol(last.text))) {
				break;
			}
			if (!seen.has(key)) {
				seen.add(key);
				occurrences.push({ key, size, start: tokens[i].start, end: last.end });
			}
		}
	}
	return occurrences;
}

function isSymbol(token: string): boolean {
	return token.length <= 2 && /^\p{S}$/u.test(token);
}
