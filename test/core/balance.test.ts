import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { isClassificationLike } from '../../server/src/core/balance/labels';
import { balanceMeasures, binomialUpperTail } from '../../server/src/core/balance/measures';
import { defaultSettings, lintText, type Finding, type LintResult } from '../../server/src/core';
import { spellingGroups } from '../../server/src/core/rules/label-format';
import { SHARED_DATASETS, SKIP_WITHOUT_DATASETS } from '../helpers/paths';

async function balanceFindings(file: string): Promise<Finding[]> {
	return (await balanceLint(file)).findings;
}

/** The balance rules' findings and facts (the distribution the status item shows) on a shared dataset. */
async function balanceLint(file: string): Promise<LintResult> {
	const settings = defaultSettings();
	settings.categories = ['balance'];
	return lintText(readFileSync(path.join(SHARED_DATASETS ?? '', file), 'utf8'), settings);
}

void describe('balance measures', () => {
	void it('computes ratio, normalised entropy and cleanlab\'s rule', () => {
		const measures = balanceMeasures(new Map([['a', 90], ['b', 6], ['c', 4]]));
		assert.equal(measures.imbalanceRatio, 22.5);
		assert.equal(measures.cleanlabImbalanced, false, '4% is above 0.1 × 1/3');
		assert.equal(balanceMeasures(new Map([['a', 98], ['b', 2]])).cleanlabImbalanced, true);
		assert.ok(Math.abs(balanceMeasures(new Map([['a', 5], ['b', 5]])).normalizedEntropy - 1) < 1e-12);
	});

	void it('takes final answers as labels only when there are at most 50 distinct ones, under a third of the records', () => {
		assert.equal(isClassificationLike('openai-chat', 50, 151), true);
		assert.equal(isClassificationLike('openai-chat', 51, 10_000), false, 'more than 50 answers: generative');
		assert.equal(isClassificationLike('alpaca', 10, 30), false, 'a third of the records: generative');
		assert.equal(isClassificationLike('prompt-completion', 10, 31), true);
		assert.equal(isClassificationLike('classification', 500, 600), true, 'an explicit label field is always a label');
		assert.equal(isClassificationLike('unpaired-preference', 2, 2), true);
	});

	void it('gives exact binomial tails', () => {
		assert.ok(Math.abs(binomialUpperTail(3, 3, 0.5) - 0.125) < 1e-12);
		assert.ok(Math.abs(binomialUpperTail(2, 3, 0.5) - 0.5) < 1e-12);
		assert.equal(binomialUpperTail(0, 10, 0.3), 1);
	});

	void it('groups spellings of one label and keeps ambiguous or numeric ones apart', () => {
		const groups = spellingGroups(['positive', 'Positive', 'POS', 'negative ', 'negative', '1', '10']).map((group) => group.sort());
		assert.deepEqual(groups.find((group) => group.includes('positive')), ['POS', 'Positive', 'positive']);
		assert.deepEqual(groups.find((group) => group.includes('negative')), ['negative', 'negative ']);
		assert.deepEqual(groups.find((group) => group.includes('1')), ['1']);
		const ambiguous = spellingGroups(['pos', 'positive', 'position']);
		assert.equal(ambiguous.length, 3, '"pos" starts two labels, so it is not merged with either');
	});
});

void describe('balance on the real datasets', { skip: SKIP_WITHOUT_DATASETS }, () => {
	void it('sms_spam_collection: 87/13 ham/spam is a 6.5:1 imbalance', async () => {
		const findings = await balanceFindings('classification/sms_spam_collection.jsonl');
		assert.equal(findings.length, 1);
		const [finding] = findings;
		assert.equal(finding.ruleId, 'label-imbalance');
		assert.equal(finding.severity, 'warning');
		assert.equal(finding.scope, 'file');
		assert.equal(finding.range.line, 0, 'on line 1');
		assert.match(finding.message, /^Label imbalance 6\.5:1 .*"ham" 86\.6% \(4,827\), "spam" 13\.4% \(747\)\.$/);
		assert.deepEqual(finding.data?.distribution, { ham: 4827, spam: 747 });
		assert.ok(Math.abs(Number(finding.data?.imbalanceRatio) - 4827 / 747) < 1e-9);
	});

	void it('tweeteval_stance_climate_train: 151/13/191, ratio 14.7, rare class 1 above cleanlab\'s line', async () => {
		const findings = await balanceFindings('classification/tweeteval_stance_climate_train.jsonl');
		const imbalance = findings.find((finding) => finding.ruleId === 'label-imbalance');
		assert.deepEqual(imbalance?.data?.distribution, { 0: 151, 1: 13, 2: 191 });
		assert.equal(imbalance?.severity, 'warning', '13 of 355 (3.7%) is above cleanlab\'s 3.3% (0.1 × 1/3)');
		assert.ok(Math.abs(Number(imbalance?.data?.imbalanceRatio) - 191 / 13) < 1e-9, '14.7:1');
		assert.equal(findings.filter((finding) => finding.ruleId === 'label-rare-class').length, 0, '13 examples is not under 10');
	});

	void it('tweeteval_stance_climate_val: class 1 has too few examples', async () => {
		const rare = (await balanceFindings('classification/tweeteval_stance_climate_val.jsonl')).filter((finding) => finding.ruleId === 'label-rare-class');
		assert.equal(rare.length, 1);
		assert.equal(rare[0].data?.label, '1');
		assert.equal(rare[0].data?.count, 2, 'class 1 has 2 of 40 records (17/2/21)');
		assert.equal(rare[0].range.line, 23, 'on its first record');
	});

	void it('tweeteval_emotion_train: four skewed classes (1400/855/708/294)', async () => {
		const [finding] = await balanceFindings('classification/tweeteval_emotion_train.jsonl');
		assert.deepEqual(finding.data?.distribution, { 0: 1400, 1: 708, 2: 294, 3: 855 });
		assert.ok(Math.abs(Number(finding.data?.imbalanceRatio) - 1400 / 294) < 1e-9, '4.76:1');
		assert.equal(finding.severity, 'warning', '294 of 3,257 (9.0%) is above cleanlab\'s 2.5% (0.1 × 1/4)');
	});

	void it('olid_offenseval_train (2:1) and the balanced KTO booleans stay quiet; their distribution is a fact for the status item', async () => {
		const olid = await balanceLint('classification/olid_offenseval_train.jsonl');
		assert.deepEqual(olid.findings, []);
		assert.deepEqual(olid.facts['label-imbalance']?.distribution, { 0: 7961, 1: 3954 }, '2.01:1, under the ratio of 3');
		const kto = await balanceLint('preference/llamafactory_kto_en_demo.jsonl');
		assert.deepEqual(kto.findings, []);
		assert.deepEqual(kto.facts['label-imbalance']?.distribution, { true: 150, false: 150 });
	});

	void it('hh_rlhf harmless: the chosen answer is longer in only 44% of pairs, within the margin', async () => {
		const settings = defaultSettings();
		settings.categories = ['balance'];
		settings.ruleOptions['preference-length-bias'] = { margin: 0.05 };
		const result = await lintText(readFileSync(path.join(SHARED_DATASETS ?? '', 'preference/hh_rlhf_harmless_base_test.prompt_chosen_rejected.jsonl'), 'utf8'), settings);
		const [finding] = result.findings;
		assert.equal(finding.ruleId, 'preference-length-bias');
		assert.ok(Math.abs(Number(finding.data?.chosenLongerShare) - 1023 / 2301) < 1e-9, '44.5% of the 2,301 pairs of unequal length');
		// The mean lengths are over all 2,312 pairs, the 11 of equal length included.
		const pairs = readFileSync(path.join(SHARED_DATASETS ?? '', 'preference/hh_rlhf_harmless_base_test.prompt_chosen_rejected.jsonl'), 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as { chosen: string; rejected: string });
		assert.equal(pairs.length, 2312);
		assert.ok(Math.abs(Number(finding.data?.meanChosenChars) - pairs.reduce((sum, pair) => sum + pair.chosen.length, 0) / 2312) < 1e-9);
		assert.ok(Math.abs(Number(finding.data?.meanRejectedChars) - pairs.reduce((sum, pair) => sum + pair.rejected.length, 0) / 2312) < 1e-9);
		assert.deepEqual(await balanceFindings('preference/hh_rlhf_harmless_base_test.prompt_chosen_rejected.jsonl'), []);
	});
});
