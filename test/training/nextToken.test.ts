import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { selectBackend } from '../../server/src/training/backend';
import { answersNeedMoreData } from '../../server/src/training/curves';
import { readTrainingInput, TrainingInputError } from '../../server/src/training/examples';
import { buildVocabulary, ContextFeatures, END_ID, sampledPositions, scoredPositions, UNKNOWN_ID } from '../../server/src/training/nextTokenData';
import { NextTokenModel } from '../../server/src/training/nextTokenModel';
import { seededRandom } from '../../server/src/training/random';
import { DEFAULT_RUN_CONFIG, runValidation, type TrainingResult } from '../../server/src/training/run';
import { saveRun } from '../../server/src/training/runStore';
import { FIXTURES, SHARED_DATASETS, SKIP_WITHOUT_DATASETS } from '../helpers/paths';

/**
 * The next-token proxy for free-text answers, on the synthetic fixtures in test-fixtures/training-free-text (see its
 * README): the result contract, the curves, the planted gibberish answers found by out-of-fold answer loss, per-group
 * answer loss, reproducibility and bad input. Each run trains tiny models in seconds.
 */

const fields = { textFields: ['text'], labelFields: ['label'] };
const fixture = (name: string) => {
	const file = path.join(FIXTURES, 'training-free-text', name);
	return { file, text: readFileSync(file, 'utf8') };
};
/** 0-based lines of instructions.jsonl whose answers are random letter strings. */
const GIBBERISH = [17, 44, 71, 98, 125, 149];
const interviews = (text: string): string[] => (text.includes('job interview') ? ['topic/interview'] : []);

void describe('next-token data', () => {
	void it('keeps words seen twice, most frequent first, and counts the rest as unknown types', () => {
		const vocabulary = buildVocabulary([['a', 'b', 'a', 'c'], ['a', 'b', 'd']], { maxVocabulary: 1, minWordCount: 2, scoredPositions: 4, trainedPositions: 2, minFeatureCount: 2 });
		assert.deepEqual(vocabulary.words, ['<unk>', '</s>', 'a']);
		assert.equal(vocabulary.unknownTypes, 4, 'b (capped), c, d, and one for never-seen words');
	});
	void it('encodes targets with an end token and drops contexts never seen in training', () => {
		const training = [{ prompt: ['hello'], answer: ['a', 'b'] }];
		const features = ContextFeatures.fit(training, 1);
		const vocabulary = buildVocabulary([['a', 'b', 'a', 'b']]);
		const encoded = features.encode({ prompt: ['hello', 'unseen'], answer: ['a', 'z'] }, vocabulary);
		assert.deepEqual([...encoded.targets], [vocabulary.ids.get('a'), UNKNOWN_ID, END_ID]);
		assert.equal(encoded.promptRows.length, 1);
		assert.ok(encoded.previousRows[0] >= 0 && encoded.previousRows[1] >= 0 && encoded.previousRows[2] === -1, 'the context after "z" was never seen');
	});
	void it('spreads scored positions over long answers and samples distinct training positions', () => {
		const long = { promptRows: new Int32Array(0), targets: new Int32Array(40), previousRows: new Int32Array(40), previousPairRows: new Int32Array(40) };
		const scored = scoredPositions([long], [0], 4);
		assert.deepEqual([...scored.positions], [0, 10, 20, 30]);
		const sampled = sampledPositions([long], [0], 8, seededRandom(3));
		assert.equal(new Set(sampled.positions).size, 8);
		assert.deepEqual([...sampledPositions([long], [0], 8, seededRandom(3)).positions], [...sampled.positions]);
	});
});

void describe('the next-token model', () => {
	before(async () => {
		await selectBackend('auto');
	});
	void it('learns a batch, restores snapshots and leaves no tensor behind', async () => {
		const baseline = tf.memory().numTensors;
		const model = new NextTokenModel(4, 5, [3, 1, 1, 1, 1], { learningRate: 0.1, l2: 0.01, dimension: 4, seed: 1 });
		const answers = [{ promptRows: Int32Array.from([0, 1]), targets: Int32Array.from([2, 4, 1]), previousRows: Int32Array.from([2, 3, -1]), previousPairRows: Int32Array.from([-1, -1, -1]) }];
		const positions = { records: Int32Array.from([0, 0, 0]), positions: Int32Array.from([0, 1, 2]) };
		const first = await model.trainBatch(answers, positions, 0.1, seededRandom(1));
		const snapshot = model.snapshot();
		const before = await model.score(answers, positions);
		for (let step = 0; step < 30; step++) {
			await model.trainBatch(answers, positions);
		}
		const after = await model.score(answers, positions);
		assert.ok(after.nll.every((nll, i) => nll < before.nll[i]) && first > 0);
		assert.deepEqual([...after.correct], [1, 1, 1]);
		model.restore(snapshot);
		assert.deepEqual(await model.score(answers, positions), before);
		model.dispose();
		assert.equal(tf.memory().numTensors, baseline);
	});
});

void describe('runValidation on free-text answers', () => {
	let result: TrainingResult;
	const runs = mkdtempSync(path.join(os.tmpdir(), 'tunelint-next-token-runs-'));
	after(() => rmSync(runs, { recursive: true, force: true }));
	before(async () => {
		result = await runValidation({ train: fixture('instructions.jsonl'), fields, groupMatcher: interviews }, { ...DEFAULT_RUN_CONFIG, folds: 3, minGroupRecords: 20 });
	});

	void it('trains the next-token proxy and returns the result contract', () => {
		assert.equal(result.task, 'next-token');
		assert.ok(['node', 'wasm', 'cpu'].includes(result.backend));
		assert.equal(result.format, 'alpaca');
		assert.equal(result.records.train + result.records.validation, 160);
		assert.equal(result.metrics.validation.macroF1, null);
		for (const metrics of [result.metrics.train, result.metrics.validation]) {
			assert.ok(Number.isFinite(metrics.loss) && metrics.loss > 0);
			assert.ok(metrics.accuracy > 0.3 && metrics.accuracy < 1, `token accuracy ${metrics.accuracy}`);
		}
		assert.deepEqual(result.labels, []);
		assert.deepEqual(result.labelIssues, []);
		assert.ok((result.nextToken?.vocabularySize ?? 0) > 50);
	});
	void it('draws the epoch history and the learning curve', () => {
		assert.ok(result.history.length >= 2);
		assert.equal(result.history[result.bestEpoch - 1].valLoss, Math.min(...result.history.map((epoch) => epoch.valLoss ?? Infinity)));
		assert.ok(result.history[result.history.length - 1].loss < result.history[0].loss, 'training loss falls');
		assert.deepEqual(result.learningCurve.map((point) => point.share), [0.1, 0.25, 0.5, 1]);
		assert.ok(result.learningCurve[3].loss < result.learningCurve[0].loss, 'more data, lower validation loss');
		const insufficient = result.findings.find((finding) => finding.ruleId === 'insufficient-data');
		assert.equal(insufficient !== undefined, answersNeedMoreData(result.learningCurve), JSON.stringify(result.learningCurve));
		if (insufficient !== undefined) {
			assert.match(insufficient.message, /^More data would likely help: from half to all of the training data, the next-token proxy's validation loss fell -?\d+\.\d % and its token accuracy rose -?\d+\.\d points/);
		}
	});
	void it('flags the planted gibberish answers, and only them, by their out-of-fold answer loss', () => {
		const flagged = (result.answerOutliers ?? []).map((outlier) => outlier.line);
		assert.deepEqual([...flagged].sort((a, b) => a - b), GIBBERISH);
		const finding = result.findings.find((candidate) => candidate.ruleId === 'answer-outlier' && candidate.range.line === 17);
		assert.match(finding?.message ?? '', /^Unusual answer: its loss under the next-token proxy is \d+\.\d\d nats per token against a median of \d+\.\d\d/);
		const line = fixture('instructions.jsonl').text.split('\n')[17];
		assert.ok(finding !== undefined && line.slice(finding.range.column, finding.range.endColumn).startsWith('"pzxngivz'), 'the range is the output value');
		assert.equal(finding?.fix, undefined);
	});
	void it('scores groups by mean answer loss', () => {
		const group = result.groups.find((candidate) => candidate.group === 'topic/interview');
		assert.equal(group?.scored, true);
		const loss = group?.loss;
		assert.ok(loss !== undefined && loss.gap > 0 && loss.interval[0] < loss.value && loss.value < loss.interval[1], JSON.stringify(group));
		// Four of its 27 records are gibberish: worse on average, but too spread out to be significant at 0.01.
		const flagged = loss.gap >= 0.05 * loss.rest && loss.pValue < 0.01;
		assert.equal(result.findings.some((finding) => finding.ruleId === 'underperforming-group'), flagged);
	});
	void it('saves the run with its answer outliers, in the classifier run layout', () => {
		const directory = saveRun(runs, result);
		assert.deepEqual(readdirSync(directory).sort(), ['answer-outliers.json', 'findings.json', 'groups.json', 'history.json', 'label-issues.json', 'learning-curve.json', 'run.json', 'triggers.json']);
		const saved = JSON.parse(readFileSync(path.join(directory, 'run.json'), 'utf8'));
		assert.equal(saved.task, 'next-token');
		assert.equal(saved.metrics.validation.macroF1, null);
		assert.equal(JSON.parse(readFileSync(path.join(directory, 'answer-outliers.json'), 'utf8')).length, GIBBERISH.length);
	});
});

void describe('the next-token proxy, other cases', () => {
	void it('gives the same metrics for the same seed', async () => {
		const config = { ...DEFAULT_RUN_CONFIG, folds: 0, learningCurve: false, epochs: 3 };
		const [first, second] = [await runValidation({ train: fixture('chat.jsonl'), fields }, config), await runValidation({ train: fixture('chat.jsonl'), fields }, config)];
		assert.equal(first.format, 'openai-chat');
		assert.deepEqual(first.metrics, second.metrics);
		assert.deepEqual(first.history.map(({ seconds: _, ...epoch }) => epoch), second.history.map(({ seconds: _, ...epoch }) => epoch));
	});
	void it('reports overfitting when the answers can only be memorised', async () => {
		const result = await runValidation({ train: fixture('memorise.jsonl'), fields }, { ...DEFAULT_RUN_CONFIG, folds: 0, learningCurve: false, epochs: 12, patience: 4, learningRate: 0.1, validationShare: 0.3 });
		const finding = result.findings.find((candidate) => candidate.ruleId === 'overfitting');
		assert.ok(finding !== undefined, JSON.stringify(result.history));
		assert.match(finding.message, /^Overfitting from epoch \d+: validation loss rose/);
	});
	void it('validates on a --valid file of answers', async () => {
		const result = await runValidation({ train: fixture('instructions.jsonl'), validation: fixture('chat.jsonl'), fields }, { ...DEFAULT_RUN_CONFIG, folds: 0, learningCurve: false, epochs: 2 });
		assert.equal(result.validationFile, fixture('chat.jsonl').file);
		assert.deepEqual(result.records, { train: 160, validation: 60, skipped: 0 });
	});
	void it('refuses too few records and empty answers with a message, before training', async () => {
		await assert.rejects(runValidation({ train: fixture('too-few.jsonl'), fields }, DEFAULT_RUN_CONFIG), (error: unknown) => error instanceof TrainingInputError && /too-few\.jsonl: too few records with an answer: 25 \(the next-token proxy needs at least 30/.test(error.message));
		await assert.rejects(runValidation({ train: fixture('empty-answers.jsonl'), fields }, DEFAULT_RUN_CONFIG), (error: unknown) => error instanceof TrainingInputError && /empty-answers\.jsonl: no record has a non-empty answer .*\(line 1: empty answer, and 39 more skipped\)/.test(error.message));
	});
	void it('sends small answer sets to the classifier', () => {
		const lines = Array.from({ length: 40 }, (_, index) => JSON.stringify({ messages: [{ role: 'user', content: `question ${index}` }, { role: 'assistant', content: index % 2 === 0 ? 'yes' : 'no' }] }));
		assert.equal(readTrainingInput(lines.join('\n'), 'yes-no.jsonl', fields).task, 'classification');
	});
});

void describe('the next-token proxy on a real chat file', { skip: SKIP_WITHOUT_DATASETS }, () => {
	void it('trains on llamafactory_v1_sft_demo (typed content parts) with a falling validation loss', async () => {
		const file = path.join(SHARED_DATASETS ?? '', 'instruct', 'llamafactory_v1_sft_demo.messages.jsonl');
		const result = await runValidation({ train: { file, text: readFileSync(file, 'utf8') }, fields }, { ...DEFAULT_RUN_CONFIG, folds: 0, learningCurve: false, epochs: 3 });
		assert.equal(result.task, 'next-token');
		assert.equal(result.format, 'openai-chat');
		const losses = result.history.map((epoch) => epoch.valLoss ?? Infinity);
		assert.ok(Math.min(...losses) < losses[0], JSON.stringify(result.history));
		assert.ok(result.metrics.validation.accuracy > 0.1, `token accuracy ${result.metrics.validation.accuracy}`);
	});
});
