/**
 * Synthetic classification data for the drift tests: short reviews built from word lists with a seeded generator,
 * so a "shift" can be planted in exactly one property (labels, lengths or vocabulary) while the rest stays the same.
 */

import { seededRandom } from '../../server/src/core/poisoning/random';

/** What to plant in a generated sample. */
export interface SampleShape {
	records: number;
	seed: number;
	/** Share of "positive" labels. */
	positiveShare?: number;
	/** Extra filler words per record. */
	extraWords?: number;
	/** Replaces the topic vocabulary (a different domain). */
	topics?: readonly string[];
}

const POSITIVE = ['great', 'lovely', 'wonderful', 'superb', 'enjoyable', 'charming'];
const NEGATIVE = ['awful', 'boring', 'dull', 'terrible', 'tedious', 'messy'];
const MOVIE_TOPICS = ['film', 'movie', 'plot', 'actor', 'script', 'scene', 'director', 'ending'];
/** A different domain for the vocabulary shift. */
export const PHONE_TOPICS = ['battery', 'screen', 'charger', 'camera', 'signal', 'keyboard', 'speaker', 'warranty'];
const FILLER = ['really', 'quite', 'very', 'somewhat', 'honestly', 'overall', 'truly', 'mostly'];

/** A JSONL classification document of the given shape. */
export function sample(shape: SampleShape): string {
	const random = seededRandom(shape.seed);
	const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
	const lines: string[] = [];
	for (let i = 0; i < shape.records; i++) {
		const positive = random() < (shape.positiveShare ?? 0.5);
		const words = ['the', pick(shape.topics ?? MOVIE_TOPICS), 'was', pick(positive ? POSITIVE : NEGATIVE)];
		const extra = (shape.extraWords ?? 0) + Math.floor(random() * 4);
		for (let k = 0; k < extra; k++) {
			words.push(pick(FILLER), pick(shape.topics ?? MOVIE_TOPICS));
		}
		lines.push(JSON.stringify({ text: words.join(' '), label: positive ? 'positive' : 'negative' }));
	}
	return lines.join('\n') + '\n';
}
