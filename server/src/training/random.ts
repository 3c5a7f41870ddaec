/**
 * Seeded randomness for training. Every shuffle, split and dropout mask comes from one of these generators, so the
 * same seed on the same backend gives the same run.
 */

/** A generator of uniform numbers in [0, 1). */
export type Random = () => number;

/** Mulberry32: tiny, fast and good enough for shuffling and sampling (not for cryptography). */
export function seededRandom(seed: number): Random {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Shuffles `items` in place (Fisher–Yates) and returns it. */
export function shuffleInPlace<T>(items: T[], random: Random): T[] {
	for (let i = items.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[items[i], items[j]] = [items[j], items[i]];
	}
	return items;
}
