import { normalizeText } from '../dedup/normalize';
import { matchGroups } from '../fairness/matcher';
import { fairnessLexicon } from '../fairness/settings';
import { detectRecordFormat, majorityFormat } from '../formats';
import { parseLine } from '../records';
import { createLineInput } from '../rule';
import type { DatasetFormat, Settings } from '../types';
import { isClassificationLike, labelOf } from './labels';

/** A line of a dataset with what rebalancing and splitting need to know about it. */
export interface CollectedLine {
	line: number;
	/** Undefined for lines without a label (blank, invalid, or formats without one). */
	label?: string;
	/** The first group mentioned on the chosen axis, when one was asked for. */
	group?: string;
	/** Records with the same key are exact duplicates (normalised content, never metadata). */
	duplicateKey: string;
}

/**
 * Reads labels, groups and duplicate keys from the lines of a file. Lines that are not records keep their raw text
 * as their duplicate key, so they are never merged with anything but an identical line. Final answers count as
 * labels only when they form a label set, as for the balance rules: free-text answers (generative data) are no
 * classes to rebalance or to stratify by.
 */
export function collectLines(lines: readonly string[], settings: Settings, groupAxis?: string): CollectedLine[] {
	// The user lexicon of the fairness rules (lexiconFile), so that reweighing sees the groups the audit reports.
	const { lexicon } = fairnessLexicon(settings);
	const formats = new Map<DatasetFormat, number>();
	const collected = lines.map((text, line) => {
		const parsed = parseLine(text);
		const value = parsed.kind === 'value' ? parsed.value : undefined;
		const match = typeof value === 'object' && value !== null && !Array.isArray(value) ? detectRecordFormat(value, settings.fields) : undefined;
		const entry = createLineInput(parsed, match, settings);
		entry.line = line;
		const content = entry.content();
		const label = labelOf(entry)?.label.trim();
		if (label !== undefined && match?.format !== undefined) {
			formats.set(match.format, (formats.get(match.format) ?? 0) + 1);
		}
		const group = groupAxis === undefined || content === undefined ? undefined : matchGroups(content.text, lexicon).find((mention) => mention.axis === groupAxis && !mention.ambiguous)?.group;
		return { line, label, group, duplicateKey: content === undefined ? `raw:${text}` : `content:${normalizeText(content.text)}` };
	});
	const labelled = collected.filter((item) => item.label !== undefined);
	const format = majorityFormat(formats);
	if (isClassificationLike(format, new Set(labelled.map((item) => item.label)).size, labelled.length)) {
		return collected;
	}
	return collected.map((item) => ({ ...item, label: undefined }));
}
