import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { findLabelIssues } from '../../server/src/training/confidentLearning';
import { answersNeedMoreData, DEFAULT_CURVE_OPTIONS, needsMoreData, overfittingEvidence } from '../../server/src/training/curves';
import { FeatureSpace, tokenize } from '../../server/src/training/features';
import { labelIssueFinding } from '../../server/src/training/findings';
import { groupMetrics, type Rate } from '../../server/src/training/groups';
import { evaluate, wilsonInterval } from '../../server/src/training/metrics';
import { stratifiedFolds, stratifiedSplit } from '../../server/src/training/split';
import { insertAtRandomWord } from '../../server/src/training/triggers';

/** Pure parts of the trainer: features, splits, metrics, confident learning and the curve rules; no TensorFlow. */

void describe('features', () => {
	void it('tokenizes words and punctuation, lower-cased', () => {
		assert.deepEqual(tokenize("It's GREAT, isn't it!"), ["it's", 'great', ',', "isn't", 'it', '!']);
	});
	void it('vectorizes to L2-normalised TF-IDF rows and drops n-grams never seen in training', () => {
		const space = FeatureSpace.fit(['good film', 'bad film']);
		assert.equal(space.size, 5);
		// "good", "film" and "good film" were seen in training; "zebra" and "film zebra" were not.
		const vector = space.vectorize('good film zebra');
		assert.equal(vector.indices.length, 3);
		assert.ok(Math.abs(vector.values.reduce((sum, value) => sum + value * value, 0) - 1) < 1e-6);
		assert.equal(space.vectorize('zebra').indices.length, 0);
	});
});

void describe('splits', () => {
	const classes = Int32Array.from({ length: 100 }, (_, index) => (index < 80 ? 0 : 1));
	void it('hold out the same share of every class, deterministically per seed', () => {
		const split = stratifiedSplit(classes, 0.1, 3);
		assert.equal(split.validation.filter((index) => classes[index] === 1).length, 2);
		assert.equal(split.validation.length + split.train.length, 100);
		assert.deepEqual(stratifiedSplit(classes, 0.1, 3), split);
		assert.notDeepEqual(stratifiedSplit(classes, 0.1, 4).validation, split.validation);
	});
	void it('deal folds that partition the data and keep the class balance', () => {
		const folds = stratifiedFolds(classes, 5, 1);
		assert.deepEqual(folds.flat().sort((a, b) => a - b), [...classes.keys()]);
		for (const fold of folds) {
			assert.equal(fold.filter((index) => classes[index] === 1).length, 4);
		}
	});
});

void describe('metrics', () => {
	void it('compute loss, accuracy and macro F1', () => {
		const metrics = evaluate(Float32Array.from([0.9, 0.1, 0.2, 0.8, 0.6, 0.4]), [0, 1, 1], 2);
		assert.equal(metrics.accuracy, 2 / 3);
		assert.ok(Math.abs(metrics.loss - -(Math.log(0.9) + Math.log(0.8) + Math.log(0.4)) / 3) < 1e-6);
		assert.ok(Math.abs(metrics.macroF1 - (2 / 3 + 2 / 3) / 2) < 1e-9);
	});
	void it('give Wilson intervals that contain the proportion', () => {
		const [low, high] = wilsonInterval(8, 10);
		assert.ok(low < 0.8 && high > 0.8 && low > 0.4 && high < 1);
		assert.deepEqual(wilsonInterval(0, 0), [0, 1]);
	});
});

void describe('confident learning', () => {
	void it('flags confidently contradicted labels, ranked by self-confidence, and leaves agreeing records alone', () => {
		// Twenty records of each class, confidently predicted; records 3 and 25 carry the other class's label.
		const given = Array.from({ length: 40 }, (_, index) => (index < 20 ? 0 : 1));
		given[3] = 1;
		given[25] = 0;
		const probabilities = new Float32Array(80);
		for (let i = 0; i < 40; i++) {
			const p = i < 20 ? 0.9 : 0.1;
			probabilities[i * 2] = i === 25 ? 0.05 : i === 3 ? 0.97 : p;
			probabilities[i * 2 + 1] = 1 - probabilities[i * 2];
		}
		const issues = findLabelIssues(probabilities, given, 2);
		assert.deepEqual(issues.map((issue) => issue.index), [3, 25]);
		assert.equal(issues[0].suggested, 0);
		assert.ok(issues[0].selfConfidence < issues[1].selfConfidence);
	});
	void it('needs the other label\'s own threshold: leaning towards it is not enough', () => {
		// Class 1 records are predicted with p = 0.95, so its threshold (their mean self-confidence) is about 0.95.
		// Record 2 leans to class 1 with p = 0.6 and record 5 with p = 0.97: only record 5 is confidently mislabelled.
		const given = Array.from({ length: 40 }, (_, index) => (index < 20 ? 0 : 1));
		const probabilities = new Float32Array(80);
		for (let i = 0; i < 40; i++) {
			const one = i === 2 ? 0.6 : i === 5 ? 0.97 : i < 20 ? 0.3 : 0.95;
			probabilities[i * 2] = 1 - one;
			probabilities[i * 2 + 1] = one;
		}
		assert.deepEqual(findLabelIssues(probabilities, given, 2).map((issue) => issue.index), [5]);
	});
	void it('prunes by the noise rate but keeps at least one record of every class (cleanlab\'s min_examples_per_class)', () => {
		// Both class 1 records are confidently class 0 (p = 0.92 and 0.95), so the confident joint puts all of class 1
		// off the diagonal. Pruning may take all but one of a class: only the more suspicious record (p = 0.95) is flagged.
		const given = Array.from({ length: 22 }, (_, index) => (index < 20 ? 0 : 1));
		const zero = given.map((label, index) => (label === 0 ? 0.9 : index === 20 ? 0.92 : 0.95));
		const probabilities = Float32Array.from(zero.flatMap((p) => [p, 1 - p]));
		const issues = findLabelIssues(probabilities, given, 2);
		assert.deepEqual(issues.map((issue) => [issue.index, issue.given, issue.suggested]), [[21, 1, 0]]);
	});
});

void describe('curve rules', () => {
	const epoch = (n: number, loss: number, valLoss: number) => ({ epoch: n, loss, accuracy: 0, valLoss, valAccuracy: 0, seconds: 0 });
	void it('report overfitting when validation loss rises after the best epoch while training loss falls', () => {
		const history = [epoch(1, 0.6, 0.5), epoch(2, 0.3, 0.45), epoch(3, 0.1, 0.5), epoch(4, 0.05, 0.6)];
		const evidence = overfittingEvidence(history, 2);
		assert.equal(evidence?.startedAtEpoch, 3);
		assert.ok(Math.abs((evidence?.gapAtBest ?? 0) - 0.15) < 1e-9);
		assert.equal(overfittingEvidence([epoch(1, 0.6, 0.5), epoch(2, 0.3, 0.45), epoch(3, 0.2, 0.451)], 2), undefined);
		assert.equal(overfittingEvidence([epoch(1, 0.6, 0.5), epoch(2, 0.3, 0.45), epoch(3, 0.35, 0.6)], 2), undefined, 'training loss rose too: not overfitting');
	});
	void it('ask for more data only while the learning curve still rises steeply', () => {
		const curve = (half: number) => [
			{ share: 0.5, records: 50, accuracy: half, loss: 0 },
			{ share: 1, records: 100, accuracy: 0.8, loss: 0 },
		];
		assert.equal(needsMoreData(curve(0.7), DEFAULT_CURVE_OPTIONS), true);
		assert.equal(needsMoreData(curve(0.795), DEFAULT_CURVE_OPTIONS), false);
	});
	void it('ask for more answers while the next-token proxy\'s loss still falls (or its token accuracy rises) from half to all', () => {
		const curve = (halfLoss: number, halfAccuracy: number) => [
			{ share: 0.5, records: 50, accuracy: halfAccuracy, loss: halfLoss },
			{ share: 1, records: 100, accuracy: 0.2, loss: 5 },
		];
		assert.equal(answersNeedMoreData(curve(5.2, 0.2)), true, 'loss fell 3.8 %');
		assert.equal(answersNeedMoreData(curve(5.1, 0.185)), true, 'token accuracy rose 1.5 points');
		assert.equal(answersNeedMoreData(curve(5.1, 0.195)), false, 'loss fell 2 %, accuracy rose half a point');
	});
});

void describe('findings and helpers', () => {
	void it('point a label issue at the label value, with a relabel fix that keeps the JSON type', () => {
		const line = '{"text": "dull", "label": 1}';
		const finding = labelIssueFinding(line, 4, ['label'], { index: 0, given: 1, suggested: 0, selfConfidence: 0.05, suggestedProbability: 0.95 }, ['0', '1'], 1);
		assert.equal(finding.message, 'Labelled "1", the model says "0" with p = 0.95 (out-of-fold; rank 1 of the likely label errors)');
		assert.deepEqual(finding.range, { line: 4, column: line.indexOf('1'), endLine: 4, endColumn: line.indexOf('1') + 1 });
		assert.equal(finding.fix?.edits[0].newText, '0');
	});
	void it('score groups against the rest and list small groups unscored', () => {
		const texts = [...Array(40).fill('about martians'), ...Array(40).fill('about people'), 'a venusian'];
		const truth = Array.from({ length: 81 }, (_, index) => index % 2);
		const predicted = truth.map((label, index) => (index < 40 && index % 4 === 0 ? 1 - label : label));
		const matcher = (text: string) => (text.includes('martians') ? ['species/martians'] : text.includes('venusian') ? ['species/venusians'] : []);
		const [martians, venusians] = groupMetrics(texts, truth, predicted, ['0', '1'], matcher, 30);
		assert.equal(martians.accuracy?.value, 0.75);
		assert.ok((martians.accuracy?.gap ?? 0) < -0.2);
		assert.equal(martians.perLabel?.length, 2);
		// Ten of the twenty martian "0" records are predicted "1"; every other record is predicted right.
		const [zero, one] = martians.perLabel ?? [];
		const rest = 40 + 1;
		assertRate(one.selectionRate, { value: 30 / 40, successes: 30, trials: 40, rest: 20 / rest });
		assertRate(zero.truePositiveRate, { value: 10 / 20, successes: 10, trials: 20, rest: 1 });
		assertRate(one.truePositiveRate, { value: 1, successes: 20, trials: 20, rest: 1 });
		assertRate(one.positivePredictiveValue, { value: 20 / 30, successes: 20, trials: 30, rest: 1 });
		assertRate(zero.positivePredictiveValue, { value: 1, successes: 10, trials: 10, rest: 1 });
		assert.ok(zero.truePositiveRate.pValue < 0.01 && one.truePositiveRate.pValue > 0.5);
		assert.deepEqual(venusians, { group: 'species/venusians', records: 1, scored: false });
	});
	void it('insert trigger n-grams between words, start-bound ones at the start', () => {
		assert.equal(insertAtRandomWord('a b', 'cf', () => 0.99), 'a b cf');
		assert.equal(insertAtRandomWord('a b', '<s> when', () => 0.99), 'when a b');
	});
});

/** A group's rate: its value and counts, the rest's value, the gap, and a 95 % Wilson interval around the value. */
function assertRate(rate: Rate, expected: { value: number; successes: number; trials: number; rest: number }): void {
	assert.ok(Math.abs(rate.value - expected.value) < 1e-9, `value ${rate.value}, expected ${expected.value}`);
	assert.equal(rate.successes, expected.successes);
	assert.equal(rate.trials, expected.trials);
	assert.ok(Math.abs(rate.rest - expected.rest) < 1e-9, `rest ${rate.rest}, expected ${expected.rest}`);
	assert.ok(Math.abs(rate.gap - (expected.value - expected.rest)) < 1e-9);
	assert.deepEqual(rate.interval, wilsonInterval(expected.successes, expected.trials));
	assert.ok(rate.interval[0] <= rate.value && rate.value <= rate.interval[1]);
}
