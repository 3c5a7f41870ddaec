import { describe, it } from 'node:test';

import { checkFixture } from '../helpers/golden';

/** Every poisoning rule's fixtures: `bad` holds positives, `good` the tricky negatives that must stay quiet. */
const FIXTURES: ReadonlyArray<[string, readonly string[]]> = [
	['trigger-candidate', ['bad', 'good', 'generative', 'generative-url']],
	['prompt-injection', ['bad', 'good', 'adversarial']],
	['hidden-unicode', ['bad', 'good']],
	['suspicious-payload', ['bad', 'good']],
	['secret', ['bad', 'good']],
	['pii', ['bad', 'good']],
	['outlier-length', ['bad', 'good']],
	['outlier-text', ['bad', 'good']],
];

void describe('poisoning rules on golden fixtures', () => {
	for (const [rule, names] of FIXTURES) {
		for (const name of names) {
			void it(`${rule}/${name}.jsonl`, async () => {
				await checkFixture(rule, name);
			});
		}
	}
});
