import { normalizeText } from '../dedup/normalize';
import { matchGroups } from '../fairness/matcher';
import { fairnessLexicon } from '../fairness/settings';
import { detectRecordFormat } from '../formats';
import { parseLine } from '../records';
import { createLineInput } from '../rule';
import type { Settings } from '../types';
import { labelOf } from './labels';

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
 * as their duplicate key, so they are never merged with anything but an identical line.
 */
export function collectLines(lines: readonly string[], settings: Settings, groupAxis?: string): CollectedLine[] {
	// The user lexicon of the fairness rules (lexiconFile), so that reweighing sees the groups the audit reports.
	const { lexicon } = fairnessLexicon(settings);
	return lines.map((text, line) => {
		const parsed = parseLine(text);
		const value = parsed.kind === 'value' ? parsed.value : undefined;
		const match = typeof value === 'object' && value !== null && !Array.isArray(value) ? detectRecordFormat(value, settings.fields) : undefined;
		const entry = createLineInput(parsed, match, settings);
		entry.line = line;
		const content = entry.content();
		const label = labelOf(entry)?.label.trim();
		const group = groupAxis === undefined || content === undefined ? undefined : matchGroups(content.text, lexicon).find((mention) => mention.axis === groupAxis && !mention.ambiguous)?.group;
		return { line, label, group, duplicateKey: content === undefined ? `raw:${text}` : `content:${normalizeText(content.text)}` };
	});
}
