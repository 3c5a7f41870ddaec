import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';

import { buildSync } from 'esbuild';

/**
 * The fine-tune's progress notification text (client/src/commands/trainProgress.ts), bundled from its source as
 * test/client/helpers.test.ts explains: the epoch, the loss and the time left reach the editor.
 */

// The compiled test lives in out/test/client/, three folders below the repository root.
const repositoryRoot = path.resolve(__dirname, '..', '..', '..');
const bundleDirectory = mkdtempSync(path.join(tmpdir(), 'tunelint-train-progress-'));
after(() => rmSync(bundleDirectory, { recursive: true, force: true }));

interface ProgressLine {
	type: string;
	[key: string]: unknown;
}

interface ProgressState {
	fit: number;
	lastEpoch?: ProgressLine;
}

interface TrainProgressModule {
	INITIAL_PROGRESS: ProgressState;
	parseProgressLine(line: string): ProgressLine | undefined;
	nextProgress(state: ProgressState, line: ProgressLine): { state: ProgressState; message?: string };
}

function loadTrainProgress(): TrainProgressModule {
	const outfile = path.join(bundleDirectory, 'trainProgress.js');
	buildSync({ entryPoints: [path.join(repositoryRoot, 'client', 'src', 'commands', 'trainProgress.ts')], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent' });
	// eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle just built, by its path.
	return require(outfile) as TrainProgressModule;
}

const { INITIAL_PROGRESS, nextProgress, parseProgressLine } = loadTrainProgress();

/** The messages shown for a sequence of stderr lines of `tunelint train --format json`. */
function messages(lines: string[]): (string | undefined)[] {
	let state = INITIAL_PROGRESS;
	return lines.map((line) => {
		const parsed = parseProgressLine(line);
		if (parsed === undefined) {
			return undefined;
		}
		const next = nextProgress(state, parsed);
		state = next.state;
		return next.message;
	});
}

const progress = (fit: number, epoch: number, batch: number) => JSON.stringify({ type: 'progress', stage: 'train', fit, fits: 9, epoch, epochs: 10, batch, batches: 49, etaSeconds: 12.2 });
const epochEnd = (epoch: number, loss: number) => JSON.stringify({ type: 'epoch', stage: 'train', epoch, loss, accuracy: 0.9, valLoss: loss + 0.1, valAccuracy: 0.8, seconds: 1 });

void describe('the fine-tune progress notification', () => {
	void it('shows the fit, epoch, batch and time left, then the loss of the last finished epoch', () => {
		const shown = messages([
			JSON.stringify({ type: 'process', pid: 1 }),
			JSON.stringify({ type: 'stage', stage: 'train', message: 'training on 270 records (wasm backend)' }),
			progress(1, 1, 20),
			epochEnd(1, 0.41234),
			progress(1, 2, 5),
		]);
		assert.deepEqual(shown, [
			undefined,
			'training on 270 records (wasm backend)',
			'train (fit 1/9): epoch 1/10, batch 20/49; about 13 s left in this fit',
			undefined,
			'train (fit 1/9): epoch 2/10, batch 5/49; loss 0.412, validation loss 0.512 after epoch 1; about 13 s left in this fit',
		]);
	});
	void it('does not carry one fit\'s loss into the next fit or stage', () => {
		const shown = messages([progress(1, 1, 1), epochEnd(1, 0.4), progress(2, 1, 1), epochEnd(1, 0.3), JSON.stringify({ type: 'stage', stage: 'folds', message: 'folds' }), progress(3, 1, 1)]);
		assert.doesNotMatch(shown[2] ?? '', /loss/);
		assert.match(shown[2] ?? '', /fit 2\/9/);
		assert.doesNotMatch(shown[5] ?? '', /loss/);
	});
	void it('leaves plain-text lines to the output channel', () => {
		assert.equal(parseProgressLine('tunelint: sentiment.jsonl: labels of mixed types'), undefined);
		assert.equal(parseProgressLine('{not json'), undefined);
	});
});
