import { splitLines } from '../core/records';
import type { Finding } from '../core/types';
import { selectBackend } from './backend';
import { answersNeedMoreData, type CurvePoint, overfittingEvidence } from './curves';
import { type AnswerData, answerData } from './examples';
import { type AnswerOutlier, answerOutlierFinding, answersInsufficientDataFinding, answersUnderperformingGroupFinding, overfittingFinding } from './findings';
import { groupLosses, lexiconGroupMatcher } from './groups';
import {
	buildVocabulary,
	ContextFeatures,
	DEFAULT_NEXT_TOKEN_DATA_OPTIONS,
	type EncodedAnswer,
	type PositionSet,
	sampledPositions,
	scoredPositions,
	type TokenizedExample,
	tokenizeExamples,
	UNKNOWN_ID,
	type Vocabulary,
} from './nextTokenData';
import { DEFAULT_DIMENSION, NextTokenModel, type PositionScores } from './nextTokenModel';
import type { RunConfig, RunHooks, RunInput, Stage, TrainingResult } from './run';
import { stratifiedFolds, stratifiedSplit, stratifiedSubsample } from './split';
import { type FitResult, type Score, type TrainingHooks, trainLoop, type TrainOptions } from './train';

/**
 * The validation fine-tune of a free-text dataset (chat, instruction or completion answers that are not a small
 * answer set): a next-token proxy over the answers (nextTokenModel.ts) whose curves and per-record losses serve the
 * classifier's purposes. Same split (seeded, or the --valid file), options, early stopping and findings as run.ts:
 * `overfitting` from the epoch history, `insufficient-data` from a 10/25/50/100 % learning curve, `answer-outlier`
 * for answers whose out-of-fold loss is far above the rest (the free-text counterpart of `label-issue`), and
 * `underperforming-group` from per-group mean answer loss. Trigger confirmation needs labels and is skipped.
 */

/** Robust z-score at or above which an answer is an outlier (Iglewicz and Hoaglin's 3.5). */
export const OUTLIER_Z = 3.5;
/** A group is flagged when its mean answer loss is this much (relative) above the rest's, with p below 0.01. */
const GROUP_LOSS_GAP = 0.05;
const LEARNING_CURVE_SHARES = [0.1, 0.25, 0.5, 1];

/** What a next-token run reports about its model, beside the classifier's fields (run.json `nextToken`). */
export interface NextTokenSummary {
	/** Output words, `<unk>` and `</s>` included. */
	vocabularySize: number;
	/** Distinct training-answer words outside the vocabulary, plus one; an `<unk>` target's loss adds log of this. */
	unknownTypes: number;
	/** Rows of the context embedding table (prompt words, previous words and pairs seen in training). */
	contextFeatures: number;
	dimension: number;
	/** Answer positions scored per record (all of shorter answers) and trained per record and epoch. */
	scoredPositions: number;
	trainedPositions: number;
	/** Scored positions in the training and validation sets. */
	positions: { train: number; validation: number };
}

/** A fitted vocabulary and context index, with every record of its examples encoded against them. */
interface Space {
	vocabulary: Vocabulary;
	features: ContextFeatures;
	answers: EncodedAnswer[];
}

/** Fits the vocabulary and features on `trainIds` of `tokenized` and encodes all of `tokenized`. */
function fitSpace(tokenized: readonly TokenizedExample[], trainIds: readonly number[]): Space {
	const training = trainIds.map((id) => tokenized[id]);
	const vocabulary = buildVocabulary(training.map((example) => example.answer), DEFAULT_NEXT_TOKEN_DATA_OPTIONS);
	const features = ContextFeatures.fit(training, DEFAULT_NEXT_TOKEN_DATA_OPTIONS.minFeatureCount);
	return { vocabulary, features, answers: tokenized.map((example) => features.encode(example, vocabulary)) };
}

/** Loss (with the `<unk>` spread) and token accuracy (an `<unk>` target never counts as right) over scored positions. */
function summarize(scores: PositionScores, set: PositionSet, space: Space): Score {
	const unknownCost = Math.log(space.vocabulary.unknownTypes);
	let loss = 0;
	let correct = 0;
	for (let i = 0; i < scores.nll.length; i++) {
		const unknown = space.answers[set.records[i]].targets[set.positions[i]] === UNKNOWN_ID;
		loss += scores.nll[i] + (unknown ? unknownCost : 0);
		correct += scores.correct[i] === 1 && !unknown ? 1 : 0;
	}
	const n = Math.max(1, scores.nll.length);
	return { loss: loss / n, accuracy: correct / n };
}

/** Mean loss per scored token of every record in `set` (`result[record]`; NaN for records not in the set). */
function recordLosses(scores: PositionScores, set: PositionSet, space: Space, recordCount: number): Float64Array {
	const unknownCost = Math.log(space.vocabulary.unknownTypes);
	const sums = new Float64Array(recordCount);
	const counts = new Float64Array(recordCount);
	for (let i = 0; i < scores.nll.length; i++) {
		const record = set.records[i];
		sums[record] += scores.nll[i] + (space.answers[record].targets[set.positions[i]] === UNKNOWN_ID ? unknownCost : 0);
		counts[record]++;
	}
	return sums.map((sum, record) => (counts[record] === 0 ? Number.NaN : sum / counts[record]));
}

/** Trains a next-token model on `trainIds` of `space` (early stopping when `validationIds` is given). */
async function fitNextToken(space: Space, trainIds: readonly number[], validationIds: readonly number[] | undefined, options: TrainOptions, hooks: TrainingHooks): Promise<FitResult<NextTokenModel>> {
	const { scoredPositions: scored, trainedPositions: trained } = DEFAULT_NEXT_TOKEN_DATA_OPTIONS;
	const unigram = new Float64Array(space.vocabulary.words.length);
	for (const id of trainIds) {
		space.answers[id].targets.forEach((target) => unigram[target]++);
	}
	const model = new NextTokenModel(space.features.size, space.vocabulary.words.length, unigram, { learningRate: options.learningRate, l2: options.l2, dimension: options.embeddingSize > 0 ? options.embeddingSize : DEFAULT_DIMENSION, seed: options.seed });
	try {
		const trainSet = scoredPositions(space.answers, trainIds, scored);
		const validationSet = validationIds === undefined ? undefined : scoredPositions(space.answers, validationIds, scored);
		const loop = await trainLoop(
			{
				model,
				size: trainIds.length,
				trainBatch: (ids, random) => model.trainBatch(space.answers, sampledPositions(space.answers, ids.map((id) => trainIds[id]), trained, random), options.dropout, random),
				scoreTrain: async () => summarize(await model.score(space.answers, trainSet), trainSet, space),
				scoreValidation: validationSet === undefined ? undefined : async () => summarize(await model.score(space.answers, validationSet), validationSet, space),
			},
			options,
			hooks,
		);
		return { model, ...loop };
	} catch (error) {
		model.dispose();
		throw error;
	}
}

/** Runs the next-token validation fine-tune on free-text answers; the caller has decided the file is free text. */
export async function runNextToken(input: RunInput, data: AnswerData, config: RunConfig, hooks: RunHooks = {}): Promise<TrainingResult> {
	const started = Date.now();
	// A validation file needs only a few answers of its own: it is scored, never split.
	const external = input.validation === undefined ? undefined : answerData(input.validation.text, input.validation.file, input.fields, 1);
	const examples = external === undefined ? data.examples : [...data.examples, ...external.examples];
	const tokenized = tokenizeExamples(examples);
	const ownIds = data.examples.map((_, index) => index);
	const split = external === undefined ? stratifiedSplit(new Int32Array(data.examples.length), config.validationShare, config.seed) : { train: ownIds, validation: external.examples.map((_, index) => data.examples.length + index) };
	const backend = await selectBackend(config.backend);
	const space = fitSpace(tokenized, split.train);

	const fits = 1 + (config.learningCurve ? LEARNING_CURVE_SHARES.length - 1 : 0) + (config.folds >= 2 ? config.folds : 0);
	let fitNumber = 0;
	const trainFit = (stage: Stage, fitted: Space, trainIds: readonly number[], validationIds: readonly number[] | undefined, options: TrainOptions) => {
		fitNumber++;
		const fitStarted = Date.now();
		const current = fitNumber;
		return fitNextToken(fitted, trainIds, validationIds, options, {
			signal: hooks.signal,
			onBatch: (epoch, batch, batches) => {
				const done = (epoch - 1) * batches + batch;
				const etaSeconds = ((Date.now() - fitStarted) / 1000 / done) * (options.epochs * batches - done);
				hooks.onProgress?.({ type: 'progress', stage, fit: current, fits, epoch, epochs: options.epochs, batch, batches, etaSeconds });
			},
			onEpoch: (record) => hooks.onProgress?.({ type: 'epoch', stage, ...record }),
		});
	};

	hooks.onProgress?.({ type: 'stage', stage: 'train', message: `training the next-token proxy on the answers of ${split.train.length} records (${backend.name} backend)` });
	const main = await trainFit('train', space, split.train, split.validation, config);
	const trainSet = scoredPositions(space.answers, split.train, DEFAULT_NEXT_TOKEN_DATA_OPTIONS.scoredPositions);
	const validationSet = scoredPositions(space.answers, split.validation, DEFAULT_NEXT_TOKEN_DATA_OPTIONS.scoredPositions);
	const findings: Finding[] = [];
	let trainMetrics: Score;
	let validationScores: PositionScores;
	try {
		trainMetrics = summarize(await main.model.score(space.answers, trainSet), trainSet, space);
		validationScores = await main.model.score(space.answers, validationSet);
	} finally {
		main.model.dispose();
	}
	const validationMetrics = summarize(validationScores, validationSet, space);
	const overfitting = overfittingEvidence(main.history, main.bestEpoch);
	if (overfitting !== undefined) {
		findings.push(overfittingFinding(overfitting));
	}

	const learningCurve: CurvePoint[] = [];
	if (config.learningCurve) {
		hooks.onProgress?.({ type: 'stage', stage: 'learning-curve', message: 'learning curve over 10/25/50/100 % of the training answers' });
		for (const share of LEARNING_CURVE_SHARES) {
			if (share === 1) {
				learningCurve.push({ share, records: split.train.length, accuracy: validationMetrics.accuracy, loss: validationMetrics.loss });
				continue;
			}
			const subset = stratifiedSubsample(split.train, new Int32Array(examples.length), share, config.seed);
			const partial = await trainFit('learning-curve', space, subset, split.validation, config);
			const score = summarize(await partial.model.score(space.answers, validationSet), validationSet, space);
			partial.model.dispose();
			learningCurve.push({ share, records: subset.length, accuracy: score.accuracy, loss: score.loss });
		}
		if (answersNeedMoreData(learningCurve)) {
			findings.push(answersInsufficientDataFinding(learningCurve));
		}
	}

	// Per-record losses: out of fold over the whole training file when folds are on, else the validation records only.
	let losses: Float64Array;
	let lossIds: number[];
	let outliers: AnswerOutlier[] = [];
	if (config.folds >= 2) {
		hooks.onProgress?.({ type: 'stage', stage: 'folds', message: `${config.folds}-fold out-of-fold answer losses` });
		const outOfFold = await outOfFoldLosses(tokenized, ownIds, config.folds, { ...config, epochs: Math.max(1, main.bestEpoch) }, trainFit);
		losses = outOfFold.losses;
		lossIds = ownIds;
		outliers = answerOutliers(outOfFold, ownIds, examples);
	} else {
		losses = recordLosses(validationScores, validationSet, space, examples.length);
		lossIds = external === undefined ? split.validation : [];
	}
	const median = medianOf(lossIds.map((id) => losses[id]));
	const lines = splitLines(input.train.text);
	outliers.forEach((outlier, rank) => findings.push(answerOutlierFinding(lines[outlier.line], outlier.line, data.format, outlier, median, rank + 1)));

	hooks.onProgress?.({ type: 'stage', stage: 'groups', message: 'per-group answer loss' });
	const groupTexts = lossIds.map((id) => `${examples[id].prompt}\n${examples[id].answer}`);
	const groups = groupLosses(groupTexts, lossIds.map((id) => losses[id]), input.groupMatcher ?? lexiconGroupMatcher, config.minGroupRecords);
	for (const group of groups) {
		const loss = group.loss;
		if (loss !== undefined && loss.gap >= GROUP_LOSS_GAP * loss.rest && loss.pValue < 0.01) {
			const finding = answersUnderperformingGroupFinding(group);
			if (finding !== undefined) {
				findings.push(finding);
			}
		}
	}

	return {
		task: 'next-token',
		file: input.train.file,
		validationFile: input.validation?.file,
		backend: backend.name,
		seed: config.seed,
		config,
		format: data.format,
		labelSource: 'answer',
		labels: [],
		records: { train: split.train.length, validation: split.validation.length, skipped: data.skipped.length },
		metrics: { train: trainMetrics, validation: { ...validationMetrics, macroF1: null } },
		bestEpoch: main.bestEpoch,
		history: main.history,
		learningCurve,
		labelIssues: [],
		answerOutliers: outliers,
		nextToken: {
			vocabularySize: space.vocabulary.words.length,
			unknownTypes: space.vocabulary.unknownTypes,
			contextFeatures: space.features.size,
			dimension: DEFAULT_DIMENSION,
			scoredPositions: DEFAULT_NEXT_TOKEN_DATA_OPTIONS.scoredPositions,
			trainedPositions: DEFAULT_NEXT_TOKEN_DATA_OPTIONS.trainedPositions,
			positions: { train: trainSet.records.length, validation: validationSet.records.length },
		},
		groups,
		triggers: [],
		findings,
		seconds: (Date.now() - started) / 1000,
	};
}

/**
 * Each record's mean answer loss from a model that never saw it: k folds, each with its own vocabulary and context
 * index fitted on the other folds, trained for the main run's best epoch count.
 */
async function outOfFoldLosses(
	tokenized: readonly TokenizedExample[],
	ids: readonly number[],
	folds: number,
	options: TrainOptions,
	trainFit: (stage: Stage, space: Space, trainIds: readonly number[], validationIds: undefined, options: TrainOptions) => Promise<FitResult<NextTokenModel>>,
): Promise<OutOfFold> {
	const losses = new Float64Array(tokenized.length).fill(Number.NaN);
	const unknownShares = new Float64Array(tokenized.length);
	const tokens = new Int32Array(tokenized.length);
	for (const fold of stratifiedFolds(new Int32Array(ids.length), Math.min(folds, ids.length), options.seed)) {
		const heldOut = fold.map((position) => ids[position]);
		const held = new Set(heldOut);
		const trainIds = ids.filter((id) => !held.has(id));
		const space = fitSpace(tokenized, trainIds);
		const fitted = await trainFit('folds', space, trainIds, undefined, options);
		const set = scoredPositions(space.answers, heldOut, DEFAULT_NEXT_TOKEN_DATA_OPTIONS.scoredPositions);
		const scores = await fitted.model.score(space.answers, set);
		fitted.model.dispose();
		const foldLosses = recordLosses(scores, set, space, tokenized.length);
		for (const id of heldOut) {
			const targets = space.answers[id].targets;
			let unknown = 0;
			targets.forEach((target) => (unknown += target === UNKNOWN_ID ? 1 : 0));
			losses[id] = foldLosses[id];
			tokens[id] = targets.length - 1;
			unknownShares[id] = unknown / Math.max(1, targets.length - 1);
		}
	}
	return { losses, unknownShares, tokens };
}

/** Out-of-fold mean answer loss of every record, with its answer's length in words and the share unknown to its fold's model. */
interface OutOfFold {
	losses: Float64Array;
	unknownShares: Float64Array;
	tokens: Int32Array;
}

/** Records whose loss has a robust z-score of at least {@link OUTLIER_Z}, highest first. */
function answerOutliers({ losses, unknownShares, tokens }: OutOfFold, ids: readonly number[], examples: readonly { line: number }[]): AnswerOutlier[] {
	const values = ids.map((id) => losses[id]).filter((value) => !Number.isNaN(value));
	const median = medianOf(values);
	const mad = medianOf(values.map((value) => Math.abs(value - median)));
	if (!(mad > 0)) {
		return [];
	}
	return ids
		.map((id) => ({ id, z: (0.6745 * (losses[id] - median)) / mad }))
		.filter(({ z }) => z >= OUTLIER_Z)
		.sort((a, b) => b.z - a.z)
		.map(({ id, z }) => ({ line: examples[id].line, loss: losses[id], z, unknownShare: unknownShares[id], tokens: tokens[id] }));
}

function medianOf(values: readonly number[]): number {
	const sorted = values.filter((value) => !Number.isNaN(value)).sort((a, b) => a - b);
	if (sorted.length === 0) {
		return Number.NaN;
	}
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
