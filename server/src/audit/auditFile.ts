/**
 * The audit of a dataset file on disk (the CLI's `audit` and the language server's audit request): one streaming lint
 * with every finding kept, one more streaming pass for the report's distributions, and the saved runs of the file.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { lintLines, type LintOptions, type LintResult, type Settings } from '../core';
import { buildAudit, type AuditData } from '../core/audit';
import { readLineBatches, readLines } from '../node/readLines';
import { defaultRunsDirectory } from '../training/runStore';
import { readRuns } from './runs';

/** The audit keeps this many findings, so that every duplicate cluster and trigger line is counted. */
export const AUDIT_MAX_PROBLEMS = 100_000;

/** Options of one file audit. */
export interface FileAuditOptions extends LintOptions {
	/** Where runs are saved; defaults to `.tunelint/runs` under `root`. */
	runsDirectory?: string;
	/** The workspace (or current) folder. */
	root: string;
	/** The name shown in the report; defaults to the path relative to `root`. */
	displayName?: string;
	/** Lints the file with the settings given (the CLI adds the provenance findings); defaults to a plain streaming lint. */
	lint?: (settings: Settings) => Promise<LintResult>;
}

/** Audits the file at `file`. */
export async function auditFile(file: string, settings: Settings, options: FileAuditOptions): Promise<AuditData> {
	const auditSettings: Settings = { ...settings, maxProblems: Math.max(settings.maxProblems, AUDIT_MAX_PROBLEMS) };
	const stat = await fs.stat(file);
	const started = performance.now();
	const lint = await (options.lint ?? ((used) => lintLines(readLineBatches(file), used, options)))(auditSettings);
	const lintMs = performance.now() - started;
	const runs = readRuns(options.runsDirectory ?? defaultRunsDirectory(options.root), file);
	return buildAudit(readLines(file), lint, auditSettings, { file: options.displayName ?? displayPath(file, options.root), sizeBytes: stat.size, lintMs, runs });
}

function displayPath(file: string, root: string): string {
	const relative = path.relative(root, file);
	return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}
