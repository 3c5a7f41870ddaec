// Issue 7 benchmark (`npm run bench:train`): the TensorFlow.js proxy against scikit-learn measured in the same run.
// 1. Accuracy and training time: trained on sst2_train (agnews_dev), scored on sst2_test (agnews_test); targets 0.80
//    (0.86) and at most 3x the reference's time. Time is judged in CPU seconds (process.cpuUsage against Python's
//    process_time), because wall time on a shared 2-core machine measures the neighbours; wall times are printed too. Reference: TF-IDF (1-2-grams, sublinear tf) + LogisticRegression(C=4)
//    with Debian's python3-sklearn; when it is missing, the figures measured in the shared guide are printed instead.
// 2. Label errors: 5 % of labels flipped (seeded); F1 of `label-issue` (targets 0.35 and 0.65). Reference: our confident
//    learning over scikit-learn's 5-fold out-of-fold probabilities of the same flipped file.
// 3. Reproducibility: the same seed and backend give the same metrics.
// 4. The next-token proxy for free-text answers (instruct/llamafactory_alpaca_en_demo): time, validation loss and
//    token accuracy of the main fit (no folds, no learning curve), against the add-one unigram model over the same
//    vocabulary (the proxy's starting point) measured in the same run.
// 5. The design choice (issue 7: "measure the options and keep the fastest that is correct"): the kept sparse embedding
//    bag against a dense multi-hot input to the same linear softmax (same features, Adam 0.05, batch 128, 2 epochs on
//    sst2_train, scored on sst2_test), and whether a `tf.layers.embedding` model can take one training step on the
//    backend at all.
// BENCH_TRAIN_ONLY=sst2, agnews or alpaca runs one dataset; BENCH_BACKEND picks the backend (default auto).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { BENCH_DIR, reportFigure, requireSources, ROOT } from './lib.mjs';

const DATASETS = path.join(ROOT, '..', 'shared', 'datasets', 'classification');
const FREE_TEXT = path.join(ROOT, '..', 'shared', 'datasets', 'instruct', 'llamafactory_alpaca_en_demo.jsonl');
const PYTHON = '/usr/bin/python3';
const TASKS = [
	{ name: 'sst2', train: 'sst2_train', test: 'sst2_test', target: 0.8, f1Target: 0.35, guide: { accuracy: 0.806, seconds: 1.6, f1: 0.32 } },
	{ name: 'agnews', train: 'agnews_dev', test: 'agnews_test', target: 0.86, f1Target: 0.65, guide: { accuracy: 0.861, seconds: 17, f1: 0.65 } },
].filter((task) => process.env.BENCH_TRAIN_ONLY === undefined || process.env.BENCH_TRAIN_ONLY === task.name);

if (!existsSync(DATASETS)) {
	console.log(`bench:train skipped: ${DATASETS} is absent`);
	process.exit(0);
}

/** The training modules, bundled from source into one CommonJS file the benchmark can require. */
function loadTraining() {
	return requireSources('training-bench', [
		"export { selectBackend } from './server/src/training/backend';",
		"export { trainingData, readTrainingInput } from './server/src/training/examples';",
		"export { FeatureSpace } from './server/src/training/features';",
		"export { fit } from './server/src/training/train';",
		"export { evaluate } from './server/src/training/metrics';",
		"export { stratifiedSplit } from './server/src/training/split';",
		"export { findLabelIssues } from './server/src/training/confidentLearning';",
		"export { runValidation, DEFAULT_RUN_CONFIG } from './server/src/training/run';",
		"export { seededRandom } from './server/src/training/random';",
		"export { buildVocabulary, tokenizeExamples, END_ID, UNKNOWN_ID } from './server/src/training/nextTokenData';",
		"export { DEFAULT_TRAIN_OPTIONS } from './server/src/training/train';",
		// The bundle's own TensorFlow.js, whose backend selectBackend sets (a second copy would have none).
		"export * as tf from '@tensorflow/tfjs';",
	]);
}

const SKLEARN = `
import json, sys, time
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_predict, StratifiedKFold
mode, train_path, test_path = sys.argv[1], sys.argv[2], sys.argv[3]
load = lambda p: [json.loads(l) for l in open(p) if l.strip()]
train = load(train_path)
X, y = [r['text'] for r in train], [str(r['label']) for r in train]
if mode == 'accuracy':
    test = load(test_path)
    t0, c0 = time.perf_counter(), time.process_time()
    vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    model = LogisticRegression(C=4, max_iter=1000).fit(vec.fit_transform(X), y)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    accuracy = float(np.mean(model.predict(vec.transform([r['text'] for r in test])) == np.array([str(r['label']) for r in test])))
    print(json.dumps({'accuracy': accuracy, 'seconds': seconds, 'cpu': cpu}))
else:
    vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    model = LogisticRegression(C=4, max_iter=1000)
    probs = cross_val_predict(model, vec.fit_transform(X), y, cv=StratifiedKFold(5, shuffle=True, random_state=0), method='predict_proba')
    print(json.dumps({'classes': sorted(set(y)), 'probabilities': probs.tolist()}))
`;

function sklearn(mode, trainPath, testPath = '') {
	if (!existsSync(PYTHON)) {
		return undefined;
	}
	const result = spawnSync(PYTHON, ['-c', SKLEARN, mode, trainPath, testPath], { encoding: 'utf8', maxBuffer: 1 << 28 });
	return result.status === 0 ? JSON.parse(result.stdout) : undefined;
}

const fields = { textFields: ['text'], labelFields: ['label'] };
const fixed = (value, digits = 3) => (value === undefined ? 'n/a' : value.toFixed(digits));

/** Trains the proxy as `tunelint train` does (90/10 stratified split, early stopping) and scores it on the test file. */
async function proxyAccuracy(training, task) {
	const data = training.trainingData(readFileSync(path.join(DATASETS, `${task.train}.jsonl`), 'utf8'), task.train, fields);
	const test = training.trainingData(readFileSync(path.join(DATASETS, `${task.test}.jsonl`), 'utf8'), task.test, fields);
	const config = training.DEFAULT_RUN_CONFIG;
	const started = performance.now();
	const cpuStart = process.cpuUsage();
	const split = training.stratifiedSplit(data.classes, config.validationShare, config.seed);
	const space = training.FeatureSpace.fit(split.train.map((index) => data.examples[index].text));
	const encode = (source, indices) => ({ vectors: indices.map((index) => space.vectorize(source.examples[index].text)), classes: indices.map((index) => source.classes[index]) });
	const result = await training.fit(encode(data, split.train), encode(data, split.validation), space.size, data.labels.length, config);
	const seconds = (performance.now() - started) / 1000;
	const cpuUsed = process.cpuUsage(cpuStart);
	const cpu = (cpuUsed.user + cpuUsed.system) / 1e6;
	const classOf = new Map(data.labels.map((label, index) => [label, index]));
	const testSet = { vectors: test.examples.map((example) => space.vectorize(example.text)), classes: test.examples.map((example) => classOf.get(example.label)) };
	const metrics = training.evaluate(await result.model.predict(testSet.vectors), testSet.classes, data.labels.length);
	result.model.dispose();
	return { accuracy: metrics.accuracy, seconds, cpu, bestEpoch: result.bestEpoch, epochs: result.history.length, validation: result.history[result.bestEpoch - 1] };
}

/** Writes a copy of the training file with 5 % of labels flipped to another label (seeded); returns it and the flipped lines. */
function flipLabels(training, task) {
	const lines = readFileSync(path.join(DATASETS, `${task.train}.jsonl`), 'utf8').split('\n').filter((line) => line.trim() !== '');
	const records = lines.map((line) => JSON.parse(line));
	const labels = [...new Set(records.map((record) => record.label))];
	const random = training.seededRandom(7);
	const flipped = new Set();
	while (flipped.size < Math.round(records.length * 0.05)) {
		flipped.add(Math.floor(random() * records.length));
	}
	for (const index of flipped) {
		const others = labels.filter((label) => label !== records[index].label);
		records[index].label = others[Math.floor(random() * others.length)];
	}
	const file = path.join(BENCH_DIR, `${task.train}.flipped.jsonl`);
	writeFileSync(file, records.map((record) => JSON.stringify(record)).join('\n') + '\n');
	return { file, flipped };
}

function f1(flaggedLines, flipped) {
	const hits = flaggedLines.filter((line) => flipped.has(line)).length;
	const precision = flaggedLines.length === 0 ? 0 : hits / flaggedLines.length;
	const recall = hits / flipped.size;
	return { f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall), precision, recall, flagged: flaggedLines.length };
}

async function labelErrors(training, task) {
	const { file, flipped } = flipLabels(training, task);
	const started = performance.now();
	const result = await training.runValidation({ train: { file, text: readFileSync(file, 'utf8') }, fields, triggerCandidates: [] }, { ...training.DEFAULT_RUN_CONFIG, learningCurve: false });
	const ours = { ...f1(result.labelIssues.map((issue) => issue.line), flipped), seconds: (performance.now() - started) / 1000 };
	const reference = sklearn('oof', file);
	let referenceScore;
	if (reference !== undefined) {
		const records = readFileSync(file, 'utf8').split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line));
		const classOf = new Map(reference.classes.map((label, index) => [label, index]));
		const issues = training.findLabelIssues(Float32Array.from(reference.probabilities.flat()), records.map((record) => classOf.get(String(record.label))), reference.classes.length);
		referenceScore = f1(issues.map((issue) => issue.index), flipped);
	}
	return { ours, reference: referenceScore };
}

const training = await loadTraining();
const backend = await training.selectBackend(process.env.BENCH_BACKEND ?? 'auto');
console.log(`\n## bench:train — backend ${backend.name}${backend.skipped.length > 0 ? ` (skipped: ${backend.skipped.map((entry) => `${entry.name}: ${entry.reason}`).join('; ')})` : ''}\n`);
const haveSklearn = sklearn('accuracy', path.join(DATASETS, 'sst2_dev.jsonl'), path.join(DATASETS, 'sst2_dev.jsonl')) !== undefined;
if (!haveSklearn) {
	console.log(`scikit-learn is not available at ${PYTHON} (apt-get install -y python3-sklearn); reference figures are the shared guide's.\n`);
}
let failed = false;
console.log('| dataset | proxy accuracy | target | reference accuracy | proxy CPU s (wall) | reference CPU s (wall) | CPU time ratio (≤ 3) | best epoch / epochs |');
console.log('|---|---|---|---|---|---|---|---|');
for (const task of TASKS) {
	const ours = await proxyAccuracy(training, task);
	const reference = sklearn('accuracy', path.join(DATASETS, `${task.train}.jsonl`), path.join(DATASETS, `${task.test}.jsonl`)) ?? { ...task.guide, guide: true };
	// The guide's figures are wall times on a quiet machine, where CPU and wall time agree.
	const referenceCpu = reference.cpu ?? reference.seconds;
	const ratio = ours.cpu / referenceCpu;
	const ok = ours.accuracy >= task.target && ratio <= 3;
	failed ||= !ok;
	console.log(`| ${task.name} | ${fixed(ours.accuracy)} | ${task.target} | ${fixed(reference.accuracy)}${reference.guide ? ' (guide)' : ''} | ${fixed(ours.cpu, 1)} (${fixed(ours.seconds, 1)}) | ${fixed(referenceCpu, 1)} (${fixed(reference.seconds, 1)}) | ${fixed(ratio, 2)} ${ok ? 'ok' : 'MISSED'} | ${ours.bestEpoch} / ${ours.epochs} |`);
	const referenceName = reference.guide ? 'the shared guide\'s scikit-learn figure' : 'scikit-learn TF-IDF + LogisticRegression(C=4) in the same run';
	reportFigure({ measure: `${task.name}: test accuracy of the proxy (${backend.name})`, value: ours.accuracy, reference: `${referenceName}: ${fixed(reference.accuracy)}`, ratio: ours.accuracy / reference.accuracy, target: `≥ ${task.target}`, met: ours.accuracy >= task.target });
	reportFigure({ measure: `${task.name}: training CPU time of the proxy (${backend.name})`, value: ours.cpu, unit: 's', reference: `${referenceName}: ${fixed(referenceCpu, 1)} s`, ratio, target: '≤ 3× the reference', met: ratio <= 3 });
}
console.log('\n| dataset (5 % flipped) | proxy F1 | target | precision / recall / flagged | reference F1 (sklearn OOF + same CL) | run s |');
console.log('|---|---|---|---|---|---|');
for (const task of TASKS) {
	const { ours, reference } = await labelErrors(training, task);
	const ok = ours.f1 >= task.f1Target;
	failed ||= !ok;
	console.log(`| ${task.name} | ${fixed(ours.f1)} ${ok ? 'ok' : 'MISSED'} | ${task.f1Target} | ${fixed(ours.precision)} / ${fixed(ours.recall)} / ${ours.flagged} | ${reference === undefined ? `${task.guide.f1} (guide)` : fixed(reference.f1)} | ${fixed(ours.seconds, 1)} |`);
	const referenceF1 = reference === undefined ? task.guide.f1 : reference.f1;
	reportFigure({ measure: `${task.name}: label-issue F1 with 5 % of labels flipped (${backend.name})`, value: ours.f1, reference: `confident learning over scikit-learn out-of-fold probabilities${reference === undefined ? ' (guide)' : ' in the same run'}: ${fixed(referenceF1)}`, ratio: ours.f1 / referenceF1, target: `≥ ${task.f1Target}`, met: ok });
}
const task = TASKS[0];
if (task !== undefined) {
	const [first, second] = [await proxyAccuracy(training, task), await proxyAccuracy(training, task)];
	const same = first.accuracy === second.accuracy && first.validation.valLoss === second.validation.valLoss;
	failed ||= !same;
	console.log(`\nreproducibility (${task.name}, seed ${training.DEFAULT_RUN_CONFIG.seed}, ${backend.name}): ${same ? 'identical metrics' : `DIFFERENT: ${first.validation.valLoss} vs ${second.validation.valLoss}`}`);
	reportFigure({ measure: `${task.name}: same seed and backend give the same metrics (${backend.name})`, value: same ? 'identical' : 'different', target: 'identical', met: same });
}
if (process.env.BENCH_TRAIN_ONLY === undefined || process.env.BENCH_TRAIN_ONLY === 'alpaca') {
	await nextTokenFigure(training);
}
if (process.env.BENCH_TRAIN_ONLY === undefined || process.env.BENCH_TRAIN_ONLY === 'sst2') {
	await designFigures(training);
}
process.exitCode = failed ? 1 : 0;

/** The validation loss per answer token of the add-one unigram model over the proxy's vocabulary (with the same `<unk>` spread). */
function unigramLoss(training, data, config) {
	const split = training.stratifiedSplit(new Int32Array(data.examples.length), config.validationShare, config.seed);
	const tokenized = training.tokenizeExamples(data.examples);
	const vocabulary = training.buildVocabulary(split.train.map((index) => tokenized[index].answer));
	const idOf = (word) => vocabulary.ids.get(word) ?? training.UNKNOWN_ID;
	const counts = new Float64Array(vocabulary.words.length).fill(1);
	for (const index of split.train) {
		tokenized[index].answer.forEach((word) => counts[idOf(word)]++);
		counts[training.END_ID]++;
	}
	const total = counts.reduce((sum, count) => sum + count, 0);
	let loss = 0;
	let tokens = 0;
	for (const index of split.validation) {
		for (const id of [...tokenized[index].answer.map(idOf), training.END_ID]) {
			loss -= Math.log(counts[id] / total) - (id === training.UNKNOWN_ID ? Math.log(vocabulary.unknownTypes) : 0);
			tokens++;
		}
	}
	return loss / tokens;
}

async function nextTokenFigure(training) {
	if (!existsSync(FREE_TEXT)) {
		console.log(`\nnext-token proxy skipped: ${FREE_TEXT} is absent`);
		return;
	}
	const text = readFileSync(FREE_TEXT, 'utf8');
	const config = { ...training.DEFAULT_RUN_CONFIG, folds: 0, learningCurve: false };
	const started = performance.now();
	const cpuStart = process.cpuUsage();
	const result = await training.runValidation({ train: { file: FREE_TEXT, text }, fields }, config);
	const seconds = (performance.now() - started) / 1000;
	const cpuUsed = process.cpuUsage(cpuStart);
	const cpu = (cpuUsed.user + cpuUsed.system) / 1e6;
	const input = training.readTrainingInput(text, FREE_TEXT, fields);
	const unigram = unigramLoss(training, input.data, config);
	const { train, validation } = result.metrics;
	console.log('\n| free-text file | backend | train loss / token acc | validation loss / token acc | unigram validation loss | CPU s (wall) | best epoch / epochs |');
	console.log('|---|---|---|---|---|---|---|');
	console.log(`| alpaca_en_demo (${result.records.train}+${result.records.validation} records) | ${result.backend} | ${fixed(train.loss)} / ${fixed(train.accuracy)} | ${fixed(validation.loss)} / ${fixed(validation.accuracy)} | ${fixed(unigram)} | ${fixed(cpu, 1)} (${fixed(seconds, 1)}) | ${result.bestEpoch} / ${result.history.length} |`);
	reportFigure({
		measure: `next-token proxy on alpaca_en_demo (${result.backend}): validation loss per answer token (token accuracy ${fixed(validation.accuracy)}, ${fixed(cpu, 1)} CPU s, ${fixed(seconds, 1)} s wall)`,
		value: validation.loss,
		unit: 'nats',
		reference: `add-one unigram model over the same vocabulary, ${fixed(unigram)} nats`,
		ratio: validation.loss / unigram,
		target: 'below the unigram model',
		met: validation.loss < unigram,
	});
}

/** Section 5: the embedding bag against a dense multi-hot input, and whether tf.layers.embedding trains here. */
async function designFigures(training) {
	const { tf } = training;
	const read = (name) => readFileSync(path.join(DATASETS, `${name}.jsonl`), 'utf8');
	const train = training.trainingData(read('sst2_train'), 'sst2_train.jsonl', fields);
	const test = training.trainingData(read('sst2_test'), 'sst2_test.jsonl', fields);
	const space = training.FeatureSpace.fit(train.examples.map((example) => example.text));
	const encode = (data) => ({ vectors: data.examples.map((example) => space.vectorize(example.text)), classes: Int32Array.from(data.classes, (c) => train.labels.indexOf(data.labels[c])) });
	const [trainSet, testSet] = [encode(train), encode(test)];
	const classCount = train.labels.length;
	const epochs = 2;
	const cpuSince = (start) => {
		const used = process.cpuUsage(start);
		return (used.user + used.system) / 1e6;
	};
	let start = process.cpuUsage();
	const bag = await training.fit(trainSet, undefined, space.size, classCount, { ...training.DEFAULT_TRAIN_OPTIONS, epochs });
	const bagCpu = cpuSince(start);
	const bagAccuracy = training.evaluate(await bag.model.predict(testSet.vectors), testSet.classes, classCount).accuracy;
	bag.model.dispose();

	const weights = tf.variable(tf.zeros([space.size, classCount]));
	const bias = tf.variable(tf.zeros([classCount]));
	const optimizer = tf.train.adam(training.DEFAULT_TRAIN_OPTIONS.learningRate);
	const multiHot = (vectors) => {
		const values = new Float32Array(vectors.length * space.size);
		vectors.forEach((vector, row) => vector.indices.forEach((index, j) => (values[row * space.size + index] = vector.values[j])));
		return tf.tensor2d(values, [vectors.length, space.size]);
	};
	const batchSize = training.DEFAULT_TRAIN_OPTIONS.batchSize;
	start = process.cpuUsage();
	for (let epoch = 0; epoch < epochs; epoch++) {
		for (let first = 0; first < trainSet.vectors.length; first += batchSize) {
			const inputs = multiHot(trainSet.vectors.slice(first, first + batchSize));
			const targets = tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from(trainSet.classes.subarray(first, first + batchSize)), 'int32'), classCount));
			optimizer.minimize(() => tf.losses.softmaxCrossEntropy(targets, tf.add(tf.matMul(inputs, weights), bias)), false, [weights, bias]);
			tf.dispose([inputs, targets]);
		}
	}
	const denseCpu = cpuSince(start);
	const probabilities = new Float32Array(testSet.vectors.length * classCount);
	for (let first = 0; first < testSet.vectors.length; first += 256) {
		const inputs = multiHot(testSet.vectors.slice(first, first + 256));
		const predicted = tf.tidy(() => tf.softmax(tf.add(tf.matMul(inputs, weights), bias)));
		probabilities.set(await predicted.data(), first * classCount);
		tf.dispose([inputs, predicted]);
	}
	const denseAccuracy = training.evaluate(probabilities, testSet.classes, classCount).accuracy;
	tf.dispose([weights, bias]);
	optimizer.dispose();

	let layersEmbedding = 'trains';
	const model = tf.sequential({ layers: [tf.layers.embedding({ inputDim: 1000, outputDim: 8, inputLength: 4 }), tf.layers.flatten(), tf.layers.dense({ units: 2, activation: 'softmax' })] });
	model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
	const [inputs, targets] = [tf.tensor2d([[1, 2, 3, 4], [5, 6, 7, 8]]), tf.tensor2d([[1, 0], [0, 1]])];
	try {
		await model.fit(inputs, targets, { epochs: 1, verbose: 0 });
	} catch (error) {
		layersEmbedding = `fails: ${String(error.message ?? error).split('\n')[0]}`;
	}
	tf.dispose([inputs, targets]);
	model.dispose();

	console.log(`\ndesign (sst2, ${epochs} epochs, ${space.size} features, backend ${backend.name}): embedding bag ${fixed(bagCpu, 1)} CPU s, accuracy ${fixed(bagAccuracy)}; dense multi-hot ${fixed(denseCpu, 1)} CPU s, accuracy ${fixed(denseAccuracy)}; tf.layers.embedding ${layersEmbedding}`);
	reportFigure({ measure: `design: training CPU time of the kept sparse embedding bag, sst2_train, ${epochs} epochs (${backend.name}; sst2_test accuracy ${fixed(bagAccuracy)} vs ${fixed(denseAccuracy)})`, value: bagCpu, unit: 's', reference: `the same linear softmax on a dense multi-hot input in the same run: ${fixed(denseCpu, 1)} s`, ratio: bagCpu / denseCpu, target: 'faster than the dense input, as accurate (within 0.01)', met: bagCpu < denseCpu && bagAccuracy >= denseAccuracy - 0.01 });
	reportFigure({ measure: `design: a tf.layers.embedding model takes a training step (${backend.name})`, value: layersEmbedding });
}
