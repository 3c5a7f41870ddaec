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

/**
 * The cost of a rule without a `streamingCost`. Measured alone, each cheap format check came out near half a parse per
 * line; measured together in one warm process the thirteen cost about 0.6 in all, so this overstates them (rough).
 */
const DEFAULT_STREAMING_COST = 0.5;

/** What a group costs per line, besides the rules: reading and parsing the line, which every group does. */
const GROUP_BASE_COST = 1;

/** Every placement of the heavy rules is tried up to this many; past it, they are placed one by one. */
const MAX_PLACEMENTS = 20_000;

/**
 * Splits the rules that `settings` turns on into at most `groups` groups whose costliest is as cheap as can be found.
 * A group's cost counts the per-line work its rules share once (`groupCost`), so rules reading the same memoised work
 * gain from sharing a thread. The heavy rules (those with a `streamingCost`) are placed by trying every placement when
 * there are few enough, and one by one (each where it adds least) otherwise; the light rules then go, one by one, to
 * the cheapest group. Each group lists its rules in the order of `rules`, which is the order findings at one position
 * are listed in. Never returns an empty group; one group when splitting cannot pay (fewer than two rules, or `groups`
 * below 2).
 */
export function planRuleGroups(rules: readonly Rule[], settings: Settings, groups: number): Rule[][] {
	const active = rules.filter((rule) => effectiveSeverity(rule, settings) !== undefined);
	const count = Math.max(1, Math.min(Math.floor(groups), active.length));
	const heavy = active.filter((rule) => rule.streamingCost !== undefined).sort((a, b) => standaloneCost(b) - standaloneCost(a));
	const light = active.filter((rule) => rule.streamingCost === undefined);
	let best: Rule[][] = [active];
	let bestCost = Number.POSITIVE_INFINITY;
	for (const placement of placements(heavy, count)) {
		const plan = fill(placement, light);
		const cost = Math.max(...plan.map(groupCost));
		if (cost < bestCost) {
			best = plan;
			bestCost = cost;
		}
	}
	return best.filter((group) => group.length > 0).map((group) => active.filter((rule) => group.includes(rule)));
}

/**
 * The estimated per-line cost of a group of rules, in units of parsing the line: the parse, each rule's own cost, and
 * each piece of shared work once (at the largest cost a rule declares for it).
 */
export function groupCost(rules: readonly Rule[]): number {
	const shared = new Map<string, number>();
	let cost = GROUP_BASE_COST;
	for (const rule of rules) {
		cost += rule.streamingCost ?? DEFAULT_STREAMING_COST;
		for (const [work, workCost] of Object.entries(rule.streamingSharedWork ?? {})) {
			shared.set(work, Math.max(shared.get(work) ?? 0, workCost));
		}
	}
	for (const workCost of shared.values()) {
		cost += workCost;
	}
	return cost;
}

function standaloneCost(rule: Rule): number {
	return groupCost([rule]);
}

/**
 * The placements of the heavy rules into `count` groups: all of them (the first rule always in the first group, as
 * the groups are interchangeable) when there are at most MAX_PLACEMENTS, else the one that puts each rule, costliest
 * first, in the group that is cheapest with it.
 */
function* placements(heavy: readonly Rule[], count: number): Generator<Rule[][]> {
	if (count ** Math.max(0, heavy.length - 1) > MAX_PLACEMENTS) {
		const plan: Rule[][] = Array.from({ length: count }, () => []);
		for (const rule of heavy) {
			const target = plan.reduce((chosen, group) => (groupCost([...group, rule]) < groupCost([...chosen, rule]) ? group : chosen));
			target.push(rule);
		}
		yield plan;
		return;
	}
	const choice = new Array<number>(heavy.length).fill(0);
	for (;;) {
		const plan: Rule[][] = Array.from({ length: count }, () => []);
		heavy.forEach((rule, index) => plan[choice[index]].push(rule));
		yield plan;
		// The next choice, counting in base `count` over every rule but the first.
		let index = heavy.length - 1;
		while (index > 0 && choice[index] === count - 1) {
			choice[index--] = 0;
		}
		if (index <= 0) {
			return;
		}
		choice[index]++;
	}
}

/** Adds the light rules, each to the group that is cheapest at that moment. */
function fill(placement: readonly Rule[][], light: readonly Rule[]): Rule[][] {
	const plan = placement.map((group) => [...group]);
	const costs = plan.map(groupCost);
	for (const rule of light) {
		const target = costs.indexOf(Math.min(...costs));
		plan[target].push(rule);
		costs[target] = groupCost(plan[target]);
	}
	return plan;
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
