/**
 * Reads the user lexicon named by `lexiconFile` in the options of a fairness rule, for the CLI and the language server.
 * The path is resolved against the directory of the config file (or the workspace folder) and refused when it lies
 * outside the workspace (issue 11: paths in the config resolve inside the workspace).
 */
import { readFileSync, realpathSync } from 'node:fs';
import * as path from 'node:path';
import { FAIRNESS_RULE_IDS, withLexiconFile } from '../core/fairness/settings';
import type { Settings } from '../core/types';

/** A `lexiconFile` that points outside the workspace; the message names the file, where it resolves and the workspace. */
export class OutsideWorkspaceError extends Error {}

/** The `lexiconFile` named in the options of a fairness rule, if any (the first rule that names one wins, as in core). */
export function lexiconFileOption(settings: Settings): string | undefined {
	for (const id of FAIRNESS_RULE_IDS) {
		const file = settings.ruleOptions[id]?.lexiconFile;
		if (typeof file === 'string') {
			return file;
		}
	}
	return undefined;
}

/**
 * The absolute path of `file` resolved against `baseDirectory`, or an OutsideWorkspaceError when it (or, for an existing
 * file, the real path behind its symbolic links) lies outside `workspace`.
 */
export function resolveInsideWorkspace(file: string, baseDirectory: string, workspace: string): string {
	const resolved = path.resolve(baseDirectory, file);
	const real = realPath(resolved);
	const outside = !isInside(resolved, path.resolve(workspace)) || (real !== undefined && !isInside(real, realPath(workspace) ?? workspace));
	if (outside) {
		throw new OutsideWorkspaceError(`lexicon file "${file}" resolves to ${resolved}, outside the workspace ${path.resolve(workspace)}; paths in the config must stay inside the workspace`);
	}
	return resolved;
}

/**
 * Settings with the user lexicon read from disk (see withLexiconFile in core). A file that cannot be read, or lies
 * outside `workspace`, becomes a read error that the fairness rules report, with the built-in lexicon in force.
 */
export function withWorkspaceLexicon(settings: Settings, baseDirectory: string, workspace: string = baseDirectory): Settings {
	return withLexiconFile(settings, (file) => readFileSync(resolveInsideWorkspace(file, baseDirectory, workspace), 'utf8'));
}

function isInside(file: string, directory: string): boolean {
	const relative = path.relative(directory, file);
	return relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

/** The real path of an existing file; undefined for a missing one (reading it then fails with a clear message). */
function realPath(file: string): string | undefined {
	try {
		return realpathSync(file);
	} catch {
		return undefined;
	}
}
