import { START_MARKER } from '../core/poisoning/triggers';
import type { FeatureSpace } from './features';
import { predictedClasses } from './metrics';
import type { ProxyModel } from './model';
import { seededRandom, shuffleInPlace } from './random';

/**
 * Trigger confirmation: a backdoor trigger makes the model predict its label whatever the rest of the text says. So
 * insert the candidate n-gram into held-out records of other labels (that the model classified as not that label)
 * and count how often the prediction flips to the candidate's label: the attack success rate.
 */

/** An n-gram suspected of being a trigger for `label` (e.g. from the `trigger-candidate` rule). */
export interface TriggerCandidateInput {
	ngram: string;
	label: string;
}

/** The measured attack success rate of one candidate. */
export interface TriggerConfirmation extends TriggerCandidateInput {
	attempts: number;
	flips: number;
	attackSuccessRate: number;
	confirmed: boolean;
}

/** How many records to attack and the rate that confirms a trigger. */
export interface TriggerOptions {
	maxAttempts: number;
	minAttempts: number;
	minSuccessRate: number;
}

export const DEFAULT_TRIGGER_CONFIRMATION: TriggerOptions = { maxAttempts: 200, minAttempts: 10, minSuccessRate: 0.5 };

/** Held-out records: texts, true classes and the model's predictions for them. */
export interface HeldOut {
	texts: readonly string[];
	classes: ArrayLike<number>;
	predicted: ArrayLike<number>;
}

/** Measures every candidate on the held-out records; candidates with an unknown label are skipped. */
export async function confirmTriggers(
	model: ProxyModel,
	space: FeatureSpace,
	heldOut: HeldOut,
	candidates: readonly TriggerCandidateInput[],
	labels: readonly string[],
	seed: number,
	options: TriggerOptions = DEFAULT_TRIGGER_CONFIRMATION,
): Promise<TriggerConfirmation[]> {
	const results: TriggerConfirmation[] = [];
	for (const candidate of candidates) {
		const target = labels.indexOf(candidate.label);
		if (target < 0) {
			continue;
		}
		const random = seededRandom(seed);
		const eligible = heldOut.texts.map((_, index) => index).filter((index) => heldOut.classes[index] !== target && heldOut.predicted[index] !== target);
		const chosen = shuffleInPlace(eligible, random).slice(0, options.maxAttempts);
		const attacked = chosen.map((index) => space.vectorize(insertAtRandomWord(heldOut.texts[index], candidate.ngram, random)));
		const predictions = predictedClasses(await model.predict(attacked), model.classCount);
		const flips = predictions.filter((predicted) => predicted === target).length;
		const rate = chosen.length === 0 ? 0 : flips / chosen.length;
		results.push({ ...candidate, attempts: chosen.length, flips, attackSuccessRate: rate, confirmed: chosen.length >= options.minAttempts && rate >= options.minSuccessRate });
	}
	return results;
}

/**
 * Inserts `ngram` between two words of `text` (or at either end) at a seeded random position; an n-gram bound to the
 * start of the text (mined with the start marker, "<s> when") goes at the start.
 */
export function insertAtRandomWord(text: string, ngram: string, random: () => number): string {
	const words = text.split(/\s+/).filter((word) => word !== '');
	const startBound = ngram.startsWith(`${START_MARKER} `);
	const position = startBound ? 0 : Math.floor(random() * (words.length + 1));
	const inserted = startBound ? ngram.slice(START_MARKER.length + 1) : ngram;
	return [...words.slice(0, position), inserted, ...words.slice(position)].join(' ');
}
