/**
 * Token counting with OpenAI's o200k_base encoding (gpt-tokenizer ships the vocabulary in its npm package, so it
 * works offline). Loading the vocabulary costs about 1.5 s, so it happens on first use only: most records are too
 * short to need an exact count (a byte-level BPE token is at least one UTF-8 byte, so bytes bound tokens).
 */

// The core has no Node types; `require` is declared here because a synchronous lazy load keeps rules synchronous.
declare const require: (id: string) => unknown;

interface Encoder {
	countTokens(text: string): number;
}

let encoder: Encoder | undefined;

/** The tokenizer named in findings and reports. */
export const TOKENIZER_NAME = 'o200k_base';

/**
 * Byte-pair encoding of one very long pre-token (a megabyte of backslashes, a base64 blob) is quadratic, so long
 * texts are counted in chunks cut at white space where possible. The count can differ from the exact one by a token
 * or so per chunk boundary, which does not matter for a limit in the thousands.
 */
const CHUNK = 4096;

export function countTokens(text: string): number {
	encoder ??= require('gpt-tokenizer/encoding/o200k_base') as Encoder;
	if (text.length <= 2 * CHUNK) {
		return encoder.countTokens(text);
	}
	let total = 0;
	for (let start = 0; start < text.length;) {
		let end = Math.min(text.length, start + CHUNK);
		if (end < text.length) {
			const space = text.lastIndexOf(' ', end);
			end = space > start + CHUNK / 2 ? space : end;
		}
		total += encoder.countTokens(text.slice(start, end));
		start = end;
	}
	return total;
}

/** The UTF-8 length of a string, an upper bound of its token count. */
export function utf8Length(text: string): number {
	let bytes = 0;
	for (let index = 0; index < text.length; index++) {
		const code = text.charCodeAt(index);
		if (code < 0x80) {
			bytes += 1;
		} else if (code < 0x800) {
			bytes += 2;
		} else if (code >= 0xd800 && code <= 0xdbff) {
			bytes += 4;
			index++;
		} else {
			bytes += 3;
		}
	}
	return bytes;
}

/** Tokens a chat turn costs beyond its text (role markers), after OpenAI's cookbook estimate. */
export const TOKENS_PER_MESSAGE = 3;
/** Tokens that prime the assistant's reply, after the same estimate. */
export const TOKENS_PER_CONVERSATION = 3;
