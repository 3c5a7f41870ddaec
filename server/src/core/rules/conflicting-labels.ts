import { deleteLinesFix, lineLabel, lineRange, plural } from '../dedup/findings';
import { hashString53 } from '../dedup/hash';
import { normalizeFields } from '../dedup/normalize';
import type { FileFindingDraft, FileRule, LineEntry } from '../rule';

/** What a record says about its input, reduced to what is needed to compare and to explain. */
interface Claim {
	kind: 'label' | 'answer' | 'preference';
	line: number;
	length: number;
	input: number;
	/** Hash of the normalised label, final answer, or (chosen, rejected) pair. */
	output: number;
	/** For preference pairs: the hash of the same pair the other way round. */
	swapped?: number;
	/** A short display form of the label or answer. */
	shown: string;
}

interface Conflict {
	claim: Claim;
	first: Claim;
}

const SHOWN_LENGTH = 40;

/**
 * The same normalised input with different labels (classification, KTO) or different final answers (chat, instruction,
 * completion), or a preference pair whose chosen and rejected answers appear swapped in another record. Such records
 * teach noise: at best the model averages the answers, at worst it learns the wrong one. Several different preference
 * pairs for one prompt are normal and not reported.
 */
export const conflictingLabels: FileRule = {
	kind: 'file',
	id: 'conflicting-labels',
	category: 'duplicates',
	description: 'The same input (normalised prompt or text) appears with different labels or answers, or with chosen and rejected swapped.',
	defaultSeverity: 'warning',
	start(_options, settings) {
		const firstByInput = new Map<number, Claim>();
		const pairs = new Map<number, Claim>();
		const conflicts: Conflict[] = [];
		const inputs = new Set<number>();
		return {
			add(entry) {
				const claim = claimOf(entry);
				if (claim === undefined) {
					return;
				}
				if (claim.kind === 'preference') {
					const other = claim.swapped === undefined ? undefined : pairs.get(claim.swapped);
					if (other !== undefined) {
						conflicts.push({ claim, first: other });
						inputs.add(claim.input);
					} else if (!pairs.has(claim.output)) {
						pairs.set(claim.output, claim);
					}
					return;
				}
				const first = firstByInput.get(claim.input);
				if (first === undefined) {
					firstByInput.set(claim.input, claim);
				} else if (first.output !== claim.output) {
					conflicts.push({ claim, first });
					inputs.add(claim.input);
				}
			},
			finish() {
				const drafts: FileFindingDraft[] = [];
				for (const { claim, first } of conflicts.slice(0, settings.maxProblems)) {
					const swapped = claim.kind === 'preference';
					drafts.push({
						message: swapped
							? `Same prompt and answers as ${lineLabel(first.line)} with chosen and rejected swapped.`
							: `Same input as ${lineLabel(first.line)} but a different ${claim.kind}: ${claim.shown} here, ${first.shown} there.`,
						range: lineRange(claim.line, claim.length),
						related: [{ line: first.line, message: swapped ? 'the same pair the other way round' : `first record with this input (${first.shown})` }],
						// Which answer is right is a judgment: deleting this record is offered, never applied in a fix-all.
						fix: deleteLinesFix('Delete this conflicting record', [claim.line], false),
						data: { firstLine: first.line, kind: claim.kind, value: claim.shown, firstValue: first.shown },
					});
				}
				if (conflicts.length > 0) {
					drafts.push({ message: `${plural(inputs.size, 'input')} with conflicting labels or answers (${plural(conflicts.length, 'conflicting record')}).`, severity: 'info', data: { inputs: inputs.size, records: conflicts.length } });
				}
				return drafts;
			},
		};
	},
};

/** The claim of a line, memoised per line text (the line number is filled in per lint). */
function claimOf(entry: LineEntry): Claim | undefined {
	const claim = entry.memo('conflicting-labels:claim', () => claimOfContent(entry));
	return claim === undefined ? undefined : { ...claim, line: entry.line };
}

/** The input and output of a record; undefined when it has no output to disagree about (plain text, prompt-only). */
function claimOfContent(entry: LineEntry): Claim | undefined {
	const content = entry.content();
	if (content === undefined) {
		return undefined;
	}
	const base = { line: entry.line, length: entry.parsed.text.length };
	if (content.label !== undefined) {
		// A KTO record labels a (prompt, completion) pair; a classification record labels its text.
		const input = hashString53(normalizeFields(content.answer === '' ? [content.prompt] : [content.prompt, content.answer]));
		return { ...base, kind: 'label', input, output: hashString53(normalizeFields([content.label])), shown: clip(content.label) };
	}
	if (content.prompt.trim() === '') {
		return undefined;
	}
	const input = hashString53(normalizeFields([content.prompt]));
	if (content.chosen !== undefined && content.rejected !== undefined) {
		return {
			...base,
			kind: 'preference',
			input,
			output: hashString53(normalizeFields([content.prompt, content.chosen, content.rejected])),
			swapped: hashString53(normalizeFields([content.prompt, content.rejected, content.chosen])),
			shown: `"${clip(content.chosen)}"`,
		};
	}
	if (content.answer.trim() === '') {
		return undefined;
	}
	return { ...base, kind: 'answer', input, output: hashString53(normalizeFields([content.answer])), shown: `"${clip(content.answer)}"` };
}

function clip(text: string): string {
	const flat = text.replace(/\s+/g, ' ').trim();
	return flat.length <= SHOWN_LENGTH ? flat : `${flat.slice(0, SHOWN_LENGTH - 1)}…`;
}
