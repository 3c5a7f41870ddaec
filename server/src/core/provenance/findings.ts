/**
 * Turns an adapter's provenance observation into findings with the configured severities, and merges them into a
 * lint result. The adapters call this after streaming a file (the hash is known only once every byte was read).
 */
import type { LintResult } from '../engine';
import { RuleOptions, type FileFindingDraft, type FileRule } from '../rule';
import { provenanceMismatch } from '../rules/provenance-mismatch';
import { provenanceSignature } from '../rules/provenance-signature';
import { provenanceUnlocked } from '../rules/provenance-unlocked';
import { effectiveSeverity } from '../settings';
import type { Finding, Settings } from '../types';
import { mismatchDrafts, signatureDrafts, unlockedDrafts, type ProvenanceObservation } from './observation';

/** The findings of provenance-mismatch, provenance-unlocked and provenance-signature for one observed file. */
export function provenanceFindings(observation: ProvenanceObservation, settings: Settings): Finding[] {
	const requireSignature = new RuleOptions(settings.ruleOptions[provenanceSignature.id] ?? {}).boolean('requireSignature', false);
	return [
		...toFindings(provenanceMismatch, mismatchDrafts(observation), settings),
		...toFindings(provenanceUnlocked, unlockedDrafts(observation), settings),
		...toFindings(provenanceSignature, signatureDrafts(observation, requireSignature), settings),
	];
}

/** A lint result with dataset-level findings added (first, like the engine's own file findings) and counts updated. */
export function withFindings(result: LintResult, extra: readonly Finding[]): LintResult {
	if (extra.length === 0) {
		return result;
	}
	const counts = { ...result.counts };
	for (const finding of extra) {
		counts[finding.severity]++;
	}
	const findings = [...extra, ...result.findings].sort((a, b) => a.range.line - b.range.line || a.range.column - b.range.column);
	return { ...result, findings, counts };
}

function toFindings(rule: FileRule, drafts: FileFindingDraft[], settings: Settings): Finding[] {
	const severity = effectiveSeverity(rule, settings);
	if (severity === undefined) {
		return [];
	}
	return drafts.map((draft) => ({
		ruleId: rule.id,
		severity,
		message: draft.message,
		scope: 'file',
		range: { line: 0, column: 0, endLine: 0, endColumn: 0 },
		...(draft.data === undefined ? {} : { data: draft.data }),
	}));
}
