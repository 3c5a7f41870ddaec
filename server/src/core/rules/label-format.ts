import { isClassificationLike, LabelCounter, labelOf } from '../balance/labels';
import { displayLabel } from '../balance/measures';
import { spanOf } from '../jsonLocate';
import type { FileFindingDraft, FileRule } from '../rule';

/** Positions kept per spelling, and over all spellings: findings beyond them would be capped by maxProblems anyway. */
const MAX_POSITIONS = 5000;
const MAX_TOTAL_POSITIONS = 100_000;

/**
 * The same label spelled differently (`Positive`, `positive `, `POS`): a model trained on it sees two or three
 * classes where there is one. Spellings are grouped by case, surrounding whitespace and trailing punctuation, and a
 * short spelling that starts a longer one (at least three letters: `pos` and `positive`). The most frequent spelling
 * of a group is the canonical one; every other is reported, with a fix that rewrites it.
 */
export const labelFormat: FileRule = {
	kind: 'file',
	id: 'label-format',
	category: 'balance',
	description: 'The same label spelled in different ways (case, spaces, abbreviations): one class split into several.',
	defaultSeverity: 'warning',
	start() {
		const labels = new LabelCounter(1000);
		const positions = new Map<string, Array<{ line: number; start: number; end: number; stringValue: boolean }>>();
		let positionCount = 0;
		return {
			add(entry) {
				const occurrence = entry.memo('balance:label', () => labelOf(entry));
				if (occurrence === undefined) {
					return;
				}
				labels.add(occurrence.label);
				// Generative data (more distinct answers than the counter keeps) is never reported: keep no positions for it,
				// and none for labels the counter no longer counts, or every answer of a huge chat file would be kept here.
				if (labels.overflowed || !labels.counts.has(occurrence.label) || positionCount >= MAX_TOTAL_POSITIONS) {
					if (labels.overflowed) {
						positions.clear();
					}
					return;
				}
				const list = positions.get(occurrence.label) ?? [];
				if (list.length < MAX_POSITIONS) {
					const span = spanOf(entry.parsed.text, occurrence.path);
					list.push({ line: entry.line, start: span.start, end: span.end, stringValue: typeof occurrence.raw === 'string' });
					positionCount++;
				}
				positions.set(occurrence.label, list);
			},
			finish(summary) {
				if (labels.overflowed || !isClassificationLike(summary.format, labels.counts.size, labels.total)) {
					return [];
				}
				const findings: FileFindingDraft[] = [];
				for (const group of spellingGroups([...labels.counts.keys()])) {
					if (group.length < 2) {
						continue;
					}
					const canonical = group.reduce((best, label) => ((labels.counts.get(label) ?? 0) > (labels.counts.get(best) ?? 0) ? label : best));
					for (const variant of group.filter((label) => label !== canonical)) {
						for (const position of positions.get(variant) ?? []) {
							findings.push({
								message: `Label ${displayLabel(variant)} looks like a different spelling of ${displayLabel(canonical)} (${labels.counts.get(canonical)} records); a model would treat them as two classes.`,
								range: { line: position.line, column: position.start, endLine: position.line, endColumn: position.end },
								data: { label: variant, canonical, count: labels.counts.get(variant), canonicalCount: labels.counts.get(canonical) },
								...(position.stringValue ? {
									fix: {
										title: `Change the label to ${displayLabel(canonical)}`,
										edits: [{ line: position.line, column: position.start, endLine: position.line, endColumn: position.end, newText: JSON.stringify(canonical) }],
									},
								} : {}),
							});
						}
					}
				}
				return findings;
			},
		};
	},
};

/** The grouping key of a spelling: lower case, inner whitespace collapsed, outer whitespace and trailing punctuation dropped. */
export function spellingKey(label: string): string {
	return label.toLowerCase().replace(/\s+/g, ' ').trim().replace(/[.!?,;:]+$/, '');
}

/** Groups spellings of one label: equal keys, or a key of at least three letters that starts a longer key. */
export function spellingGroups(labels: readonly string[]): string[][] {
	const byKey = new Map<string, string[]>();
	for (const label of labels) {
		const key = spellingKey(label);
		if (key === '') {
			continue;
		}
		byKey.set(key, [...(byKey.get(key) ?? []), label]);
	}
	const keys = [...byKey.keys()].sort((a, b) => a.length - b.length);
	const parent = new Map(keys.map((key) => [key, key]));
	const root = (key: string): string => {
		let current = key;
		while (parent.get(current) !== current) {
			current = parent.get(current) ?? current;
		}
		return current;
	};
	for (const short of keys) {
		// Abbreviations only among alphabetic labels, so "1" and "10" never merge.
		if (short.length < 3 || !/^\p{L}+$/u.test(short)) {
			continue;
		}
		const longer = keys.filter((key) => key.length > short.length && key.startsWith(short) && /^\p{L}+$/u.test(key));
		// "pos" starts both "positive" and "position": ambiguous, so it is left alone.
		if (longer.length === 1) {
			parent.set(root(short), root(longer[0]));
		}
	}
	const groups = new Map<string, string[]>();
	for (const [key, spellings] of byKey) {
		const top = root(key);
		groups.set(top, [...(groups.get(top) ?? []), ...spellings]);
	}
	return [...groups.values()];
}
