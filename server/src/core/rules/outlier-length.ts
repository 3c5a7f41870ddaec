import { upperFence } from '../poisoning/outliers';
import { quartiles } from '../poisoning/stats';
import type { FileFindingDraft, FileRule } from '../rule';

/**
 * Records far longer than the rest of the file (beyond Q3 + 2·IQR of the content length, Deepchecks' rule for text
 * properties): pasted documents, runaway generations, or a payload appended to an otherwise normal record.
 */
export const outlierLength: FileRule = {
	kind: 'file',
	id: 'outlier-length',
	category: 'poisoning',
	description: 'A record whose content is far longer than the rest of the file (beyond Q3 + 2·IQR).',
	defaultSeverity: 'info',
	start(options, settings) {
		const k = options.number('iqrMultiplier', 2);
		const minRecords = options.number('minRecords', 20);
		const records: Array<{ line: number; length: number; lineLength: number }> = [];
		return {
			add(entry) {
				const length = entry.memo('outlier-length:length', () => entry.content()?.text.length);
				if (length !== undefined) {
					records.push({ line: entry.line, length, lineLength: entry.parsed.text.length });
				}
			},
			finish() {
				if (records.length < minRecords) {
					return [];
				}
				const lengths = records.map((r) => r.length);
				const fence = upperFence(lengths, k);
				const { median } = quartiles(lengths);
				const drafts: FileFindingDraft[] = [];
				for (const record of records) {
					if (record.length > fence && drafts.length < settings.maxProblems) {
						drafts.push({
							message: `This record's content is ${record.length} characters, beyond the file's upper fence of ${Math.round(fence)} (Q3 + ${k}·IQR; median ${Math.round(median)}).`,
							range: { line: record.line, column: 0, endLine: record.line, endColumn: record.lineLength },
							data: { length: record.length, fence, median },
						});
					}
				}
				return drafts;
			},
		};
	},
};
