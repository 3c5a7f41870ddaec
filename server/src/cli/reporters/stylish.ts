import type { Reporter } from './types';

const useColor = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
const paint = (code: number, text: string): string => (useColor ? `\u001b[${code}m${text}\u001b[0m` : text);
const SEVERITY_COLORS = { error: 31, warning: 33, info: 36 } as const;

/** `--format stylish` (the default): ESLint's layout, a block per file and a summary line. */
export const stylishReporter: Reporter = (reports) => {
	const out: string[] = [];
	const totals = { error: 0, warning: 0, info: 0 };
	for (const { file, result, durationMs } of reports) {
		totals.error += result.counts.error;
		totals.warning += result.counts.warning;
		totals.info += result.counts.info;
		const format = result.format ?? 'unknown format';
		out.push(paint(4, file) + paint(2, `  ${result.recordCount} records, ${format}, ${Math.round(durationMs)} ms`));
		for (const finding of result.findings) {
			const where = finding.scope === 'file' ? 'file' : `${finding.range.line + 1}:${finding.range.column + 1}`;
			out.push(`  ${where.padEnd(10)} ${paint(SEVERITY_COLORS[finding.severity], finding.severity.padEnd(7))}  ${finding.message}  ${paint(2, finding.ruleId)}`);
		}
		if (result.truncated) {
			const total = result.counts.error + result.counts.warning + result.counts.info;
			out.push(paint(33, `  … ${total - result.findings.length} more findings not shown (raise --max-problems to see them)`));
		}
		out.push('');
	}
	const problems = totals.error + totals.warning + totals.info;
	out.push(problems === 0
		? paint(32, `✔ no problems in ${reports.length} file${reports.length === 1 ? '' : 's'}`)
		: paint(totals.error > 0 ? 31 : 33, `✖ ${problems} problem${problems === 1 ? '' : 's'} (${totals.error} errors, ${totals.warning} warnings, ${totals.info} infos)`));
	return out.join('\n');
};
