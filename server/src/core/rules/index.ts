import type { Rule } from '../rule';
import { blankLine } from './blank-line';
import { bom } from './bom';
import { conflictingLabels } from './conflicting-labels';
import { demographicRepresentation } from './demographic-representation';
import { duplicateExact } from './duplicate-exact';
import { duplicateNear } from './duplicate-near';
import { emptyContent } from './empty-content';
import { encoding } from './encoding';
import { groupLabelAssociation } from './group-label-association';
import { hiddenUnicode } from './hidden-unicode';
import { invalidJson } from './invalid-json';
import { labelFormat } from './label-format';
import { labelImbalance } from './label-imbalance';
import { labelRareClass } from './label-rare-class';
import { preferenceLengthBias } from './preference-length-bias';
import { mixedFormat } from './mixed-format';
import { notAnObject } from './not-an-object';
import { outlierLength } from './outlier-length';
import { outlierText } from './outlier-text';
import { pii } from './pii';
import { promptInjection } from './prompt-injection';
import { provenanceMismatch } from './provenance-mismatch';
import { provenanceSignature } from './provenance-signature';
import { provenanceUnlocked } from './provenance-unlocked';
import { roleOrder } from './role-order';
import { schema } from './schema';
import { secret } from './secret';
import { splitLeakage } from './split-leakage';
import { suspiciousPayload } from './suspicious-payload';
import { templatePlaceholder } from './template-placeholder';
import { tokenLimit } from './token-limit';
import { tooFewExamples } from './too-few-examples';
import { triggerCandidate } from './trigger-candidate';
import { untrustedSource } from './untrusted-source';
import { weight } from './weight';

/**
 * Every rule, in one explicit list: adding a rule means adding its file and one line here (and its docs and
 * fixtures). The order is the order findings on the same position are listed in.
 */
export const ALL_RULES: readonly Rule[] = [
	// format
	invalidJson,
	notAnObject,
	blankLine,
	bom,
	encoding,
	schema,
	mixedFormat,
	roleOrder,
	emptyContent,
	weight,
	tokenLimit,
	tooFewExamples,
	templatePlaceholder,
	// duplicates
	duplicateExact,
	duplicateNear,
	conflictingLabels,
	splitLeakage,
	// balance
	labelImbalance,
	labelRareClass,
	labelFormat,
	preferenceLengthBias,
	// fairness
	demographicRepresentation,
	groupLabelAssociation,
	// poisoning
	triggerCandidate,
	promptInjection,
	hiddenUnicode,
	suspiciousPayload,
	secret,
	pii,
	outlierLength,
	outlierText,
	// provenance
	provenanceMismatch,
	provenanceUnlocked,
	provenanceSignature,
	untrustedSource,
];

/** Looks a rule up by id. */
export function ruleById(id: string): Rule | undefined {
	return ALL_RULES.find((rule) => rule.id === id);
}
