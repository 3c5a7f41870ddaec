import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import { analyzeTrainingLog, LogFormatError, parseTrainingLog, smooth } from '../../server/src/core/logs';
import { FIXTURES } from '../helpers/paths';

function report(name: string): ReturnType<typeof analyzeTrainingLog> {
	const text = readFileSync(path.join(FIXTURES, 'logs', name), 'utf8');
	return analyzeTrainingLog(parseTrainingLog(text, name), name);
}

void describe('training logs', () => {
	void it('reads an OpenAI result CSV (validation on some steps only) and finds where validation loss turned', () => {
		const result = report('openai_result.csv');
		assert.equal(result.format, 'openai-csv');
		assert.equal(result.curves.trainLoss.length, 60);
		assert.equal(result.curves.validLoss.length, 12, 'empty validation cells are absent, not zero');
		assert.ok(result.overfitting !== null);
		assert.ok(result.overfitting.step >= 20 && result.overfitting.step <= 35, `turn at ${result.overfitting.step}`);
		assert.ok(result.overfitting.trainLossAtEnd < result.overfitting.trainLossAtTurn);
		assert.ok(result.overfitting.gap > 0);
		assert.ok(result.earlyStopping !== null && result.earlyStopping.step === result.overfitting.step);
		assert.ok(result.earlyStopping.stoppedAt > result.earlyStopping.step && result.earlyStopping.stepsSaved > 0);
	});

	void it('reads a Hugging Face trainer_state.json, merges train and eval entries, ignores the closing summary, and sees no overfitting', () => {
		const result = report('trainer_state.json');
		assert.equal(result.format, 'hf-trainer-state');
		assert.equal(result.curves.trainLoss.length, 30);
		assert.equal(result.curves.validLoss.length, 6);
		assert.equal(result.curves.validAccuracy.length, 6);
		assert.equal(result.final.trainLoss, result.curves.trainLoss[29].value, 'the summary train_loss (0.61) is not a point');
		assert.equal(result.overfitting, null);
		assert.equal(result.earlyStopping?.step, 300);
	});

	void it('reads a generic step/loss/val_loss CSV', () => {
		const result = report('losses.csv');
		assert.equal(result.format, 'csv');
		assert.ok(result.overfitting !== null && result.overfitting.step >= 400 && result.overfitting.step <= 700, JSON.stringify(result.overfitting));
	});

	void it('reads a JSONL of training loss; without validation there is no overfitting verdict or early-stopping step', () => {
		const result = report('train_only.jsonl');
		assert.equal(result.format, 'jsonl');
		assert.equal(result.curves.trainLoss.length, 40);
		assert.equal(result.overfitting, null);
		assert.equal(result.earlyStopping, null);
	});

	void it('refuses unreadable logs with a message naming the file and the problem', () => {
		assert.throws(() => parseTrainingLog('', 'a.csv'), (error: Error) => error instanceof LogFormatError && /a\.csv: the log is empty/.test(error.message));
		assert.throws(() => parseTrainingLog('epoch,loss\n1,0.5\n', 'b.csv'), /b\.csv: line 1: no step column/);
		assert.throws(() => parseTrainingLog('step,lr\n1,0.5\n', 'c.csv'), /c\.csv: line 1: no loss column/);
		assert.throws(() => parseTrainingLog('{"x": 1}', 'd.json'), /d\.json: a JSON log needs a "log_history" array/);
		const partial = parseTrainingLog('{"step":1,"loss":2}\nnot json\n{"step":2,"loss":1}\n', 'e.jsonl');
		assert.deepEqual(partial.problems, ['line 2: not valid JSON']);
		assert.equal(partial.points.length, 2);
		const values = parseTrainingLog('step,loss,val_loss\n1,abc,0.9\n2,0.5,\n3,0.4,0.8\n', 'f.csv');
		assert.deepEqual(values.problems, ['line 2: loss "abc" is not a number'], 'a bad value is named; an empty cell is no value');
		assert.deepEqual(values.points.map((point) => point.step), [1, 2, 3]);
		const entries = parseTrainingLog('{"step":1,"loss":"high"}\n{"step":2,"loss":1}\n', 'g.jsonl');
		assert.deepEqual(entries.problems, ['line 1: loss "high" is not a number']);
	});

	void it('smooths without pulling the first point towards zero', () => {
		const smoothed = smooth([{ step: 1, value: 2 }, { step: 2, value: 2 }], 0.9);
		assert.ok(Math.abs(smoothed[0].smoothed - 2) < 1e-12 && Math.abs(smoothed[1].smoothed - 2) < 1e-12);
	});
});
