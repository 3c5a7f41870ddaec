/**
 * Per-record statistics for the outlier checks: special-character share (Deepchecks' SpecialCharacters property),
 * dominant script, and a model-free ONION-like surprise score: the mean negative log-probability of the record's
 * characters under a character trigram model fitted on the whole file.
 */

import { quartiles, quartilesOfSorted } from './stats';
import { sortedSteps, type Steps } from './steps';

/** Q3 + k·IQR of the values (Tukey's fence; the issue and Deepchecks use k = 2). */
export function upperFence(values: ArrayLike<number>, k: number): number {
	const { q1, q3 } = quartiles(values);
	return q3 + k * (q3 - q1);
}

/** {@link upperFence} with yields while it sorts, for the finish step of a rule over a huge file. */
export function* upperFenceSteps(values: ArrayLike<number>, k: number): Steps<number> {
	const { q1, q3 } = quartilesOfSorted(yield* sortedSteps(values));
	return q3 + k * (q3 - q1);
}

/** ASCII punctuation (Python's string.punctuation) counts as ordinary text, like letters, digits and spaces. */
const ORDINARY = /[\p{L}\p{M}\p{N}\s!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/u;

/** Share of characters (code points) that are neither letters, digits, whitespace nor ASCII punctuation. */
export function specialCharacterShare(text: string): number {
	let total = 0;
	let special = 0;
	for (let i = 0; i < text.length; i++) {
		total++;
		const code = text.charCodeAt(i);
		// ASCII is decided without a regular expression: this runs on every character of every record.
		if (code < 0x80) {
			if (!isOrdinaryAscii(code)) {
				special++;
			}
			continue;
		}
		const char = String.fromCodePoint(text.codePointAt(i) ?? code);
		i += char.length - 1;
		if (!ORDINARY.test(char)) {
			special++;
		}
	}
	return total === 0 ? 0 : special / total;
}

/** Printable ASCII and ASCII whitespace (tab to carriage return, and the space) are ordinary; control characters are not. */
function isOrdinaryAscii(code: number): boolean {
	return (code >= 0x20 && code < 0x7f) || (code >= 0x09 && code <= 0x0d);
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

/** Every script name dominantScript returns. */
export const SCRIPT_NAMES: readonly string[] = [...SCRIPTS.map(([name]) => name), 'Other'];

/** The script of a letter, undefined for other characters; ASCII is decided without a regular expression. */
function scriptOf(char: string): string | undefined {
	const code = char.charCodeAt(0);
	if (code < 0x80) {
		return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) ? 'Latin' : undefined;
	}
	if (!/\p{L}/u.test(char)) {
		return undefined;
	}
	return SCRIPTS.find(([, regex]) => regex.test(char))?.[0] ?? 'Other';
}

/** Letters sampled per record to name its script; enough to be sure, cheap on huge lines. */
const SCRIPT_SAMPLE = 2000;

/** The script most of the text's letters belong to, or undefined for a text without letters. */
export function dominantScript(text: string): string | undefined {
	const counts = new Map<string, number>();
	let seen = 0;
	for (const char of text) {
		const script = scriptOf(char);
		if (script === undefined) {
			continue;
		}
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
 * A character trigram model with add-one smoothing over hashed counts (flat tables, no Map), fitted on the records
 * of a file. `surprise` is what ONION measures with GPT-2, at a tiny fraction of the cost. Memory is fixed (about
 * 16 MB of tables) whatever the number of records.
 */
export class CharTrigramModel {
	private readonly trigrams = new Uint32Array(MASK + 1);
	private readonly contexts = new Uint32Array(MASK + 1);
	/** Which UTF-16 code units have been seen, and how many distinct ones. */
	private readonly seen = new Uint8Array(0x10000);
	private alphabetSize = 0;
	/** Scratch space for one text: its trigram and context slots, and its own counts (reset after each use). */
	private readonly textTrigrams = new Int32Array(NGRAM_SAMPLE);
	private readonly textContexts = new Int32Array(NGRAM_SAMPLE);
	private readonly ownTrigrams = new Uint16Array(MASK + 1);
	private readonly ownContexts = new Uint16Array(MASK + 1);

	/** Adds one record's text to the counts. */
	add(text: string): void {
		const length = this.slots(text);
		for (let i = 0; i < length; i++) {
			this.trigrams[this.textTrigrams[i]]++;
			this.contexts[this.textContexts[i]]++;
			const char = text.charCodeAt(i);
			if (this.seen[char] === 0) {
				this.seen[char] = 1;
				this.alphabetSize++;
			}
		}
	}

	/**
	 * Mean negative log2-probability per character, with the record's own counts left out (a record is never
	 * explained by itself). Undefined for an empty text.
	 */
	surprise(text: string): number | undefined {
		const length = this.slots(text);
		if (length === 0) {
			return undefined;
		}
		for (let i = 0; i < length; i++) {
			this.ownTrigrams[this.textTrigrams[i]]++;
			this.ownContexts[this.textContexts[i]]++;
		}
		let bits = 0;
		const vocabulary = Math.max(2, this.alphabetSize);
		for (let i = 0; i < length; i++) {
			const trigram = this.textTrigrams[i];
			const context = this.textContexts[i];
			const trigramCount = Math.max(0, this.trigrams[trigram] - this.ownTrigrams[trigram]);
			const contextCount = Math.max(0, this.contexts[context] - this.ownContexts[context]);
			bits -= Math.log2((trigramCount + 1) / (contextCount + vocabulary));
		}
		for (let i = 0; i < length; i++) {
			this.ownTrigrams[this.textTrigrams[i]] = 0;
			this.ownContexts[this.textContexts[i]] = 0;
		}
		return bits / length;
	}

	/** Fills the scratch slots with the table positions of the text's trigrams and contexts; returns how many. */
	private slots(text: string): number {
		const length = Math.min(text.length, NGRAM_SAMPLE);
		let a = 0x02;
		let b = 0x02;
		for (let i = 0; i < length; i++) {
			const c = text.charCodeAt(i);
			const context = mix(mix(0x811c9dc5, a), b);
			this.textTrigrams[i] = mix(context, c) & MASK;
			this.textContexts[i] = context & MASK;
			a = b;
			b = c;
		}
		return length;
	}
}

function mix(hash: number, value: number): number {
	return Math.imul(hash ^ value, 0x01000193) >>> 0;
}
