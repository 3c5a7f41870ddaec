import { deleteLinesFix, lineLabel, lineRange, plural } from '../dedup/findings';
import { hashString53 } from '../dedup/hash';
import { FIELD_SEPARATOR } from '../dedup/normalize';
import { normalizedRecord, textOf } from '../dedup/recordText';
import type { FileFindingDraft, FileRule, LineEntry } from '../rule';

/** What a record says about its input, reduced to what is needed to compare and to explain. */
interface Claim {
	kind: 'label' | 'answer' | 'preference';
	length: number;
	input: number;
	/** Hash of the normalised label, final answer, or (chosen, rejected) pair. */
	output: number;
	/** For preference pairs: the hash of the same pair the other way round. */
	swapped?: number;
	/** A short display form of the label or answer. */
	shown: string;
}

/** A claim where it was seen; built only for first claims and conflicts, never per line. */
interface Seen {
	claim: Claim;
	line: number;
}

interface Conflict {
	claim: Claim;
	line: number;
	first: Seen;
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
		const firstByInput = new Map<number, Seen>();
		const pairs = new Map<number, Seen>();
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
						conflicts.push({ claim, line: entry.line, first: other });
						inputs.add(claim.input);
					} else if (!pairs.has(claim.output)) {
						pairs.set(claim.output, { claim, line: entry.line });
					}
					return;
				}
				const first = firstByInput.get(claim.input);
				if (first === undefined) {
					firstByInput.set(claim.input, { claim, line: entry.line });
				} else if (first.claim.output !== claim.output) {
					conflicts.push({ claim, line: entry.line, first });
					inputs.add(claim.input);
				}
			},
			finish() {
				const drafts: FileFindingDraft[] = [];
				for (const { claim, line, first } of conflicts.slice(0, settings.maxProblems)) {
					const swapped = claim.kind === 'preference';
					drafts.push({
						message: swapped
							? `Same prompt and answers as ${lineLabel(first.line)} with chosen and rejected swapped.`
							: `Same input as ${lineLabel(first.line)} but a different ${claim.kind}: ${claim.shown} here, ${first.claim.shown} there.`,
						range: lineRange(line, claim.length),
						related: [{ line: first.line, message: swapped ? 'the same pair the other way round' : `first record with this input (${first.claim.shown})` }],
						// Which answer is right is a judgment: deleting this record is offered, never applied in a fix-all.
						fix: deleteLinesFix('Delete this conflicting record', [line], false),
						data: { firstLine: first.line, kind: claim.kind, value: claim.shown, firstValue: first.claim.shown },
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

/** The claim of a line, memoised per line text. */
function claimOf(entry: LineEntry): Claim | undefined {
	return entry.memo('conflicting-labels:claim', () => claimOfContent(entry));
}

/** The input and output of a record; undefined when it has no output to disagree about (plain text, prompt-only). */
function claimOfContent(entry: LineEntry): Claim | undefined {
	const record = normalizedRecord(entry);
	const content = entry.content();
	if (record === undefined || content === undefined) {
		return undefined;
	}
	const length = entry.parsed.text.length;
	const prompt = textOf(record, 'prompt');
	const promptText = prompt?.text ?? '';
	const answer = record.promptEnd < record.texts.length ? record.texts[record.promptEnd] : '';
	if (record.label !== undefined && content.label !== undefined) {
		// A KTO record labels a (prompt, completion) pair; a classification record labels its text.
		const input = answer === '' ? (prompt?.hash ?? hashString53('')) : hashString53(`${promptText}${FIELD_SEPARATOR}${answer}`);
		return { kind: 'label', length, input, output: hashString53(record.label), shown: clip(content.label) };
	}
	if (prompt === undefined) {
		return undefined;
	}
	if (record.rejected !== undefined && content.chosen !== undefined) {
		return {
			kind: 'preference',
			length,
			input: prompt.hash,
			output: hashString53(`${promptText}${FIELD_SEPARATOR}${answer}${FIELD_SEPARATOR}${record.rejected}`),
			swapped: hashString53(`${promptText}${FIELD_SEPARATOR}${record.rejected}${FIELD_SEPARATOR}${answer}`),
			shown: `"${clip(content.chosen)}"`,
		};
	}
	if (answer === '') {
		return undefined;
	}
	return { kind: 'answer', length, input: prompt.hash, output: hashString53(answer), shown: `"${clip(content.answer)}"` };
}

function clip(text: string): string {
	// Only the start is shown, so only the start is flattened (answers can be long).
	const flat = text.slice(0, SHOWN_LENGTH * 4).replace(/\s+/g, ' ').trim();
	return flat.length <= SHOWN_LENGTH ? flat : `${flat.slice(0, SHOWN_LENGTH - 1)}…`;
}
