/**
 * Compares the records of the locked version of a file with the current ones by line identity: a record is the
 * same record when its line is byte-for-byte the same (ignoring a CRLF ending). Order does not matter for the
 * counts; a file whose records are all still there in another order is reported as re-ordered.
 */

/** What changed between the locked records and the current ones. */
export interface RecordDiff {
	/** Records of the current file whose line is not in the locked file, beyond those counted as changed. */
	added: number;
	/** Locked records no longer present, beyond those counted as changed. */
	removed: number;
	/**
	 * Records replaced by a different line: the k-th removed record is paired with the k-th added one, so an edit
	 * in place counts as one change rather than one removal and one addition.
	 */
	changed: number;
	/** True when the same records are present in a different order. */
	reordered: boolean;
	/** 0-based line numbers in the current file of the first added or changed records (at most 20), for a diff view. */
	sampleLines: number[];
}

const SAMPLE_LIMIT = 20;

/** Diffs two versions of a JSONL file given as lines; blank lines are not records and are ignored. */
export function diffRecords(lockedLines: readonly string[], currentLines: readonly string[]): RecordDiff {
	const locked = records(lockedLines);
	const current = records(currentLines);
	const lockedCounts = countLines(locked.map(([, text]) => text));
	const currentCounts = countLines(current.map(([, text]) => text));
	const newLines = unmatched(current, lockedCounts);
	const goneLines = unmatched(locked, currentCounts);
	const changed = Math.min(newLines.length, goneLines.length);
	const reordered = newLines.length === 0 && goneLines.length === 0 && locked.some(([, text], index) => current[index][1] !== text);
	return {
		added: newLines.length - changed,
		removed: goneLines.length - changed,
		changed,
		reordered,
		sampleLines: newLines.slice(0, SAMPLE_LIMIT),
	};
}

/** The non-blank lines with their line numbers, CR removed. */
function records(lines: readonly string[]): Array<[number, string]> {
	const result: Array<[number, string]> = [];
	lines.forEach((line, index) => {
		const text = line.endsWith('\r') ? line.slice(0, -1) : line;
		if (text.trim() !== '') {
			result.push([index, text]);
		}
	});
	return result;
}

function countLines(lines: readonly string[]): Map<string, number> {
	const counts = new Map<string, number>();
	for (const line of lines) {
		counts.set(line, (counts.get(line) ?? 0) + 1);
	}
	return counts;
}

/** Line numbers of `side`'s records not matched by a copy in `other` (consumes the counts it is given). */
function unmatched(side: ReadonlyArray<[number, string]>, otherCounts: Map<string, number>): number[] {
	const remaining = new Map(otherCounts);
	const result: number[] = [];
	for (const [line, text] of side) {
		const count = remaining.get(text) ?? 0;
		if (count > 0) {
			remaining.set(text, count - 1);
		} else {
			result.push(line);
		}
	}
	return result;
}
