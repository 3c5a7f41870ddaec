import { findCrossFileMatches } from '../dedup/crossFile';
import { deleteLinesFix, lineLabel, lineRange, plural } from '../dedup/findings';
import { comparableText } from '../dedup/plan';
import { nearDuplicateOptions } from '../dedup/recordText';
import { RuleOptions, type FileRule } from '../rule';
import { effectiveSeverity } from '../settings';
import type { Finding, Settings } from '../types';
import { compareMode } from './duplicate-exact';

const RULE_ID = 'split-leakage';

/**
 * Records shared between a training file and its validation or test file make every validation figure optimistic.
 * This rule needs a second file. The CLI (`--against FILE`) and the language server (files paired by name, see
 * `splitCompanions`) call `checkSplitLeakage` with both files; inside the single-file engine the rule runs only when
 * the companion's lines are passed in its options (`companion: {name, lines}`), which is how its fixtures test it.
 */
export const splitLeakage: FileRule = {
	kind: 'file',
	id: RULE_ID,
	category: 'duplicates',
	description: 'A record of this file also appears, exactly or nearly, in its paired training or validation/test file.',
	defaultSeverity: 'warning',
	start(options, settings) {
		const companion = options.raw('companion') as CompanionFile | undefined;
		if (companion === undefined || typeof companion.name !== 'string' || !Array.isArray(companion.lines)) {
			return { add() {}, finish: () => [] };
		}
		const lines: string[] = [];
		return {
			add(entry) {
				lines[entry.line] = entry.parsed.text;
			},
			finish: () => checkSplitLeakage(Array.from(lines, (line) => line ?? ''), companion, settings).map((finding) => ({
				message: finding.message,
				...(finding.scope === 'line' ? { range: finding.range } : {}),
				...(finding.data === undefined ? {} : { data: finding.data }),
				...(finding.fix === undefined ? {} : { fix: finding.fix }),
				...(finding.related === undefined ? {} : { related: finding.related }),
			})),
		};
	},
};

/** A companion file as the adapter read it: a display name (a path) and its lines. */
export interface CompanionFile {
	name: string;
	lines: readonly string[];
}

/**
 * Findings on the lines of `targetLines` whose records also occur in `companion`: exact matches of the compared part
 * (default: the prompt, since a leaked input is a leak whatever its answer) and, unless `near` is false, near
 * duplicates at the duplicate-near threshold. Options come from `settings.ruleOptions['split-leakage']`.
 */
export function checkSplitLeakage(targetLines: readonly string[], companion: CompanionFile, settings: Settings): Finding[] {
	const severity = effectiveSeverity(splitLeakage, settings);
	if (severity === undefined) {
		return [];
	}
	const read = new RuleOptions(settings.ruleOptions[RULE_ID] ?? {});
	const mode = compareMode(read.string('compare', 'prompt'));
	const options = nearDuplicateOptions(read);
	const target = targetLines.map((line) => comparableText(line, mode, settings));
	const other = companion.lines.map((line) => comparableText(line, mode, settings));
	const matches = findCrossFileMatches(target, other, options, read.boolean('near', true));
	const findings: Finding[] = matches.slice(0, settings.maxProblems).map((match) => {
		const where = `${companion.name} ${lineLabel(match.otherLine)}`;
		return {
			ruleId: RULE_ID,
			severity,
			scope: 'line',
			message: match.exact ? `Leak: this record also appears in ${where}.` : `Leak: ${Math.round(match.similarity * 100)}% similar to ${where}.`,
			range: lineRange(match.line, targetLines[match.line].length),
			related: [{ line: match.otherLine, file: companion.name, message: match.exact ? 'the same record' : `${Math.round(match.similarity * 100)}% similar record` }],
			fix: deleteLinesFix('Delete this record from this file', [match.line], false),
			data: { otherFile: companion.name, otherLine: match.otherLine, similarity: Number(match.similarity.toFixed(4)), exact: match.exact, compare: mode },
		};
	});
	const records = target.filter((text) => text !== undefined).length;
	if (matches.length > 0) {
		const exact = matches.filter((match) => match.exact).length;
		findings.push({
			ruleId: RULE_ID,
			severity,
			scope: 'file',
			message: `${plural(matches.length, 'record')} of ${records} (${percent(matches.length, records)}) also in ${companion.name}: ${exact} exact, ${matches.length - exact} near (compared: ${mode}).`,
			range: { line: 0, column: 0, endLine: 0, endColumn: 0 },
			data: { otherFile: companion.name, leaked: matches.length, exact, near: matches.length - exact, records, compare: mode },
		});
	}
	return findings;
}

/** A share as a percentage with enough digits that a few leaked records in a large file do not read as 0.0%. */
function percent(part: number, whole: number): string {
	const value = (100 * part) / Math.max(1, whole);
	return `${value >= 1 ? value.toFixed(1) : value.toPrecision(2)}%`;
}
