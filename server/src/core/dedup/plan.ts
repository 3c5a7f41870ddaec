/**
 * Which lines a deduplicated copy of a file keeps: the `tunelint dedup` command and the editor's "remove duplicates"
 * commands both follow this plan, so they drop the same records.
 */

import { recordContent } from '../content';
import { detectRecordFormat } from '../formats';
import { isJsonObject, parseLine } from '../records';
import type { Settings } from '../types';
import { groupExactDuplicates } from './exact';
import { findNearDuplicates, type NearDuplicateOptions } from './nearDuplicates';
import { normalizeRecord, textOf, type CompareMode } from './recordText';
import { jaccard, shingleSet } from './shingles';

/** How to deduplicate. */
export interface DedupRequest {
	compare: CompareMode;
	/** Also drop near duplicates (a judgment: review the report). */
	near: boolean;
	nearOptions: NearDuplicateOptions;
	/** Within a near-duplicate cluster, keep the first record or the one with the longest content. */
	keep: 'first' | 'longest';
}

/** One dropped line and the line kept in its place (0-based). */
export interface DroppedLine {
	line: number;
	keptLine: number;
	reason: 'exact' | 'near';
	/** Jaccard similarity to the kept line's content (1 for exact copies; may be below the threshold in a chain). */
	similarity: number;
}

/** The plan: `dropped` ascending by line; every other line is kept byte for byte (blank and invalid lines too). */
export interface DedupPlan {
	dropped: DroppedLine[];
	lineCount: number;
	recordCount: number;
}

/** Plans the removal of exact (and optionally near) duplicates from the lines of one file. */
export function planDeduplication(lines: readonly string[], settings: Settings, request: DedupRequest): DedupPlan {
	const texts = lines.map((line) => comparableText(line, request.compare, settings));
	const dropped: DroppedLine[] = [];
	const droppedLines = new Set<number>();
	for (const group of groupExactDuplicates(texts)) {
		for (const line of group.slice(1)) {
			dropped.push({ line, keptLine: group[0], reason: 'exact', similarity: 1 });
			droppedLines.add(line);
		}
	}
	if (request.near) {
		const survivors = texts.map((_, line) => line).filter((line) => texts[line] !== undefined && !droppedLines.has(line));
		const result = findNearDuplicates(survivors.map((line) => texts[line] as string), request.nearOptions);
		// Clusters are connected components, so a dropped record may never have been compared with the kept one:
		// the report gives their own similarity, which can be below the threshold for long chains.
		const similarity = (a: number, b: number): number => jaccard(shingleSet(texts[a] as string, request.nearOptions.shingles), shingleSet(texts[b] as string, request.nearOptions.shingles));
		for (const members of result.clusters) {
			const kept = request.keep === 'longest' ? longest(members, (slot) => (texts[survivors[slot]] as string).length) : members[0];
			for (const slot of members) {
				if (slot === kept) {
					continue;
				}
				dropped.push({ line: survivors[slot], keptLine: survivors[kept], reason: 'near', similarity: similarity(survivors[slot], survivors[kept]) });
			}
		}
	}
	dropped.sort((a, b) => a.line - b.line);
	return { dropped, lineCount: lines.length, recordCount: texts.filter((text) => text !== undefined).length };
}

/** The lines of the plan's output, in order; joined with '\n' they are the original bytes minus the dropped lines. */
export function keptLines(lines: readonly string[], plan: DedupPlan): string[] {
	const dropped = new Set(plan.dropped.map((item) => item.line));
	return lines.filter((_, line) => !dropped.has(line));
}

function longest(members: number[], length: (slot: number) => number): number {
	let best = members[0];
	for (const member of members) {
		if (length(member) > length(best)) {
			best = member;
		}
	}
	return best;
}

/** The normalised compared text of one raw line, or undefined for blank, invalid or empty lines. */
export function comparableText(line: string, mode: CompareMode, settings: Settings): string | undefined {
	const parsed = parseLine(line);
	if (parsed.kind !== 'value' || !isJsonObject(parsed.value)) {
		return undefined;
	}
	const format = detectRecordFormat(parsed.value, settings.fields).format;
	if (format === undefined) {
		return undefined;
	}
	return textOf(normalizeRecord(recordContent(parsed.value, format, settings.fields)), mode)?.text;
}
