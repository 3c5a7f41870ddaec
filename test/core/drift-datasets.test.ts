import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import { defaultSettings } from '../../server/src/core';
import { compareProfiles, profileDataset } from '../../server/src/core/drift';
import { SHARED_DATASETS, SKIP_WITHOUT_DATASETS } from '../helpers/paths';

function profile(name: string): ReturnType<typeof profileDataset> {
	return profileDataset(readFileSync(path.join(SHARED_DATASETS ?? '', 'classification', name), 'utf8'), name, defaultSettings().fields);
}

void describe('drift on the shared datasets', { skip: SKIP_WITHOUT_DATASETS }, () => {
	void it('finds no drift between the SST-2 dev and test sets', () => {
		const report = compareProfiles(profile('sst2_dev.jsonl'), profile('sst2_test.jsonl'));
		assert.deepEqual(report.reasons, []);
	});

	void it('finds SST-2 → TweetEval hate drift in lengths, vocabulary and gender representation', () => {
		const report = compareProfiles(profile('sst2_dev.jsonl'), profile('tweeteval_hate_val.jsonl'));
		for (const signal of ['length', 'tokens', 'vocabulary', 'groups'] as const) {
			assert.ok(report.signals.includes(signal), `${signal}: ${report.reasons.join('; ')}`);
		}
		assert.ok(report.groups.changed.some((shift) => shift.group === 'gender/female' && shift.shareB > shift.shareA));
	});
});
