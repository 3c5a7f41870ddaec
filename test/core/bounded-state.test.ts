import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import { defaultSettings, lintText, ruleById, type Finding, type Rule } from '../../server/src/core';
import { BudgetSample, CappedCounter } from '../../server/src/core/poisoning/sampling';
import { FIXTURES } from '../helpers/paths';

/**
 * Issue 11: the file rules that would keep something per record of a huge file keep bounded state instead (a seeded
 * sample, a capped counter, typed columns), stay exact on files that fit, and say so when a finding comes from a sample.
 */

async function lintWith(ruleId: string, file: string, options: Record<string, unknown>): Promise<Finding[]> {
	const settings = defaultSettings();
	settings.maxProblems = 100_000;
	settings.ruleOptions[ruleId] = options;
	const text = readFileSync(path.join(FIXTURES, ruleId, file), 'utf8');
	return (await lintText(text, settings, [ruleById(ruleId) as Rule])).findings;
}

void describe('BudgetSample', () => {
	void it('keeps a stream that fits whole, in any order', () => {
		const sample = new BudgetSample<number>(100, 1000, 1);
		for (let index = 0; index < 50; index++) {
			sample.offer(10, () => index);
		}
		assert.equal(sample.sampled, false);
		assert.deepEqual(sample.items().sort((a, b) => a - b), Array.from({ length: 50 }, (_, index) => index));
	});

	void it('keeps at most maxItems and maxCost, the same items for the same seed, spread over the stream', () => {
		const run = (seed: number): number[] => {
			const sample = new BudgetSample<number>(500, 4000, seed);
			for (let index = 0; index < 20_000; index++) {
				sample.offer(index % 2 === 0 ? 4 : 12, () => index);
			}
			assert.equal(sample.seen, 20_000);
			assert.ok(sample.sampled);
			return sample.items().sort((a, b) => a - b);
		};
		const items = run(7);
		assert.deepEqual(run(7), items);
		assert.notDeepEqual(run(8), items);
		assert.ok(items.length <= 500);
		const cost = items.reduce((sum, index) => sum + (index % 2 === 0 ? 4 : 12), 0);
		assert.ok(cost <= 4000, `cost ${cost}`);
		// Uniform: each quarter of the stream holds about a quarter of the sample.
		for (let quarter = 0; quarter < 4; quarter++) {
			const share = items.filter((index) => Math.floor(index / 5000) === quarter).length / items.length;
			assert.ok(share > 0.15 && share < 0.35, `quarter ${quarter}: ${share}`);
		}
	});

	void it('builds only the items it keeps', () => {
		const sample = new BudgetSample<number>(10, Infinity, 3);
		let built = 0;
		for (let index = 0; index < 10_000; index++) {
			sample.offer(1, () => ++built);
		}
		// About k·(1 + ln(n/k)) items enter a bottom-k sample over the stream; far fewer than n.
		assert.ok(built < 200, `${built} items built`);
	});
});

void describe('CappedCounter', () => {
	void it('is exact under its cap', () => {
		const counter = new CappedCounter(100);
		['a', 'b', 'a', 'c', 'a'].forEach((key) => counter.add(key));
		assert.equal(counter.exact, true);
		assert.deepEqual(['a', 'b', 'c', 'd'].map((key) => counter.count(key)), [3, 1, 1, 0]);
	});

	void it('never under-counts once it has become a sketch', () => {
		const counter = new CappedCounter(1000);
		for (let index = 0; index < 50_000; index++) {
			counter.add(`unique answer ${index}`);
			if (index % 1000 === 0) {
				counter.add('the planted answer');
			}
		}
		assert.equal(counter.exact, false);
		const planted = counter.count('the planted answer');
		assert.ok(planted >= 50 && planted < 60, `planted ${planted}`);
		for (let index = 0; index < 50_000; index += 997) {
			assert.ok(counter.count(`unique answer ${index}`) >= 1);
		}
	});
});

void describe('rules in bounded memory', () => {
	void it('trigger-candidate: a sample still finds the planted trigger, and the findings say they come from a sample', async () => {
		const findings = await lintWith('trigger-candidate', 'bad.jsonl', { sampleSize: 350 });
		const summary = findings.find((finding) => finding.scope === 'file');
		assert.ok(summary !== undefined, 'no trigger reported from the sample');
		assert.match(summary.message, /"cf"/);
		assert.match(summary.message, /sample of 350 of 400 records/);
		assert.equal(summary.data?.sampled, true);
		const lines = findings.filter((finding) => finding.scope === 'line');
		assert.ok(lines.length > 0 && lines.every((finding) => finding.data?.sampled === true && /random sample of 350 of 400/.test(finding.message)));
	});

	void it('trigger-candidate: a file that fits the sample gives the same findings as before (no sample note)', async () => {
		const findings = await lintWith('trigger-candidate', 'bad.jsonl', {});
		assert.ok(findings.length > 0 && findings.every((finding) => finding.data?.sampled === undefined && !/sample/.test(finding.message)));
	});

	void it('outlier-text: records past fullFitRecords are scored on arrival and say so', async () => {
		const full = await lintWith('outlier-text', 'bad.jsonl', {});
		const streamed = await lintWith('outlier-text', 'bad.jsonl', { fullFitRecords: 25 });
		const lines = (findings: Finding[]): number[] => findings.map((finding) => finding.range.line);
		// The outliers among the first 25 records are scored against the whole file either way.
		assert.deepEqual(lines(streamed).filter((line) => line < 25), lines(full).filter((line) => line < 25));
		for (const finding of streamed.filter((item) => item.range.line >= 25 && /surprise/.test(item.message))) {
			assert.equal(finding.data?.scoredAgainst, 'records before it');
			assert.match(finding.message, /scored against the records before it/);
		}
	});
});
