/**
 * Matches between two files (a training file and its validation or test file): every record of the target that
 * equals, or nearly equals, a record of the other file. Pure: both files come in as normalised texts per line.
 */

import { hashString53 } from './hash';
import { radixOrder } from './lsh';
import { BandKeyHasher, cachedSimilarity, type NearDuplicateOptions } from './nearDuplicates';
import { shingleSet } from './shingles';

/** A target line found in the other file; `similarity` is 1 for exact matches. */
export interface CrossFileMatch {
	line: number;
	otherLine: number;
	similarity: number;
	exact: boolean;
}

/**
 * For each target line (index into `target`) with content, the first exact match in `other`, or else (when `near` is
 * set) its most similar record among the LSH candidates at or above the threshold. `undefined` texts are lines without
 * content. Cost is linear in the two files plus the candidates checked.
 */
export function findCrossFileMatches(target: readonly (string | undefined)[], other: readonly (string | undefined)[], options: NearDuplicateOptions, near: boolean): CrossFileMatch[] {
	const otherByHash = new Map<number, number>();
	other.forEach((text, line) => {
		if (text !== undefined) {
			const hash = hashString53(text);
			if (!otherByHash.has(hash)) {
				otherByHash.set(hash, line);
			}
		}
	});
	const matches = new Map<number, CrossFileMatch>();
	const unmatched: number[] = [];
	target.forEach((text, line) => {
		if (text === undefined) {
			return;
		}
		const otherLine = otherByHash.get(hashString53(text));
		if (otherLine !== undefined && other[otherLine] === text) {
			matches.set(line, { line, otherLine, similarity: 1, exact: true });
		} else {
			unmatched.push(line);
		}
	});
	if (near && unmatched.length > 0 && otherByHash.size > 0) {
		for (const match of nearMatches(target, unmatched, other, [...otherByHash.values()], options)) {
			matches.set(match.line, match);
		}
	}
	return [...matches.values()].sort((a, b) => a.line - b.line);
}

/** Slots 0..targetLines.length-1 are target records, the rest are records of the other file. */
function nearMatches(target: readonly (string | undefined)[], targetLines: number[], other: readonly (string | undefined)[], otherLines: number[], options: NearDuplicateOptions): CrossFileMatch[] {
	const hasher = new BandKeyHasher(options);
	const bands = hasher.banding.bands;
	const texts = [...targetLines.map((line) => target[line] as string), ...otherLines.map((line) => other[line] as string)];
	const count = texts.length;
	const keys = new Uint32Array(count * bands);
	const present = new Uint8Array(count);
	texts.forEach((text, slot) => {
		present[slot] = hasher.write(text, keys, slot, count) ? 1 : 0;
	});
	const isTarget = (slot: number): boolean => slot < targetLines.length;
	const similarity = cachedSimilarity((slot) => shingleSet(texts[slot], options.shingles));
	const best = new Map<number, { slot: number; similarity: number }>();
	const checked = new Set<number>();
	for (let band = 0; band < bands; band++) {
		const bandKeys = keys.subarray(band * count, (band + 1) * count);
		const order = radixOrder(bandKeys);
		let runStart = 0;
		while (runStart < count) {
			let runEnd = runStart + 1;
			while (runEnd < count && bandKeys[order[runEnd]] === bandKeys[order[runStart]]) {
				runEnd++;
			}
			if (runEnd - runStart > 1) {
				compareRun(order.subarray(runStart, runEnd));
			}
			runStart = runEnd;
		}
	}
	function compareRun(run: Uint32Array): void {
		// Within a bucket, each target record is compared with at most `bucketWindow` records of the other file.
		const others = [...run].filter((slot) => !isTarget(slot) && present[slot] === 1).slice(0, options.bucketWindow);
		for (const slot of run) {
			if (!isTarget(slot) || present[slot] === 0) {
				continue;
			}
			for (const otherSlot of others) {
				const pairKey = slot * count + otherSlot;
				if (checked.has(pairKey)) {
					continue;
				}
				checked.add(pairKey);
				const value = similarity(slot, otherSlot);
				const current = best.get(slot);
				if (value >= options.threshold && (current === undefined || value > current.similarity)) {
					best.set(slot, { slot: otherSlot, similarity: value });
				}
			}
		}
	}
	return [...best].map(([slot, found]) => ({ line: targetLines[slot], otherLine: otherLines[found.slot - targetLines.length], similarity: found.similarity, exact: false }));
}

const TRAIN_WORDS = ['train', 'training'];
const HELD_OUT_WORDS = ['valid', 'validation', 'val', 'dev', 'test', 'eval'];
const SPLIT_WORD = /(^|[._-])(train|training|valid|validation|val|dev|test|eval)(?=[._-])/i;

/**
 * The sibling files that form a train/held-out pair with `fileName` by naming convention: the same name in the same
 * folder with the split word replaced (`x_train.jsonl` ↔ `x_valid.jsonl`, `x_val`, `x_dev`, `x_test`, `x_eval`;
 * `train.jsonl` ↔ `test.jsonl`). A training file pairs with held-out files and a held-out file with training files.
 */
export function splitCompanions(fileName: string, siblings: readonly string[]): string[] {
	const found = SPLIT_WORD.exec(fileName);
	if (found === null) {
		return [];
	}
	const word = found[2].toLowerCase();
	const wanted = TRAIN_WORDS.includes(word) ? HELD_OUT_WORDS : TRAIN_WORDS;
	const start = found.index + found[1].length;
	const before = fileName.slice(0, start);
	const after = fileName.slice(start + word.length);
	const names = new Set(wanted.map((replacement) => `${before}${replacement}${after}`.toLowerCase()));
	return siblings.filter((sibling) => sibling !== fileName && names.has(sibling.toLowerCase()));
}
