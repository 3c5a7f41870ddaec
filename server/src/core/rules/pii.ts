import { LineLocator } from '../poisoning/locate';
import { contentSegments, type Segment } from '../poisoning/segments';
import { findPersonalData, type SensitiveMatch } from '../poisoning/secrets';
import type { LineFindingDraft, RecordRule } from '../rule';

/**
 * Personal data in content: email addresses, card numbers (Luhn-checked), US social security numbers, phone numbers
 * and public IP addresses. The quick fix replaces the value with a placeholder such as [EMAIL].
 */
export const pii: RecordRule = {
	kind: 'record',
	id: 'pii',
	category: 'poisoning',
	description: 'Personal data in content (emails, phone numbers, card numbers, SSNs, public IP addresses) that a model could memorise.',
	defaultSeverity: 'warning',
	streamingCost: 8,
	check(input) {
		const content = input.content();
		if (content === undefined) {
			return [];
		}
		const locator = new LineLocator(input.parsed.text);
		const findings: LineFindingDraft[] = [];
		for (const segment of contentSegments(content)) {
			findings.push(...redactionFindings(segment, findPersonalData(segment.text), locator, 'personal data'));
		}
		return findings;
	},
};

/**
 * One finding per match with a redaction fix that writes the placeholder. A value written with escapes in the raw
 * line is replaced as a whole, escapes included, because the located span covers them.
 */
export function redactionFindings(segment: Segment, matches: readonly SensitiveMatch[], locator: LineLocator, what: string): LineFindingDraft[] {
	return matches.map((match) => {
		const span = locator.locateOrLine(segment.text, match.start, match.end);
		return {
			message: `${match.name[0].toUpperCase()}${match.name.slice(1)} in the ${segment.role} text: ${what} a fine-tuned model could reproduce.`,
			column: span.column,
			endColumn: span.endColumn,
			severity: match.type === 'ip-address' ? 'info' : undefined,
			data: { type: match.type, role: segment.role },
			fix: { title: `Redact as ${match.placeholder}`, edits: [{ line: 0, column: span.column, endLine: 0, endColumn: span.endColumn, newText: match.placeholder }], safe: true },
		};
	});
}
