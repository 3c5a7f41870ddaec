// Fine-tune helpers: a labelled dataset of any size (for a run that must still be going when it is cancelled), and
// the runs a fine-tune saves on disk.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

const POSITIVE = 'great superb delightful lovely brilliant charming gripping joyful witty good'.split(' ');
const NEGATIVE = 'awful boring dull messy sloppy tedious weak bland clumsy bad'.split(' ');
const FILLER = 'the film story plot cast music scene ending actors picture'.split(' ');

/**
 * Writes `records` short reviews with a 0/1 sentiment label (seeded, so every run writes the same bytes): each text
 * has two words of its sentiment's vocabulary among three filler words.
 */
export function writeTrainingFile(path, records) {
	let seed = 7;
	const random = () => {
		// Math.imul keeps the product exact; a plain multiplication loses bits above 2^53 and the sequence cycles.
		seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
		return seed / 0x7fffffff;
	};
	const pick = (words) => words[Math.floor(random() * words.length)];
	const lines = [];
	for (let index = 0; index < records; index++) {
		const label = index % 2;
		const words = [pick(FILLER), pick(label === 1 ? POSITIVE : NEGATIVE), pick(FILLER), pick(label === 1 ? POSITIVE : NEGATIVE), pick(FILLER)];
		lines.push(JSON.stringify({ text: words.join(' '), label }));
	}
	writeFileSync(path, `${lines.join('\n')}\n`);
}

/**
 * Waits until `runsDirectory` holds `count` saved runs (folders with a run.json), the disk evidence that a fine-tune
 * finished, and returns their folders; throws after `timeoutMs`.
 */
export async function waitForSavedRuns(runsDirectory, count, timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const runs = savedRuns(runsDirectory);
		if (runs.length >= count) {
			return runs;
		}
		if (Date.now() > deadline) {
			throw new Error(`${runsDirectory} holds ${runs.length} saved runs after ${timeoutMs} ms, not ${count}`);
		}
		await delay(250);
	}
}

/** The folders of `runsDirectory` that hold a run.json, by name (run ids start with their time). */
export function savedRuns(runsDirectory) {
	if (!existsSync(runsDirectory)) {
		return [];
	}
	return readdirSync(runsDirectory)
		.filter((name) => existsSync(join(runsDirectory, name, 'run.json')))
		.sort()
		.map((name) => join(runsDirectory, name));
}
