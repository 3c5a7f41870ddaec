import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import { TrainingInputError } from '../../server/src/training/examples';
import { DEFAULT_RUN_CONFIG, runValidation } from '../../server/src/training/run';
import { SHARED_DATASETS, SKIP_WITHOUT_DATASETS } from '../helpers/paths';

/** The trainer on the team's real classification files (skipped when ../shared/datasets is absent). */

const fields = { textFields: ['text'], labelFields: ['label'] };
const source = (name: string) => {
	const file = path.join(SHARED_DATASETS ?? '', 'classification', name);
	return { file, text: readFileSync(file, 'utf8') };
};

void describe('real datasets', { skip: SKIP_WITHOUT_DATASETS }, () => {
	void it('trains on sst2_dev and validates on sst2_test', async () => {
		const result = await runValidation({ train: source('sst2_dev.jsonl'), validation: source('sst2_test.jsonl'), fields, triggerCandidates: [] }, { ...DEFAULT_RUN_CONFIG, folds: 0, learningCurve: false });
		assert.equal(result.records.validation, 1821);
		assert.ok(result.metrics.validation.accuracy > 0.65, `accuracy ${result.metrics.validation.accuracy}`);
	});
	void it('explains why tweeteval_stance_climate_val cannot be trained on', async () => {
		await assert.rejects(runValidation({ train: source('tweeteval_stance_climate_val.jsonl'), fields }, DEFAULT_RUN_CONFIG), (error: unknown) => error instanceof TrainingInputError && /"1" has 2 \(lines 24, 29\)/.test(error.message));
	});
});
