/**
 * The ranked label issues of a run (label-issues.json, most suspicious first) as a CSV or JSONL file for review
 * outside the editor. Lines are written 1-based, as the editor numbers them. Pure, so it is unit-tested.
 */

/** One exported row. */
export interface LabelIssueRow {
	rank: number;
	line: number;
	given: string;
	suggested: string;
	probability: number | null;
	selfConfidence: number | null;
}

/** The rows of label-issues.json in their saved (ranked) order; entries without a line are skipped. */
export function labelIssueRows(issues: readonly Record<string, unknown>[]): LabelIssueRow[] {
	return issues.filter((issue) => Number.isInteger(issue.line) && (issue.line as number) >= 0).map((issue, index) => ({
		rank: index + 1,
		line: (issue.line as number) + 1,
		given: String(issue.given ?? ''),
		suggested: String(issue.suggested ?? ''),
		probability: finiteOrNull(issue.probability),
		selfConfidence: finiteOrNull(issue.selfConfidence),
	}));
}

/** CSV (RFC 4180: fields with commas, quotes or line breaks are quoted, quotes doubled), with a header row. */
export function labelIssuesCsv(rows: readonly LabelIssueRow[]): string {
	const header = ['rank', 'line', 'given', 'suggested', 'probability', 'selfConfidence'];
	const body = rows.map((row) => [String(row.rank), String(row.line), csvField(row.given), csvField(row.suggested), numberField(row.probability), numberField(row.selfConfidence)].join(','));
	return `${[header.join(','), ...body].join('\r\n')}\r\n`;
}

/** One JSON object per line. */
export function labelIssuesJsonl(rows: readonly LabelIssueRow[]): string {
	return rows.map((row) => `${JSON.stringify(row)}\n`).join('');
}

/**
 * A cell that a spreadsheet would not run as a formula: labels come from the dataset, so a leading `=`, `+`, `-`, `@`
 * or tab gets an apostrophe in front (the OWASP advice for CSV injection); a plain number such as -1 stays as it is.
 */
function csvField(text: string): string {
	const safe = /^[=+\-@\t\r]/.test(text) && !/^[+-]?\d+(\.\d+)?$/.test(text) ? `'${text}` : text;
	return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function numberField(value: number | null): string {
	return value === null ? '' : String(value);
}

function finiteOrNull(value: unknown): number | null {
	return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
