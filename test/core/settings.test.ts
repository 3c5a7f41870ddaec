import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultSettings, mergeSettings } from '../../server/src/core';

void describe('config file merge', () => {
	void it('knows the sections the training, drift and tune commands read, so the editor does not report them', () => {
		const { problems } = mergeSettings(defaultSettings(), { training: { learningRate: 0.1 }, drift: { psi: 0.25 }, tune: { space: {} } }, new Set());
		assert.deepEqual(problems, []);
	});

	void it('still reports a key nobody reads', () => {
		const { problems } = mergeSettings(defaultSettings(), { trainng: {} }, new Set());
		assert.deepEqual(problems.map((problem) => problem.message), ['unknown configuration key "trainng"']);
	});
});
