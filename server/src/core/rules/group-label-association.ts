import { type LabelSource, startAudit } from '../fairness/audit';
import { matchGroups } from '../fairness/matcher';
import { type AssociationRow, groupKey } from '../fairness/measures';
import { formatPValue, lexiconErrorFinding, percent } from '../fairness/messages';
import { auditOptionsFrom, lineGroups } from '../fairness/ruleInput';
import { fairnessLexicon } from '../fairness/settings';
import { detachedString } from '../poisoning/columns';
import type { FileFindingDraft, FileRule } from '../rule';

/** At most this many per-line markers are reported when `markMentions` is on. */
const DEFAULT_MAX_MARKERS = 200;

/**
 * How identity mentions line up with the labels: for every group mentioned often enough, the label rate among records that
 * mention it against the rate among all records, with a chi-square (or Fisher exact) test, Bonferroni-corrected. One warning
 * per group significantly over-associated with a label; the whole table is in the finding's data and the audit view.
 */
export const groupLabelAssociation: FileRule = {
	kind: 'file',
	id: 'group-label-association',
	category: 'fairness',
	description: 'Records that mention a demographic group carry one label (or refusals) significantly more often than the rest: a fine-tune learns the association.',
	defaultSeverity: 'warning',
	streamingCost: 1.3,
	streamingSharedWork: { 'fairness:groups': 7 },
	start(options, settings) {
		const { lexicon, error } = fairnessLexicon(settings);
		const auditOptions = auditOptionsFrom(options);
		const audit = startAudit(lexicon, auditOptions);
		const markMentions = options.boolean('markMentions', false);
		const maxMarkers = options.number('maxMarkers', DEFAULT_MAX_MARKERS);
		// Only kept when markers are on: line number → groups its prompt mentions.
		const groupsOfLine = new Map<number, string[]>();
		const lineTexts = new Map<number, string>();
		return {
			add(entry) {
				// Blank and unparsable lines are other rules' business; only records count (as skipped when they have no text).
				if (entry.record === undefined) {
					return;
				}
				const found = lineGroups(entry, lexicon, auditOptions.includeAmbiguous);
				audit.add(entry.content(), found);
				if (markMentions && found !== undefined && found.prompt.groups.length > 0) {
					groupsOfLine.set(entry.line, found.prompt.groups.map((sighting) => sighting.key));
					lineTexts.set(entry.line, detachedString(entry.parsed.text));
				}
			},
			finish() {
				const result = audit.finish();
				// The representation rule reports a bad lexicon; this one only does when that rule is turned off.
				const findings: FileFindingDraft[] = error !== undefined && settings.rules['demographic-representation'] === 'off' ? [lexiconErrorFinding(error)] : [];
				// Strongest evidence first.
				const significant = result.association.rows.filter((row) => row.significant).sort((left, right) => left.adjustedPValue - right.adjustedPValue);
				for (const row of significant) {
					const sameLabel = result.association.rows.filter((other) => other.label === row.label);
					const finding = associationFinding(row, result.labelSource, result.association.tests, sameLabel);
					findings.push({ ...finding, data: { ...finding.data, skippedWithoutText: result.skippedWithoutText, unlabelled: result.unlabelled } });
				}
				if (markMentions) {
					findings.push(...mentionMarkers(significant, groupsOfLine, lineTexts, lexicon, maxMarkers));
				}
				return findings;
			},
		};
	},
};

function associationFinding(row: AssociationRow, labelSource: LabelSource | undefined, tests: number, sameLabel: AssociationRow[]): FileFindingDraft {
	const label = describeLabel(row.label, labelSource);
	const heuristic = row.belowFourFifths ? '; below the four-fifths heuristic' : '';
	return {
		message:
			`Records mentioning "${row.group}" (${row.axis.replace(/_/g, ' ')}; ${row.count} records) are ${label} ${percent(row.groupRate)} of the time ` +
			`against ${percent(row.overallRate)} overall (difference ${signedPercentPoints(row.difference)}, ratio ${row.ratio.toFixed(2)}${heuristic}; ` +
			`${row.test === 'fisher' ? "Fisher's exact test" : `chi-square ${row.chiSquare.toFixed(1)}`}, ${formatPValue(row.adjustedPValue)} after Bonferroni over ${tests} tests, Cramér's V ${row.cramersV.toFixed(2)}).`,
		// Ordered by importance: hovers show the first entries only.
		data: {
			axis: row.axis,
			group: row.group,
			terms: row.terms,
			label: row.label,
			count: row.count,
			groupRate: row.groupRate,
			overallRate: row.overallRate,
			difference: row.difference,
			ratio: row.ratio,
			chiSquare: row.chiSquare,
			pValue: row.pValue,
			adjustedPValue: row.adjustedPValue,
			cramersV: row.cramersV,
			test: row.test,
			tests,
			belowFourFifths: row.belowFourFifths,
			sameLabelRates: sameLabelSummary(sameLabel),
			groupRateInterval: row.groupRateInterval,
			restRate: row.restRate,
			labelSource,
			labelCount: row.labelCount,
			// The other groups' rates for the same label, for the audit view's table.
			table: sameLabel.map((other) => ({ axis: other.axis, group: other.group, count: other.count, groupRate: other.groupRate, difference: other.difference, adjustedPValue: other.adjustedPValue, significant: other.significant })),
		},
	};
}

/** Every tested group's rate of the label, highest first, flagged ones starred: "gay 59.1% (193)*, lesbian 35% (20)". */
function sameLabelSummary(rows: AssociationRow[]): string {
	return [...rows]
		.sort((left, right) => right.groupRate - left.groupRate)
		.map((other) => `${other.group} ${percent(other.groupRate)} (${other.count})${other.significant ? '*' : ''}`)
		.join(', ');
}

function describeLabel(label: string, labelSource: LabelSource | undefined): string {
	if (labelSource === 'refusal') {
		return label === 'refusal' ? 'refused' : 'answered';
	}
	const shown = label.length > 40 ? `${label.slice(0, 39)}…` : label;
	return labelSource === 'answer' ? `answered "${shown}"` : `labelled "${shown}"`;
}

function signedPercentPoints(difference: number): string {
	const points = Math.round(difference * 1000) / 10;
	return `${points >= 0 ? '+' : ''}${points} points`;
}

/** Information markers on the mentions of flagged groups, found again in the raw line so the columns are exact. */
function mentionMarkers(
	significant: AssociationRow[],
	lineGroups: Map<number, string[]>,
	lineTexts: Map<number, string>,
	lexicon: Parameters<typeof matchGroups>[1],
	maxMarkers: number,
): FileFindingDraft[] {
	const flagged = new Map(significant.map((row) => [groupKey(row.axis, row.group), row]));
	const markers: FileFindingDraft[] = [];
	for (const [line, groups] of lineGroups) {
		if (!groups.some((key) => flagged.has(key))) {
			continue;
		}
		for (const mention of matchGroups(lineTexts.get(line) ?? '', lexicon)) {
			const row = flagged.get(groupKey(mention.axis, mention.group));
			if (row === undefined) {
				continue;
			}
			if (markers.length >= maxMarkers) {
				return markers;
			}
			markers.push({
				message: `Mentions "${row.group}", which the dataset associates with "${row.label}" (${percent(row.groupRate)} against ${percent(row.overallRate)} overall).`,
				severity: 'info',
				range: { line, column: mention.start, endLine: line, endColumn: mention.end },
				data: { axis: row.axis, group: row.group, label: row.label, term: mention.term },
			});
		}
	}
	return markers;
}
