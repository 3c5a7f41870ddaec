import { ALL_RULES, DocumentLinter, type Finding, type LintOptions, type LintResult, type Settings } from '../core';

/** Documents up to this many lines run every rule on every change: even the expensive ones take well under a second. */
const ALWAYS_FULL_LINES = 2000;

/**
 * Lints an open document in two tiers. A full lint (every rule) runs when the document is opened or saved, or when it
 * is small; the lints in between, one per change, skip the expensive rules and show their findings from the last full
 * lint as long as the document still has the same number of lines (so their positions still hold).
 */
export class TieredLinter {
	/** One linter, so its per-line cache serves both tiers: switching tiers never parses the document again. */
	private readonly linter: DocumentLinter;
	private readonly expensiveIds: ReadonlySet<string>;
	private fullDue = true;
	private lastExpensive: { lineCount: number; findings: Finding[] } | undefined;

	constructor(settings: Settings) {
		this.linter = new DocumentLinter(settings);
		this.expensiveIds = new Set(ALL_RULES.filter((rule) => rule.expensive === true && rule.kind === 'file').map((rule) => rule.id));
	}

	/** The next lint runs every rule (called when the document is saved). */
	requestFull(): void {
		this.fullDue = true;
	}

	async lint(lines: readonly string[], options: LintOptions): Promise<LintResult> {
		if (this.fullDue || lines.length <= ALWAYS_FULL_LINES) {
			const result = await this.linter.lint(lines, options);
			this.fullDue = false;
			this.lastExpensive = { lineCount: lines.length, findings: result.findings.filter((finding) => this.expensiveIds.has(finding.ruleId)) };
			return result;
		}
		const result = await this.linter.lint(lines, { ...options, skipFileRules: this.expensiveIds });
		const stale = this.lastExpensive?.lineCount === lines.length ? this.lastExpensive.findings : [];
		if (stale.length === 0) {
			return result;
		}
		const counts = { ...result.counts };
		for (const finding of stale) {
			counts[finding.severity]++;
		}
		const findings = [...result.findings, ...stale].sort((a, b) => a.range.line - b.range.line || a.range.column - b.range.column);
		return { ...result, findings, counts };
	}
}
