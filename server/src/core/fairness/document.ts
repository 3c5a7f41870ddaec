/**
 * Entry points for the adapters (the `Tunelint: Audit Demographic Skew` view, `tunelint audit`, `tunelint augment
 * --counterfactual`): the same audit and lexicon the rules use, over the lines of a document.
 */
import { recordContent } from '../content';
import { detectRecordFormat } from '../formats';
import { isJsonObject, parseLine } from '../records';
import { RuleOptions } from '../rule';
import type { Settings } from '../types';
import { type DemographicAudit, startAudit } from './audit';
import { type CounterfactualRecord, counterfactualPlan, counterfactualRecords, type SwapPair } from './counterfactual';
import { auditOptionsFrom } from './ruleInput';
import { fairnessLexicon } from './settings';

/** The audit of a document, with the error of a malformed user lexicon (the built-in lexicon is then used). */
export interface DocumentAudit extends DemographicAudit {
	lexiconError?: string;
}

/** Audits the lines of a JSONL document with the settings of the `group-label-association` rule (thresholds, lexicon). */
export function auditDocument(lines: Iterable<string>, settings: Settings): DocumentAudit {
	const { lexicon, error } = fairnessLexicon(settings);
	const audit = startAudit(lexicon, auditOptionsFrom(new RuleOptions(settings.ruleOptions['group-label-association'] ?? {})));
	for (const line of lines) {
		const parsed = parseLine(line);
		if (parsed.kind !== 'value' || !isJsonObject(parsed.value)) {
			continue;
		}
		const { format } = detectRecordFormat(parsed.value, settings.fields);
		audit.add(format === undefined ? undefined : recordContent(parsed.value, format, settings.fields));
	}
	return { ...audit.finish(), lexiconError: error };
}

/** What `augment --counterfactual` would write: the plan (which group is swapped for which) and the new records. */
export interface CounterfactualAugmentation {
	pairs: SwapPair[];
	records: CounterfactualRecord[];
	/** Records skipped because a form had no counterpart in the target group. */
	skipped: number;
	lexiconError?: string;
}

/**
 * Plans and writes counterfactual copies for a document: by default for every group the audit flags, swapped towards the
 * group of the same axis least associated with the label; `pairs` overrides the plan (e.g. a user's choice in the preview).
 * The caller writes `records` to a new file; nothing is overwritten here.
 */
export function augmentCounterfactual(lines: readonly string[], settings: Settings, pairs?: readonly SwapPair[]): CounterfactualAugmentation {
	const { lexicon, error } = fairnessLexicon(settings);
	const plan = pairs === undefined ? counterfactualPlan(auditDocument(lines, settings)) : [...pairs];
	const { records, skipped } = counterfactualRecords(lines, plan, settings, lexicon);
	return { pairs: plan, records, skipped, lexiconError: error };
}
