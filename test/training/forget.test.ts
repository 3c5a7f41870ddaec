import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { defaultSettings } from '../../server/src/core/settings';
import { ForgetModel } from '../../server/src/training/forget/model';
import { DEFAULT_FORGET_OPTIONS, probeForgetting } from '../../server/src/training/forget/probe';
import { seededRandom } from '../../server/src/training/random';

/** 120 made-up two-syllable words, shared by both tasks. */
const SYLLABLES = 'ba be bi bo bu da de di do du ka ke ki ko ku la le li lo lu ma me mi mo mu na ne ni no nu'.split(' ');
const WORDS = Array.from({ length: 120 }, (_, i) => SYLLABLES[i % SYLLABLES.length] + SYLLABLES[Math.floor(i / SYLLABLES.length)]);

/**
 * A synthetic task over the shared words: every word has a random weight per class and a text's label is the class
 * with the largest total over its 8 words. Base (2 classes) and target (3 classes) draw their weights independently,
 * so fine-tuning on the target moves the embedding rows and the dense layer the base task relies on, and the base
 * task's many small-margin decisions are what forgetting flips, as on real data.
 */
function syntheticTask(seed: number, classes: number, records: number): string {
	const random = seededRandom(seed);
	const gaussian = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
	const weights = WORDS.map(() => Array.from({ length: classes }, gaussian));
	const lines: string[] = [];
	for (let i = 0; i < records; i++) {
		const picked = Array.from({ length: 8 }, () => Math.floor(random() * WORDS.length));
		const scores = Array.from({ length: classes }, (_, c) => picked.reduce((sum, word) => sum + weights[word][c], 0));
		lines.push(JSON.stringify({ text: picked.map((word) => WORDS[word]).join(' '), label: scores.indexOf(Math.max(...scores)) }));
	}
	return lines.join('\n') + '\n';
}

void describe('forgetting probe on a synthetic pair (shared vocabulary, unrelated labels)', () => {
	void it('plain fine-tuning forgets, and replay, L2-SP, EWC and distillation each retain more at their default strengths', () => {
		const report = probeForgetting({ file: 'base.jsonl', text: syntheticTask(1, 2, 400) }, { file: 'target.jsonl', text: syntheticTask(2, 3, 400) }, defaultSettings().fields, DEFAULT_FORGET_OPTIONS);
		const row = (method: string, share?: number): number => {
			const found = report.rows.find((candidate) => candidate.method === method && (share === undefined || candidate.params.share === share));
			assert.ok(found !== undefined, `no ${method} row`);
			return found.retention;
		};
		const table = report.rows.map((candidate) => `${candidate.method} ${JSON.stringify(candidate.params)} ${candidate.retention.toFixed(3)}`).join('; ');
		assert.deepEqual([report.base.labels.length, report.target.labels.length], [2, 3], 'different label sets: one head per task on the shared encoder');
		assert.ok(report.base.before > 0.75, `base accuracy ${report.base.before}`);
		const plain = row('plain');
		assert.ok(plain < 0.85, `plain fine-tuning should forget: ${table}`);
		// Measured with the defaults (seeded, so exact): plain 0.671; replay 0.1 0.800, 0.3 0.871, 1.0 higher; L2-SP 0.786; EWC 0.857; distillation 0.943.
		for (const [method, share] of [['replay', 0.3], ['l2-sp', undefined], ['ewc', undefined], ['distillation', undefined]] as const) {
			assert.ok(row(method, share) > plain + 0.05, `${method} should retain more than plain: ${table}`);
		}
		assert.deepEqual(report.rows.filter((candidate) => candidate.method === 'replay').map((candidate) => candidate.params.share), DEFAULT_FORGET_OPTIONS.replayShares);
	});
});

void describe('EWC importance', () => {
	void it('is the diagonal empirical Fisher of the base data: the squared gradient of each weight, scaled alike and capped at 10', () => {
		const model = new ForgetModel(6, 4, seededRandom(5));
		model.addHead('base', 2);
		const vector = { indices: Int32Array.from([1, 4]), values: Float32Array.from([0.8, 0.6]) };
		for (let i = 0; i < 10; i++) {
			model.step('base', vector, 0, 0.3);
			model.step('base', { indices: Int32Array.from([0, 4]), values: Float32Array.from([0.6, 0.8]) }, 1, 0.3);
		}
		const fisher = model.fisher('base', [vector], [1]);
		const stepped = model.clone();
		const learningRate = 1e-4;
		stepped.step('base', vector, 1, learningRate);
		const squared = Array.from(model.encoder, (weight, i) => ((weight - stepped.encoder[i]) / learningRate) ** 2);
		const touched = squared.map((_, i) => i).filter((i) => fisher[i] > 0);
		assert.ok(touched.some((i) => fisher[i] === 10), 'the largest importances are capped at 10');
		// Float32 weights resolve a step of 1e-4 to a few digits, so the ratio is checked where the importance is not tiny.
		const compared = touched.filter((i) => fisher[i] > 0.1 && fisher[i] < 10);
		const ratios = compared.map((i) => fisher[i] / squared[i]).sort((a, b) => a - b);
		const scale = ratios[Math.floor(ratios.length / 2)];
		assert.ok(compared.length >= 8 && ratios.every((ratio) => Math.abs(ratio / scale - 1) < 0.02), `importance / squared gradient: ${ratios.map((ratio) => ratio.toFixed(1)).join(', ')}`);
		assert.deepEqual([0, 2, 3, 5].flatMap((row) => [0, 1, 2, 3].map((j) => fisher[row * 4 + j])), new Array<number>(16).fill(0), 'no importance for the rows of words the base data lacks');
	});
});

void describe('forgetting model gradients', () => {
	void it('an SGD step moves every encoder weight (embedding rows, dense layer, biases) by −lr × the finite-difference gradient', () => {
		const model = new ForgetModel(6, 4, seededRandom(3));
		model.addHead('base', 3);
		const vector = { indices: Int32Array.from([1, 4]), values: Float32Array.from([0.8, 0.6]) };
		const other = { indices: Int32Array.from([0, 4]), values: Float32Array.from([0.6, 0.8]) };
		// Give the head non-zero weights first, so the gradient reaches the encoder.
		for (let i = 0; i < 10; i++) {
			model.step('base', vector, 0, 0.3);
			model.step('base', other, 1, 0.3);
		}
		const loss = (candidate: ForgetModel): number => -Math.log(candidate.probabilities('base', vector)[2]);
		const touched = [...[1, 4].flatMap((row) => [0, 1, 2, 3].map((j) => row * 4 + j)), ...Array.from({ length: 4 * 4 + 4 }, (_, k) => 6 * 4 + k)];
		const numeric = touched.map((i) => {
			const plus = model.clone();
			const minus = model.clone();
			plus.encoder[i] += 1e-3;
			minus.encoder[i] -= 1e-3;
			return (loss(plus) - loss(minus)) / 2e-3;
		});
		const stepped = model.clone();
		const learningRate = 1e-3;
		stepped.step('base', vector, 2, learningRate);
		touched.forEach((i, k) => {
			const analytic = (model.encoder[i] - stepped.encoder[i]) / learningRate;
			assert.ok(Math.abs(analytic - numeric[k]) < 2e-4 + 0.02 * Math.abs(numeric[k]), `weight ${i}: step ${analytic}, finite difference ${numeric[k]}`);
		});
		assert.ok(numeric.some((value) => Math.abs(value) > 1e-3), 'the check is not vacuous');
	});
});
