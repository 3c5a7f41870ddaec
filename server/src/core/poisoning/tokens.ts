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
