import { startAudit } from '../fairness/audit';
import type { AxisRepresentation } from '../fairness/measures';
import { lexiconErrorFinding, percent } from '../fairness/messages';
import { auditOptionsFrom, lineGroups } from '../fairness/ruleInput';
import { fairnessLexicon } from '../fairness/settings';
import type { RecordContent } from '../content';
import type { RecordGroupSets } from '../fairness/audit';
import type { FileFindingDraft, FileRule, LineEntry } from '../rule';

/**
 * Who the data talks about: per demographic axis (gender, religion, ...), the share of records that mention each group against
 * parity among the groups mentioned. One finding per axis where one group dominates or some groups are far below the top one.
 */
export const demographicRepresentation: FileRule = {
	kind: 'file',
	id: 'demographic-representation',
	category: 'fairness',
	description: 'One demographic group takes most identity mentions on an axis, or some groups are mentioned far less than the others: a fine-tune learns who is "normal" from who is talked about.',
	defaultSeverity: 'info',
	streamingCost: 1.3,
	streamingSharedWork: { 'fairness:groups': 7 },
	start(options, settings) {
		const { lexicon, error } = fairnessLexicon(settings);
		const auditOptions = auditOptionsFrom(options);
		const audit = startAudit(lexicon, auditOptions);
		// Blank and unparsable lines are other rules' business; only records count (as skipped when they have no text).
		const lineValue = (entry: LineEntry): AuditLine | undefined => (entry.record === undefined ? undefined : { content: entry.content(), groups: lineGroups(entry, lexicon, auditOptions.includeAmbiguous) });
		return {
			add(entry) {
				if (entry.record !== undefined) {
					audit.add(entry.content(), lineGroups(entry, lexicon, auditOptions.includeAmbiguous));
				}
			},
			lineValue,
			addValues(column) {
				const values = column.values as ReadonlyArray<AuditLine | undefined>;
				for (let line = 0; line < values.length; line++) {
					const value = values[line];
					if (value !== undefined) {
						audit.add(value.content, value.groups);
					}
				}
			},
			finish() {
				const result = audit.finish();
				const findings: FileFindingDraft[] = error === undefined ? [] : [lexiconErrorFinding(error)];
				for (const axis of result.representation) {
					if (axis.dominated || axis.underRepresented.length > 0) {
						findings.push(axisFinding(axis, result.records, result.skippedWithoutText));
					}
				}
				return findings;
			},
		};
	},
};

/** What the audit takes of one record: its content and the groups it mentions (both memoised on the line). */
interface AuditLine {
	content: RecordContent | undefined;
	groups: RecordGroupSets | undefined;
}

function axisFinding(axis: AxisRepresentation, records: number, skippedWithoutText: number): FileFindingDraft {
	const parts: string[] = [];
	const axisName = axis.axis.replace(/_/g, ' ');
	if (axis.dominated && axis.rows.length === 1) {
		parts.push(`${axisName}: only "${axis.topGroup}" is mentioned (${axis.mentions} records; no other group of the axis appears)`);
	} else if (axis.dominated) {
		const top = axis.rows[0];
		parts.push(`${axisName}: "${axis.topGroup}" takes ${percent(axis.topShare)} of identity mentions (${top.records} of ${axis.mentions}; parity among the ${axis.rows.length} groups mentioned would be ${percent(top.parityShare)})`);
	}
	if (axis.underRepresented.length > 0) {
		const listed = axis.rows
			.filter((row) => axis.underRepresented.includes(row.group))
			.slice(0, 5)
			.map((row) => `${row.group} (${row.records})`);
		const more = axis.underRepresented.length > listed.length ? ` and ${axis.underRepresented.length - listed.length} more` : '';
		const lead = axis.dominated ? 'under-represented' : `${axisName}: under-represented next to "${axis.topGroup}" (${axis.rows[0].records})`;
		parts.push(`${lead}: ${listed.join(', ')}${more}`);
	}
	return {
		message: `${parts.join('; ')}.`,
		data: {
			axis: axis.axis,
			mentions: axis.mentions,
			topGroup: axis.topGroup,
			topShare: axis.topShare,
			parityShare: axis.rows[0].parityShare,
			dominated: axis.dominated,
			underRepresented: axis.underRepresented,
			// A compact table for hovers, which show short values only.
			groupCounts: axis.rows.map((row) => `${row.group} ${row.records} (${percent(row.share)})`).join(', '),
			groups: axis.rows.map((row) => ({ group: row.group, records: row.records, share: row.share, shareOfRecords: row.shareOfRecords, ratioToTop: row.ratioToTop, ambiguousRecords: row.ambiguousRecords, terms: row.terms })),
			absentGroups: axis.absentGroups,
			chiSquare: axis.chiSquare,
			pValue: axis.pValue,
			records,
			skippedWithoutText,
		},
	};
}
