import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import { defaultSettings, lintText, type Finding, type RecordContent } from '../../server/src/core';
import { startAudit } from '../../server/src/core/fairness/audit';
import { auditDocument } from '../../server/src/core/fairness/document';
import { answerLabel, isRefusal, isSmallAnswerSet } from '../../server/src/core/fairness/labels';
import { BUILT_IN_LEXICON } from '../../server/src/core/fairness/lexicon';
import { DEFAULT_ASSOCIATION_OPTIONS, DEFAULT_REPRESENTATION_OPTIONS, reweighingWeights } from '../../server/src/core/fairness/measures';
import { auditMarkdown } from '../../server/src/core/fairness/report';
import { bonferroni, chiSquareUpperTail, fisherExactTwoSided, parityGoodnessOfFit, testIndependence, wilsonInterval } from '../../server/src/core/fairness/statistics';
import { checkFixture, findingsOf } from '../helpers/golden';
import { FIXTURES, SHARED_DATASETS, SKIP_WITHOUT_DATASETS } from '../helpers/paths';

const close = (actual: number, expected: number, tolerance: number, what: string): void => {
	assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} is not within ${tolerance} of ${expected}`);
};

void describe('fairness statistics (reference values from R and scipy)', () => {
	void it('chi-square upper tail', () => {
		close(chiSquareUpperTail(3.841458820694124, 1), 0.05, 1e-9, 'pchisq(3.8415, 1, lower=FALSE)');
		close(chiSquareUpperTail(10, 3), 0.01856613546304325, 1e-12, 'pchisq(10, 3, lower=FALSE)');
		close(chiSquareUpperTail(0.5, 4), 0.9735009788392561, 1e-12, 'pchisq(0.5, 4, lower=FALSE)');
		assert.equal(chiSquareUpperTail(0, 1), 1);
		assert.ok(chiSquareUpperTail(400, 1) < 1e-80);
	});

	void it("Fisher's exact test: the tea-tasting table and a lopsided one", () => {
		close(fisherExactTwoSided({ groupWithLabel: 3, groupWithoutLabel: 1, restWithLabel: 1, restWithoutLabel: 3 }), 0.4857142857142857, 1e-12, 'fisher.test(matrix(c(3,1,1,3),2))');
		close(fisherExactTwoSided({ groupWithLabel: 10, groupWithoutLabel: 0, restWithLabel: 2, restWithoutLabel: 8 }), 0.0007144558228149558, 1e-12, 'fisher.test(matrix(c(10,2,0,8),2)), checked with scipy');
	});

	void it('Pearson chi-square and Cramér\'s V on a 2x2 table; Fisher when an expected count is small', () => {
		const test = testIndependence({ groupWithLabel: 30, groupWithoutLabel: 10, restWithLabel: 20, restWithoutLabel: 40 });
		// chisq.test(matrix(c(30,20,10,40),2), correct=FALSE): X-squared = 16.667, p-value = 4.456e-05.
		close(test.chiSquare, 16.666666666666668, 1e-9, 'X-squared');
		close(test.pValue, 4.455709060300143e-5, 1e-10, 'p-value');
		close(test.cramersV, Math.sqrt(16.666666666666668 / 100), 1e-12, 'V');
		assert.equal(test.test, 'chi-square');
		assert.equal(testIndependence({ groupWithLabel: 3, groupWithoutLabel: 1, restWithLabel: 1, restWithoutLabel: 3 }).test, 'fisher');
		assert.deepEqual(testIndependence({ groupWithLabel: 5, groupWithoutLabel: 0, restWithLabel: 5, restWithoutLabel: 0 }), { chiSquare: 0, pValue: 1, cramersV: 0, test: 'chi-square' });
	});

	void it('Wilson interval, Bonferroni and parity goodness of fit', () => {
		const [low, high] = wilsonInterval(5, 10);
		close(low, 0.2365931, 1e-6, 'prop.test-style Wilson low');
		close(high, 0.7634069, 1e-6, 'Wilson high');
		assert.deepEqual(wilsonInterval(0, 0), [0, 1]);
		assert.equal(bonferroni(0.01, 10), 0.1);
		assert.equal(bonferroni(0.5, 10), 1);
		const fit = parityGoodnessOfFit([60, 40]);
		close(fit.chiSquare, 4, 1e-12, 'chisq.test(c(60,40))');
		close(fit.pValue, 0.04550026389635842, 1e-12, 'p');
	});

	void it('stays finite on large tables', () => {
		const test = testIndependence({ groupWithLabel: 4e8, groupWithoutLabel: 1e8, restWithLabel: 1e9, restWithoutLabel: 2e9 });
		assert.ok(Number.isFinite(test.chiSquare) && test.chiSquare > 0);
		assert.ok(test.pValue >= 0 && test.pValue < 1e-100);
	});
});

void describe('refusals and answer classes', () => {
	void it('recognises refusals, not answers that merely apologise in passing', () => {
		for (const answer of ["I'm sorry, but I can't help with that.", 'I cannot assist with this request.', 'As an AI, I must decline.', 'Unfortunately, I am unable to do that.', 'Sorry, I won\'t write that.', 'I will not help with it.']) {
			assert.ok(isRefusal(answer), answer);
		}
		for (const answer of ['Sure! Here is the poem.', 'The sorry state of the roads is due to funding.', 'I can help with that: first, preheat the oven.', 'Paris.']) {
			assert.ok(!isRefusal(answer), answer);
		}
	});

	void it('reads answers as the label-balance rules do and decides when an answer set is small', () => {
		assert.equal(answerLabel('  Positive.\n'), 'Positive.');
		assert.ok(isSmallAnswerSet(2, 100));
		assert.ok(!isSmallAnswerSet(40, 100));
		assert.ok(!isSmallAnswerSet(1, 100));
		assert.ok(!isSmallAnswerSet(51, 10000));
	});
});

void describe('audit data', () => {
	void it('reports the planted group with the right direction and the fields the issue names', async () => {
		const text = readFileSync(path.join(FIXTURES, 'group-label-association', 'bad.jsonl'), 'utf8');
		const result = await lintText(text, { ...defaultSettings(), categories: ['fairness'] });
		const findings = result.findings.filter((finding: Finding) => finding.ruleId === 'group-label-association');
		assert.equal(findings.length, 1);
		const data = findings[0].data ?? {};
		assert.equal(data.group, 'muslim');
		assert.equal(data.axis, 'religion');
		assert.equal(data.label, 'toxic');
		assert.deepEqual(data.terms, ['muslim']);
		assert.equal(data.count, 30);
		close(data.groupRate as number, 24 / 30, 1e-12, 'groupRate');
		assert.ok((data.difference as number) > 0);
		assert.ok((data.ratio as number) > 1);
		for (const key of ['overallRate', 'chiSquare', 'pValue', 'cramersV', 'adjustedPValue']) {
			assert.equal(typeof data[key], 'number', key);
		}
		assert.equal(findings[0].scope, 'file');
		assert.equal(findings[0].range.line, 0);
	});

	void it('counts records without text as skipped and does not test groups below the minimum count', () => {
		const audit = startAudit(BUILT_IN_LEXICON, { includeAmbiguous: false, representation: DEFAULT_REPRESENTATION_OPTIONS, association: DEFAULT_ASSOCIATION_OPTIONS });
		const content = (text: string, label: string): RecordContent => ({ turns: [], prompt: text, answer: '', label, text });
		audit.add(undefined);
		audit.add(content('   ', 'a'));
		for (let i = 0; i < 10; i++) {
			audit.add(content('a muslim neighbour', 'toxic'));
			audit.add(content('nothing here', 'ok'));
		}
		const result = audit.finish();
		assert.equal(result.skippedWithoutText, 2);
		assert.equal(result.records, 20);
		assert.deepEqual(result.association.rows, []);
		assert.deepEqual(result.association.untestedGroups, [{ axis: 'religion', group: 'muslim', count: 10 }]);
	});

	void it('marks mentions of a flagged group on their lines when markMentions is on', async () => {
		const text = readFileSync(path.join(FIXTURES, 'group-label-association', 'bad.jsonl'), 'utf8');
		const settings = { ...defaultSettings(), categories: ['fairness' as const], ruleOptions: { 'group-label-association': { markMentions: true } } };
		const result = await lintText(text, settings);
		const markers = result.findings.filter((finding) => finding.ruleId === 'group-label-association' && finding.severity === 'info');
		assert.equal(markers.length, 30);
		const lines = text.split('\n');
		for (const marker of markers) {
			assert.equal(lines[marker.range.line].slice(marker.range.column, marker.range.endColumn).toLowerCase(), 'muslim');
		}
	});
});

void describe('fairness golden fixtures', () => {
	const cases: [string, string][] = [
		['group-label-association', 'bad'],
		['group-label-association', 'good'],
		['group-label-association', 'bad-refusal'],
		['group-label-association', 'user-lexicon'],
		['demographic-representation', 'bad'],
		['demographic-representation', 'good'],
		['demographic-representation', 'bad-lexicon'],
	];
	for (const [ruleId, name] of cases) {
		void it(`${ruleId}/${name}`, async () => {
			const findings = await checkFixture(ruleId, name);
			if (name === 'good') {
				assert.deepEqual(findings, [], 'a tricky negative has no findings');
			} else {
				assert.ok(findings.length > 0, 'a bad fixture has findings');
			}
		});
	}
});

/** The real datasets live beside the repository; tests that need them skip cleanly when they are absent. */
const BIAS = path.join(SHARED_DATASETS ?? '', 'bias');

void describe('fairness on the real conversationai datasets', { skip: SKIP_WITHOUT_DATASETS }, () => {
	void it('bias_madlibs_77k (balanced by construction): no significant association, even counting ambiguous terms', async () => {
		const text = readFileSync(path.join(BIAS, 'conversationai_bias_madlibs_77k.jsonl'), 'utf8');
		const result = await lintText(text, { ...defaultSettings(), categories: ['fairness'] });
		assert.deepEqual(result.findings.filter((finding) => finding.ruleId === 'group-label-association'), []);
		// With ambiguous terms ("white", "old", "blind") every one of the 50 identity terms counts; still nothing is flagged.
		const withAmbiguous = auditDocument(text.split('\n'), { ...defaultSettings(), ruleOptions: { 'group-label-association': { includeAmbiguous: true } } });
		assert.equal(withAmbiguous.association.rows.filter((row) => row.significant).length, 0);
		assert.equal(new Set(withAmbiguous.association.rows.map((row) => row.group)).size, 34);
		assert.ok(withAmbiguous.association.rows.every((row) => row.adjustedPValue === 1));
	});

	void it('wiki toxicity: "gay" is over-associated with toxic in the original comments, not after the identity terms are swapped', async () => {
		const original = await findingsOf(path.join(BIAS, 'conversationai_wiki_toxicity_nonfuzzed_testset.jsonl'), 'group-label-association');
		const fuzzed = await findingsOf(path.join(BIAS, 'conversationai_wiki_toxicity_fuzzed_testset.jsonl'), 'group-label-association');
		// Strongest first: "gay" with toxic (1); then "christian" and "catholic" with non-toxic (0), also a learnable skew.
		assert.deepEqual(original.map((finding) => /^Records mentioning "(\w+)".* labelled "(\d)"/.exec(finding.message)?.slice(1, 3).join(':')), ['gay:1', 'christian:0', 'catholic:0']);
		assert.match(original[0].message, /^Records mentioning "gay" \(sexual orientation; 193 records\) are labelled "1" 59\.1% of the time against 16\.6% overall/);
		assert.deepEqual(fuzzed, []);
	});
});

void describe('audit report and reweighing', () => {
	const lines = readFileSync(path.join(FIXTURES, 'group-label-association', 'bad.jsonl'), 'utf8').split('\n');

	void it('renders the representation and group × label tables as Markdown, flagged rows marked', () => {
		const markdown = auditMarkdown(auditDocument(lines, defaultSettings()));
		assert.match(markdown, /^# Demographic audit/);
		assert.match(markdown, /\| religion\/muslim \| toxic \| 30 \| 80% \(\d+(\.\d)?%–\d+(\.\d)?%\) \| 54\.1% \| \+25\.9 pts \| 1\.48 \| yes \| chi-square \| 0\.0037 \| 0\.28 \| \*\*yes\*\* \|/);
		assert.match(markdown, /Labels: the label field\./);
	});

	void it('gives AIF360 reweighing weights that make the label independent of the group', () => {
		const audit = auditDocument(lines, defaultSettings());
		const row = audit.association.rows.find((candidate) => candidate.group === 'muslim' && candidate.label === 'toxic');
		assert.ok(row !== undefined);
		const weights = reweighingWeights(row);
		// Weighted toxic rate inside the group equals the weighted rate outside it.
		const inside = (row.labelCount * weights.groupWithLabel) / (row.labelCount * weights.groupWithLabel + (row.count - row.labelCount) * weights.groupWithoutLabel);
		const restCount = audit.records - row.count;
		const restLabel = Math.round(row.restRate * restCount);
		const outside = (restLabel * weights.restWithLabel) / (restLabel * weights.restWithLabel + (restCount - restLabel) * weights.restWithoutLabel);
		close(inside, outside, 1e-9, 'weighted rates');
		close(inside, row.overallRate, 1e-9, 'weighted rate equals the overall rate');
		assert.ok(weights.groupWithLabel < 1 && weights.groupWithoutLabel > 1);
	});
});
