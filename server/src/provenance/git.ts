import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as path from 'node:path';

/** The locked version of a file as git holds it, or why it could not be found. */
export type LockedVersion = { commit: string; text: string } | { unavailable: string };

/** How many commits touching the file are searched for the locked bytes. */
const COMMITS_SEARCHED = 30;

/** Above this size the locked version is not loaded (the diff holds both versions in memory). */
export const MAX_DIFF_BYTES = 256 * 1024 * 1024;

/**
 * Finds the locked bytes of `file` in git: the most recent commits that touched it are read with `git show` until
 * one hashes to the locked SHA-256. Only the version that really is the locked one is used, so a diff never
 * compares against the wrong baseline.
 */
export async function findLockedVersion(file: string, lockedSha256: string, lockedSize: number): Promise<LockedVersion> {
	if (lockedSize > MAX_DIFF_BYTES) {
		return { unavailable: `the locked version is ${Math.round(lockedSize / 1024 / 1024)} MB, more than the ${MAX_DIFF_BYTES / 1024 / 1024} MB compared in memory` };
	}
	const directory = path.dirname(path.resolve(file));
	const name = `./${path.basename(file)}`;
	const log = await git(['log', `-n${COMMITS_SEARCHED}`, '--format=%H', '--', name], directory, 1 << 20);
	if ('failed' in log) {
		return { unavailable: /not a git repository/i.test(log.failed) ? 'the file is not in a git repository' : `git failed (${log.failed})` };
	}
	const commits = log.output.toString('utf8').split('\n').filter((line) => /^[0-9a-f]{40,64}$/.test(line));
	for (const commit of commits) {
		const shown = await git(['show', `${commit}:${name}`], directory, lockedSize + 1024);
		if ('output' in shown && shown.output.length === lockedSize && createHash('sha256').update(shown.output).digest('hex') === lockedSha256) {
			return { commit, text: shown.output.toString('utf8') };
		}
	}
	return { unavailable: commits.length === 0 ? 'git has no commit of this file' : `none of the last ${commits.length} commits of this file holds the locked version` };
}

function git(args: string[], cwd: string, maxBuffer: number): Promise<{ output: Buffer } | { failed: string }> {
	return new Promise((resolve) => {
		execFile('git', args, { cwd, encoding: 'buffer', maxBuffer, windowsHide: true }, (error, stdout, stderr) => {
			if (error !== null) {
				const detail = stderr.toString('utf8').trim().split('\n')[0] || error.message;
				resolve({ failed: (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'git is not installed' : detail });
			} else {
				resolve({ output: stdout });
			}
		});
	});
}
