import { deleteLinesFix, lineLabel, lineRange, plural } from '../dedup/findings';
import { changedLines } from '../dedup/keptValues';
import { NumberMap } from '../dedup/numberMap';
import { COMPARE_MODES, comparableText, type ComparableText, type CompareMode } from '../dedup/recordText';
import type { FileFindingDraft, FileRule, LineInput } from '../rule';

/** Later copies of one record, with their line lengths (for ranges). */
interface CopyGroup {
	lines: number[];
	lengths: number[];
}

/**
 * Records whose content is identical after normalisation (NFKC, case, white space): duplicates make a model memorise
 * and overweight an example. The finding sits on every later copy, links to the first, and offers to delete the copy.
 */
export const duplicateExact: FileRule = {
	kind: 'file',
	id: 'duplicate-exact',
	category: 'duplicates',
	description: 'A record whose content (ignoring ids and metadata) repeats an earlier record after Unicode, case and white-space normalisation.',
	defaultSeverity: 'warning',
	streamingCost: 0.8,
	streamingSharedWork: { 'dedup:normalized-record': 1.3, 'dedup:compared-text': 1.2 },
	start(options, settings, memory) {
		const mode = compareMode(options.string('compare', 'whole'));
		const firstLineByHash = new NumberMap();
		const groups = new Map<number, CopyGroup>();
		let skipped = 0;
		/** In the editor: the kept result when it still holds, or the values this lint replayed to keep for the next. */
		let reused: KeptCopies | undefined;
		let replayed: readonly LineText[] | undefined;
		/**
		 * Takes in one line: its comparable text (null for a record without any, undefined for a non-record). Returns the
		 * group of a later copy, whose line length the caller adds (reading it only for copies).
		 */
		const take = (comparable: LineText, line: number): CopyGroup | undefined => {
			if (comparable === null) {
				skipped++;
				return undefined;
			}
			if (comparable === undefined) {
				return undefined;
			}
			const first = firstLineByHash.getOrSet(comparable.hash, line);
			if (first === -1) {
				return undefined;
			}
			let group = groups.get(first);
			if (group === undefined) {
				group = { lines: [], lengths: [] };
				groups.set(first, group);
			}
			group.lines.push(line);
			return group;
		};
		const lineValue = (entry: LineInput): LineText => comparableText(entry, mode) ?? (entry.record === undefined ? undefined : null);
		return {
			add(entry) {
				take(lineValue(entry), entry.line)?.lengths.push(entry.parsed.text.length);
			},
			lineValue,
			addValues(column) {
				const values = column.values as readonly LineText[];
				const kept = memory?.kept as KeptCopies | undefined;
				if (kept !== undefined && stillHolds(kept, values)) {
					reused = kept;
					return;
				}
				replayed = values;
				firstLineByHash.reserve(values.length);
				for (let line = 0; line < values.length; line++) {
					take(values[line], line)?.lengths.push(column.entry(line).parsed.text.length);
				}
			},
			finish() {
				if (reused !== undefined) {
					return reused.drafts;
				}
				const drafts: FileFindingDraft[] = [];
				let copies = 0;
				for (const group of groups.values()) {
					copies += group.lines.length;
				}
				// Past the problem cap the engine would drop findings anyway; not building them keeps a file of a
				// million identical lines in bounded memory. The summary below still counts every copy.
				let budget = settings.maxProblems;
				for (const [first, group] of groups) {
					const total = group.lines.length + 1;
					const removeAll = deleteLinesFix(`Remove all ${group.lines.length} later copies of ${lineLabel(first)}`, group.lines, true);
					for (let i = 0; i < group.lines.length && budget > 0; i++, budget--) {
						const line = group.lines[i];
						drafts.push({
							message: `Exact duplicate of ${lineLabel(first)} (copy ${i + 2} of ${total}).`,
							range: lineRange(line, group.lengths[i]),
							fix: deleteLinesFix('Delete this duplicate', [line], true),
							alternativeFixes: group.lines.length > 1 ? [removeAll] : undefined,
							related: [{ line: first, message: 'first copy' }],
							data: { firstLine: first, copies: total, copy: i + 2, compare: mode },
						});
					}
				}
				if (copies > 0) {
					drafts.push({
						message: `${plural(copies, 'exact duplicate')} of ${plural(groups.size, 'record')} (compared: ${mode === 'whole' ? 'whole records' : `${mode}s only`}).`,
						severity: 'info',
						data: { duplicates: copies, groups: groups.size, compare: mode },
					});
				}
				if (skipped > 0) {
					drafts.push({ message: `${plural(skipped, 'record')} without text to compare (${mode}) skipped.`, severity: 'info', data: { skipped, compare: mode } });
				}
				if (memory !== undefined && replayed !== undefined) {
					memory.kept = { values: replayed, firstLineByHash, groups, drafts } satisfies KeptCopies;
				}
				return drafts;
			},
		};
	},
};

/** A line's comparable text; null for a record without any (counted as skipped), undefined for a line that is no record. */
type LineText = ComparableText | null | undefined;

/** What the rule keeps in the editor from its last full run: the texts it saw, its first lines, groups and findings. */
interface KeptCopies {
	values: readonly LineText[];
	firstLineByHash: NumberMap;
	groups: ReadonlyMap<number, CopyGroup>;
	drafts: FileFindingDraft[];
}

/**
 * Whether the kept findings are exactly what a fresh run over `values` gives: the same lines but a few, each of which
 * had a text no other line had (or none) and now has a text no kept line has (or none), all different. Such a line is
 * no copy and has none, before and after; a record that gains or loses all its text changes the skipped count.
 */
function stillHolds(kept: KeptCopies, values: readonly LineText[]): boolean {
	const changed = changedLines(kept.values, values);
	if (changed === undefined) {
		return false;
	}
	const newHashes = new Set<number>();
	for (const line of changed) {
		const before = kept.values[line];
		const after = values[line];
		if ((before === null) !== (after === null)) {
			return false;
		}
		if (before !== null && before !== undefined && (kept.firstLineByHash.get(before.hash) !== line || kept.groups.has(line))) {
			return false;
		}
		if (after !== null && after !== undefined) {
			const ownHash = before !== null && before !== undefined && before.hash === after.hash;
			if ((!ownHash && kept.firstLineByHash.get(after.hash) !== -1) || newHashes.has(after.hash)) {
				return false;
			}
			newHashes.add(after.hash);
		}
	}
	return true;
}

/** The `compare` option, defaulting to whole records for anything unknown. */
export function compareMode(value: string): CompareMode {
	return COMPARE_MODES.includes(value as CompareMode) ? (value as CompareMode) : 'whole';
}
