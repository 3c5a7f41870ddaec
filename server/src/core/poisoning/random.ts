/** A small seeded pseudo-random generator (mulberry32), so that red-team runs and benchmarks are reproducible. */

/** Returns a function yielding floats in [0, 1) determined entirely by `seed`. */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** A uniformly chosen element. */
export function pick<T>(random: () => number, items: readonly T[]): T {
	return items[Math.floor(random() * items.length)];
}

/** `count` distinct indices out of `0..size-1`, in increasing order (partial Fisher-Yates). */
export function sampleIndices(random: () => number, size: number, count: number): number[] {
	const pool = Array.from({ length: size }, (_, i) => i);
	const taken = Math.min(count, size);
	for (let i = 0; i < taken; i++) {
		const j = i + Math.floor(random() * (size - i));
		[pool[i], pool[j]] = [pool[j], pool[i]];
	}
	return pool.slice(0, taken).sort((a, b) => a - b);
}
