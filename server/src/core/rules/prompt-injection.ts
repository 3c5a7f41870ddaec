import { findInjections, type InjectionKind, isRefusal } from '../poisoning/injection';
import { LineLocator } from '../poisoning/locate';
import { contentSegments } from '../poisoning/segments';
import type { LineFindingDraft, RecordRule } from '../rule';

const WHAT: Record<InjectionKind, string> = {
	override: 'instruction-override phrasing',
	jailbreak: 'jailbreak (persona) phrasing',
	exfiltration: 'a request to reveal the hidden prompt',
	'control-token': 'a chat-template control token',
};

/**
 * Prompt-injection and jailbreak phrasing inside training text, and chat-template control tokens that let data forge
 * roles. An injection in the input whose final answer complies (no refusal) is an error: the model learns to obey it.
 * In a file marked adversarial (`ruleOptions['prompt-injection'].adversarial`, red-team training data) the attacks
 * themselves are expected and only compliance and control tokens are reported.
 */
export const promptInjection: RecordRule = {
	kind: 'record',
	id: 'prompt-injection',
	category: 'poisoning',
	description: 'Instruction-override, jailbreak or prompt-exfiltration phrasing, or chat-template control tokens, inside training text.',
	defaultSeverity: 'warning',
	streamingCost: 26,
	check(input, options) {
		const content = input.content();
		if (content === undefined) {
			return [];
		}
		const adversarial = options.boolean('adversarial', false);
		const segments = contentSegments(content);
		const answer = segments.find((segment) => segment.final)?.text;
		const complies = answer !== undefined && !isRefusal(answer);
		const locator = new LineLocator(input.parsed.text);
		const findings: LineFindingDraft[] = [];
		for (const segment of segments) {
			if (segment.role === 'label') {
				continue;
			}
			// A refusal that names the attack ("I cannot pretend to be an unrestricted model") quotes it, it does not teach it.
			const quoting = segment.role === 'assistant' && isRefusal(segment.text);
			for (const match of findInjections(segment.text)) {
				if (quoting && match.kind !== 'control-token') {
					continue;
				}
				const inInput = segment.role === 'system' || segment.role === 'user' || segment.role === 'tool';
				if (match.kind !== 'control-token' && segment.role === 'rejected') {
					// A rejected answer that contains an attack is a negative example, which is what it should be.
					continue;
				}
				const compliance = inInput && match.kind !== 'control-token' && complies;
				if (adversarial && inInput && match.kind !== 'control-token' && !compliance) {
					continue;
				}
				const span = locator.locateOrLine(segment.text, match.start, match.end);
				findings.push({
					message: messageFor(match.kind, segment.role, match.excerpt, compliance),
					column: span.column,
					endColumn: span.endColumn,
					severity: compliance || (match.kind === 'control-token' && segment.role === 'assistant') ? 'error' : 'warning',
					data: { kind: match.kind, role: segment.role, excerpt: match.excerpt, complies: compliance },
				});
			}
		}
		return findings;
	},
};

function messageFor(kind: InjectionKind, role: string, excerpt: string, compliance: boolean): string {
	const found = `${WHAT[kind][0].toUpperCase()}${WHAT[kind].slice(1)} in the ${role} text: "${excerpt}".`;
	if (compliance) {
		return `${found} The final answer does not refuse, so the model would learn to obey injected instructions.`;
	}
	if (kind === 'control-token') {
		return `${found} Inside content it can forge a role boundary when the record is rendered with the chat template.`;
	}
	if (role === 'assistant') {
		return `${found} The model would learn to produce it.`;
	}
	return `${found} If this file is red-team training data, set "adversarial": true in this rule's options.`;
}
