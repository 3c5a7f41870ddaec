import { deleteLinesFix, lineLabel, lineRange, plural } from '../dedup/findings';
import { hashText53 } from '../dedup/hash';
import { FIELD_SEPARATOR } from '../dedup/normalize';
import { changedLines } from '../dedup/keptValues';
import { NumberMap } from '../dedup/numberMap';
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
	/** For labels: the label as shown in messages. */
	label?: string;
}

/** A later record that disagrees with the first record of its input. */
interface Conflict {
	claim: Claim;
	line: number;
	/** This record's label or answer, shortened for the message. */
	shown: string;
	firstLine: number;
	/** The first record's label (answers are not kept: only labels are short enough to keep for every input). */
	firstShown: string | undefined;
}

/**
 * The first record of each distinct input, kept compactly (a hash-table entry and three array slots, no object per record),
 * since this state lives for the whole of a file of millions of records.
 */
class FirstRecords {
	private readonly slots = new NumberMap();
	private readonly lines: number[] = [];
	private readonly outputs: number[] = [];
	private readonly labels: Array<string | undefined> = [];
	/** How many records have each slot's key. */
	private readonly counts: number[] = [];
	private readonly interned = new Map<string, string>();

	/** Makes room for `count` records at once (see `NumberMap.reserve`). */
	reserve(count: number): void {
		this.slots.reserve(count);
	}

	/** The slot of a key, or -1. */
	slotOf(key: number): number {
		return this.slots.get(key);
	}

	add(key: number, line: number, output: number, label: string | undefined): void {
		this.slots.set(key, this.lines.length);
		this.append(line, output, label);
	}

	/** The slot of `key` when present; otherwise adds the record under it and returns -1 (one probe, not two). */
	slotOrAdd(key: number, line: number, output: number, label: string | undefined): number {
		const slot = this.slots.getOrSet(key, this.lines.length);
		if (slot === -1) {
			this.append(line, output, label);
		} else {
			this.counts[slot]++;
		}
		return slot;
	}

	/** How many records were added under the key of `slot` (counted by `slotOrAdd`). */
	count(slot: number): number {
		return this.counts[slot];
	}

	private append(line: number, output: number, label: string | undefined): void {
		this.counts.push(1);
		this.lines.push(line);
		this.outputs.push(output);
		this.labels.push(label === undefined ? undefined : this.intern(label));
	}

	line(slot: number): number {
		return this.lines[slot];
	}

	output(slot: number): number {
		return this.outputs[slot];
	}

	label(slot: number): string | undefined {
		return this.labels[slot];
	}

	private intern(label: string): string {
		let kept = this.interned.get(label);
		if (kept === undefined) {
			kept = label;
			this.interned.set(label, label);
		}
		return kept;
	}
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
	streamingCost: 2.4,
	streamingSharedWork: { 'dedup:normalized-record': 1.3 },
	start(_options, settings, memory) {
		const firstByInput = new FirstRecords();
		const pairs = new FirstRecords();
		const conflicts: Conflict[] = [];
		const inputs = new Set<number>();
		/** Takes in one line's claim; `entryOf` gives the line's entry for the few lines whose value is shown. */
		const take = (claim: Claim | undefined, line: number, entryOf: (line: number) => LineEntry): void => {
			if (claim === undefined) {
				return;
			}
			if (claim.kind === 'preference') {
				const other = claim.swapped === undefined ? -1 : pairs.slotOf(claim.swapped);
				if (other !== -1) {
					conflicts.push({ claim, line, shown: shownOf(entryOf(line)), firstLine: pairs.line(other), firstShown: undefined });
					inputs.add(claim.input);
				} else if (pairs.slotOf(claim.output) === -1) {
					pairs.add(claim.output, line, claim.output, undefined);
				}
				return;
			}
			const first = firstByInput.slotOrAdd(claim.input, line, claim.output, claim.label);
			if (first === -1) {
				return;
			}
			if (firstByInput.output(first) !== claim.output) {
				conflicts.push({ claim, line, shown: shownOf(entryOf(line)), firstLine: firstByInput.line(first), firstShown: firstByInput.label(first) });
				inputs.add(claim.input);
			}
		};
		/** In the editor: the kept result when it still holds, or the values this lint replayed to keep for the next. */
		let reused: KeptConflicts | undefined;
		let replayed: ReadonlyArray<Claim | undefined> | undefined;
		let current: LineEntry | undefined;
		const currentEntry = (): LineEntry => current as LineEntry;
		return {
			add(entry) {
				current = entry;
				take(claimOf(entry), entry.line, currentEntry);
			},
			lineValue: claimOf,
			addValues(column) {
				const values = column.values as ReadonlyArray<Claim | undefined>;
				const kept = memory?.kept as KeptConflicts | undefined;
				if (kept !== undefined && stillHolds(kept, values)) {
					reused = kept;
					return;
				}
				replayed = values;
				firstByInput.reserve(values.length);
				for (let line = 0; line < values.length; line++) {
					take(values[line], line, column.entry);
				}
			},
			finish() {
				if (reused !== undefined) {
					return reused.drafts;
				}
				const drafts: FileFindingDraft[] = [];
				for (const { claim, line, shown, firstLine, firstShown } of conflicts.slice(0, settings.maxProblems)) {
					const swapped = claim.kind === 'preference';
					const there = firstShown === undefined ? '' : `, ${firstShown} there`;
					drafts.push({
						message: swapped
							? `Same prompt and answers as ${lineLabel(firstLine)} with chosen and rejected swapped.`
							: `Same input as ${lineLabel(firstLine)} but a different ${claim.kind}: ${shown} here${there}.`,
						range: lineRange(line, claim.length),
						related: [{ line: firstLine, message: swapped ? 'the same pair the other way round' : `first record with this input${firstShown === undefined ? '' : ` (${firstShown})`}` }],
						// Which answer is right is a judgment: deleting this record is offered, never applied in a fix-all.
						fix: deleteLinesFix('Delete this conflicting record', [line], false),
						data: { firstLine, kind: claim.kind, value: shown, ...(firstShown === undefined ? {} : { firstValue: firstShown }) },
					});
				}
				if (conflicts.length > 0) {
					drafts.push({ message: `${plural(inputs.size, 'input')} with conflicting labels or answers (${plural(conflicts.length, 'conflicting record')}).`, severity: 'info', data: { inputs: inputs.size, records: conflicts.length } });
				}
				if (memory !== undefined && replayed !== undefined) {
					memory.kept = { values: replayed, firstByInput, drafts } satisfies KeptConflicts;
				}
				return drafts;
			},
		};
	},
};

/** What the rule keeps in the editor from its last full run: the claims it saw, its first records and its findings. */
interface KeptConflicts {
	values: ReadonlyArray<Claim | undefined>;
	firstByInput: FirstRecords;
	drafts: FileFindingDraft[];
}

/**
 * Whether the kept findings are exactly what a fresh run over `values` gives: the same lines but a few, each of which
 * had an input no other record had (or no claim) and now has an input no kept record has (or none), all different.
 * Such a line neither conflicts nor is the first record of a conflict, before or after. Preference pairs, which are
 * compared across records by their answers, always run afresh.
 */
function stillHolds(kept: KeptConflicts, values: ReadonlyArray<Claim | undefined>): boolean {
	const changed = changedLines(kept.values, values);
	if (changed === undefined) {
		return false;
	}
	const newInputs = new Set<number>();
	for (const line of changed) {
		const before = kept.values[line];
		const after = values[line];
		if (before?.kind === 'preference' || after?.kind === 'preference') {
			return false;
		}
		if (before !== undefined) {
			const slot = kept.firstByInput.slotOf(before.input);
			if (slot === -1 || kept.firstByInput.line(slot) !== line || kept.firstByInput.count(slot) !== 1) {
				return false;
			}
		}
		if (after !== undefined) {
			const reusesOwnInput = before !== undefined && before.input === after.input;
			if ((!reusesOwnInput && kept.firstByInput.slotOf(after.input) !== -1) || newInputs.has(after.input)) {
				return false;
			}
			newInputs.add(after.input);
		}
	}
	return true;
}

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
		const input = answer === '' ? (prompt?.hash ?? hashText53('')) : hashText53(`${promptText}${FIELD_SEPARATOR}${answer}`);
		return { kind: 'label', length, input, output: hashText53(record.label), label: clip(content.label) };
	}
	if (prompt === undefined) {
		return undefined;
	}
	if (record.rejected !== undefined && content.chosen !== undefined) {
		return {
			kind: 'preference',
			length,
			input: prompt.hash,
			output: hashText53(`${promptText}${FIELD_SEPARATOR}${answer}${FIELD_SEPARATOR}${record.rejected}`),
			swapped: hashText53(`${promptText}${FIELD_SEPARATOR}${record.rejected}${FIELD_SEPARATOR}${answer}`),
		};
	}
	if (answer === '') {
		return undefined;
	}
	return { kind: 'answer', length, input: prompt.hash, output: hashText53(answer) };
}

/** The label, or the start of the answer (the chosen one for preference pairs), for messages; built only when shown. */
function shownOf(entry: LineEntry): string {
	return entry.memo('conflicting-labels:shown', () => shownOfContent(entry));
}

function shownOfContent(entry: LineEntry): string {
	const content = entry.content();
	if (content === undefined) {
		return '';
	}
	return content.label !== undefined ? clip(content.label) : `"${clip(content.chosen ?? content.answer)}"`;
}

function clip(text: string): string {
	// Only the start is shown, so only the start is flattened (answers can be long).
	const flat = text.slice(0, SHOWN_LENGTH * 4).replace(/\s+/g, ' ').trim();
	return flat.length <= SHOWN_LENGTH ? flat : `${flat.slice(0, SHOWN_LENGTH - 1)}…`;
}
