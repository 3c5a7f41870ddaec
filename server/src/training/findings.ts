import { hashString53 } from '../core/dedup/hash';
import { locatePath } from '../core/jsonLocate';
import { isJsonObject, parseLine } from '../core/records';
import { canonicalRole } from '../core/content';
import type { DatasetFormat, Finding, JsonValue, TextRange } from '../core/types';
import type { LabelIssue } from './confidentLearning';
import { type CurvePoint, gainPerDoubling, lossDropPerDoubling, type OverfittingEvidence } from './curves';
import type { GroupMetrics } from './groups';
import type { TriggerConfirmation } from './triggers';

/**
 * Turns what the proxy measured into findings of the check command's shape. Rule ids: `label-issue` and, for the
 * next-token proxy, `answer-outlier` (one per record), `overfitting`, `insufficient-data`, `underperforming-group` and
 * `trigger-confirmed` (file-level).
 */

const FILE_RANGE: TextRange = { line: 0, column: 0, endLine: 0, endColumn: 0 };

function fileFinding(ruleId: string, severity: Finding['severity'], message: string, data: Record<string, unknown>): Finding {
	return { ruleId, severity, message, scope: 'file', range: { ...FILE_RANGE }, data };
}

const percent = (value: number): string => `${(value * 100).toFixed(1)} %`;

/**
 * A likely label error on its line, pointing at the label value when it can be found, with a relabel fix that keeps
 * the label's JSON type (1 stays a number, "pos" a string).
 */
export function labelIssueFinding(lineText: string, line: number, labelFields: readonly string[], issue: LabelIssue, labels: readonly string[], rank: number): Finding {
	const given = labels[issue.given];
	const suggested = labels[issue.suggested];
	const message = `Labelled ${JSON.stringify(given)}, the model says ${JSON.stringify(suggested)} with p = ${issue.suggestedProbability.toFixed(2)} (out-of-fold; rank ${rank} of the likely label errors)`;
	// The line's hash lets an editor drop the finding once the line changes after the run (server/src/lsp/runFindings.ts).
	const data = { given, suggested, probability: issue.suggestedProbability, selfConfidence: issue.selfConfidence, rank, lineHash: lineTextHash(lineText) };
	const located = locateLabel(lineText, labelFields);
	if (located === undefined) {
		return { ruleId: 'label-issue', severity: 'warning', message, scope: 'line', range: { line, column: 0, endLine: line, endColumn: lineText.length }, data };
	}
	const range = { line, column: located.start, endLine: line, endColumn: located.end };
	const newText = JSON.stringify(typedLike(located.value, suggested));
	return { ruleId: 'label-issue', severity: 'warning', message, scope: 'line', range, data, fix: { title: `Relabel as ${newText}`, edits: [{ ...range, newText }] } };
}

/** The hash of a record line's text that a label issue keeps; a byte-order mark and a carriage return do not count. */
export function lineTextHash(lineText: string): string {
	return hashString53(lineText.replace(/^\uFEFF/, '').replace(/\r$/, '')).toString(16).padStart(14, '0');
}

function locateLabel(lineText: string, labelFields: readonly string[]): { start: number; end: number; value: JsonValue } | undefined {
	const parsed = parseLine(lineText);
	if (parsed.kind !== 'value' || !isJsonObject(parsed.value)) {
		return undefined;
	}
	const record = parsed.value;
	const field = labelFields.find((name) => name in record);
	const span = field === undefined ? undefined : locatePath(lineText, [field]);
	return field === undefined || span === undefined ? undefined : { ...span.value, value: record[field] };
}

function typedLike(original: JsonValue, label: string): JsonValue {
	if (typeof original === 'number' && Number.isFinite(Number(label))) {
		return Number(label);
	}
	if (typeof original === 'boolean' && (label === 'true' || label === 'false')) {
		return label === 'true';
	}
	return label;
}

/** Validation loss rose after the best epoch while training loss kept falling. */
export function overfittingFinding(evidence: OverfittingEvidence): Finding {
	return fileFinding(
		'overfitting',
		'warning',
		`Overfitting from epoch ${evidence.startedAtEpoch}: validation loss rose ${percent(evidence.valLossRise)} above its best (epoch ${evidence.bestEpoch}) while training loss kept falling; the generalisation gap at the best epoch is ${evidence.gapAtBest.toFixed(3)}. Train for at most ${evidence.bestEpoch} epoch${evidence.bestEpoch === 1 ? '' : 's'}, or add regularisation.`,
		{ ...evidence },
	);
}

/** The learning curve still rises steeply at 100 % of the data. */
export function insufficientDataFinding(curve: readonly CurvePoint[], gain: number): Finding {
	const points = curve.map((point) => `${percent(point.share)}: ${point.accuracy.toFixed(3)}`).join(', ');
	return fileFinding(
		'insufficient-data',
		'info',
		`More data would likely help: validation accuracy rose ${(gain * 100).toFixed(1)} points from half to all of the training data (learning curve ${points}).`,
		{ curve, gainPerDoubling: gain },
	);
}

/** A group whose accuracy is significantly below that of the rest. */
export function underperformingGroupFinding(group: GroupMetrics): Finding | undefined {
	const accuracy = group.accuracy;
	if (accuracy === undefined) {
		return undefined;
	}
	return fileFinding(
		'underperforming-group',
		'warning',
		`Records mentioning ${group.group} are classified worse: accuracy ${accuracy.value.toFixed(3)} (95 % CI ${accuracy.interval[0].toFixed(3)}–${accuracy.interval[1].toFixed(3)}, ${accuracy.trials} records) against ${accuracy.rest.toFixed(3)} for the rest (p = ${accuracy.pValue.toPrecision(2)}).`,
		{ ...group },
	);
}

/** A trigger candidate whose insertion flips predictions to its label. */
export function triggerFinding(confirmation: TriggerConfirmation): Finding {
	return fileFinding(
		'trigger-confirmed',
		'error',
		`Backdoor trigger confirmed: inserting ${JSON.stringify(confirmation.ngram)} into ${confirmation.attempts} held-out records of other labels made the model predict ${JSON.stringify(confirmation.label)} for ${percent(confirmation.attackSuccessRate)} of them.`,
		{ ...confirmation },
	);
}

/** The learning curve of the next-token proxy still improves at 100 % of the data. */
export function answersInsufficientDataFinding(curve: readonly CurvePoint[]): Finding {
	const points = curve.map((point) => `${percent(point.share)}: loss ${point.loss.toFixed(3)}, token accuracy ${point.accuracy.toFixed(3)}`).join('; ');
	const drop = lossDropPerDoubling(curve) ?? 0;
	const gain = gainPerDoubling(curve) ?? 0;
	return fileFinding(
		'insufficient-data',
		'info',
		`More data would likely help: from half to all of the training data, the next-token proxy's validation loss fell ${percent(drop)} and its token accuracy rose ${(gain * 100).toFixed(1)} points (learning curve ${points}).`,
		{ curve, lossDropPerDoubling: drop, gainPerDoubling: gain },
	);
}

/** A group whose answers the next-token proxy predicts significantly worse than the rest. */
export function answersUnderperformingGroupFinding(group: GroupMetrics): Finding | undefined {
	const loss = group.loss;
	if (loss === undefined) {
		return undefined;
	}
	return fileFinding(
		'underperforming-group',
		'warning',
		`Records mentioning ${group.group} have harder answers for the next-token proxy: mean answer loss ${loss.value.toFixed(3)} (95 % CI ${loss.interval[0].toFixed(3)}–${loss.interval[1].toFixed(3)}, ${loss.records} records) against ${loss.rest.toFixed(3)} for the rest (p = ${loss.pValue.toPrecision(2)}).`,
		{ ...group },
	);
}

/** An answer whose per-token loss is far above the rest (measured out of fold). */
export interface AnswerOutlier {
	line: number;
	/** Mean negative log-likelihood per scored answer token (nats), `<unk>` spread included. */
	loss: number;
	/** Robust z-score of `loss`: 0.6745 × (loss − median) / MAD. */
	z: number;
	/** Share of the answer's words outside the vocabulary of the model that scored it. */
	unknownShare: number;
	tokens: number;
}

/** A record whose answer the next-token proxy finds far harder to predict than the others: gibberish, a wrong language, a broken template, a pasted log. */
export function answerOutlierFinding(lineText: string, line: number, format: DatasetFormat, outlier: AnswerOutlier, medianLoss: number, rank: number): Finding {
	const message = `Unusual answer: its loss under the next-token proxy is ${outlier.loss.toFixed(2)} nats per token against a median of ${medianLoss.toFixed(2)} (robust z = ${outlier.z.toFixed(1)}, out-of-fold; ${percent(outlier.unknownShare)} of its words are unknown to the model; rank ${rank}). Check that it is a real answer to its prompt.`;
	const span = locateAnswer(lineText, format);
	const range = span === undefined ? { line, column: 0, endLine: line, endColumn: lineText.length } : { line, column: span.start, endLine: line, endColumn: span.end };
	// The line's hash lets the editor show the finding on its line while the line is unchanged (server/src/lsp/runFindings.ts).
	return { ruleId: 'answer-outlier', severity: 'warning', message, scope: 'line', range, data: { ...outlier, medianLoss, rank, lineHash: lineTextHash(lineText) } };
}

/** The span of the final answer's value in a record's line, for the formats whose answer sits in one field. */
function locateAnswer(lineText: string, format: DatasetFormat): { start: number; end: number } | undefined {
	const parsed = parseLine(lineText);
	if (parsed.kind !== 'value' || !isJsonObject(parsed.value)) {
		return undefined;
	}
	const record = parsed.value;
	const lastAssistant = (turns: JsonValue | undefined, roleKey: string): number => {
		if (!Array.isArray(turns)) {
			return -1;
		}
		for (let index = turns.length - 1; index >= 0; index--) {
			const turn = turns[index];
			if (isJsonObject(turn) && typeof turn[roleKey] === 'string' && canonicalRole(turn[roleKey]) === 'assistant') {
				return index;
			}
		}
		return -1;
	};
	let path: (string | number)[] | undefined;
	if (format === 'alpaca') {
		path = ['output'];
	} else if (format === 'prompt-completion') {
		path = ['completion'];
	} else if (format === 'openai-chat' && lastAssistant(record.messages, 'role') >= 0) {
		path = ['messages', lastAssistant(record.messages, 'role'), 'content'];
	} else if (format === 'sharegpt' && lastAssistant(record.conversations, 'from') >= 0) {
		path = ['conversations', lastAssistant(record.conversations, 'from'), 'value'];
	}
	return path === undefined ? undefined : locatePath(lineText, path)?.value;
}
