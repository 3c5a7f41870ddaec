/**
 * Normalisation for phrase matching that survives the usual disguises: invisible characters inside words,
 * look-alike letters, accents, leetspeak ("1gn0re"), spaced-out letters ("i g n o r e") and one-letter typos
 * ("instrucions"). The result is a list of canonical words joined by single spaces, with each word's offsets in the
 * original text, so a regular expression over the joined string can be mapped back to a precise range.
 */

import { CONFUSABLES } from './unicode';

/** One normalised word and where it came from. */
export interface NormalWord {
	text: string;
	start: number;
	end: number;
}

export interface NormalText {
	/** Words joined by single spaces. */
	joined: string;
	words: NormalWord[];
	/** Index in `joined` where each word starts (parallel to `words`). */
	offsets: number[];
}

const INVISIBLE = /[\p{Cf}]/u;
const WORD = /[\p{L}\p{N}@$]+(?:['’][\p{L}\p{N}]+)*/gu;
const PLAIN_LOWERCASE = /^[a-z]+$/;
const LEET: Readonly<Record<string, string>> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's' };

const MEMO_LIMIT = 100_000;
/** No lexicon word is this long; longer words (a 1 MB run of letters) are never corrected, which also bounds the work. */
const MAX_FUZZY_LENGTH = 24;

/** Words of at least this length are matched against the lexicon with one edit of tolerance. */
const FUZZY_MIN_LENGTH = 6;

/** Normalises `text`; `lexicon` holds the words that one-edit typos are corrected to. */
export function normalizeForMatching(text: string, lexicon: FuzzyLexicon): NormalText {
	const { cleaned, origin } = stripInvisible(text);
	const raw: NormalWord[] = [];
	WORD.lastIndex = 0;
	for (let match = WORD.exec(cleaned); match !== null; match = WORD.exec(cleaned)) {
		const start = origin[match.index];
		const end = origin[match.index + match[0].length - 1] + 1;
		raw.push({ text: lexicon.canonical(match[0]), start, end });
	}
	const words = lexicon.correct(mergeSpacedLetters(raw, text));
	const offsets: number[] = [];
	let length = 0;
	for (const word of words) {
		offsets.push(length);
		length += word.text.length + 1;
	}
	return { joined: words.map((w) => w.text).join(' '), words, offsets };
}

/** Maps a match [start, end) in `joined` to offsets in the original text. */
export function originalRange(normal: NormalText, start: number, end: number): { start: number; end: number } {
	const first = wordIndexAt(normal, start);
	const last = wordIndexAt(normal, Math.max(start, end - 1));
	return { start: normal.words[first].start, end: normal.words[last].end };
}

function wordIndexAt(normal: NormalText, position: number): number {
	let low = 0;
	let high = normal.offsets.length - 1;
	while (low < high) {
		const middle = (low + high + 1) >> 1;
		if (normal.offsets[middle] <= position) {
			low = middle;
		} else {
			high = middle - 1;
		}
	}
	return low;
}

/** Removes format characters (zero-width, bidi, tags) and remembers where each remaining code unit came from. */
function stripInvisible(text: string): { cleaned: string; origin: Int32Array } {
	if (!INVISIBLE.test(text)) {
		const identity = new Int32Array(text.length + 1);
		for (let i = 0; i <= text.length; i++) {
			identity[i] = i;
		}
		return { cleaned: text, origin: identity };
	}
	const origin = new Int32Array(text.length + 1);
	let cleaned = '';
	let length = 0;
	for (let i = 0; i < text.length; ) {
		const codePoint = text.codePointAt(i) ?? 0;
		const size = codePoint > 0xffff ? 2 : 1;
		const char = text.slice(i, i + size);
		if (!INVISIBLE.test(char)) {
			for (let k = 0; k < size; k++) {
				origin[length++] = i + k;
			}
			cleaned += char;
		}
		i += size;
	}
	origin[length] = text.length;
	return { cleaned, origin };
}

/** Lowercase, look-alikes to Latin, accents removed, apostrophes dropped, leetspeak decoded in words that also have letters. */
function canonicalWord(word: string): string {
	if (PLAIN_LOWERCASE.test(word)) {
		return word;
	}
	let result = '';
	for (const char of word) {
		result += CONFUSABLES.get(char) ?? char;
	}
	result = result.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/['’]/g, '');
	if (/[a-z]/.test(result) && /[0-9@$]/.test(result)) {
		result = result.replace(/[0134578@$]/g, (char) => LEET[char] ?? char);
	}
	return result;
}

/** "i g n o r e" or "i.g.n.o.r.e" become one word when four or more single letters follow each other closely. */
function mergeSpacedLetters(words: NormalWord[], text: string): NormalWord[] {
	const merged: NormalWord[] = [];
	for (let i = 0; i < words.length; ) {
		let j = i;
		while (j < words.length && words[j].text.length === 1 && (j === i || words[j].start - words[j - 1].end <= 2) && !/\s{2}|\n/.test(text.slice(words[Math.max(i, j - 1)].end, words[j].start))) {
			j++;
		}
		if (j - i >= 4) {
			merged.push({ text: words.slice(i, j).map((w) => w.text).join(''), start: words[i].start, end: words[j - 1].end });
			i = j;
		} else {
			merged.push(words[i]);
			i++;
		}
	}
	return merged;
}

/**
 * Corrects words within one edit of a lexicon word (deletion, insertion, substitution or transposition), using the
 * symmetric-delete index: two words are close when deleting at most one character from each makes them equal.
 */
export class FuzzyLexicon {
	private readonly exact: ReadonlySet<string>;
	private readonly byVariant = new Map<string, string | null>();
	private readonly memo = new Map<string, string>();
	private readonly canonicalMemo = new Map<string, string>();
	/** Short words (four or five letters) are only corrected for two swapped neighbours: "aobve", "shwo", "yuor". */
	private readonly byTransposition = new Map<string, string>();

	/** `protectedWords` are real words that must never be "corrected" (e.g. "roles" is not a typo of "rules"). */
	constructor(words: Iterable<string>, private readonly protectedWords: ReadonlySet<string> = new Set()) {
		this.exact = new Set(words);
		for (const word of this.exact) {
			if (word.length >= 4 && word.length < FUZZY_MIN_LENGTH) {
				for (let i = 0; i + 1 < word.length; i++) {
					const swapped = word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
					if (!this.exact.has(swapped) && !protectedWords.has(swapped)) {
						this.byTransposition.set(swapped, word);
					}
				}
			}
			if (word.length < FUZZY_MIN_LENGTH) {
				continue;
			}
			for (const variant of deletions(word)) {
				const known = this.byVariant.get(variant);
				// A variant shared by two lexicon words is ambiguous and corrects to neither.
				this.byVariant.set(variant, known === undefined || known === word ? word : null);
			}
		}
	}

	/** The canonical form of a raw word (see canonicalWord), memoised because the same words recur across records. */
	canonical(word: string): string {
		if (PLAIN_LOWERCASE.test(word)) {
			return word;
		}
		const known = this.canonicalMemo.get(word);
		if (known !== undefined) {
			return known;
		}
		const result = canonicalWord(word);
		if (this.canonicalMemo.size >= MEMO_LIMIT) {
			this.canonicalMemo.clear();
		}
		this.canonicalMemo.set(word, result);
		return result;
	}

	correct(words: NormalWord[]): NormalWord[] {
		return words.map((word) => {
			const corrected = this.correction(word.text);
			return corrected === word.text ? word : { ...word, text: corrected };
		});
	}

	private correction(text: string): string {
		if (text.length < 4 || text.length > MAX_FUZZY_LENGTH || this.exact.has(text) || this.protectedWords.has(text)) {
			return text;
		}
		const transposed = this.byTransposition.get(text);
		if (transposed !== undefined || text.length < FUZZY_MIN_LENGTH - 1) {
			return transposed ?? text;
		}
		const known = this.memo.get(text);
		if (known !== undefined) {
			return known;
		}
		let corrected = text;
		for (const variant of deletions(text)) {
			const target = this.byVariant.get(variant);
			if (target) {
				corrected = target;
				break;
			}
		}
		// The memo only saves work: it is bounded and cleared rather than grown without limit.
		if (this.memo.size >= MEMO_LIMIT) {
			this.memo.clear();
		}
		this.memo.set(text, corrected);
		return corrected;
	}
}

function deletions(word: string): string[] {
	const variants = [word];
	for (let i = 0; i < word.length; i++) {
		variants.push(word.slice(0, i) + word.slice(i + 1));
	}
	return variants;
}
