/** Exact-duplicate grouping of normalised texts by a 53-bit hash, with the texts compared so a collision never merges two. */

import { hashString53 } from './hash';

/**
 * Groups of indexes whose texts are equal, each ascending (the first is the copy to keep), ordered by first member.
 * `undefined` texts (records without content) are never grouped. Memory is one Map entry per distinct text.
 */
export function groupExactDuplicates(texts: readonly (string | undefined)[]): number[][] {
	const firstByHash = new Map<number, number>();
	const firstByText = new Map<string, number>();
	const groups = new Map<number, number[]>();
	for (let index = 0; index < texts.length; index++) {
		const text = texts[index];
		if (text === undefined) {
			continue;
		}
		const hash = hashString53(text);
		let first = firstByHash.get(hash);
		if (first === undefined) {
			firstByHash.set(hash, index);
			continue;
		}
		if (texts[first] !== text) {
			// A hash collision between different texts: fall back to the text itself as the key.
			first = firstByText.get(text);
			if (first === undefined) {
				firstByText.set(text, index);
				continue;
			}
		}
		let group = groups.get(first);
		if (group === undefined) {
			group = [first];
			groups.set(first, group);
		}
		group.push(index);
	}
	return [...groups.values()].sort((x, y) => x[0] - y[0]);
}
