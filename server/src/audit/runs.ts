/**
 * Reads the saved validation fine-tunes (issue 7, server/src/training/runStore.ts) of a dataset for the audit report.
 * A run belongs to the dataset when run.json names the same file; unreadable or foreign runs are skipped, so a
 * half-written or hand-edited run never breaks the report.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AuditRun } from '../core/audit';

/** At most this many runs (the newest) are shown; label issues are capped per run. */
const MAX_RUNS = 5;
const MAX_LABEL_ISSUES = 200;

/** The runs of `datasetFile` under `runsDirectory`, newest first. */
export function readRuns(runsDirectory: string, datasetFile: string): AuditRun[] {
	let names: string[];
	try {
		names = fs.readdirSync(runsDirectory).filter((name) => !name.startsWith('.'));
	} catch {
		return [];
	}
	const target = path.resolve(datasetFile);
	const runs: AuditRun[] = [];
	for (const name of names.sort().reverse()) {
		const run = readRun(path.join(runsDirectory, name), name, target, runsDirectory);
		if (run !== undefined) {
			runs.push(run);
		}
		if (runs.length === MAX_RUNS) {
			break;
		}
	}
	return runs;
}

function readJson(file: string): unknown {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
	} catch {
		return undefined;
	}
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numberOrNull(value: unknown): number | null {
	return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function arrayOf(value: unknown): Record<string, unknown>[] {
	return Array.isArray(value) ? value.filter(isRecord) : [];
}

function readRun(directory: string, id: string, target: string, runsDirectory: string): AuditRun | undefined {
	const summary = readJson(path.join(directory, 'run.json'));
	if (!isRecord(summary) || typeof summary.file !== 'string') {
		return undefined;
	}
	// The CLI stores the file as the user wrote it: relative to where tunelint ran, usually the workspace folder.
	const candidates = [path.resolve(summary.file), path.resolve(runsDirectory, '..', '..', summary.file)];
	if (!candidates.includes(target)) {
		return undefined;
	}
	const metrics = isRecord(summary.metrics) && isRecord(summary.metrics.validation) ? summary.metrics.validation : {};
	return {
		id,
		backend: String(summary.backend ?? ''),
		seconds: numberOrNull(summary.seconds) ?? 0,
		accuracy: numberOrNull(metrics.accuracy),
		macroF1: numberOrNull(metrics.macroF1),
		history: arrayOf(readJson(path.join(directory, 'history.json'))).map((epoch) => ({
			epoch: numberOrNull(epoch.epoch) ?? 0,
			loss: numberOrNull(epoch.loss) ?? 0,
			valLoss: numberOrNull(epoch.valLoss),
			accuracy: numberOrNull(epoch.accuracy) ?? 0,
			valAccuracy: numberOrNull(epoch.valAccuracy),
		})),
		learningCurve: arrayOf(readJson(path.join(directory, 'learning-curve.json'))).map((point) => ({
			share: numberOrNull(point.share) ?? 0,
			records: numberOrNull(point.records) ?? 0,
			accuracy: numberOrNull(point.accuracy) ?? 0,
			loss: numberOrNull(point.loss) ?? 0,
		})),
		labelIssues: arrayOf(readJson(path.join(directory, 'label-issues.json'))).slice(0, MAX_LABEL_ISSUES).map((issue) => ({
			line: numberOrNull(issue.line) ?? 0,
			given: String(issue.given ?? ''),
			suggested: String(issue.suggested ?? ''),
			probability: numberOrNull(issue.probability) ?? 0,
		})),
		groups: arrayOf(readJson(path.join(directory, 'groups.json'))).map((group) => {
			const accuracy = isRecord(group.accuracy) ? group.accuracy : undefined;
			return {
				group: String(group.group ?? ''),
				records: numberOrNull(group.records) ?? 0,
				accuracy: group.scored === true && accuracy !== undefined ? numberOrNull(accuracy.value) : null,
				gap: accuracy === undefined ? null : numberOrNull(accuracy.gap),
				pValue: accuracy === undefined ? null : numberOrNull(accuracy.pValue),
			};
		}),
	};
}
