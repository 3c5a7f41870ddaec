import type { Finding, LintResult } from '../../core';

/** The result of linting one file, as the reporters receive it. */
export interface FileReport {
	file: string;
	result: LintResult;
	durationMs: number;
}

/** A reporter turns the reports of a run into the text printed on stdout. */
export type Reporter = (reports: readonly FileReport[]) => string;

/** The CLI's JSON finding: 1-based line and column, severity as a word, the rule's evidence in `data`. */
export interface JsonFinding {
	file: string;
	line: number;
	column: number;
	endLine: number;
	endColumn: number;
	ruleId: string;
	severity: Finding['severity'];
	message: string;
	/** 'file' for dataset-level findings, which describe the whole file rather than line 1. */
	scope: Finding['scope'];
	data: Record<string, unknown>;
}

export function toJsonFinding(file: string, finding: Finding): JsonFinding {
	return {
		file,
		line: finding.range.line + 1,
		column: finding.range.column + 1,
		endLine: finding.range.endLine + 1,
		endColumn: finding.range.endColumn + 1,
		ruleId: finding.ruleId,
		severity: finding.severity,
		message: finding.message,
		scope: finding.scope,
		data: finding.data ?? {},
	};
}
