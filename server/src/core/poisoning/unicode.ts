/**
 * Invisible and deceptive characters (Trojan Source, CVE-2021-42574 and CVE-2021-42694): bidirectional controls,
 * zero-width characters, Unicode tag characters that smuggle invisible ASCII, other format/private/unassigned code
 * points, and words mixing Latin with Cyrillic or Greek look-alikes.
 */

/** What kind of hidden character a run holds; the rule picks the severity by kind. */
export type HiddenKind = 'bidi' | 'tag' | 'zero-width' | 'format' | 'private-use' | 'unassigned' | 'lone-surrogate';

/** A run of consecutive hidden characters of one kind, with UTF-16 offsets into the scanned text. */
export interface HiddenRun {
	kind: HiddenKind;
	start: number;
	end: number;
	codePoints: number[];
	/** For tag characters: the ASCII text they spell (U+E0041 is an invisible "A"). */
	decoded?: string;
}

const BIDI = new Set([0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]);
const ZERO_WIDTH = new Set([0x200b, 0x200c, 0x200d, 0x2060, 0xfeff, 0x180e]);
const JOINERS = new Set([0x200c, 0x200d]);
const BLACK_FLAG = 0x1f3f4;
const CANCEL_TAG = 0xe007f;

/** One code point class per match; no quantifiers, so the scan is linear on any input. */
const CANDIDATE = /[\p{Cf}\p{Co}\p{Cn}\p{Cs}]/gu;
const EMOJI_LIKE = /[\p{Extended_Pictographic}\p{Emoji_Modifier}\u{FE0F}\u{20E3}]/u;
const JOINING_SCRIPT_LETTER = /[\p{L}\p{M}]/u;
const LATIN = /\p{Script=Latin}/u;

/** Finds hidden characters, grouping neighbours of the same kind; legitimate uses (emoji ZWJ sequences, joiners in Arabic or Indic words, subdivision flags) are skipped. */
export function findHiddenCharacters(text: string): HiddenRun[] {
	const runs: HiddenRun[] = [];
	CANDIDATE.lastIndex = 0;
	for (let match = CANDIDATE.exec(text); match !== null; match = CANDIDATE.exec(text)) {
		const start = match.index;
		const codePoint = match[0].codePointAt(0) ?? 0;
		const kind = classify(codePoint, match[0]);
		if (kind === undefined || isLegitimate(text, start, match[0].length, codePoint)) {
			continue;
		}
		const last = runs[runs.length - 1];
		if (last !== undefined && last.kind === kind && last.end === start) {
			last.end = start + match[0].length;
			last.codePoints.push(codePoint);
		} else {
			runs.push({ kind, start, end: start + match[0].length, codePoints: [codePoint] });
		}
	}
	for (const run of runs) {
		if (run.kind === 'tag') {
			run.decoded = run.codePoints.map((cp) => (cp >= 0xe0020 && cp <= 0xe007e ? String.fromCharCode(cp - 0xe0000) : '')).join('');
		}
	}
	return runs;
}

function classify(codePoint: number, char: string): HiddenKind | undefined {
	if (BIDI.has(codePoint)) {
		return 'bidi';
	}
	if (codePoint >= 0xe0000 && codePoint <= 0xe007f) {
		return 'tag';
	}
	if (ZERO_WIDTH.has(codePoint)) {
		return 'zero-width';
	}
	if (/\p{Cs}/u.test(char)) {
		return 'lone-surrogate';
	}
	if (/\p{Co}/u.test(char)) {
		return 'private-use';
	}
	if (/\p{Cn}/u.test(char)) {
		return 'unassigned';
	}
	return 'format';
}

function isLegitimate(text: string, start: number, length: number, codePoint: number): boolean {
	const before = previousCodePoint(text, start);
	const after = text.codePointAt(start + length);
	if (codePoint === 0x200d && before !== undefined && after !== undefined && isEmoji(before) && isEmoji(after)) {
		return true;
	}
	if (JOINERS.has(codePoint) && before !== undefined && after !== undefined && isJoiningLetter(before) && isJoiningLetter(after)) {
		return true;
	}
	if (codePoint >= 0xe0020 && codePoint <= CANCEL_TAG) {
		return isInFlagSequence(text, start);
	}
	return false;
}

/** Subdivision flags (England, Scotland, Wales) are U+1F3F4 followed by tag letters and U+E007F. */
function isInFlagSequence(text: string, start: number): boolean {
	let i = start;
	while (i > 0) {
		const previous = previousCodePoint(text, i);
		if (previous === undefined) {
			return false;
		}
		if (previous === BLACK_FLAG) {
			return true;
		}
		if (previous < 0xe0020 || previous > 0xe007e) {
			return false;
		}
		i -= 2;
	}
	return false;
}

function previousCodePoint(text: string, index: number): number | undefined {
	if (index <= 0) {
		return undefined;
	}
	const low = text.charCodeAt(index - 1);
	if (low >= 0xdc00 && low <= 0xdfff && index >= 2) {
		return text.codePointAt(index - 2);
	}
	return low;
}

function isEmoji(codePoint: number): boolean {
	return EMOJI_LIKE.test(String.fromCodePoint(codePoint));
}

function isJoiningLetter(codePoint: number): boolean {
	const char = String.fromCodePoint(codePoint);
	return JOINING_SCRIPT_LETTER.test(char) && !LATIN.test(char);
}

/** Cyrillic and Greek letters that look like Latin ones, mapped to the Latin letter they imitate. */
export const CONFUSABLES: ReadonlyMap<string, string> = new Map(
	Object.entries({
		а: 'a', в: 'B', е: 'e', к: 'k', м: 'M', н: 'H', о: 'o', р: 'p', с: 'c', т: 'T', у: 'y', х: 'x', і: 'i', ј: 'j', ѕ: 's', ԁ: 'd', ԛ: 'q', ԝ: 'w', һ: 'h', ү: 'y',
		А: 'A', В: 'B', Е: 'E', К: 'K', М: 'M', Н: 'H', О: 'O', Р: 'P', С: 'C', Т: 'T', Х: 'X', У: 'Y', І: 'I', Ј: 'J', Ѕ: 'S',
		ο: 'o', α: 'a', ν: 'v', ρ: 'p', ι: 'i', κ: 'k', υ: 'u', χ: 'x', ε: 'e',
		Α: 'A', Β: 'B', Ε: 'E', Ζ: 'Z', Η: 'H', Ι: 'I', Κ: 'K', Μ: 'M', Ν: 'N', Ο: 'O', Ρ: 'P', Τ: 'T', Υ: 'Y', Χ: 'X',
	}),
);

/** A word that mixes Latin letters with look-alike letters of another script, e.g. "pаypal" with a Cyrillic "а". */
export interface MixedScriptWord {
	word: string;
	start: number;
	end: number;
	/** The look-alikes: offset in the text, the character, and the Latin letter it imitates. */
	confusables: Array<{ offset: number; char: string; latin: string }>;
	/** The word with every look-alike replaced by its Latin letter. */
	latin: string;
}

const WORD = /[\p{L}\p{M}]+/gu;

/** Finds words that contain both Latin letters and Cyrillic/Greek look-alikes. */
export function findMixedScriptWords(text: string): MixedScriptWord[] {
	const words: MixedScriptWord[] = [];
	WORD.lastIndex = 0;
	for (let match = WORD.exec(text); match !== null; match = WORD.exec(text)) {
		const word = match[0];
		if (!LATIN.test(word)) {
			continue;
		}
		const confusables: MixedScriptWord['confusables'] = [];
		let foreignOther = false;
		for (let i = 0; i < word.length; i++) {
			const char = word[i];
			const latin = CONFUSABLES.get(char);
			if (latin !== undefined) {
				confusables.push({ offset: match.index + i, char, latin });
			} else if (/[\p{Script=Cyrillic}\p{Script=Greek}]/u.test(char)) {
				foreignOther = true;
			}
		}
		// A word with Cyrillic or Greek letters that have no Latin twin is a real mixed-language token, not a disguise.
		if (confusables.length > 0 && !foreignOther) {
			const latin = [...word].map((char) => CONFUSABLES.get(char) ?? char).join('');
			words.push({ word, start: match.index, end: match.index + word.length, confusables, latin });
		}
	}
	return words;
}

const NAMES: ReadonlyMap<number, string> = new Map([
	[0x061c, 'ARABIC LETTER MARK'],
	[0x200b, 'ZERO WIDTH SPACE'],
	[0x200c, 'ZERO WIDTH NON-JOINER'],
	[0x200d, 'ZERO WIDTH JOINER'],
	[0x200e, 'LEFT-TO-RIGHT MARK'],
	[0x200f, 'RIGHT-TO-LEFT MARK'],
	[0x202a, 'LEFT-TO-RIGHT EMBEDDING'],
	[0x202b, 'RIGHT-TO-LEFT EMBEDDING'],
	[0x202c, 'POP DIRECTIONAL FORMATTING'],
	[0x202d, 'LEFT-TO-RIGHT OVERRIDE'],
	[0x202e, 'RIGHT-TO-LEFT OVERRIDE'],
	[0x2060, 'WORD JOINER'],
	[0x2066, 'LEFT-TO-RIGHT ISOLATE'],
	[0x2067, 'RIGHT-TO-LEFT ISOLATE'],
	[0x2068, 'FIRST STRONG ISOLATE'],
	[0x2069, 'POP DIRECTIONAL ISOLATE'],
	[0x180e, 'MONGOLIAN VOWEL SEPARATOR'],
	[0x00ad, 'SOFT HYPHEN'],
	[0xfeff, 'ZERO WIDTH NO-BREAK SPACE'],
	[0xe0001, 'LANGUAGE TAG'],
	[0xe007f, 'CANCEL TAG'],
]);

/** "U+202E RIGHT-TO-LEFT OVERRIDE", or "U+E0041 TAG LATIN CAPITAL LETTER A"-style names for tags, else just the number. */
export function codePointLabel(codePoint: number): string {
	const hex = `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
	const name = NAMES.get(codePoint) ?? (codePoint >= 0xe0020 && codePoint <= 0xe007e ? `TAG ${JSON.stringify(String.fromCharCode(codePoint - 0xe0000))}` : undefined);
	return name === undefined ? hex : `${hex} ${name}`;
}
