/**
 * Glue between the rule interface and the audit: the options both fairness rules read, and the per-line cached mentions.
 */
import type { LineEntry, RuleOptions } from '../rule';
import { type AuditOptions, type RecordGroupSets, recordGroupSets, recordMentions } from './audit';
import type { Lexicon } from './lexicon';
import { DEFAULT_ASSOCIATION_OPTIONS, DEFAULT_REPRESENTATION_OPTIONS } from './measures';

/** The audit options from a fairness rule's options, falling back to the documented defaults. */
export function auditOptionsFrom(options: RuleOptions): AuditOptions {
	const representation = DEFAULT_REPRESENTATION_OPTIONS;
	const association = DEFAULT_ASSOCIATION_OPTIONS;
	return {
		includeAmbiguous: options.boolean('includeAmbiguous', false),
		representation: {
			minAxisRecords: options.number('minAxisRecords', representation.minAxisRecords),
			minRatio: options.number('minRatio', representation.minRatio),
			dominantShare: options.number('dominantShare', representation.dominantShare),
		},
		association: {
			alpha: options.number('alpha', association.alpha),
			minCount: options.number('minCount', association.minCount),
			minDifference: options.number('minDifference', association.minDifference),
		},
	};
}

/**
 * The identity groups a line's record mentions, memoised on the line so that both fairness rules, and every re-lint of an
 * edited document, match each unchanged record once. Undefined for lines without a recognised record.
 */
export function lineGroups(entry: LineEntry, lexicon: Lexicon, includeAmbiguous: boolean): RecordGroupSets | undefined {
	const content = entry.content();
	if (content === undefined) {
		return undefined;
	}
	// Constant keys: this runs for every line at every lint, where building a key string is measurable.
	return entry.memo(includeAmbiguous ? 'fairness:groups+ambiguous' : 'fairness:groups', () => recordGroupSets(recordMentions(content, lexicon), includeAmbiguous));
}
