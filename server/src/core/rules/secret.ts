import { LineLocator } from '../poisoning/locate';
import { contentSegments } from '../poisoning/segments';
import { findSecrets } from '../poisoning/secrets';
import type { LineFindingDraft, RecordRule } from '../rule';
import { redactionFindings } from './pii';

/**
 * API keys, tokens and private keys by provider format (AWS, OpenAI, Anthropic, GitHub, Slack, Google, Stripe,
 * Hugging Face, JWT, PEM) and hard-coded passwords. A model trained on them can reproduce them verbatim; the quick fix
 * writes a placeholder.
 */
export const secret: RecordRule = {
	kind: 'record',
	id: 'secret',
	category: 'poisoning',
	description: 'API keys, tokens, private keys or hard-coded passwords in content; a fine-tuned model can repeat them verbatim.',
	defaultSeverity: 'error',
	streamingCost: 9,
	check(input) {
		const content = input.content();
		if (content === undefined) {
			return [];
		}
		const locator = new LineLocator(input.parsed.text);
		const findings: LineFindingDraft[] = [];
		for (const segment of contentSegments(content)) {
			for (const finding of redactionFindings(segment, findSecrets(segment.text), locator, 'a secret')) {
				// A provider key is a leak by its format; a password in a config snippet may be a made-up example.
				findings.push(finding.data?.type === 'password-assignment' ? { ...finding, severity: 'warning' } : finding);
			}
		}
		return findings;
	},
};
