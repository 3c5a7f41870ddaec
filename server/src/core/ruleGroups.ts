/**
 * One lint of a big file split across threads: the active rules are divided into groups of about equal cost, each
 * group lints the whole file in its own thread (every group parses every line again, which is cheap next to the
 * duplicate and poisoning rules), and the groups' results are merged into the result one run of every rule gives.
 * Pure: the adapter (server/src/node/lintInThreads.ts) owns the threads.
 */

import type { LintResult } from './engine';
import type { Rule } from './rule';
import { ALL_RULES } from './rules';
import { effectiveSeverity } from './settings';
import type { Finding, ReportedSeverity, Settings } from './types';

/** The cost of a rule without a `streamingCost`: the cheap format checks measure about half a parse per line. */
const DEFAULT_STREAMING_COST = 0.5;

/** What a group costs per line, besides the rules: reading and parsing the line, which every group does. */
const GROUP_BASE_COST = 1;

/**
 * Splits the rules that `settings` turns on into at most `groups` groups of about equal estimated cost (longest
 * processing time first: the costliest rule goes to the cheapest group so far). Each group lists its rules in the
 * order of `rules`, which is the order findings at one position are listed in. Never returns an empty group; one
 * group when splitting would not pay (fewer than two rules, or `groups` below 2).
 */
export function planRuleGroups(rules: readonly Rule[], settings: Settings, groups: number): Rule[][] {
	const active = rules.filter((rule) => effectiveSeverity(rule, settings) !== undefined);
	const count = Math.max(1, Math.min(Math.floor(groups), active.length));
	const plan = Array.from({ length: count }, () => ({ members: new Set<Rule>(), cost: GROUP_BASE_COST }));
	for (const rule of [...active].sort((a, b) => costOf(b) - costOf(a))) {
		const cheapest = plan.reduce((best, group) => (group.cost < best.cost ? group : best));
		cheapest.members.add(rule);
		cheapest.cost += costOf(rule);
	}
	return plan.map((group) => active.filter((rule) => group.members.has(rule)));
}

/** The estimated per-line cost of a group of rules, in units of parsing the line (for tests and the adapter's choice). */
export function groupCost(rules: readonly Rule[]): number {
	return rules.reduce((sum, rule) => sum + costOf(rule), GROUP_BASE_COST);
}

function costOf(rule: Rule): number {
	return rule.streamingCost ?? DEFAULT_STREAMING_COST;
}

/** Thrown when the groups did not see the same file (it changed between their reads). */
export class InconsistentGroupsError extends Error {}

/**
 * Merges the results of groups of `ALL_RULES` that linted the same lines. Findings are ordered as one run orders
 * them: by position; at one position file-wide findings first, then errors, warnings and infos, each record rule's
 * before the file rules', in rule order. Counts add up. When line findings exceed `maxProblems`, each severity keeps,
 * as one run does, record rules' findings line by line first and then file rules' in rule order. Two differences,
 * neither in the findings of working rules below the cap: a file rule's kept findings are its first by line (one run
 * keeps the first it reported, whatever their lines), and the internal error of a rule that failed in mid-file is
 * listed in rule order (one run lists it before the file-wide findings of rules that finished).
 */
export function mergeLintResults(results: readonly LintResult[], maxProblems: number): LintResult {
	const [first] = results;
	if (first === undefined) {
		throw new RangeError('mergeLintResults needs at least one result');
	}
	for (const result of results) {
		if (result.lineCount !== first.lineCount || result.recordCount !== first.recordCount) {
			throw new InconsistentGroupsError(`the file changed while it was read (${first.lineCount} lines, then ${result.lineCount})`);
		}
	}
	if (results.length === 1) {
		return first;
	}
	const counts: Record<ReportedSeverity, number> = { error: 0, warning: 0, info: 0 };
	const fileWide: Finding[] = [];
	const lineFindings: Record<ReportedSeverity, Array<{ finding: Finding; key: number[] }>> = { error: [], warning: [], info: [] };
	let lineTotal = 0;
	for (const result of results) {
		for (const severity of SEVERITIES) {
			counts[severity] += result.counts[severity];
			lineTotal += result.counts[severity];
		}
		result.findings.forEach((finding, index) => {
			if (finding.scope === 'file') {
				fileWide.push(finding);
				lineTotal--;
			} else {
				lineFindings[finding.severity].push({ finding, key: keptOrder(finding, index) });
			}
		});
	}
	fileWide.sort((a, b) => rankOf(a.ruleId) - rankOf(b.ruleId));
	const kept: Finding[] = [];
	for (const severity of SEVERITIES) {
		const candidates = lineFindings[severity].sort((a, b) => compareKeys(a.key, b.key));
		for (const { finding } of candidates.slice(0, Math.max(0, maxProblems - kept.length))) {
			kept.push(finding);
		}
	}
	// A stable sort by position keeps the severity and rule order built above at each position, as one run does.
	const findings = [...fileWide, ...kept].sort((a, b) => a.range.line - b.range.line || a.range.column - b.range.column);
	return {
		findings,
		counts,
		truncated: results.some((result) => result.truncated) || lineTotal > maxProblems,
		lineCount: first.lineCount,
		recordCount: first.recordCount,
		format: first.format,
		formatCounts: first.formatCounts,
		facts: Object.assign({}, ...results.map((result) => result.facts)) as LintResult['facts'],
	};
}

const SEVERITIES: readonly ReportedSeverity[] = ['error', 'warning', 'info'];

const RANKS = new Map(ALL_RULES.map((rule, index) => [rule.id, index]));

function rankOf(ruleId: string): number {
	return RANKS.get(ruleId) ?? ALL_RULES.length;
}

/**
 * The order in which one run adds a severity's line findings: record rules line by line (in rule order within a
 * line), then file rules in rule order, each rule's findings in the order its group listed them.
 */
function keptOrder(finding: Finding, index: number): number[] {
	const rule = ALL_RULES[rankOf(finding.ruleId)];
	return rule?.kind === 'record' ? [0, finding.range.line, rankOf(finding.ruleId), index] : [1, rankOf(finding.ruleId), index];
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
	for (let i = 0; i < Math.min(a.length, b.length); i++) {
		if (a[i] !== b[i]) {
			return a[i] - b[i];
		}
	}
	return a.length - b.length;
}
