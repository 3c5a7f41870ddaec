/**
 * Finds identity-term mentions in text. The text is split once into words (runs of letters and digits), and each word is
 * looked up in a map from first word to the lexicon forms that start with it, so the cost is linear in the text and does not
 * grow with the size of the lexicon. Whole words only: "he" never matches inside "the", "asian" never inside "caucasian".
 */
import { BUILT_IN_LEXICON, type Lexicon, normalizeForm } from './lexicon';

/** One identity-term mention, with UTF-16 offsets into the text that was matched. */
export interface GroupMention {
	axis: string;
	group: string;
	/** The lexicon form that matched, lower-case with single spaces (e.g. "african american" for "African-American"). */
	term: string;
	start: number;
	/** Exclusive. */
	end: number;
	/** True for an ambiguous term ("white", "old") not followed by a person noun or another identity term, and for "they". */
	ambiguous: boolean;
}

/**
 * Returns the identity-term mentions in `text`, in text order. Matching is case-insensitive and on whole words; multi-word
 * forms match across spaces and hyphens but not across other punctuation; when forms overlap the longest wins, and phrases
 * listed in `nonIdentityPhrases` ("white house") hide the identity words they contain.
 */
export function matchGroups(text: string, lexicon: Lexicon = BUILT_IN_LEXICON): GroupMention[] {
	const compiled = compileLexicon(lexicon);
	const words = splitIntoWords(text);
	const mentions: GroupMention[] = [];
	let index = 0;
	while (index < words.count) {
		if (cannotStartEntry(compiled, text, words, index)) {
			index++;
			continue;
		}
		const matched = longestEntriesAt(compiled, text, words, index);
		if (matched === undefined) {
			index++;
			continue;
		}
		const { entries, length } = matched;
		const next = index + length;
		const start = words.starts[index];
		const end = words.ends[next - 1];
		let resolvedByContext: boolean | undefined;
		for (const entry of entries) {
			if (entry.nonIdentity) {
				continue;
			}
			let ambiguous = entry.ambiguity === 'always';
			if (entry.ambiguity === 'context') {
				resolvedByContext ??= isFollowedByPeopleContext(compiled, text, words, next);
				ambiguous = !resolvedByContext;
			}
			mentions.push({ axis: entry.axis, group: entry.group, term: entry.form, start, end, ambiguous });
		}
		index = next;
	}
	return mentions;
}

/** The lexicon prepared for matching; built once per lexicon object and cached. */
export interface CompiledLexicon {
	readonly entriesByFirstWord: ReadonlyMap<string, readonly LexiconEntry[]>;
	readonly personNouns: ReadonlySet<string>;
	/** One flag per word shape (length, first and last letter) that some first word of an entry has; see {@link wordShape}. */
	readonly firstWordShapes: Uint8Array;
}

/** One form of the lexicon, split into words; `nonIdentity` entries are the phrases that are never mentions. */
export interface LexiconEntry {
	readonly words: readonly string[];
	readonly form: string;
	readonly axis: string;
	readonly group: string;
	/** `context`: a mention only when followed by people context; `always`: never settled by context. */
	readonly ambiguity: 'none' | 'context' | 'always';
	readonly nonIdentity: boolean;
}

const compiledLexicons = new WeakMap<Lexicon, CompiledLexicon>();

/** Prepares `lexicon` for {@link matchGroups}; the result is cached per lexicon object, so repeated calls are free. */
export function compileLexicon(lexicon: Lexicon): CompiledLexicon {
	const cached = compiledLexicons.get(lexicon);
	if (cached !== undefined) {
		return cached;
	}
	const entriesByFirstWord = new Map<string, LexiconEntry[]>();
	const seen = new Set<string>();
	const add = (entry: LexiconEntry): void => {
		const key = `${entry.form}\u0000${entry.axis}\u0000${entry.group}\u0000${entry.nonIdentity}`;
		if (entry.words.length === 0 || seen.has(key)) {
			return;
		}
		seen.add(key);
		const list = entriesByFirstWord.get(entry.words[0]);
		if (list === undefined) {
			entriesByFirstWord.set(entry.words[0], [entry]);
		} else {
			list.push(entry);
		}
	};
	for (const axis of lexicon.axes) {
		for (const group of axis.groups) {
			for (const term of group.terms) {
				for (const form of term.forms) {
					const normalized = normalizeForm(form);
					const words = normalized.split(' ');
					const ambiguity = term.ambiguous === 'always' ? 'always' : term.ambiguous === true ? 'context' : 'none';
					add({ words, form: normalized, axis: axis.id, group: group.id, ambiguity, nonIdentity: false });
				}
			}
		}
	}
	for (const phrase of lexicon.nonIdentityPhrases) {
		const normalized = normalizeForm(phrase);
		add({ words: normalized.split(' '), form: normalized, axis: '', group: '', ambiguity: 'none', nonIdentity: true });
	}
	// Longest forms first, so that the first full match at a position is the longest one.
	for (const list of entriesByFirstWord.values()) {
		list.sort((left, right) => right.words.length - left.words.length);
	}
	const firstWordShapes = new Uint8Array(SHAPE_COUNT);
	for (const firstWord of entriesByFirstWord.keys()) {
		const shape = wordShape(firstWord, 0, firstWord.length);
		if (shape >= 0) {
			firstWordShapes[shape] = 1;
		}
	}
	const compiled = { entriesByFirstWord, personNouns: new Set(lexicon.personNouns.map(normalizeForm)), firstWordShapes };
	compiledLexicons.set(lexicon, compiled);
	return compiled;
}

/**
 * Words of a text as parallel arrays of offsets, which is cheaper than an array of objects. The lower-cased word is built
 * only when it is looked up (most words are rejected by their shape first) and then kept.
 */
interface Words {
	count: number;
	starts: number[];
	ends: number[];
	lower: (string | undefined)[];
}

function wordAt(text: string, words: Words, index: number): string {
	let word = words.lower[index];
	if (word === undefined) {
		word = text.slice(words.starts[index], words.ends[index]).toLowerCase();
		words.lower[index] = word;
	}
	return word;
}

/** Words longer than this are never rejected by shape (no lexicon word is that long; they are simply looked up). */
const MAX_SHAPED_LENGTH = 24;
const SHAPE_COUNT = MAX_SHAPED_LENGTH * 26 * 26;

/**
 * A number for the (length, first letter, last letter) of an ASCII-letter word, case-insensitive; -1 for other words
 * (digits, accents, very long), which are always looked up. A word whose shape no lexicon first word has cannot start a
 * match, so it is skipped without building a string: that is most words of ordinary text ("the", "and", "model").
 */
function wordShape(text: string, start: number, end: number): number {
	const length = end - start;
	if (length > MAX_SHAPED_LENGTH) {
		return -1;
	}
	for (let position = start; position < end; position++) {
		const code = text.charCodeAt(position) | 0x20;
		if (code < 0x61 || code > 0x7a) {
			return -1;
		}
	}
	const first = (text.charCodeAt(start) | 0x20) - 0x61;
	const last = (text.charCodeAt(end - 1) | 0x20) - 0x61;
	return ((length - 1) * 26 + first) * 26 + last;
}

function cannotStartEntry(compiled: CompiledLexicon, text: string, words: Words, index: number): boolean {
	const shape = wordShape(text, words.starts[index], words.ends[index]);
	return shape >= 0 && compiled.firstWordShapes[shape] === 0;
}

const NON_ASCII_WORD_CHARACTER = /[\p{L}\p{N}\p{M}]/u;

/**
 * Splits text into words with a hand-written scan: a Unicode regex with match objects was three times slower on real data,
 * and this runs on every record at every edit. ASCII letters and digits are tested by code; other characters by a Unicode
 * property test (letters, digits and combining marks, so "é" written as "e" plus an accent stays one word).
 */
function splitIntoWords(text: string): Words {
	const words: Words = { count: 0, lower: [], starts: [], ends: [] };
	const length = text.length;
	let position = 0;
	while (position < length) {
		while (position < length && !isWordCharacter(text, position)) {
			position++;
		}
		if (position >= length) {
			break;
		}
		const start = position;
		while (position < length && isWordCharacter(text, position)) {
			position += isHighSurrogate(text.charCodeAt(position)) ? 2 : 1;
		}
		words.lower.push(undefined);
		words.starts.push(start);
		words.ends.push(position);
		words.count++;
	}
	return words;
}

function isWordCharacter(text: string, position: number): boolean {
	const code = text.charCodeAt(position);
	if (code < 0x80) {
		return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39);
	}
	const character = isHighSurrogate(code) ? text.slice(position, position + 2) : text[position];
	return NON_ASCII_WORD_CHARACTER.test(character);
}

function isHighSurrogate(code: number): boolean {
	return code >= 0xd800 && code <= 0xdbff;
}

/** All entries of the longest form that matches at word `index` (several when one form belongs to several groups). */
function longestEntriesAt(
	compiled: CompiledLexicon,
	text: string,
	words: Words,
	index: number,
): { entries: LexiconEntry[]; length: number } | undefined {
	const candidates = compiled.entriesByFirstWord.get(wordAt(text, words, index));
	if (candidates === undefined) {
		return undefined;
	}
	let best: LexiconEntry[] | undefined;
	let bestLength = 0;
	for (const entry of candidates) {
		const length = entry.words.length;
		if (length < bestLength) {
			break;
		}
		if (!entryMatchesAt(entry, text, words, index)) {
			continue;
		}
		if (best === undefined) {
			best = [entry];
			bestLength = length;
		} else {
			best.push(entry);
		}
	}
	return best === undefined ? undefined : { entries: best, length: bestLength };
}

function entryMatchesAt(entry: LexiconEntry, text: string, words: Words, index: number): boolean {
	const length = entry.words.length;
	if (index + length > words.count) {
		return false;
	}
	for (let offset = 1; offset < length; offset++) {
		const position = index + offset;
		if (wordAt(text, words, position) !== entry.words[offset] || !isJoiningGap(text, words.ends[position - 1], words.starts[position])) {
			return false;
		}
	}
	return true;
}

/** The longest run of identity terms an ambiguous term may be followed by before its person noun ("old white gay men"). */
const MAX_CONTEXT_TERMS = 3;

/**
 * True when the words from `index` on are a person noun, or identity terms ending in a person noun or containing an
 * unambiguous identity term ("black women", "white christian", "old white men"), joined by spaces or hyphens only.
 */
function isFollowedByPeopleContext(compiled: CompiledLexicon, text: string, words: Words, index: number): boolean {
	let position = index;
	for (let step = 0; step <= MAX_CONTEXT_TERMS && position < words.count; step++) {
		if (!isJoiningGap(text, words.ends[position - 1], words.starts[position])) {
			return false;
		}
		if (compiled.personNouns.has(wordAt(text, words, position))) {
			return true;
		}
		const matched = longestEntriesAt(compiled, text, words, position);
		if (matched === undefined || matched.entries.every((entry) => entry.nonIdentity)) {
			return false;
		}
		if (matched.entries.some((entry) => !entry.nonIdentity && entry.ambiguity === 'none')) {
			return true;
		}
		position += matched.length;
	}
	return false;
}

/** True when the characters between two words are only spaces and hyphens (so the words belong to one phrase). */
function isJoiningGap(text: string, from: number, to: number): boolean {
	for (let position = from; position < to; position++) {
		const code = text.charCodeAt(position);
		const joining =
			code === 0x20 || code === 0x2d || code === 0x09 || code === 0x0a || code === 0x0d || code === 0xa0 || code === 0x2010 || code === 0x2011;
		if (!joining) {
			return false;
		}
	}
	return true;
}
