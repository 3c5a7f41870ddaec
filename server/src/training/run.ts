import { mineTriggers, triggerFeatures } from '../core/poisoning/triggers';
import { splitLines } from '../core/records';
import type { CancellationSignal, FieldMapping, Finding } from '../core/types';
import { type BackendChoice, selectBackend } from './backend';
import { findLabelIssues, type LabelIssue } from './confidentLearning';
import { type CurvePoint, DEFAULT_CURVE_OPTIONS, gainPerDoubling, needsMoreData, overfittingEvidence } from './curves';
import { DEFAULT_EXAMPLE_LIMITS, labelledData, readTrainingInput, type TrainingData, TrainingInputError } from './examples';
import { FeatureSpace } from './features';
import { type AnswerOutlier, insufficientDataFinding, labelIssueFinding, overfittingFinding, triggerFinding, underperformingGroupFinding } from './findings';
import { type GroupMatcher, type GroupMetrics, groupMetrics, lexiconGroupMatcher } from './groups';
import { evaluate, predictedClasses } from './metrics';
import { type NextTokenSummary, runNextToken } from './nextToken';
import { stratifiedFolds, stratifiedSplit, stratifiedSubsample } from './split';
import { type EncodedSet, type EpochRecord, fit, type TrainOptions } from './train';
import { confirmTriggers, type TriggerCandidateInput, type TriggerConfirmation } from './triggers';

/**
 * One validation fine-tune, end to end: read the examples, split, train the proxy with early stopping, draw the
 * learning curve, compute out-of-fold probabilities for confident learning, score identity groups, confirm trigger
 * candidates, and turn it all into findings. Free-text answers go to the next-token proxy (nextToken.ts) instead. Runs wherever it is called; the CLI calls it inside the training process.
 */

/** Everything a run can be told (the `tunelint train` options and their defaults). */
export interface RunConfig extends TrainOptions {
	backend: BackendChoice;
	/** k of the k-fold out-of-fold probabilities; below 2 skips label issues. */
	folds: number;
	/** Share of every label held out for validation when no validation file is given. */
	validationShare: number;
	learningCurve: boolean;
	/** Records a group needs before it is scored. */
	minGroupRecords: number;
}

export const DEFAULT_RUN_CONFIG: RunConfig = {
	epochs: 10,
	batchSize: 128,
	learningRate: 0.05,
	l2: 0,
	dropout: 0,
	embeddingSize: 0,
	patience: 2,
	seed: 42,
	backend: 'auto',
	folds: 5,
	validationShare: 0.1,
	learningCurve: true,
	minGroupRecords: 30,
};

/** A JSONL file's name (as the user wrote it) and its text. */
export interface SourceFile {
	file: string;
	text: string;
}

/** What to train on, and optional collaborators. */
export interface RunInput {
	train: SourceFile;
	validation?: SourceFile;
	fields: FieldMapping;
	/** Defaults to the identity lexicon of core/fairness. */
	groupMatcher?: GroupMatcher;
	/** Defaults to the candidates mined from the training file by the poisoning core. */
	triggerCandidates?: TriggerCandidateInput[];
}

/** The stages of a run, in order; progress messages name them. */
export type Stage = 'train' | 'learning-curve' | 'folds' | 'groups' | 'triggers';

/** A progress message; the CLI writes each as one JSON line on stderr. */
export type TrainingProgress =
	| { type: 'stage'; stage: Stage; message: string }
	| { type: 'progress'; stage: Stage; fit: number; fits: number; epoch: number; epochs: number; batch: number; batches: number; etaSeconds?: number }
	| ({ type: 'epoch'; stage: Stage } & EpochRecord);

/** Cancellation and progress for a run. */
export interface RunHooks {
	signal?: CancellationSignal;
	onProgress?(progress: TrainingProgress): void;
}

/** Validation metrics; `macroF1` is null for the next-token proxy (its accuracy is per answer token). */
export interface ValidationMetrics {
	loss: number;
	accuracy: number;
	macroF1: number | null;
}

/**
 * The result object of `tunelint train --format json` (and what a run directory stores). A free-text file trains the
 * next-token proxy (`task: 'next-token'`): then `labels`, `labelIssues` and `triggers` are empty, loss and accuracy
 * are per answer token, `answerOutliers` and `nextToken` are present, and groups carry `loss` instead of rates.
 */
export interface TrainingResult {
	task: 'classification' | 'next-token';
	file: string;
	validationFile?: string;
	backend: string;
	seed: number;
	config: RunConfig;
	format: string;
	labelSource: 'label' | 'answer';
	labels: string[];
	records: { train: number; validation: number; skipped: number };
	metrics: { train: { loss: number; accuracy: number }; validation: ValidationMetrics };
	bestEpoch: number;
	history: EpochRecord[];
	learningCurve: CurvePoint[];
	labelIssues: { line: number; given: string; suggested: string; probability: number; selfConfidence: number }[];
	/** Next-token proxy only: answers with an outlying out-of-fold loss, highest first. */
	answerOutliers?: AnswerOutlier[];
	/** Next-token proxy only: the model's sizes. */
	nextToken?: NextTokenSummary;
	groups: GroupMetrics[];
	triggers: TriggerConfirmation[];
	findings: Finding[];
	seconds: number;
}

const LEARNING_CURVE_SHARES = [0.1, 0.25, 0.5, 1];

/** Runs a validation fine-tune; throws TrainingInputError for unusable input and TrainingCancelled when cancelled. */
export async function runValidation(input: RunInput, config: RunConfig, hooks: RunHooks = {}): Promise<TrainingResult> {
	const started = Date.now();
	const read = readTrainingInput(input.train.text, input.train.file, input.fields, { ...DEFAULT_EXAMPLE_LIMITS, minPerClass: Math.max(2, config.folds) });
	if (read.task === 'next-token') {
		return runNextToken(input, read.data, config, hooks);
	}
	const data = read.data;
	const external = input.validation === undefined ? undefined : validationData(input.validation, input.fields, data);
	const split = external === undefined ? stratifiedSplit(data.classes, config.validationShare, config.seed) : { train: data.examples.map((_, index) => index), validation: [] };
	const backend = await selectBackend(config.backend);
	const space = FeatureSpace.fit(split.train.map((index) => data.examples[index].text));
	const encode = (source: TrainingData, indices: readonly number[]): EncodedSet => ({
		vectors: indices.map((index) => space.vectorize(source.examples[index].text)),
		classes: indices.map((index) => source.classes[index]),
	});
	const trainSet = encode(data, split.train);
	const validationSource = external ?? data;
	const validationIndices = external === undefined ? split.validation : external.examples.map((_, index) => index);
	const validationSet = encode(validationSource, validationIndices);
	const classCount = data.labels.length;
	const fits = 1 + (config.learningCurve ? LEARNING_CURVE_SHARES.length - 1 : 0) + (config.folds >= 2 ? config.folds : 0);
	let fitNumber = 0;
	const trainFit = async (stage: Stage, train: EncodedSet, validation: EncodedSet | undefined, options: TrainOptions, featureCount = space.size) => {
		fitNumber++;
		const fitStarted = Date.now();
		const current = fitNumber;
		return fit(train, validation, featureCount, classCount, options, {
			signal: hooks.signal,
			onBatch: (epoch, batch, batches) => {
				const done = (epoch - 1) * batches + batch;
				const etaSeconds = ((Date.now() - fitStarted) / 1000 / done) * (options.epochs * batches - done);
				hooks.onProgress?.({ type: 'progress', stage, fit: current, fits, epoch, epochs: options.epochs, batch, batches, etaSeconds });
			},
			onEpoch: (record) => hooks.onProgress?.({ type: 'epoch', stage, ...record }),
		});
	};

	hooks.onProgress?.({ type: 'stage', stage: 'train', message: `training on ${trainSet.vectors.length} records (${backend.name} backend)` });
	const main = await trainFit('train', trainSet, validationSet, config);
	try {
		const findings: Finding[] = [];
		const trainMetrics = evaluate(await main.model.predict(trainSet.vectors), trainSet.classes, classCount);
		const validationProbabilities = await main.model.predict(validationSet.vectors);
		const validationMetrics = evaluate(validationProbabilities, validationSet.classes, classCount);
		const overfitting = overfittingEvidence(main.history, main.bestEpoch, DEFAULT_CURVE_OPTIONS);
		if (overfitting !== undefined) {
			findings.push(overfittingFinding(overfitting));
		}

		const learningCurve: CurvePoint[] = [];
		if (config.learningCurve) {
			hooks.onProgress?.({ type: 'stage', stage: 'learning-curve', message: 'learning curve over 10/25/50/100 % of the training data' });
			for (const share of LEARNING_CURVE_SHARES) {
				if (share === 1) {
					learningCurve.push({ share, records: trainSet.vectors.length, accuracy: validationMetrics.accuracy, loss: validationMetrics.loss });
					continue;
				}
				const positions = stratifiedSubsample(trainSet.vectors.map((_, index) => index), trainSet.classes, share, config.seed);
				const subset = { vectors: positions.map((p) => trainSet.vectors[p]), classes: positions.map((p) => trainSet.classes[p]) };
				const partial = await trainFit('learning-curve', subset, validationSet, config);
				const metrics = evaluate(await partial.model.predict(validationSet.vectors), validationSet.classes, classCount);
				partial.model.dispose();
				learningCurve.push({ share, records: positions.length, accuracy: metrics.accuracy, loss: metrics.loss });
			}
			const gain = gainPerDoubling(learningCurve);
			if (gain !== undefined && needsMoreData(learningCurve, DEFAULT_CURVE_OPTIONS)) {
				findings.push(insufficientDataFinding(learningCurve, gain));
			}
		}

		let outOfFold: Float32Array | undefined;
		let labelIssues: LabelIssue[] = [];
		if (config.folds >= 2) {
			hooks.onProgress?.({ type: 'stage', stage: 'folds', message: `${config.folds}-fold out-of-fold probabilities for confident learning` });
			outOfFold = await outOfFoldProbabilities(data, { ...config, epochs: Math.max(1, main.bestEpoch) }, trainFit);
			labelIssues = findLabelIssues(outOfFold, data.classes, classCount);
			const lines = splitLines(input.train.text);
			labelIssues.forEach((issue, rank) => {
				const line = data.examples[issue.index].line;
				findings.push(labelIssueFinding(lines[line], line, data.labelSource === 'label' ? input.fields.labelFields : [], issue, data.labels, rank + 1));
			});
		}

		hooks.onProgress?.({ type: 'stage', stage: 'groups', message: 'per-group metrics' });
		const groups = outOfFold === undefined
			? groupMetrics(validationIndices.map((index) => validationSource.examples[index].text), validationSet.classes, predictedClasses(validationProbabilities, classCount), data.labels, input.groupMatcher ?? lexiconGroupMatcher, config.minGroupRecords)
			: groupMetrics(data.examples.map((example) => example.text), data.classes, predictedClasses(outOfFold, classCount), data.labels, input.groupMatcher ?? lexiconGroupMatcher, config.minGroupRecords);
		for (const group of groups) {
			const accuracy = group.accuracy;
			if (accuracy !== undefined && accuracy.gap <= -0.05 && accuracy.pValue < 0.01) {
				const finding = underperformingGroupFinding(group);
				if (finding !== undefined) {
					findings.push(finding);
				}
			}
		}

		hooks.onProgress?.({ type: 'stage', stage: 'triggers', message: 'trigger confirmation' });
		const candidates = input.triggerCandidates ?? minedCandidates(data);
		const heldOut = {
			texts: validationIndices.map((index) => validationSource.examples[index].text),
			classes: validationSet.classes,
			predicted: predictedClasses(validationProbabilities, classCount),
		};
		const triggers = await confirmTriggers(main.model, space, heldOut, candidates, data.labels, config.seed);
		findings.push(...triggers.filter((trigger) => trigger.confirmed).map(triggerFinding));

		return {
			task: 'classification',
			file: input.train.file,
			validationFile: input.validation?.file,
			backend: backend.name,
			seed: config.seed,
			config,
			format: data.format,
			labelSource: data.labelSource,
			labels: data.labels,
			records: { train: trainSet.vectors.length, validation: validationSet.vectors.length, skipped: data.skipped.length },
			metrics: { train: { loss: trainMetrics.loss, accuracy: trainMetrics.accuracy }, validation: validationMetrics },
			bestEpoch: main.bestEpoch,
			history: main.history,
			learningCurve,
			labelIssues: labelIssues.map((issue) => ({
				line: data.examples[issue.index].line,
				given: data.labels[issue.given],
				suggested: data.labels[issue.suggested],
				probability: issue.suggestedProbability,
				selfConfidence: issue.selfConfidence,
			})),
			groups,
			triggers,
			findings,
			seconds: (Date.now() - started) / 1000,
		};
	} finally {
		main.model.dispose();
	}
}

/** Reads the user's validation file; its labels must all occur in the training file. */
function validationData(source: SourceFile, fields: FieldMapping, train: TrainingData): TrainingData {
	const data = labelledData(source.text, source.file, fields, { ...DEFAULT_EXAMPLE_LIMITS, minPerClass: 1, minLabels: 1 });
	const unknown = data.labels.filter((label) => !train.labels.includes(label));
	if (unknown.length > 0) {
		throw new TrainingInputError(`${source.file}: labels not in the training file: ${unknown.map((label) => JSON.stringify(label)).join(', ')}`);
	}
	const classOf = new Map(train.labels.map((label, index) => [label, index]));
	return { ...data, labels: train.labels, classes: Int32Array.from(data.examples, (example) => classOf.get(example.label) ?? -1) };
}

/**
 * Probabilities for every record from a model that never saw it: k stratified folds, each model trained on the other
 * folds (for `options.epochs`, the main run's best epoch count) with a feature space fitted on those folds only.
 */
async function outOfFoldProbabilities(
	data: TrainingData,
	options: RunConfig,
	trainFit: (stage: Stage, train: EncodedSet, validation: EncodedSet | undefined, options: TrainOptions, featureCount: number) => ReturnType<typeof fit>,
): Promise<Float32Array> {
	const classCount = data.labels.length;
	const result = new Float32Array(data.examples.length * classCount);
	const folds = stratifiedFolds(data.classes, options.folds, options.seed);
	for (const heldOut of folds) {
		const held = new Set(heldOut);
		const trainIndices = data.examples.map((_, index) => index).filter((index) => !held.has(index));
		const space = FeatureSpace.fit(trainIndices.map((index) => data.examples[index].text));
		const train = { vectors: trainIndices.map((index) => space.vectorize(data.examples[index].text)), classes: trainIndices.map((index) => data.classes[index]) };
		const fold = await trainFit('folds', train, undefined, options, space.size);
		const probabilities = await fold.model.predict(heldOut.map((index) => space.vectorize(data.examples[index].text)));
		fold.model.dispose();
		heldOut.forEach((index, position) => result.set(probabilities.subarray(position * classCount, (position + 1) * classCount), index * classCount));
	}
	return result;
}

/** Trigger candidates mined from the training file by the model-free poisoning core. */
function minedCandidates(data: TrainingData): TriggerCandidateInput[] {
	const features = data.examples.map((example) => triggerFeatures([example.text]));
	return mineTriggers(features, data.examples.map((example) => example.label)).candidates.map((candidate) => ({ ngram: candidate.ngram, label: candidate.label }));
}
