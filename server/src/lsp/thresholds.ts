/**
 * The option that decides each rule's findings, with its default, for hovers: "the threshold, and the setting that
 * changes it". The defaults mirror the rules' own fallbacks (server/src/core/rules/*.ts and docs/rules.md); a rule
 * without a numeric threshold is not listed.
 */
import type { Settings } from '../core';

/** One threshold of a rule. */
export interface RuleThreshold {
	option: string;
	defaultValue: number | string;
	/** What the value means, in a few words. */
	meaning: string;
}

export const RULE_THRESHOLDS: Readonly<Record<string, readonly RuleThreshold[]>> = {
	'duplicate-near': [{ option: 'threshold', defaultValue: 0.8, meaning: 'Jaccard similarity at which two records are near duplicates' }],
	'duplicate-exact': [{ option: 'compare', defaultValue: 'whole', meaning: 'what is compared: whole, prompt or answer' }],
	'label-imbalance': [{ option: 'ratio', defaultValue: 3, meaning: 'largest to smallest class ratio that is reported' }, { option: 'cleanlab', defaultValue: 0.1, meaning: 'an error below this fraction of the uniform share 1/K' }],
	'label-rare-class': [{ option: 'minimum', defaultValue: 10, meaning: 'records a class needs' }],
	'outlier-length': [{ option: 'iqrMultiplier', defaultValue: 2, meaning: 'length fence: Q3 + k × IQR' }],
	'outlier-text': [{ option: 'iqrMultiplier', defaultValue: 2, meaning: 'surprise fence: Q3 + k × IQR' }, { option: 'maxSpecialShare', defaultValue: 0.2, meaning: 'share of special characters' }],
	'preference-length-bias': [{ option: 'margin', defaultValue: 0.15, meaning: 'how much more often the longer answer may win than chance' }],
	'role-order': [{ option: 'missingSystemShare', defaultValue: 0.5, meaning: 'share of records with a system message above which the others are flagged' }],
	'suspicious-payload': [{ option: 'maxDomainShare', defaultValue: 0.1, meaning: 'share of records a linked domain may reach' }],
	'token-limit': [{ option: 'limit', defaultValue: 16385, meaning: 'tokens a record may have (o200k_base)' }],
	'too-few-examples': [{ option: 'minimum', defaultValue: 10, meaning: 'records a fine-tune needs' }, { option: 'recommended', defaultValue: 50, meaning: 'records recommended' }],
	'trigger-candidate': [{ option: 'minPurity', defaultValue: 0.8, meaning: 'share of the n-gram’s records with one label' }, { option: 'alpha', defaultValue: 0.001, meaning: 'significance level (Bonferroni-corrected)' }, { option: 'minSupport', defaultValue: 5, meaning: 'records carrying the n-gram' }],
	'group-label-association': [{ option: 'alpha', defaultValue: 0.05, meaning: 'significance level (Bonferroni-corrected)' }, { option: 'minDifference', defaultValue: 0.05, meaning: 'rate difference that matters' }, { option: 'minCount', defaultValue: 20, meaning: 'records a group needs to be tested' }],
	'demographic-representation': [{ option: 'minRatio', defaultValue: 0.2, meaning: 'share of parity below which a group is under-represented' }, { option: 'dominantShare', defaultValue: 0.75, meaning: 'share of mentions above which one group dominates' }],
};

/** Markdown lines: each threshold's value in effect (from settings or the default) and how to change it. */
export function thresholdMarkdown(ruleId: string, settings: Settings | undefined): string[] {
	const thresholds = RULE_THRESHOLDS[ruleId];
	if (thresholds === undefined) {
		return [];
	}
	const lines = ['| threshold | value | meaning |', '| --- | --- | --- |'];
	for (const threshold of thresholds) {
		const configured = settings?.ruleOptions[ruleId]?.[threshold.option];
		const value = typeof configured === 'number' || typeof configured === 'string' ? `${configured} (set)` : `${threshold.defaultValue} (default)`;
		lines.push(`| \`${threshold.option}\` | ${value} | ${threshold.meaning} |`);
	}
	const example = JSON.stringify({ [ruleId]: { [thresholds[0].option]: thresholds[0].defaultValue } });
	lines.push('', `Change it with the setting \`tunelint.ruleOptions\` (or \`ruleOptions\` in \`.tunelintrc.json\`), e.g. \`${example}\`.`);
	return lines;
}
