import { LineLocator } from '../poisoning/locate';
import { contentSegments } from '../poisoning/segments';
import { codePointLabel, findHiddenCharacters, findMixedScriptWords, type HiddenKind } from '../poisoning/unicode';
import type { LineFindingDraft, RecordRule } from '../rule';
import type { ReportedSeverity } from '../types';

/** Bidi overrides and tag characters only exist to hide or reorder text; the others have rare honest uses. */
const SEVERITY: Record<HiddenKind, ReportedSeverity> = {
	bidi: 'error',
	tag: 'error',
	'zero-width': 'warning',
	format: 'warning',
	'private-use': 'warning',
	unassigned: 'warning',
	'lone-surrogate': 'warning',
};

const DESCRIPTION: Record<HiddenKind, string> = {
	bidi: 'bidirectional control characters (they reorder how text is displayed, Trojan Source)',
	tag: 'Unicode tag characters (invisible ASCII)',
	'zero-width': 'zero-width characters',
	format: 'invisible format characters',
	'private-use': 'private-use characters',
	unassigned: 'unassigned code points',
	'lone-surrogate': 'lone surrogate halves (broken UTF-16)',
};

/** Findings per line are capped so that a line made of hidden characters stays readable. */
const MAX_FINDINGS = 20;

/**
 * Invisible or deceptive characters in content: bidi controls, zero-width characters, tag characters smuggling
 * invisible ASCII, other Cf/Co/Cn code points, and Latin words with Cyrillic or Greek look-alike letters. The quick fix
 * removes the invisible characters or respells the word in Latin.
 */
export const hiddenUnicode: RecordRule = {
	kind: 'record',
	id: 'hidden-unicode',
	category: 'poisoning',
	description: 'Invisible or look-alike characters in content (bidi controls, zero-width, tag characters, homoglyphs) that hide text from reviewers but not from the model.',
	defaultSeverity: 'warning',
	streamingCost: 11,
	check(input) {
		const content = input.content();
		if (content === undefined) {
			return [];
		}
		const locator = new LineLocator(input.parsed.text);
		const findings: LineFindingDraft[] = [];
		for (const segment of contentSegments(content)) {
			for (const run of findHiddenCharacters(segment.text)) {
				const span = locator.locateOrLine(segment.text, run.start, run.end);
				const names = summarise(run.codePoints);
				const decoded = run.decoded !== undefined && run.decoded !== '' ? ` spelling the invisible text "${run.decoded}"` : '';
				findings.push({
					message: `${capitalise(DESCRIPTION[run.kind])} in the ${segment.role} text${decoded}: ${names}.`,
					column: span.column,
					endColumn: span.endColumn,
					severity: SEVERITY[run.kind],
					data: { kind: run.kind, codePoints: run.codePoints.map((cp) => codePointLabel(cp)), role: segment.role, ...(run.decoded === undefined ? {} : { decoded: run.decoded }) },
					fix: { title: `Remove ${run.codePoints.length === 1 ? 'the hidden character' : `${run.codePoints.length} hidden characters`}`, edits: [{ line: 0, column: span.column, endLine: 0, endColumn: span.endColumn, newText: '' }], safe: true },
				});
				if (findings.length >= MAX_FINDINGS) {
					return findings;
				}
			}
			for (const word of findMixedScriptWords(segment.text)) {
				const edits = word.confusables.map((c) => {
					const span = locator.locateOrLine(segment.text, c.offset, c.offset + 1);
					return { line: 0, column: span.column, endLine: 0, endColumn: span.endColumn, newText: c.latin };
				});
				const span = locator.locateOrLine(segment.text, word.start, word.end);
				const letters = word.confusables.map((c) => `${codePointLabel(c.char.codePointAt(0) ?? 0)} "${c.char}" for "${c.latin}"`).join(', ');
				findings.push({
					message: `"${word.word}" mixes Latin letters with look-alikes from another script (${letters}); it reads as "${word.latin}" but is a different word to the model.`,
					column: span.column,
					endColumn: span.endColumn,
					severity: 'warning',
					data: { kind: 'homoglyph', word: word.word, latin: word.latin, role: segment.role },
					fix: { title: `Respell as "${word.latin}"`, edits, safe: false },
				});
				if (findings.length >= MAX_FINDINGS) {
					return findings;
				}
			}
		}
		return findings;
	},
};

/** "U+200B ZERO WIDTH SPACE ×3, U+202E RIGHT-TO-LEFT OVERRIDE" (at most five distinct names). */
function summarise(codePoints: readonly number[]): string {
	const counts = new Map<number, number>();
	for (const cp of codePoints) {
		counts.set(cp, (counts.get(cp) ?? 0) + 1);
	}
	const names = [...counts].slice(0, 5).map(([cp, count]) => (count > 1 ? `${codePointLabel(cp)} ×${count}` : codePointLabel(cp)));
	return counts.size > 5 ? `${names.join(', ')} and ${counts.size - 5} more` : names.join(', ');
}

function capitalise(text: string): string {
	return text[0].toUpperCase() + text.slice(1);
}
