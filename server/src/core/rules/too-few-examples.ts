import type { FileRule } from '../rule';

/** OpenAI's minimum; its guide recommends 50 to 100 to see a clear improvement. */
const DEFAULT_MINIMUM = 10;
const DEFAULT_RECOMMENDED = 50;

/** Too few records to fine-tune on: providers reject files under the minimum, and tiny sets mostly teach noise. */
export const tooFewExamples: FileRule = {
	kind: 'file',
	id: 'too-few-examples',
	category: 'format',
	description: 'Fewer records than the provider\'s minimum (OpenAI: 10); under 50 a fine-tune rarely shows a clear improvement.',
	defaultSeverity: 'error',
	start(options) {
		const minimum = options.number('minimum', DEFAULT_MINIMUM);
		const recommended = options.number('recommended', DEFAULT_RECOMMENDED);
		return {
			add() {
				// Only the record count matters, which the summary gives.
			},
			finish(summary) {
				const count = summary.recordCount;
				if (summary.lineCount === 0) {
					return [{ message: 'The file is empty: there is nothing to fine-tune on.', data: { records: 0, minimum } }];
				}
				if (count < minimum) {
					return [{ message: `${count} record${count === 1 ? '' : 's'}: fine-tuning needs at least ${minimum} (${recommended}–100 recommended).`, data: { records: count, minimum, recommended } }];
				}
				if (count < recommended) {
					return [{ message: `${count} records: the minimum of ${minimum} is met, but ${recommended}–100 are recommended to see a clear improvement.`, severity: 'info', data: { records: count, minimum, recommended } }];
				}
				return [];
			},
		};
	},
};
