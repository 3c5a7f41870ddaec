import * as fs from 'node:fs';
import * as path from 'node:path';

import type { TrainingResult } from './run';

/**
 * Saves a finished run under `<runs>/<id>/`: run.json (file, config, seed, backend, metrics, best epoch, timings),
 * history.json, learning-curve.json, findings.json (engine findings, 0-based, with their fixes), label-issues.json
 * (the ranked list), groups.json and triggers.json, and for the next-token proxy answer-outliers.json. The files are written into a hidden temporary directory that is
 * renamed into place at the end, so a crash or a cancel never leaves a partial run behind.
 */

/** The default runs directory: `.tunelint/runs` under `root`. */
export function defaultRunsDirectory(root: string): string {
	return path.join(root, '.tunelint', 'runs');
}

/** Writes the run and returns its directory; never overwrites an existing run. */
export function saveRun(runsDirectory: string, result: TrainingResult, now = new Date()): string {
	fs.mkdirSync(runsDirectory, { recursive: true });
	const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
	const base = `${stamp}-seed${result.seed}`;
	const staging = fs.mkdtempSync(path.join(runsDirectory, `.partial-${base}-`));
	try {
		const { history, learningCurve, findings, labelIssues, groups, triggers, answerOutliers, ...summary } = result;
		const files: Record<string, unknown> = {
			'run.json': summary,
			'history.json': history,
			'learning-curve.json': learningCurve,
			'findings.json': findings,
			'label-issues.json': labelIssues,
			'groups.json': groups,
			'triggers.json': triggers,
			...(answerOutliers === undefined ? {} : { 'answer-outliers.json': answerOutliers }),
		};
		for (const [name, content] of Object.entries(files)) {
			fs.writeFileSync(path.join(staging, name), `${JSON.stringify(content, null, '\t')}\n`, { flag: 'wx' });
		}
		for (let attempt = 0; ; attempt++) {
			const target = path.join(runsDirectory, attempt === 0 ? base : `${base}-${attempt + 1}`);
			if (!fs.existsSync(target)) {
				fs.renameSync(staging, target);
				return target;
			}
		}
	} catch (error) {
		fs.rmSync(staging, { recursive: true, force: true });
		throw error;
	}
}
