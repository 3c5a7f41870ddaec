import { isClassificationLike, LabelCounter, labelOf } from '../balance/labels';
import { displayLabel } from '../balance/measures';
import type { FileFindingDraft, FileRule } from '../rule';

/** A class with fewer than `minimum` (default 10) examples: too few to learn, and noise in every metric. */
export const labelRareClass: FileRule = {
	kind: 'file',
	id: 'label-rare-class',
	category: 'balance',
	description: 'A class with fewer examples than a model can learn from (default under 10), named with its count.',
	defaultSeverity: 'warning',
	start(options) {
		const minimum = options.number('minimum', 10);
		const labels = new LabelCounter(1000);
		const firstLine = new Map<string, { line: number; length: number }>();
		return {
			add(entry) {
				const occurrence = entry.memo('balance:label', () => labelOf(entry));
				if (occurrence === undefined) {
					return;
				}
				const label = occurrence.label.trim();
				labels.add(label);
				if (!firstLine.has(label) && firstLine.size < 1000) {
					firstLine.set(label, { line: entry.line, length: entry.parsed.text.length });
				}
			},
			finish(summary) {
				const total = labels.total;
				if (labels.overflowed || labels.counts.size < 2 || !isClassificationLike(summary.format, labels.counts.size, total)) {
					return [];
				}
				const findings: FileFindingDraft[] = [];
				for (const [label, count] of labels.counts) {
					const where = firstLine.get(label);
					if (count < minimum && where !== undefined) {
						findings.push({
							message: `Class ${displayLabel(label)} has only ${count} example${count === 1 ? '' : 's'} (fewer than ${minimum}) out of ${total.toLocaleString('en-US')}.`,
							range: { line: where.line, column: 0, endLine: where.line, endColumn: where.length },
							data: { label, count, minimum, total },
						});
					}
				}
				return findings;
			},
		};
	},
};
