import { spanOf } from '../jsonLocate';
import type { LineFindingDraft, RecordRule } from '../rule';
import { validateRecord } from '../schemas';

/**
 * Validates each record against the JSON Schema of its own format (server/schemas/). The finding sits on the
 * offending key or value. `weight` values are left to the `weight` rule so one problem gives one finding.
 */
export const schema: RecordRule = {
	kind: 'record',
	id: 'schema',
	category: 'format',
	description: 'A record that breaks its format\'s schema (wrong type, missing required key, unknown role, malformed tool call).',
	defaultSeverity: 'error',
	check(input, options) {
		const { record, match, parsed } = input;
		if (record === undefined || match?.format === undefined) {
			return [];
		}
		const profile = options.string('profile', 'default') === 'strict' ? 'strict' : 'default';
		const findings: LineFindingDraft[] = [];
		for (const error of validateRecord(match.format, record, profile)) {
			if (error.path[error.path.length - 1] === 'weight') {
				continue;
			}
			const path = error.key === undefined ? error.path : [...error.path, error.key];
			const span = spanOf(parsed.text, path, error.key === undefined ? 'value' : 'key');
			findings.push({ message: error.message, column: span.start, endColumn: span.end, data: { path: path.join('.'), format: match.format } });
		}
		if (match.format === 'openai-preference') {
			for (const key of ['preferred_completion', 'non_preferred_completion']) {
				if (key in record) {
					const span = spanOf(parsed.text, [key], 'key');
					const renamed = key.replace('_completion', '_output');
					findings.push({
						message: `"${key}" is the name used by an old draft of the OpenAI spec; the fine-tuning API expects "${renamed}".`,
						column: span.start,
						endColumn: span.end,
						severity: 'warning',
						data: { key, expected: renamed },
					});
				}
			}
		}
		return findings;
	},
};
