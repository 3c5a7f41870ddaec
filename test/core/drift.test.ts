import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { defaultSettings } from '../../server/src/core';
import { compareProfiles, type DatasetProfile, jensenShannon, kolmogorovSmirnov, profileDataset, profileProblem, psi } from '../../server/src/core/drift';
import { rocAuc } from '../../server/src/core/drift/statistics';
import { PHONE_TOPICS, sample } from './driftData';

const fields = defaultSettings().fields;

function profile(text: string, file: string): DatasetProfile {
	return profileDataset(text, file, fields);
}

void describe('drift statistics', () => {
	void it('PSI is zero for equal shares and matches a hand computation', () => {
		assert.equal(psi([0.5, 0.5], [0.5, 0.5]), 0);
		const expected = (0.8 - 0.5) * Math.log(0.8 / 0.5) + (0.2 - 0.5) * Math.log(0.2 / 0.5);
		assert.ok(Math.abs(psi([0.5, 0.5], [0.8, 0.2]) - expected) < 1e-12);
	});

	void it('Jensen-Shannon is 0 for equal, 1 for disjoint distributions, and symmetric', () => {
		assert.equal(jensenShannon([0.3, 0.7], [0.3, 0.7]), 0);
		assert.ok(Math.abs(jensenShannon([1, 0], [0, 1]) - 1) < 1e-12);
		assert.equal(jensenShannon([0.2, 0.8], [0.6, 0.4]), jensenShannon([0.6, 0.4], [0.2, 0.8]));
	});

	void it('AUC is the share of (B, A) pairs ranked B above A, ties counting half', () => {
		assert.equal(rocAuc([0.1, 0.2, 0.8, 0.9], [false, false, true, true]), 1);
		assert.equal(rocAuc([0.9, 0.8, 0.2, 0.1], [false, false, true, true]), 0);
		// Pairs (positive, negative): (0.4 > 0.3) 1, (0.4 > 0.5) 0, (0.5 = 0.5) 0.5, (0.5 > 0.3) 1: 2.5 of 4.
		assert.equal(rocAuc([0.3, 0.5, 0.4, 0.5], [false, false, true, true]), 0.625);
		assert.equal(rocAuc([0.3, 0.7], [true, true]), 0.5, 'one class only: no ranking to judge');
	});

	void it('Kolmogorov-Smirnov finds the largest CDF gap, with ties', () => {
		assert.equal(kolmogorovSmirnov([1, 2, 3, 4], [1, 2, 3, 4]).statistic, 0);
		assert.equal(kolmogorovSmirnov([1, 2, 3, 4], [5, 6, 7, 8]).statistic, 1);
		assert.equal(kolmogorovSmirnov([1, 1, 2, 2], [1, 2, 2, 2]).statistic, 0.25);
		const shifted = kolmogorovSmirnov(
			Array.from({ length: 500 }, (_, i) => i),
			Array.from({ length: 500 }, (_, i) => i + 100),
		);
		assert.ok(Math.abs(shifted.statistic - 0.2) < 1e-12);
		assert.ok(shifted.pValue < 1e-6, `p ${shifted.pValue}`);
	});
});

void describe('drift between datasets', () => {
	const base = profile(sample({ records: 600, seed: 1 }), 'a.jsonl');

	void it('finds no drift between two samples of the same distribution', () => {
		const report = compareProfiles(base, profile(sample({ records: 600, seed: 2 }), 'b.jsonl'));
		assert.deepEqual(report.reasons, []);
		assert.equal(report.drift, false);
		assert.ok(report.labels !== null && report.labels.psi < 0.05);
	});

	void it('finds and names a planted label shift', () => {
		const report = compareProfiles(base, profile(sample({ records: 600, seed: 2, positiveShare: 0.85 }), 'b.jsonl'));
		assert.equal(report.drift, true);
		assert.deepEqual(report.signals, ['labels']);
		assert.ok(report.labels !== null && report.labels.psi >= 0.2, `PSI ${report.labels?.psi}`);
	});

	void it('finds and names a planted length shift', () => {
		const report = compareProfiles(base, profile(sample({ records: 600, seed: 2, extraWords: 4 }), 'b.jsonl'));
		assert.ok(report.signals.includes('length'), report.reasons.join('; '));
		assert.ok(report.signals.includes('tokens'));
		assert.ok(!report.signals.includes('labels'));
		assert.ok(report.length.medianB > report.length.medianA);
	});

	void it('finds and names a planted vocabulary shift, with the n-grams that appeared and vanished', () => {
		const report = compareProfiles(base, profile(sample({ records: 600, seed: 2, topics: PHONE_TOPICS }), 'b.jsonl'));
		assert.ok(report.signals.includes('vocabulary'), report.reasons.join('; '));
		assert.ok(!report.signals.includes('labels'));
		const appeared = report.vocabulary.appeared.map((shift) => shift.ngram);
		const vanished = report.vocabulary.vanished.map((shift) => shift.ngram);
		assert.ok(PHONE_TOPICS.some((word) => appeared.includes(word)), appeared.join(', '));
		assert.ok(vanished.includes('film') || vanished.includes('movie'), vanished.join(', '));
	});

	void it('finds a format change and a group representation change', () => {
		const chat = Array.from({ length: 200 }, (_, i) => JSON.stringify({ messages: [{ role: 'user', content: `question ${i} about the women in the team` }, { role: 'assistant', content: 'an answer' }] })).join('\n');
		const report = compareProfiles(base, profile(chat, 'chat.jsonl'));
		assert.ok(report.signals.includes('format'));
		assert.ok(report.signals.includes('roles'));
		assert.ok(report.signals.includes('groups'));
		assert.deepEqual(report.groups.changed.map((shift) => shift.group), ['gender/female']);
	});

	void it('a profile survives JSON and is recognised as a snapshot; other JSON is refused with a reason', () => {
		const copy = JSON.parse(JSON.stringify(base)) as unknown;
		assert.equal(profileProblem(copy), undefined);
		assert.deepEqual(compareProfiles(copy as DatasetProfile, base).drift, false);
		assert.match(profileProblem({ kind: 'other' }) ?? '', /not a tunelint stats snapshot/);
		assert.match(profileProblem({ ...base, version: 99 }) ?? '', /version 99/);
	});
});
