/**
 * Reads saved validation fine-tunes (`.tunelint/runs/<id>/`, written by server/src/training/runStore.ts) for the run
 * view and the export command. Plain Node (no VS Code), so it is tested with node:test. A run that cannot be read is
 * skipped, never fatal: runs are files a person may edit or half-delete.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SavedRun } from './model';

/** A run directory found under a runs directory. */
export interface RunLocation {
	id: string;
	directory: string;
	runsDirectory: string;
}

/** At most this many runs (the newest) are listed. */
export const MAX_LISTED_RUNS = 100;

/** The runs directory of a workspace folder (or of a dataset's folder outside any workspace folder). */
export function runsDirectoryOf(root: string): string {
	return path.join(root, '.tunelint', 'runs');
}

/** The runs of several runs directories, newest first (run ids start with their UTC time stamp). */
export function listRuns(runsDirectories: readonly string[]): RunLocation[] {
	const found = new Map<string, RunLocation>();
	for (const runsDirectory of runsDirectories) {
		let names: string[];
		try {
			names = fs.readdirSync(runsDirectory).filter((name) => !name.startsWith('.'));
		} catch {
			continue;
		}
		for (const id of names) {
			const directory = path.join(runsDirectory, id);
			if (fs.existsSync(path.join(directory, 'run.json'))) {
				found.set(directory, { id, directory, runsDirectory });
			}
		}
	}
	return [...found.values()].sort((a, b) => b.id.localeCompare(a.id)).slice(0, MAX_LISTED_RUNS);
}

/** A run's run.json (file, backend, metrics, best epoch…); undefined when it is missing or not an object. */
export function readRunSummary(location: RunLocation): Record<string, unknown> | undefined {
	const summary = readJson(path.join(location.directory, 'run.json'));
	return isRecord(summary) ? summary : undefined;
}

/** Reads a run; undefined when its run.json is missing or not an object. */
export function readSavedRun(location: RunLocation): SavedRun | undefined {
	const summary = readRunSummary(location);
	if (summary === undefined) {
		return undefined;
	}
	return {
		id: location.id,
		summary,
		history: recordsOf(readJson(path.join(location.directory, 'history.json'))),
		learningCurve: recordsOf(readJson(path.join(location.directory, 'learning-curve.json'))),
		findings: recordsOf(readJson(path.join(location.directory, 'findings.json'))),
	};
}

/**
 * The dataset a run was trained on, as an absolute path: run.json keeps the file as `tunelint train` was given it,
 * absolute or relative to where it ran (the workspace folder, two levels above the runs directory).
 */
export function datasetOf(location: RunLocation, summary: Record<string, unknown>): string | undefined {
	const file = summary.file;
	if (typeof file !== 'string' || file === '') {
		return undefined;
	}
	return path.isAbsolute(file) ? file : path.resolve(location.runsDirectory, '..', '..', file);
}

/** The newest run of `datasetFile` among the runs directories, if any. */
export function newestRunOf(runsDirectories: readonly string[], datasetFile: string): RunLocation | undefined {
	const target = path.resolve(datasetFile);
	return listRuns(runsDirectories).find((location) => {
		const summary = readRunSummary(location);
		return summary !== undefined && datasetOf(location, summary) === target;
	});
}

/** The ranked label issues of a run (label-issues.json), as saved. */
export function readLabelIssues(location: RunLocation): Record<string, unknown>[] {
	return recordsOf(readJson(path.join(location.directory, 'label-issues.json')));
}

function readJson(file: string): unknown {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
	} catch {
		return undefined;
	}
}

function recordsOf(value: unknown): Record<string, unknown>[] {
	return Array.isArray(value) ? value.filter(isRecord) : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
