import { hashString53 } from '../core/dedup/hash';
import { locatePath } from '../core/jsonLocate';
import { isJsonObject, parseLine } from '../core/records';
import type { Finding, JsonValue, TextRange } from '../core/types';
import type { LabelIssue } from './confidentLearning';
import type { CurvePoint, OverfittingEvidence } from './curves';
import type { GroupMetrics } from './groups';
import type { TriggerConfirmation } from './triggers';

/**
 * Turns what the proxy measured into findings of the check command's shape. Rule ids: `label-issue` (one per record),
 * `overfitting`, `insufficient-data`, `underperforming-group` and `trigger-confirmed` (file-level).
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
