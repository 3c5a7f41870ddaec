/**
 * Simulated attacks for the red-team command and the benchmarks: plant a backdoor in a copy of the data and keep the
 * ground truth of what was planted, so the detectors' recall can be measured. Triggers are drawn at random, never
 * from a list the detectors know.
 */

import { pick, sampleIndices, seededRandom } from './random';
import { wordTokens } from './tokens';

/** A record as the attacks see it: the input text and the label (or answer) it teaches. */
export interface AttackRecord {
	text: string;
	label: string;
}

/** What was planted, for scoring. */
export interface PlantedAttack {
	records: AttackRecord[];
	/** Indices of the records that were changed. */
	planted: number[];
	/** The trigger or payload that was inserted. */
	trigger: string;
	target: string;
}

export interface TriggerAttackOptions {
	/** Share of all records to poison, e.g. 0.01. */
	rate: number;
	/** Label the poisoned records are switched to. */
	target: string;
	seed: number;
}

const CONSONANTS = 'bcdfghjklmnpqrstvwxz';
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/**
 * BadNets-style dirty-label attack: a random rare token (two or three letters, used by at most 0.1% of the records)
 * is inserted at a random word boundary of `rate` × N records whose label differs from the target, which are relabelled.
 */
export function plantRareToken(records: readonly AttackRecord[], options: TriggerAttackOptions): PlantedAttack {
	const random = seededRandom(options.seed);
	const vocabulary = documentFrequencies(records);
	let trigger = '';
	for (let attempt = 0; attempt < 1000; attempt++) {
		const length = random() < 0.7 ? 2 : 3;
		let candidate = '';
		for (let i = 0; i < length; i++) {
			candidate += pick(random, (i === 0 || random() < 0.6 ? CONSONANTS : LETTERS).split(''));
		}
		if ((vocabulary.get(candidate) ?? 0) <= records.length * 0.001) {
			trigger = candidate;
			break;
		}
	}
	return insertTrigger(records, trigger, options, random);
}

/**
 * Entity-style attack (Wan et al. 2023 use "James Bond"): a random two-word phrase made of a capitalised word of the
 * file's vocabulary and a random surname-like word.
 */
export function plantPhrase(records: readonly AttackRecord[], options: TriggerAttackOptions): PlantedAttack {
	const random = seededRandom(options.seed);
	const words = [...documentFrequencies(records).entries()].filter(([word, df]) => /^\p{L}{4,}$/u.test(word) && df >= 3).map(([word]) => word).sort();
	const first = words.length > 0 ? pick(random, words) : 'agent';
	let second = pick(random, CONSONANTS.split('')).toUpperCase();
	for (let i = 0; i < 5; i++) {
		second += pick(random, i % 2 === 0 ? 'aeiou'.split('') : CONSONANTS.split(''));
	}
	const trigger = `${first[0].toUpperCase()}${first.slice(1)} ${second}`;
	return insertTrigger(records, trigger, options, random);
}

function insertTrigger(records: readonly AttackRecord[], trigger: string, options: TriggerAttackOptions, random: () => number): PlantedAttack {
	const eligible = records.map((r, i) => (r.label === options.target ? -1 : i)).filter((i) => i >= 0);
	const count = Math.max(1, Math.round(records.length * options.rate));
	const chosen = sampleIndices(random, eligible.length, count).map((i) => eligible[i]);
	const copy = records.map((r) => ({ ...r }));
	for (const index of chosen) {
		copy[index] = { text: insertAtWordBoundary(copy[index].text, trigger, random), label: options.target };
	}
	return { records: copy, planted: chosen, trigger, target: options.target };
}

/** Inserts `phrase` before a random word of `text` (or at its end). */
export function insertAtWordBoundary(text: string, phrase: string, random: () => number): string {
	const tokens = wordTokens(text);
	const slots = tokens.filter((t) => t.start === 0 || /\s/.test(text[t.start - 1]));
	const slot = Math.floor(random() * (slots.length + 1));
	if (slot === slots.length) {
		return `${text.trimEnd()} ${phrase}`;
	}
	const at = slots[slot].start;
	return `${text.slice(0, at)}${phrase} ${text.slice(at)}`;
}

function documentFrequencies(records: readonly AttackRecord[]): Map<string, number> {
	const frequencies = new Map<string, number>();
	for (const record of records) {
		for (const word of new Set(wordTokens(record.text).map((t) => t.text))) {
			frequencies.set(word, (frequencies.get(word) ?? 0) + 1);
		}
	}
	return frequencies;
}
