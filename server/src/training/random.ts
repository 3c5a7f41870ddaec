/**
 * Seeded randomness for training. Every shuffle, split and dropout mask comes from one of these generators, so the
 * same seed on the same backend gives the same run.
 */

/** A generator of uniform numbers in [0, 1). */
export type Random = () => number;

/** Mulberry32 (one implementation for the engine and training): good enough for shuffling, not for cryptography. */
export { seededRandom } from '../core/poisoning/random';

/** Shuffles `items` in place (Fisher–Yates) and returns it. */
export function shuffleInPlace<T>(items: T[], random: Random): T[] {
	for (let i = items.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[items[i], items[j]] = [items[j], items[i]];
	}
	return items;
}
