import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ALL_RULES, defaultSettings, lintLines, lintText, type Finding, type LintResult, type Settings } from '../../server/src/core';
import { groupCost, InconsistentGroupsError, mergeLintResults, planRuleGroups } from '../../server/src/core/ruleGroups';
import { FIXTURES } from '../helpers/paths';

/** Every rule's bad and tricky-good fixture, joined into one file so that many rules report on it at once. */
function allFixtures(): string {
	const texts: string[] = [];
	for (const folder of readdirSync(FIXTURES).sort()) {
		for (const name of ['bad.jsonl', 'good.jsonl']) {
			try {
				texts.push(readFileSync(path.join(FIXTURES, folder, name), 'utf8').replace(/\n$/, ''));
			} catch {
				// Folders of other tests have no bad/good pair.
			}
		}
	}
	return texts.join('\n');
}

const TEXT = allFixtures();

function settingsWith(maxProblems: number): Settings {
	return { ...defaultSettings(), maxProblems };
}

async function inGroups(settings: Settings, groups: number): Promise<LintResult> {
	const plan = planRuleGroups(ALL_RULES, settings, groups);
	assert.equal(plan.length, groups);
	return mergeLintResults(await Promise.all(plan.map((rules) => lintText(TEXT, settings, rules))), settings.maxProblems);
}

const key = (finding: Finding): string => JSON.stringify(finding);

void describe('planRuleGroups', () => {
	void it('splits the active rules into groups of about equal cost, each in the list order, none twice or missing', () => {
		const settings = defaultSettings();
		const active = ALL_RULES.filter((rule) => rule.offByDefault !== true);
		for (const groups of [2, 3, 4]) {
			const plan = planRuleGroups(ALL_RULES, settings, groups);
			const ids = plan.flat().map((rule) => rule.id);
			assert.deepEqual([...ids].sort(), active.map((rule) => rule.id).sort());
			for (const group of plan) {
				assert.deepEqual(group, ALL_RULES.filter((rule) => group.includes(rule)), 'list order inside a group');
			}
			// Balanced: the costliest group is within a quarter of the mean, unless one rule alone costs more.
			const costs = plan.map(groupCost);
			const mean = costs.reduce((sum, cost) => sum + cost, 0) / groups;
			const heaviest = Math.max(...active.map((rule) => groupCost([rule])));
			assert.ok(Math.max(...costs) <= Math.max(1.25 * mean, heaviest), `${groups} groups: ${costs.join(', ')}`);
		}
	});

	void it('counts shared per-line work once per group', () => {
		const [near, exact, conflicting] = ['duplicate-near', 'duplicate-exact', 'conflicting-labels'].map((id) => ALL_RULES.find((rule) => rule.id === id)!);
		const alone = groupCost([near]) + groupCost([exact]) - 1;
		assert.ok(groupCost([near, exact]) < alone - 2, 'the normalised record and the compared text are paid once');
		assert.equal(groupCost([near, exact, conflicting]), groupCost([near, exact]) + (conflicting.streamingCost ?? 0));
	});

	void it('puts rules that share work together when that makes the costliest group cheaper', () => {
		// duplicate-near and duplicate-exact read the same normalised record and compared text; split from each other
		// both threads would build them (measured on 300 MB: 16.2 s split, 14.2 s together, the 2-thread runs alternating).
		const settings = { ...defaultSettings(), categories: ['format' as const, 'duplicates' as const] };
		const plan = planRuleGroups(ALL_RULES, settings, 2).map((group) => group.map((rule) => rule.id));
		const nearGroup = plan.find((group) => group.includes('duplicate-near'))!;
		assert.ok(nearGroup.includes('duplicate-exact') && !nearGroup.includes('conflicting-labels'), plan.join(' | '));
	});

	void it('gives one group when there is nothing to split', () => {
		assert.equal(planRuleGroups(ALL_RULES, defaultSettings(), 1).length, 1);
		assert.equal(planRuleGroups(ALL_RULES.slice(0, 1), defaultSettings(), 4).length, 1);
	});
});

void describe('mergeLintResults', () => {
	void it('gives exactly the result of one run of every rule, in 2, 3 and 5 groups', async () => {
		const settings = settingsWith(100_000);
		const whole = await lintText(TEXT, settings);
		assert.ok(whole.findings.length > 100, `the fixtures give many findings (${whole.findings.length})`);
		assert.ok(new Set(whole.findings.map((finding) => finding.ruleId)).size > 20);
		for (const groups of [2, 3, 5]) {
			assert.deepEqual(await inGroups(settings, groups), whole, `${groups} groups`);
		}
	});

	void it('caps line findings as one run does: same counts and kept numbers, errors first, record rules\' findings the same', async () => {
		for (const maxProblems of [0, 5, 40, 150]) {
			const settings = settingsWith(maxProblems);
			const whole = await lintText(TEXT, settings);
			const merged = await inGroups(settings, 3);
			assert.equal(whole.truncated, true);
			assert.equal(merged.truncated, true);
			assert.deepEqual(merged.counts, whole.counts);
			assert.equal(merged.findings.length, whole.findings.length, `max ${maxProblems}`);
			const recordRule = (finding: Finding): boolean => ALL_RULES.find((rule) => rule.id === finding.ruleId)?.kind === 'record';
			assert.deepEqual(merged.findings.filter(recordRule).map(key), whole.findings.filter(recordRule).map(key), `max ${maxProblems}`);
			for (const severity of ['error', 'warning', 'info'] as const) {
				assert.equal(merged.findings.filter((finding) => finding.severity === severity).length, whole.findings.filter((finding) => finding.severity === severity).length);
			}
		}
	});

	void it('refuses results of different files (the file changed between the groups\' reads)', async () => {
		const settings = settingsWith(1000);
		const [first, second] = planRuleGroups(ALL_RULES, settings, 2);
		const results = [await lintText(TEXT, settings, first), await lintText(`${TEXT}\n{"text":"one more line"}`, settings, second)];
		assert.throws(() => mergeLintResults(results, settings.maxProblems), InconsistentGroupsError);
	});
});

void describe('lintLines over a stream of batches', () => {
	void it('gives the result of the same lines one by one (how files on disk are read)', async () => {
		const settings = settingsWith(100_000);
		const lines = TEXT.split('\n');
		async function* batches(): AsyncGenerator<readonly string[]> {
			for (let start = 0; start < lines.length; start += 7) {
				yield lines.slice(start, start + 7);
			}
		}
		async function* oneByOne(): AsyncGenerator<string> {
			yield* lines;
		}
		assert.deepEqual(await lintLines(batches(), settings), await lintLines(oneByOne(), settings));
		assert.deepEqual(await lintLines(batches(), settings), await lintText(TEXT, settings));
	});
});
