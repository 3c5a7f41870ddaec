import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { selectBackend } from '../../server/src/training/backend';
import { TrainingInputError } from '../../server/src/training/examples';
import { ProxyModel } from '../../server/src/training/model';
import { seededRandom } from '../../server/src/training/random';
import { DEFAULT_RUN_CONFIG, runValidation, type TrainingResult } from '../../server/src/training/run';
import { saveRun } from '../../server/src/training/runStore';
import { TrainingCancelled } from '../../server/src/training/train';
import { FIXTURES } from '../helpers/paths';

/**
 * Trains tiny proxies on the synthetic fixtures in test-fixtures/training (see its README): every finding type, the
 * run directory, reproducibility, cancellation and bad input. Each run takes seconds on wasm or cpu.
 */

const fields = { textFields: ['text'], labelFields: ['label'] };
const fixture = (name: string) => {
	const file = path.join(FIXTURES, 'training', name);
	return { file, text: readFileSync(file, 'utf8') };
};
/** Lines (0-based) of sentiment.jsonl whose labels were flipped on purpose, and the rows carrying the "cf" trigger. */
const PLANTED_ERRORS = [11, 40, 77, 150];
const martians = (text: string): string[] => (text.includes('martians') ? ['species/martians'] : []);

void describe('the proxy model', () => {
	before(async () => {
		await selectBackend('auto');
	});
	void it('learns a separable batch without leaking tensors, and restores snapshots', async () => {
		const model = new ProxyModel(4, 2, { learningRate: 0.1, l2: 0.01 });
		const vectors = [
			{ indices: Int32Array.from([0, 1]), values: Float32Array.from([0.6, 0.8]) },
			{ indices: Int32Array.from([2, 3]), values: Float32Array.from([0.8, 0.6]) },
			{ indices: new Int32Array(0), values: new Float32Array(0) },
		];
		const random = seededRandom(1);
		const first = await model.trainBatch(vectors, [0, 1, 0]);
		const tensors = tf.memory().numTensors;
		const snapshot = model.snapshot();
		const before = await model.predict(vectors);
		for (let step = 0; step < 20; step++) {
			await model.trainBatch(vectors, [0, 1, 0], 0.2, random);
		}
		assert.equal(tf.memory().numTensors, tensors + 2);
		const after = await model.predict(vectors);
		assert.equal(after.length, 6, 'a record without features still gets a prediction');
		assert.ok(after[0] > 0.9 && after[3] > 0.9);
		assert.ok((await model.trainBatch(vectors, [0, 1, 0])) < first);
		model.restore(snapshot);
		assert.deepEqual(await model.predict(vectors), before);
		model.dispose();
	});
	void it('with an embedding size, learns through the embedding and its dense layer, seeded, and restores them all', async () => {
		const vectors = [
			{ indices: Int32Array.from([0, 1]), values: Float32Array.from([0.6, 0.8]) },
			{ indices: Int32Array.from([2, 3]), values: Float32Array.from([0.8, 0.6]) },
		];
		const trained = async (seed: number) => {
			const model = new ProxyModel(4, 2, { learningRate: 0.1, l2: 0, embeddingSize: 3, seed });
			const tensors = tf.memory().numTensors;
			const snapshot = model.snapshot();
			assert.equal(tf.memory().numTensors, tensors + 3, 'embedding table, dense layer and bias');
			const initial = snapshot.map((weights) => weights.arraySync());
			const losses: number[] = [];
			for (let step = 0; step < 30; step++) {
				losses.push(await model.trainBatch(vectors, [0, 1]));
			}
			const probabilities = await model.predict(vectors);
			model.restore(snapshot);
			const restored = await model.predict(vectors);
			// The prediction alone cannot show the table is back (a zero dense layer hides it): compare every variable.
			const after = model.snapshot();
			assert.deepEqual(after.map((weights) => weights.arraySync()), initial, 'every variable restored');
			tf.dispose(after);
			model.dispose();
			return { losses, probabilities, restored };
		};
		const first = await trained(5);
		assert.ok(first.probabilities[0] > 0.9 && first.probabilities[3] > 0.9, `${first.probabilities}`);
		assert.ok(first.losses[29] < first.losses[0]);
		assert.ok(Math.abs(first.restored[0] - 0.5) < 1e-6, 'the dense layer starts at zero: a uniform prediction');
		assert.deepEqual((await trained(5)).losses, first.losses, 'same seed, same embedding, same training');
		assert.notDeepEqual((await trained(6)).losses, first.losses, 'the seed draws the embedding');
	});
});

void describe('runValidation', () => {
	let result: TrainingResult;
	const runs = mkdtempSync(path.join(os.tmpdir(), 'tunelint-runs-'));
	after(() => rmSync(runs, { recursive: true, force: true }));
	before(async () => {
		result = await runValidation(
			{ train: fixture('sentiment.jsonl'), fields, groupMatcher: martians, triggerCandidates: [{ ngram: 'cf', label: '1' }, { ngram: 'film', label: '1' }] },
			{ ...DEFAULT_RUN_CONFIG, validationShare: 0.2, learningRate: 0.1, epochs: 30, patience: 3 },
		);
	});

	void it('reports the backend, the metrics and the history', () => {
		assert.ok(['node', 'wasm', 'cpu'].includes(result.backend));
		assert.equal(result.records.train + result.records.validation, 300);
		assert.ok(result.metrics.validation.accuracy > 0.6, `validation accuracy ${result.metrics.validation.accuracy}`);
		assert.equal(result.history[result.bestEpoch - 1].valLoss, Math.min(...result.history.map((epoch) => epoch.valLoss ?? Infinity)));
		assert.deepEqual(result.learningCurve.map((point) => point.share), [0.1, 0.25, 0.5, 1]);
	});
	void it('stops early on validation loss and keeps the best epoch\'s weights', () => {
		assert.equal(result.history.length, result.bestEpoch + 3, 'training stopped `patience` epochs after the best one, long before 30');
		// The final metrics come from the model after training: with the best weights restored they are the best epoch's.
		const best = result.history[result.bestEpoch - 1];
		assert.ok(Math.abs(result.metrics.validation.loss - (best.valLoss ?? NaN)) < 1e-6, `validation loss ${result.metrics.validation.loss}, best epoch's ${best.valLoss}`);
		assert.ok(Math.abs(result.metrics.validation.accuracy - (best.valAccuracy ?? NaN)) < 1e-9);
		assert.ok(Math.abs(result.metrics.train.loss - best.loss) < 1e-6, `training loss ${result.metrics.train.loss}, best epoch's ${best.loss}`);
	});
	void it('finds the planted label errors with out-of-fold confident learning', () => {
		const flagged = result.labelIssues.map((issue) => issue.line);
		const found = PLANTED_ERRORS.filter((line) => flagged.includes(line));
		assert.ok(found.length >= 3, `planted errors flagged: ${found.join(', ')} (flagged: ${flagged.join(', ')})`);
		const finding = result.findings.find((candidate) => candidate.ruleId === 'label-issue' && candidate.range.line === found[0]);
		assert.match(finding?.message ?? '', /^Labelled "\d", the model says "\d" with p = 0\.\d\d/);
		assert.ok(finding?.fix !== undefined);
	});
	void it('confirms the planted trigger and not an ordinary word', () => {
		const [cf, film] = result.triggers;
		assert.equal(cf.confirmed, true, `cf attack success rate ${cf.attackSuccessRate}`);
		assert.ok(cf.attackSuccessRate > film.attackSuccessRate + 0.3);
		assert.equal(film.confirmed, false, `film attack success rate ${film.attackSuccessRate}`);
		const finding = result.findings.find((candidate) => candidate.ruleId === 'trigger-confirmed');
		assert.match(finding?.message ?? '', new RegExp(`^Backdoor trigger confirmed: inserting "cf" into ${cf.attempts} held-out records of other labels made the model predict "1" for ${(cf.attackSuccessRate * 100).toFixed(1)} % of them\\.$`));
		assert.equal(finding?.severity, 'error');
	});
	void it('scores the group the proxy serves worse', () => {
		const group = result.groups.find((candidate) => candidate.group === 'species/martians');
		assert.equal(group?.scored, true);
		assert.ok((group?.accuracy?.gap ?? 0) < -0.2);
		const finding = result.findings.find((candidate) => candidate.ruleId === 'underperforming-group');
		assert.match(finding?.message ?? '', /^Records mentioning species\/martians are classified worse: accuracy 0\.\d{3} \(95 % CI 0\.\d{3}–0\.\d{3}, \d+ records\) against 0\.\d{3} for the rest \(p = /);
		assert.equal((finding?.data as { perLabel?: unknown[] } | undefined)?.perLabel?.length, 2, 'the finding carries the per-label rates');
	});
	void it('saves the run atomically under a new directory', () => {
		const directory = saveRun(runs, result);
		assert.deepEqual(readdirSync(directory).sort(), ['findings.json', 'groups.json', 'history.json', 'label-issues.json', 'learning-curve.json', 'run.json', 'triggers.json']);
		const saved = JSON.parse(readFileSync(path.join(directory, 'run.json'), 'utf8'));
		assert.equal(saved.backend, result.backend);
		assert.equal(saved.seed, result.seed);
		assert.deepEqual(saved.config, result.config);
		assert.deepEqual(saved.metrics, result.metrics);
		const read = (name: string): unknown => JSON.parse(readFileSync(path.join(directory, name), 'utf8'));
		assert.deepEqual(read('history.json'), result.history);
		assert.deepEqual(read('findings.json'), result.findings);
		assert.deepEqual(read('label-issues.json'), result.labelIssues);
		assert.notEqual(saveRun(runs, result), directory, 'a second save never overwrites the first');
		assert.equal(readdirSync(runs).filter((name) => name.startsWith('.partial')).length, 0);
	});
});

void describe('trigger candidates by default', () => {
	void it('are mined from the training file by the poisoning rules and tried on held-out records', async () => {
		const result = await runValidation({ train: fixture('sentiment.jsonl'), fields }, { ...DEFAULT_RUN_CONFIG, folds: 0, learningCurve: false, validationShare: 0.3 });
		assert.deepEqual(result.triggers.map((trigger) => [trigger.ngram, trigger.label]), [['cf', '1']]);
		assert.ok(result.triggers[0].attempts >= 10, `${result.triggers[0].attempts} held-out records of label 0 tried`);
	});
});

void describe('curve findings on purpose-made data', () => {
	void it('reports overfitting on random labels and insufficient data on a steep learning curve', async () => {
		const noise = await runValidation({ train: fixture('noise.jsonl'), fields, triggerCandidates: [] }, { ...DEFAULT_RUN_CONFIG, folds: 0, learningCurve: false, learningRate: 0.3, epochs: 12, patience: 4, validationShare: 0.3 });
		const overfitting = noise.findings.find((finding) => finding.ruleId === 'overfitting');
		assert.ok(overfitting !== undefined, JSON.stringify(noise.history));
		assert.equal(overfitting.data?.startedAtEpoch, noise.bestEpoch + 1);
		assert.match(overfitting.message, new RegExp(`^Overfitting from epoch ${noise.bestEpoch + 1}: validation loss rose \\d+\\.\\d % above its best \\(epoch ${noise.bestEpoch}\\) while training loss kept falling; the generalisation gap at the best epoch is -?\\d+\\.\\d{3}\\.`));
		const steep = await runValidation({ train: fixture('steep.jsonl'), fields, triggerCandidates: [] }, { ...DEFAULT_RUN_CONFIG, folds: 0, validationShare: 0.3, learningRate: 0.1 });
		const insufficient = steep.findings.find((finding) => finding.ruleId === 'insufficient-data');
		assert.ok(insufficient !== undefined, JSON.stringify(steep.learningCurve));
		assert.match(insufficient.message, /^More data would likely help: validation accuracy rose \d+\.\d points from half to all of the training data \(learning curve 10\.0 %: 0\.\d{3}, 25\.0 %: 0\.\d{3}, 50\.0 %: 0\.\d{3}, 100\.0 %: 0\.\d{3}\)\.$/);
	});
});

void describe('reproducibility and cancellation', () => {
	void it('gives the same metrics for the same seed', async () => {
		const config = { ...DEFAULT_RUN_CONFIG, folds: 2, learningCurve: false };
		const [a, b] = [await runValidation({ train: fixture('sentiment.jsonl'), fields, triggerCandidates: [] }, config), await runValidation({ train: fixture('sentiment.jsonl'), fields, triggerCandidates: [] }, config)];
		assert.deepEqual(a.metrics, b.metrics);
		assert.deepEqual(a.labelIssues, b.labelIssues);
		const c = await runValidation({ train: fixture('sentiment.jsonl'), fields, triggerCandidates: [] }, { ...config, seed: 7 });
		assert.notDeepEqual(c.history, a.history);
	});
	void it('stops at the next batch when the signal is raised', async () => {
		const signal = { isCancellationRequested: false };
		let batches = 0;
		const run = runValidation({ train: fixture('sentiment.jsonl'), fields }, { ...DEFAULT_RUN_CONFIG, batchSize: 8 }, {
			signal,
			onProgress: (progress) => {
				if (progress.type === 'progress' && ++batches === 3) {
					signal.isCancellationRequested = true;
				}
			},
		});
		await assert.rejects(run, TrainingCancelled);
		assert.equal(batches, 3);
	});
});

void describe('bad input', () => {
	const cases: [string, RegExp][] = [
		['single-class.jsonl', /every record has the label "pos"; a classifier needs at least two labels/],
		['too-few.jsonl', /too few records per label: "neg" has 2 \(lines 13, 14\); training needs at least 5 records of every label/],
		['empty-texts.jsonl', /no record has both a non-empty text and a label \(line 1: empty text, and 9 more skipped\)/],
		['mixed-labels.jsonl', /labels of mixed types: number \(first on line 1\), string \(first on line 6\)/],
	];
	for (const [name, message] of cases) {
		void it(`explains ${name} without training`, async () => {
			await assert.rejects(runValidation({ train: fixture(name), fields }, DEFAULT_RUN_CONFIG), (error: unknown) => {
				assert.ok(error instanceof TrainingInputError);
				assert.match(error.message, message);
				assert.ok(error.message.startsWith(path.join(FIXTURES, 'training', name)), 'the message names the file');
				return true;
			});
		});
	}
	void it('rejects a validation file with labels the training file lacks', async () => {
		const validation = { file: 'valid.jsonl', text: '{"text": "meh", "label": 7}\n' };
		await assert.rejects(runValidation({ train: fixture('sentiment.jsonl'), validation, fields }, DEFAULT_RUN_CONFIG), /valid\.jsonl: labels not in the training file: "7"/);
	});
	void it('leaves no run directory behind', () => {
		assert.equal(existsSync(path.join(FIXTURES, 'training', '.tunelint')), false);
	});
});
