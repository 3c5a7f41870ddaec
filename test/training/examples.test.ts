import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { labelledData, readTrainingInput, trainingData, TrainingInputError } from '../../server/src/training/examples';
import { lexiconGroupMatcher } from '../../server/src/training/groups';

/** Reading examples from formats other than classification, and the built-in identity matcher. */

const fields = { textFields: ['text'], labelFields: ['label'] };
const chat = (question: string, answer: string) => JSON.stringify({ messages: [{ role: 'user', content: question }, { role: 'assistant', content: answer }] });
/** A chat file of `records` records whose answers cycle through `distinct` values. */
const answers = (records: number, distinct: number) => `${Array.from({ length: records }, (_, index) => chat(`question ${index}`, `answer ${index % distinct}`)).join('\n')}\n`;

void describe('examples from chat files', () => {
	void it('use prompt → answer classes when the answer set is small', () => {
		const lines = Array.from({ length: 12 }, (_, index) => chat(`is review ${index} happy?`, index % 2 === 0 ? 'yes' : ' no '));
		const data = trainingData(`${lines.join('\n')}\n`, 'chat.jsonl', fields);
		assert.equal(data.format, 'openai-chat');
		assert.equal(data.labelSource, 'answer');
		assert.deepEqual(data.labels, ['no', 'yes']);
		assert.equal(data.examples[0].text, 'is review 0 happy?');
	});
	void it('refuse free-text answers with a message that says why', () => {
		const lines = Array.from({ length: 30 }, (_, index) => chat(`question ${index}`, `a different answer ${index}`));
		assert.throws(() => trainingData(lines.join('\n'), 'free.jsonl', fields), (error: unknown) => error instanceof TrainingInputError && /free\.jsonl: the answers are free text \(30 distinct answers in 30 records\)/.test(error.message));
	});
	void it('count as a small answer set exactly when the label-balance rules do: at most 50 answers, under a third of the records', () => {
		assert.equal(readTrainingInput(answers(300, 30), 'thirty.jsonl', fields).task, 'classification');
		assert.equal(readTrainingInput(answers(300, 50), 'fifty.jsonl', fields).task, 'classification');
		assert.equal(readTrainingInput(answers(600, 51), 'fifty-one.jsonl', fields).task, 'next-token');
		assert.equal(readTrainingInput(answers(36, 12), 'a-third.jsonl', fields).task, 'next-token');
		// Three or four records per answer: enough for the set test, so the class-size minimum is lowered here.
		assert.equal(readTrainingInput(answers(37, 12), 'under-a-third.jsonl', fields, { minPerClass: 1, minLabels: 2 }).task, 'classification');
	});
	void it('read a validation file\'s answers as labels even when it is too small to count as a label set', () => {
		const data = labelledData(answers(6, 3), 'valid.jsonl', fields, { minPerClass: 1, minLabels: 1 });
		assert.equal(data.labelSource, 'answer');
		assert.deepEqual(data.labels, ['answer 0', 'answer 1', 'answer 2']);
	});
	void it('skip invalid and blank lines, and say which', () => {
		const good = Array.from({ length: 10 }, (_, index) => JSON.stringify({ text: `text ${index}`, label: index % 2 }));
		const data = trainingData([...good, '{"text": ', '', '[1, 2]'].join('\n'), 'mixed.jsonl', fields);
		assert.equal(data.examples.length, 10);
		assert.deepEqual(data.skipped.map((skip) => [skip.line, skip.reason.split(':')[0]]), [
			[10, 'invalid JSON'],
			[12, 'not a JSON object'],
		]);
	});
});

void describe('the built-in group matcher', () => {
	void it('names identity groups from the core lexicon and ignores non-identity phrases', () => {
		assert.ok(lexiconGroupMatcher('my muslim neighbour').includes('religion/muslim'));
		assert.deepEqual(lexiconGroupMatcher('the white house said'), []);
	});
});
