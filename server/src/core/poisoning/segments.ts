/**
 * The pieces of a record's content that the poisoning rules scan, each with the role it plays in training: text the
 * model reads (system, user, tool), text it learns to produce (assistant), a rejected answer, or a label.
 */

import type { RecordContent } from '../content';

export type SegmentRole = 'system' | 'user' | 'assistant' | 'tool' | 'rejected' | 'label';

export interface Segment {
	text: string;
	role: SegmentRole;
	/** True for the final answer (the one a prompt-injection would have the model comply with). */
	final: boolean;
}

/** Every content segment of a record, in order; empty texts are skipped. */
export function contentSegments(content: RecordContent): Segment[] {
	const segments: Segment[] = content.turns.map((turn, index) => ({
		text: turn.content,
		role: turn.role,
		final: index === content.turns.length - 1 && turn.role === 'assistant',
	}));
	if (content.rejected !== undefined) {
		segments.push({ text: content.rejected, role: 'rejected', final: false });
	}
	if (content.label !== undefined) {
		segments.push({ text: content.label, role: 'label', final: false });
	}
	return segments.filter((segment) => segment.text !== '');
}

/** The texts a model reads as input: every turn except the final answer. */
export function inputTexts(content: RecordContent): string[] {
	return contentSegments(content)
		.filter((segment) => !segment.final && segment.role !== 'rejected' && segment.role !== 'label')
		.map((segment) => segment.text);
}
