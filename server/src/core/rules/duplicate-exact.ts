import { deleteLinesFix, lineLabel, lineRange, plural } from '../dedup/findings';
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
	start(options, settings) {
		const mode = compareMode(options.string('compare', 'whole'));
		const firstLineByHash = new NumberMap();
		const groups = new Map<number, CopyGroup>();
		let skipped = 0;
		/**
		 * Takes in one line: its comparable text (null for a record without any, undefined for a non-record). Returns the
		 * group of a later copy, whose line length the caller adds (reading it only for copies).
		 */
		const take = (comparable: ComparableText | null | undefined, line: number): CopyGroup | undefined => {
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
		const lineValue = (entry: LineInput): ComparableText | null | undefined => comparableText(entry, mode) ?? (entry.record === undefined ? undefined : null);
		return {
			add(entry) {
				take(lineValue(entry), entry.line)?.lengths.push(entry.parsed.text.length);
			},
			lineValue,
			addValues(column) {
				const values = column.values as ReadonlyArray<ComparableText | null | undefined>;
				firstLineByHash.reserve(values.length);
				for (let line = 0; line < values.length; line++) {
					take(values[line], line)?.lengths.push(column.entry(line).parsed.text.length);
				}
			},
			finish() {
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
				return drafts;
			},
		};
	},
};

/** The `compare` option, defaulting to whole records for anything unknown. */
export function compareMode(value: string): CompareMode {
	return COMPARE_MODES.includes(value as CompareMode) ? (value as CompareMode) : 'whole';
}
