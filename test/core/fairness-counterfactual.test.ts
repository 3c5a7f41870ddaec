import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import { defaultSettings } from '../../server/src/core';
import { swapGroupTerms, type SwapPair } from '../../server/src/core/fairness/counterfactual';
import { auditDocument, augmentCounterfactual } from '../../server/src/core/fairness/document';
import { BUILT_IN_LEXICON } from '../../server/src/core/fairness/lexicon';
import { FIXTURES } from '../helpers/paths';

function swap(text: string, axis: string, fromGroup: string, toGroup: string): string {
	return swapGroupTerms(text, { axis, fromGroup, toGroup }, BUILT_IN_LEXICON).text;
}

void describe('swapGroupTerms', () => {
	const cases: [string, string, string, string, string][] = [
		['He gave his book to him.', 'gender', 'male', 'female', 'She gave her book to her.'],
		['She gave her book to her.', 'gender', 'female', 'male', 'He gave his book to him.'],
		['Give it to her and leave.', 'gender', 'female', 'male', 'Give it to him and leave.'],
		['The book is his.', 'gender', 'male', 'female', 'The book is hers.'],
		['The pen is hers.', 'gender', 'female', 'male', 'The pen is his.'],
		['HE said His Majesty', 'gender', 'male', 'female', 'SHE said Her Majesty'],
		['A man and his sons', 'gender', 'male', 'female', 'A woman and her daughters'],
		['The theme: he-man and the other men.', 'gender', 'male', 'female', 'The theme: he-man and the other women.'],
		['A Muslim family; many Muslims celebrate.', 'religion', 'muslim', 'atheist', 'An Atheist family; many Atheists celebrate.'],
		['an atheist view', 'religion', 'atheist', 'christian', 'a christian view'],
		['An African-American student', 'race_ethnicity', 'black', 'asian', 'An Asian American student'],
	];
	for (const [text, axis, fromGroup, toGroup, expected] of cases) {
		void it(`${text} (${fromGroup} → ${toGroup})`, () => {
			assert.equal(swap(text, axis, fromGroup, toGroup), expected);
		});
	}

	void it('leaves forms without a counterpart unchanged and reports them', () => {
		const result = swapGroupTerms('Islamic art and Islam', { axis: 'religion', fromGroup: 'muslim', toGroup: 'christian' }, BUILT_IN_LEXICON);
		assert.deepEqual(result, { text: 'Islamic art and Christianity', swaps: 1, unswapped: ['islamic'] });
	});

	void it('does not touch ambiguous mentions or other groups', () => {
		assert.equal(swap('They said the black cat and she left.', 'gender', 'female', 'male'), 'They said the black cat and he left.');
	});
});

void describe('counterfactual augmentation of a document', () => {
	const lines = readFileSync(path.join(FIXTURES, 'group-label-association', 'bad.jsonl'), 'utf8').split('\n').filter((line) => line !== '');

	void it('plans a swap from the flagged group to the least associated group of its axis', () => {
		const audit = auditDocument(lines, defaultSettings());
		assert.equal(audit.labelSource, 'label');
		const augmentation = augmentCounterfactual(lines, defaultSettings());
		assert.equal(augmentation.pairs.length, 2);
		const [pair, reverse] = augmentation.pairs;
		assert.equal(pair.fromGroup, 'muslim');
		assert.ok(['christian', 'buddhist'].includes(pair.toGroup), pair.toGroup);
		assert.deepEqual(reverse, { axis: 'religion', fromGroup: pair.toGroup, toGroup: 'muslim' });
		assert.equal(augmentation.records.length, 30 + 25);
		assert.equal(augmentation.skipped, 0);
	});

	void it('keeps labels and swaps content; the new records rebalance the group', () => {
		const pair: SwapPair = { axis: 'religion', fromGroup: 'muslim', toGroup: 'christian' };
		const { records } = augmentCounterfactual(lines, defaultSettings(), [pair, { axis: 'religion', fromGroup: 'christian', toGroup: 'muslim' }]);
		for (const record of records.filter((candidate) => candidate.pair.fromGroup === 'muslim')) {
			const original = JSON.parse(lines[record.sourceLine]) as { text: string; label: string };
			const copy = JSON.parse(record.json) as { text: string; label: string };
			assert.equal(copy.label, original.label);
			assert.match(original.text, /muslim/i);
			assert.doesNotMatch(copy.text, /muslim/i);
			assert.match(copy.text, /christian/i);
		}
		// After adding the copies both groups have the same label distribution, and "muslim" is no longer flagged.
		const augmented = [...lines, ...records.map((record) => record.json)];
		const after = auditDocument(augmented, defaultSettings());
		const toxicRate = (group: string): number | undefined => after.association.rows.find((row) => row.group === group && row.label === 'toxic')?.groupRate;
		assert.equal(toxicRate('muslim'), toxicRate('christian'));
		assert.deepEqual(after.association.rows.filter((row) => row.significant && row.group === 'muslim'), []);
	});
});
