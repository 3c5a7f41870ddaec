import { NumberColumn } from '../poisoning/columns';
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
		// Three numbers per record in flat columns (12 bytes), not an object per record: exact quartiles need them all.
		const lines = new NumberColumn(Int32Array);
		const lengths = new NumberColumn(Float64Array);
		const lineLengths = new NumberColumn(Int32Array);
		return {
			add(entry) {
				const length = entry.memo('outlier-length:length', () => entry.content()?.text.length);
				if (length !== undefined) {
					lines.push(entry.line);
					lengths.push(length);
					lineLengths.push(entry.parsed.text.length);
				}
			},
			finish() {
				if (lengths.length < minRecords) {
					return [];
				}
				const fence = upperFence(lengths.view(), k);
				const { median } = quartiles(lengths.view());
				const drafts: FileFindingDraft[] = [];
				for (let index = 0; index < lengths.length && drafts.length < settings.maxProblems; index++) {
					const length = lengths.get(index);
					if (length > fence) {
						const line = lines.get(index);
						drafts.push({
							message: `This record's content is ${length} characters, beyond the file's upper fence of ${Math.round(fence)} (Q3 + ${k}·IQR; median ${Math.round(median)}).`,
							range: { line, column: 0, endLine: line, endColumn: lineLengths.get(index) },
							data: { length, fence, median },
						});
					}
				}
				return drafts;
			},
		};
	},
};
