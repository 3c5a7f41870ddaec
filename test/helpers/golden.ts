import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { defaultSettings, lintText, mergeSettings, ALL_RULES, type Finding, type Settings } from '../../server/src/core';
import { FIXTURES } from './paths';

/** A finding as written in a `.expected.json` file: 1-based positions, the fields a reader checks. */
export interface ExpectedFinding {
	line: number;
	column: number;
	endColumn: number;
	severity: Finding['severity'];
	message: string;
	scope?: 'file';
}

/**
 * Settings for a fixture: defaults, then `<name>.settings.json` beside it when present (same shape as
 * .tunelintrc.json), so a fixture can set a threshold or field mapping.
 */
export function fixtureSettings(fixture: string): Settings {
	const file = fixture.replace(/\.jsonl$/, '.settings.json');
	if (!existsSync(file)) {
		return defaultSettings();
	}
	const { settings, problems } = mergeSettings(defaultSettings(), JSON.parse(readFileSync(file, 'utf8')), new Set(ALL_RULES.map((rule) => rule.id)));
	assert.deepEqual(problems, [], `problems in ${file}`);
	return settings;
}

/** Lints a fixture file and returns the findings of one rule in the expected-file shape. */
export async function findingsOf(fixture: string, ruleId: string): Promise<ExpectedFinding[]> {
	const text = readFileSync(fixture, 'utf8');
	const result = await lintText(text, fixtureSettings(fixture));
	return result.findings.filter((finding) => finding.ruleId === ruleId).map((finding) => ({
		line: finding.range.line + 1,
		column: finding.range.column + 1,
		endColumn: finding.range.endColumn + 1,
		severity: finding.severity,
		message: finding.message,
		...(finding.scope === 'file' ? { scope: 'file' as const } : {}),
	}));
}

/**
 * The one golden check: lints `test-fixtures/<ruleId>/<name>.jsonl` and compares the rule's findings with
 * `<name>.expected.json`. Run with UPDATE_EXPECT=1 to (re)write the expected file, then review the diff.
 */
export async function checkFixture(ruleId: string, name: string): Promise<ExpectedFinding[]> {
	const fixture = path.join(FIXTURES, ruleId, `${name}.jsonl`);
	const expectedFile = path.join(FIXTURES, ruleId, `${name}.expected.json`);
	const actual = await findingsOf(fixture, ruleId);
	if (process.env.UPDATE_EXPECT === '1') {
		writeFileSync(expectedFile, `${JSON.stringify(actual, null, '\t')}\n`);
	}
	assert.ok(existsSync(expectedFile), `missing ${expectedFile}: run the tests with UPDATE_EXPECT=1 and review it`);
	const expected = JSON.parse(readFileSync(expectedFile, 'utf8')) as ExpectedFinding[];
	assert.deepEqual(actual, expected, `${ruleId}/${name}.jsonl: findings differ from ${name}.expected.json`);
	return actual;
}
