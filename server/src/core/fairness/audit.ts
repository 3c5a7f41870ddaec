/**
 * The demographic audit of a dataset, fed one record at a time: who the records mention (representation) and how those
 * mentions line up with the labels (association). Both fairness rules and the audit view are built on it.
 */
import type { RecordContent } from '../content';
import type { Lexicon } from './lexicon';
import { ANSWERED_LABEL, answerLabel, isRefusal, isSmallAnswerSet, MAX_ANSWER_CLASSES, REFUSAL_LABEL } from './labels';
import { type GroupMention, matchGroups } from './matcher';
import {
	addToTally,
	type AssociationOptions,
	type AssociationResult,
	type AxisRepresentation,
	emptyTally,
	type GroupTally,
	measureAssociation,
	measureRepresentation,
	type RecordGroups,
	recordGroups,
	type RepresentationOptions,
} from './measures';

/** The mentions of one record: in the prompt (what the label or answer responds to) and in the rest (answers). */
export interface RecordMentions {
	prompt: GroupMention[];
	rest: GroupMention[];
}

/** Matches the prompt and the other content (answer, rejected answer) of a record separately. */
export function recordMentions(content: RecordContent, lexicon: Lexicon): RecordMentions {
	const rest = [content.answer, content.rejected ?? ''].filter((text) => text !== '').join('\n');
	return { prompt: matchGroups(content.prompt, lexicon), rest: rest === '' ? [] : matchGroups(rest, lexicon) };
}

/** The groups of a record: in all its content (representation) and in its prompt (association). */
export interface RecordGroupSets {
	all: RecordGroups;
	prompt: RecordGroups;
}

/** Groups the mentions of a record; cheap to cache per line together with the mentions. */
export function recordGroupSets(mentions: RecordMentions, includeAmbiguous: boolean): RecordGroupSets {
	const prompt = recordGroups(mentions.prompt, includeAmbiguous);
	const all = mentions.rest.length === 0 ? prompt : recordGroups([...mentions.prompt, ...mentions.rest], includeAmbiguous);
	return { all, prompt };
}

/** Where the labels of the association come from. */
export type LabelSource = 'label' | 'answer' | 'refusal';

/** The options of the audit. */
export interface AuditOptions {
	/** Count ambiguous mentions ("white" without a person noun) as mentions. */
	includeAmbiguous: boolean;
	representation: RepresentationOptions;
	association: AssociationOptions;
}

/** The result of an audit. */
export interface DemographicAudit {
	/** Records with content that was matched. */
	records: number;
	/** Records without any text, skipped. */
	skippedWithoutText: number;
	representation: AxisRepresentation[];
	/** The group × label table; empty rows when there are no labels. */
	association: AssociationResult;
	/** What the labels are: the label field, the answer classes (small answer set), or refusal vs answered. */
	labelSource: LabelSource | undefined;
	/** Records that mention a group but have no label (no label field and no answer); not in the association. */
	unlabelled: number;
}

/** Collects records and computes the audit at the end; memory is bounded by groups × labels, not by records. */
export interface AuditAccumulator {
	add(content: RecordContent | undefined, groups?: RecordGroupSets): void;
	finish(): DemographicAudit;
}

/** Starts an audit; pass the record's groups to `add` when they are cached (per line), otherwise they are computed. */
export function startAudit(lexicon: Lexicon, options: AuditOptions): AuditAccumulator {
	const representation = emptyTally();
	const byLabel = emptyTally();
	const byRefusal = emptyTally();
	let byAnswer: GroupTally | undefined = emptyTally();
	let records = 0;
	let skippedWithoutText = 0;
	let unlabelled = 0;
	return {
		add(content, groups) {
			if (content === undefined || content.text.trim() === '') {
				skippedWithoutText++;
				return;
			}
			records++;
			const { all, prompt: promptGroups } = groups ?? recordGroupSets(recordMentions(content, lexicon), options.includeAmbiguous);
			addToTally(representation, all);
			if (content.label !== undefined) {
				addToTally(byLabel, promptGroups, content.label);
			} else if (content.answer.trim() !== '') {
				addToTally(byRefusal, promptGroups, isRefusal(content.answer) ? REFUSAL_LABEL : ANSWERED_LABEL);
				if (byAnswer !== undefined) {
					addToTally(byAnswer, promptGroups, answerLabel(content.answer));
					// Past this many classes the answers are generative: stop keeping counts that will never be used.
					if (byAnswer.labelTotals.size > MAX_ANSWER_CLASSES) {
						byAnswer = undefined;
					}
				}
			} else if (promptGroups.groups.length > 0) {
				unlabelled++;
			}
		},
		finish() {
			const { tally, labelSource } = chooseLabels(byLabel, byAnswer, byRefusal);
			return {
				records,
				skippedWithoutText,
				representation: measureRepresentation(representation, lexicon, options.representation),
				association: tally === undefined ? { rows: [], tests: 0, untestedGroups: [], labels: [] } : measureAssociation(tally, options.association),
				labelSource,
				unlabelled,
			};
		},
	};
}

/** Explicit labels win; chat data uses its answer classes when they are few, otherwise refusal vs answered. */
function chooseLabels(byLabel: GroupTally, byAnswer: GroupTally | undefined, byRefusal: GroupTally): { tally?: GroupTally; labelSource?: LabelSource } {
	if (byLabel.records > 0) {
		return { tally: byLabel, labelSource: 'label' };
	}
	if (byAnswer !== undefined && isSmallAnswerSet(byAnswer.labelTotals.size, byAnswer.records)) {
		return { tally: byAnswer, labelSource: 'answer' };
	}
	if (byRefusal.records > 0) {
		return { tally: byRefusal, labelSource: 'refusal' };
	}
	return {};
}
