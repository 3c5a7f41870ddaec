import { spanOf } from '../jsonLocate';
import type { LineFindingDraft, RecordRule } from '../rule';
import type { JsonValue } from '../types';

/**
 * OpenAI's and Mistral's per-message `weight`: 0 or 1, on assistant messages only. A conversation whose assistant
 * messages all have weight 0 trains nothing.
 */
export const weight: RecordRule = {
	kind: 'record',
	id: 'weight',
	category: 'format',
	description: 'A message weight that is not 0 or 1, a weight on a non-assistant message, or every assistant message weighted 0.',
	defaultSeverity: 'error',
	check({ record, parsed }) {
		const messages = record?.messages;
		if (!Array.isArray(messages)) {
			return [];
		}
		const findings: LineFindingDraft[] = [];
		let assistants = 0;
		let zeroWeighted = 0;
		messages.forEach((message, index) => {
			if (typeof message !== 'object' || message === null || Array.isArray(message)) {
				return;
			}
			const isAssistant = message.role === 'assistant';
			assistants += isAssistant ? 1 : 0;
			if (!('weight' in message)) {
				return;
			}
			const value: JsonValue = message.weight;
			const span = spanOf(parsed.text, ['messages', index, 'weight']);
			if (value !== 0 && value !== 1) {
				findings.push({ message: `weight must be 0 or 1, got ${JSON.stringify(value)}.`, column: span.start, endColumn: span.end, data: { index, weight: value } });
			} else if (!isAssistant) {
				findings.push({ message: `weight is only read on assistant messages; this ${String(message.role)} message's weight is ignored.`, column: span.start, endColumn: span.end, severity: 'warning', data: { index } });
			} else if (value === 0) {
				zeroWeighted++;
			}
		});
		if (assistants > 0 && zeroWeighted === assistants) {
			findings.push({ message: `Every assistant message has weight 0: this example contributes no training signal.`, column: 0, endColumn: parsed.text.length, severity: 'warning', data: { assistants } });
		}
		return findings;
	},
};
