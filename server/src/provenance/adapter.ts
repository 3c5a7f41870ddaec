/**
 * What `tunelint check` and the language server need to add provenance findings to a lint: finding the lock the
 * settings point at, reading the public key they name, and hashing a file in the same read as its lint.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { LintResult } from '../core/engine';
import { provenanceFindings, withFindings } from '../core/provenance/findings';
import { RuleOptions } from '../core/rule';
import { ALL_RULES } from '../core/rules';
import { effectiveSeverity } from '../core/settings';
import type { Settings } from '../core/types';
import { readLineBatches } from '../node/readLines';
import { readLinesWithDigest } from './digest';
import { ProvenanceError } from './errors';
import { locateLock, readLock, throwOnProblems } from './lockStore';
import { diskLines, observe, type ProvenanceContext } from './observe';
import { loadPublicKey } from './signing';

/** The settings keys that configure provenance: `ruleOptions['provenance-mismatch'].lockFile` and `['provenance-signature'].publicKey`. */
export const LOCK_FILE_OPTION = 'lockFile';
export const PUBLIC_KEY_OPTION = 'publicKey';

/** True when at least one of the whole-file provenance rules would report (no work is done otherwise). */
export function provenanceRulesActive(settings: Settings): boolean {
	return ALL_RULES.some((rule) => rule.category === 'provenance' && rule.id !== 'untrusted-source' && effectiveSeverity(rule, settings) !== undefined);
}

/**
 * The provenance context of a run, or undefined when there is no lock (provenance is not in use) or no
 * provenance rule is active. Relative paths in the settings are resolved against `baseDirectory` (the directory
 * of the config file, or the workspace folder); without a configured path the nearest `tunelint.lock.json`
 * from `startDirectory` upwards is used. A configured lock file that is missing, a damaged lock or an unreadable
 * key is a ProvenanceError naming the file and the problem.
 */
export async function loadProvenance(settings: Settings, baseDirectory: string, startDirectory: string): Promise<ProvenanceContext | undefined> {
	if (!provenanceRulesActive(settings)) {
		return undefined;
	}
	const configured = new RuleOptions(settings.ruleOptions['provenance-mismatch'] ?? {}).string(LOCK_FILE_OPTION, '');
	const lockFile = await locateLock(configured, baseDirectory, startDirectory);
	if (lockFile === undefined) {
		return undefined;
	}
	const loaded = await readLock(lockFile);
	if (!loaded.exists) {
		throw new ProvenanceError(`${lockFile}: the lock file named by ruleOptions["provenance-mismatch"].${LOCK_FILE_OPTION} does not exist`);
	}
	throwOnProblems(loaded);
	const keyFile = new RuleOptions(settings.ruleOptions['provenance-signature'] ?? {}).string(PUBLIC_KEY_OPTION, '');
	const context: ProvenanceContext = { loaded, lockName: displayName(lockFile, startDirectory) };
	if (keyFile !== '') {
		context.publicKey = await loadPublicKey(path.resolve(baseDirectory, keyFile));
	}
	return context;
}

/** The directory relative config paths are resolved against in the CLI: the config file's, else the working directory. */
export async function configDirectory(configPath: string | undefined, cwd: string): Promise<string> {
	if (configPath !== undefined) {
		return path.dirname(path.resolve(cwd, configPath));
	}
	let current = path.resolve(cwd);
	for (;;) {
		if (await fs.stat(path.join(current, '.tunelintrc.json')).then((stat) => stat.isFile(), () => false)) {
			return current;
		}
		const parent = path.dirname(current);
		if (parent === current) {
			return cwd;
		}
		current = parent;
	}
}

/**
 * The lines of a file for the linter and, with a provenance context, a step that adds the provenance findings to
 * the finished lint (the digest is taken from the same read). Without a context the file is read as before.
 */
export function lintReader(context: ProvenanceContext | undefined, file: string, settings: Settings): { lines: AsyncIterable<readonly string[]>; complete: (result: LintResult) => Promise<LintResult> } {
	if (context === undefined) {
		return { lines: readLineBatches(file), complete: (result) => Promise.resolve(result) };
	}
	const reading = readLinesWithDigest(file);
	return {
		lines: reading.lines,
		complete: async (result) => {
			const observation = await observe(context, file, reading.digest(), diskLines(file));
			return observation === undefined ? result : withFindings(result, provenanceFindings(observation, settings));
		},
	};
}

function displayName(file: string, directory: string): string {
	const relative = path.relative(directory, file);
	return relative === '' || relative.startsWith('..') ? file : relative;
}
