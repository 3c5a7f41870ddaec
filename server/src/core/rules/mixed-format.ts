import type { FileFindingDraft, FileRule } from '../rule';
import type { DatasetFormat } from '../types';

/** How many offending lines a file keeps per format; counts stay exact beyond it. */
const MAX_LINES_KEPT = 5000;

/**
 * Records whose format differs from the file's majority format, records whose keys fit two formats at once (Together
 * AI rejects those), and objects that match no known format.
 */
export const mixedFormat: FileRule = {
	kind: 'file',
	id: 'mixed-format',
	category: 'format',
	description: 'A record in another format than the rest of the file, or whose keys fit two formats or none.',
	defaultSeverity: 'error',
	start() {
		const byFormat = new Map<DatasetFormat, Array<{ line: number; length: number }>>();
		const odd: FileFindingDraft[] = [];
		return {
			add(entry) {
				const { match, record, parsed } = entry;
				if (record === undefined || match === undefined) {
					return;
				}
				const range = { line: entry.line, column: 0, endLine: entry.line, endColumn: parsed.text.length };
				if (match.ambiguousWith !== undefined) {
					if (odd.length < MAX_LINES_KEPT) {
						odd.push({
							message: `Ambiguous record: its keys fit both ${match.ambiguousWith.join(' and ')}; keep the keys of one format only.`,
							range,
							data: { candidates: match.ambiguousWith },
						});
					}
					return;
				}
				if (match.format === undefined) {
					if (odd.length < MAX_LINES_KEPT) {
						const keys = Object.keys(record).slice(0, 8);
						odd.push({ message: `Unknown format: no supported format has the keys ${JSON.stringify(keys)}.`, range, data: { keys } });
					}
					return;
				}
				const lines = byFormat.get(match.format) ?? [];
				if (lines.length < MAX_LINES_KEPT) {
					lines.push({ line: entry.line, length: parsed.text.length });
				}
				byFormat.set(match.format, lines);
			},
			finish(summary) {
				const majority = summary.format;
				const findings = [...odd];
				for (const [format, lines] of byFormat) {
					if (format === majority) {
						continue;
					}
					for (const { line, length } of lines) {
						findings.push({
							message: `This record is ${format} but the file is ${majority} (${summary.formatCounts.get(majority ?? format)} of ${summary.recordCount} records); a trainer reads one format per file.`,
							range: { line, column: 0, endLine: line, endColumn: length },
							data: { format, fileFormat: majority },
						});
					}
				}
				return findings;
			},
		};
	},
};
