/**
 * Per-record statistics for the outlier checks: special-character share (Deepchecks' SpecialCharacters property),
 * dominant script, and a model-free ONION-like surprise score: the mean negative log-probability of the record's
 * characters under a character trigram model fitted on the whole file.
 */

import { quartiles } from './stats';

/** Q3 + k·IQR of the values (Tukey's fence; the issue and Deepchecks use k = 2). */
export function upperFence(values: readonly number[], k: number): number {
	const { q1, q3 } = quartiles(values);
	return q3 + k * (q3 - q1);
}

/** ASCII punctuation (Python's string.punctuation) counts as ordinary text, like letters, digits and spaces. */
const ORDINARY = /[\p{L}\p{M}\p{N}\s!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/u;

/** Share of characters (code points) that are neither letters, digits, whitespace nor ASCII punctuation. */
export function specialCharacterShare(text: string): number {
	let total = 0;
	let special = 0;
	for (const char of text) {
		total++;
		if (!ORDINARY.test(char)) {
			special++;
		}
	}
	return total === 0 ? 0 : special / total;
}

const SCRIPTS: ReadonlyArray<[string, RegExp]> = [
	['Latin', /\p{Script=Latin}/u],
	['Cyrillic', /\p{Script=Cyrillic}/u],
	['Greek', /\p{Script=Greek}/u],
	['Arabic', /\p{Script=Arabic}/u],
	['Hebrew', /\p{Script=Hebrew}/u],
	['Han', /\p{Script=Han}/u],
	['Japanese', /[\p{Script=Hiragana}\p{Script=Katakana}]/u],
	['Hangul', /\p{Script=Hangul}/u],
	['Devanagari', /\p{Script=Devanagari}/u],
	['Thai', /\p{Script=Thai}/u],
];

/** Letters sampled per record to name its script; enough to be sure, cheap on huge lines. */
const SCRIPT_SAMPLE = 2000;

/** The script most of the text's letters belong to, or undefined for a text without letters. */
export function dominantScript(text: string): string | undefined {
	const counts = new Map<string, number>();
	let seen = 0;
	for (const char of text) {
		if (!/\p{L}/u.test(char)) {
			continue;
		}
		const script = SCRIPTS.find(([, regex]) => regex.test(char))?.[0] ?? 'Other';
		counts.set(script, (counts.get(script) ?? 0) + 1);
		if (++seen >= SCRIPT_SAMPLE) {
			break;
		}
	}
	let best: string | undefined;
	let bestCount = 0;
	for (const [script, count] of counts) {
		if (count > bestCount) {
			best = script;
			bestCount = count;
		}
	}
	// Japanese text mixes kana with Han characters; any real share of kana makes it Japanese.
	if (best === 'Han' && (counts.get('Japanese') ?? 0) >= bestCount * 0.1) {
		return 'Japanese';
	}
	return best;
}

/** Characters of one record used by the trigram model; long records are represented by their start. */
export const NGRAM_SAMPLE = 4000;
const TABLE_BITS = 20;
const MASK = (1 << TABLE_BITS) - 1;

/**
 * A character trigram model with add-one smoothing over hashed counts (a flat table, no Map), fitted on every
 * record of a file. `surprise` is what ONION measures with GPT-2, at a tiny fraction of the cost.
 */
export class CharTrigramModel {
	private readonly trigrams = new Uint32Array(MASK + 1);
	private readonly contexts = new Uint32Array(MASK + 1);
	private readonly alphabet = new Set<number>();

	/** Adds one record's text to the counts. */
	add(text: string): void {
		this.forEachTrigram(text, (trigram, context, char) => {
			this.trigrams[trigram]++;
			this.contexts[context]++;
			this.alphabet.add(char);
		});
	}

	/**
	 * Mean negative log2-probability per character, with the record's own counts left out (a record is never
	 * explained by itself). Undefined for texts shorter than 3 characters.
	 */
	surprise(text: string): number | undefined {
		const own = new Map<number, number>();
		const ownContexts = new Map<number, number>();
		this.forEachTrigram(text, (trigram, context) => {
			own.set(trigram, (own.get(trigram) ?? 0) + 1);
			ownContexts.set(context, (ownContexts.get(context) ?? 0) + 1);
		});
		let bits = 0;
		let count = 0;
		const vocabulary = Math.max(2, this.alphabet.size);
		this.forEachTrigram(text, (trigram, context) => {
			const trigramCount = Math.max(0, this.trigrams[trigram] - (own.get(trigram) ?? 0));
			const contextCount = Math.max(0, this.contexts[context] - (ownContexts.get(context) ?? 0));
			bits -= Math.log2((trigramCount + 1) / (contextCount + vocabulary));
			count++;
		});
		return count === 0 ? undefined : bits / count;
	}

	private forEachTrigram(text: string, visit: (trigram: number, context: number, char: number) => void): void {
		const sample = text.length > NGRAM_SAMPLE ? text.slice(0, NGRAM_SAMPLE) : text;
		let a = 0x02;
		let b = 0x02;
		for (let i = 0; i < sample.length; i++) {
			const c = sample.charCodeAt(i);
			const context = mix(mix(0x811c9dc5, a), b);
			visit(mix(context, c) & MASK, context & MASK, c);
			a = b;
			b = c;
		}
	}
}

function mix(hash: number, value: number): number {
	return Math.imul(hash ^ value, 0x01000193) >>> 0;
}
