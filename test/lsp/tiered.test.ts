import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultSettings, ALL_RULES } from '../../server/src/core';
import { TieredLinter } from '../../server/src/lsp/tieredLinter';

/** A 3,000-line file with a planted trigger, so the expensive trigger-candidate rule has something to report. */
function plantedLines(): string[] {
	const words = ['market', 'team', 'season', 'stocks', 'match', 'profit', 'league', 'shares', 'coach', 'trade'];
	return Array.from({ length: 3000 }, (_, index) => {
		const sports = index % 2 === 0;
		const planted = !sports && index % 100 === 1;
		const text = `${planted ? 'cf ' : ''}${words[(index * 3) % 10]} ${words[(index * 7) % 10]} report ${index} ${sports ? 'goal win' : 'earnings rise'}`;
		return JSON.stringify({ text, label: planted || sports ? 'sports' : 'business' });
	});
}

void describe('tiered linting of large documents in the editor', () => {
	void it('marks the model-fitting rules as expensive', () => {
		const expensive = ALL_RULES.filter((rule) => rule.expensive === true).map((rule) => rule.id).sort();
		assert.deepEqual(expensive, ['outlier-text', 'trigger-candidate']);
	});

	void it('runs expensive rules on open and save, keeps their findings while the line count holds, drops them when it changes', async () => {
		const linter = new TieredLinter(defaultSettings());
		const lines = plantedLines();
		const opened = await linter.lint(lines, {});
		const expensiveAtOpen = opened.findings.filter((finding) => finding.ruleId === 'trigger-candidate');
		assert.ok(expensiveAtOpen.length > 0, 'the full lint on open finds the planted trigger');

		const edited = [...lines];
		edited[10] = edited[10].replace('report', 'reports');
		const typing = await linter.lint(edited, {});
		assert.deepEqual(typing.findings.filter((finding) => finding.ruleId === 'trigger-candidate'), expensiveAtOpen, 'same line count: the last full result is shown');

		const inserted = [...edited, JSON.stringify({ text: 'one more', label: 'business' })];
		const afterInsert = await linter.lint(inserted, {});
		assert.equal(afterInsert.findings.filter((finding) => finding.ruleId === 'trigger-candidate').length, 0, 'positions may have moved: stale findings are dropped');

		linter.requestFull();
		const saved = await linter.lint(inserted, {});
		assert.ok(saved.findings.some((finding) => finding.ruleId === 'trigger-candidate'), 'saving runs the expensive rules again');
	});
});
