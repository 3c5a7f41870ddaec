import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { groupExactDuplicates } from '../../server/src/core/dedup/exact';
import { hashString32, hashString53, hashText53 } from '../../server/src/core/dedup/hash';
import { candidateProbability, chooseBanding, radixOrder, SameKeyLinker } from '../../server/src/core/dedup/lsh';
import { estimatedSimilarity, minhashSignature, writeCharShingleSignature } from '../../server/src/core/dedup/minhash';
import { cachedSimilarity, DEFAULT_NEAR_DUPLICATE_OPTIONS, findNearDuplicates, RejectedPairs } from '../../server/src/core/dedup/nearDuplicates';
import { normalizeFields, normalizeText } from '../../server/src/core/dedup/normalize';
import { NumberMap } from '../../server/src/core/dedup/numberMap';
import { jaccard, shingleHashes, shingleSet } from '../../server/src/core/dedup/shingles';
import { seededRandom as random } from '../../server/src/core/poisoning/random';

const VOCABULARY = 'the a model answer question data train test river mountain blue green quickly slowly write read explain list summarise translate french german number seven eleven city country history science poem story code function error value'.split(' ');

function sentence(next: () => number, words: number): string[] {
	return Array.from({ length: words }, () => VOCABULARY[Math.floor(next() * VOCABULARY.length)] + (next() < 0.3 ? String(Math.floor(next() * 100)) : ''));
}

function similarityOf(a: string, b: string): number {
	return jaccard(shingleSet(a), shingleSet(b));
}

void describe('normalizeText', () => {
	void it('applies NFKC, lower case and white-space collapsing', () => {
		assert.equal(normalizeText('  Ｈｅｌｌｏ\u00a0\tWORLD \n ﬁne '), 'hello world fine');
		assert.equal(normalizeText('plain ascii'), 'plain ascii');
	});
	void it('collapses every kind of white space and double spaces, and leaves single spaces alone', () => {
		assert.equal(normalizeText('a  b'), 'a b');
		assert.equal(normalizeText('a\u2003b\u3000c\ufeffd\u001fe\u000bf'), 'a b c d e f');
		assert.equal(normalizeText(' a b '), 'a b');
		// U+0085 and U+200B are not white space in JavaScript regular expressions, so they stay.
		assert.equal(normalizeText('a\u200bb'), 'a\u200bb');
	});
	void it('gives the definition (NFKC, lower case, white-space runs to one space, trimmed) on any mix of characters', () => {
		// The plain-ASCII fast path must agree with the general one: random strings from pieces that take either path.
		const pieces = ['a', 'Z', ' ', '  ', '\t', '\n', '\u001f', '\u0000', '\u007f', 'é', 'Ｈ', '\u00a0', '.', '9'];
		const next = random(11);
		const below = (limit: number): number => Math.floor(next() * limit);
		for (let round = 0; round < 2000; round++) {
			const text = Array.from({ length: below(12) }, () => pieces[below(pieces.length)]).join('');
			const expected = text.normalize('NFKC').toLowerCase().replace(/[\s\u001f]+/g, ' ').trim();
			assert.equal(normalizeText(text), expected, JSON.stringify(text));
		}
	});
	void it('keeps field boundaries apart', () => {
		assert.notEqual(normalizeFields(['a b', 'c']), normalizeFields(['a', 'b c']));
		assert.notEqual(normalizeFields(['a\u001fb']), normalizeFields(['a', 'b']));
	});
});

void describe('hashing', () => {
	void it('is deterministic and seed dependent', () => {
		assert.equal(hashString32('abc'), hashString32('abc'));
		assert.notEqual(hashString32('abc', 1), hashString32('abc', 2));
		assert.ok(Number.isSafeInteger(hashString53('anything')));
	});
	void it('has no collisions among 200k distinct strings at 53 bits', () => {
		const seen = new Set<number>();
		for (let i = 0; i < 200_000; i++) {
			seen.add(hashString53(`record ${i}`));
		}
		assert.equal(seen.size, 200_000);
	});
	void it('hashes in-memory keys (hashText53) by content: ASCII by bytes, other text by code units, any length', () => {
		const texts = ['', 'a', 'a\u0000', 'a\u0000\u0000', 'ab', 'abc', 'abcd', 'abcde', 'héllo', 'hello', '\ud83d', '\ude00', '\ufffd', '😀', 'x'.repeat(70_000), 'x'.repeat(70_001)];
		const hashes = texts.map((text) => hashText53(text));
		assert.equal(new Set(hashes).size, texts.length, 'trailing NULs, lone surrogates (which UTF-8 would replace) and lengths past the first buffer all stay apart');
		// Fresh copies of the same texts, after the scratch buffer grew and held other bytes, hash the same.
		assert.deepEqual(texts.map((text) => hashText53(text.split('').join(''))), hashes);
		const seen = new Set<number>();
		for (let i = 0; i < 200_000; i++) {
			seen.add(hashText53(`record ${i}`));
			seen.add(hashText53(`récord ${i}`));
		}
		assert.equal(seen.size, 400_000);
		assert.ok(hashes.every((hash) => Number.isSafeInteger(hash) && hash >= 0));
	});
});

void describe('shingles and Jaccard', () => {
	void it('makes character 5-grams, one per position, and one shingle for short text', () => {
		assert.equal(shingleHashes('abcdefg').length, 3);
		assert.equal(shingleHashes('abc').length, 1);
		assert.equal(shingleHashes('').length, 0);
		assert.equal(shingleHashes('one two three four five six', { unit: 'word', size: 5 }).length, 2);
	});
	void it('computes exact Jaccard on sets', () => {
		assert.equal(similarityOf('abcdefgh', 'abcdefgh'), 1);
		assert.equal(jaccard(Uint32Array.of(1, 2, 3), Uint32Array.of(2, 3, 4)), 0.5);
		assert.equal(jaccard(new Uint32Array(0), new Uint32Array(0)), 1);
	});
	void it('keeps one changed word in forty above 0.8 with character 5-grams but not with word 5-grams', () => {
		const next = random(7);
		const words = sentence(next, 40);
		const edited = [...words];
		edited[20] = 'replaced';
		const a = words.join(' ');
		const b = edited.join(' ');
		assert.ok(similarityOf(a, b) >= 0.8, `char 5-gram similarity ${similarityOf(a, b)}`);
		const word5 = { unit: 'word', size: 5 } as const;
		assert.ok(jaccard(shingleSet(a, word5), shingleSet(b, word5)) < 0.8);
	});
});

void describe('one-permutation MinHash with densification', () => {
	void it('estimates Jaccard without bias, also for short texts that leave most bins empty', () => {
		const next = random(11);
		let totalError = 0;
		let totalAbsoluteError = 0;
		const trials = 300;
		for (let trial = 0; trial < trials; trial++) {
			const words = sentence(next, 3 + Math.floor(next() * 30));
			const edited = words.map((word) => (next() < 0.15 ? 'edit' : word));
			const a = normalizeText(words.join(' '));
			const b = normalizeText(edited.join(' '));
			const exact = similarityOf(a, b);
			const estimate = estimatedSimilarity(minhashSignature(shingleHashes(a), 128), minhashSignature(shingleHashes(b), 128));
			totalError += estimate - exact;
			totalAbsoluteError += Math.abs(estimate - exact);
		}
		assert.ok(Math.abs(totalError / trials) < 0.02, `mean error ${totalError / trials}`);
		assert.ok(totalAbsoluteError / trials < 0.06, `mean absolute error ${totalAbsoluteError / trials}`);
	});
	void it('computes the same signature when hashing shingles on the fly', () => {
		const next = random(5);
		for (const text of ['', 'abc', 'abcde', 'abcdef', ...Array.from({ length: 50 }, () => sentence(next, 1 + Math.floor(next() * 40)).join(' '))]) {
			const fused = new Uint32Array(96);
			const written = writeCharShingleSignature(text, 5, fused, new Int32Array(96));
			assert.equal(written, text !== '');
			if (written) {
				assert.deepEqual(fused, minhashSignature(shingleHashes(text), 96), text);
			}
		}
	});
	void it('gives identical texts identical signatures', () => {
		const signature = minhashSignature(shingleHashes('same text here'), 64);
		assert.deepEqual(minhashSignature(shingleHashes('same text here'), 64), signature);
	});
});

void describe('LSH banding', () => {
	void it('makes a pair at the default threshold a candidate with probability at least 0.99', () => {
		const banding = chooseBanding(0.8, 0.99, 128);
		assert.deepEqual(banding, { bands: 16, rows: 6 });
		const atThreshold = candidateProbability(0.8, banding);
		assert.ok(atThreshold >= 0.99, `P(0.8) = ${atThreshold}`);
		assert.ok(candidateProbability(0.3, banding) < 0.02, 'dissimilar pairs rarely become candidates');
	});
	void it('honours other thresholds and budgets', () => {
		for (const threshold of [0.5, 0.7, 0.85, 0.9, 0.95]) {
			for (const maxBins of [64, 128, 256]) {
				const banding = chooseBanding(threshold, 0.99, maxBins);
				assert.ok(banding.bands * banding.rows <= maxBins);
				assert.ok(candidateProbability(threshold, banding) >= 0.99);
			}
		}
		assert.throws(() => chooseBanding(0.1, 0.99, 4), RangeError);
	});
	void it('links each record to the previous one with the same key, across table collisions', () => {
		const linker = new SameKeyLinker(6);
		// Two bands laid out record by record: band 0 holds 7, 23, 7, 0, 23, 7 (23 and 7 share a table position).
		const keys = Uint32Array.of(7, 1, 16 + 7, 2, 7, 3, 0, 4, 16 + 7, 5, 7, 1);
		assert.deepEqual([...linker.link(keys, 0, 2)], [-1, -1, 0, -1, 1, 2]);
		assert.deepEqual([...linker.link(keys, 1, 2)], [-1, -1, -1, -1, -1, 0], 'the table is reset between bands');
	});
	void it('sorts keys stably in linear time', () => {
		const keys = Uint32Array.of(5, 0xffffffff, 5, 0, 70000, 3);
		assert.deepEqual([...radixOrder(keys)], [3, 5, 0, 2, 4, 1]);
	});
});

void describe('findNearDuplicates', () => {
	void it('finds known near-duplicate pairs and leaves unrelated records alone', () => {
		const texts = [
			'Write a short poem about the sea at night, with the moon shining over the quiet waves.',
			'Explain the difference between a list and a tuple in Python.',
			'Write a short poem about the sea at night, with the moon shining over the calm waves.',
			'What is the capital of France?',
			'explain the difference between a list and a tuple in python!',
		].map(normalizeText);
		const result = findNearDuplicates(texts);
		assert.deepEqual(result.clusters, [[0, 2], [1, 4]]);
		for (const pair of result.pairs) {
			assert.ok(pair.similarity >= 0.8 && pair.a < pair.b);
		}
	});
	void it('does not merge two short records that only share a template', () => {
		const texts = ['Translate to French: the cat sleeps.', 'Translate to French: my dog runs.', 'Classify the sentiment: I loved it', 'Classify the sentiment: awful film'].map(normalizeText);
		assert.ok(similarityOf(texts[0], texts[1]) < 0.8);
		assert.deepEqual(findNearDuplicates(texts).clusters, []);
	});
	void it('finds at least 95% of the pairs at or above the threshold, with no false pair (vs exact all pairs)', () => {
		const next = random(3);
		const texts: string[] = [];
		for (let i = 0; i < 400; i++) {
			const words = sentence(next, 8 + Math.floor(next() * 40));
			texts.push(normalizeText(words.join(' ')));
			if (next() < 0.5) {
				texts.push(normalizeText(words.map((word) => (next() < 0.08 ? 'edit' : word)).join(' ')));
			}
		}
		const sets = texts.map((text) => shingleSet(text));
		const result = findNearDuplicates(texts);
		const clusterOf = new Map<number, number>();
		result.clusters.forEach((members, cluster) => members.forEach((member) => clusterOf.set(member, cluster)));
		let truePairs = 0;
		let found = 0;
		for (let a = 0; a < texts.length; a++) {
			for (let b = a + 1; b < texts.length; b++) {
				if (jaccard(sets[a], sets[b]) >= DEFAULT_NEAR_DUPLICATE_OPTIONS.threshold) {
					truePairs++;
					if (clusterOf.has(a) && clusterOf.get(a) === clusterOf.get(b)) {
						found++;
					}
				}
			}
		}
		assert.ok(truePairs > 50, `only ${truePairs} true pairs generated`);
		assert.ok(found / truePairs >= 0.95, `recall ${found}/${truePairs}`);
		for (const pair of result.pairs) {
			assert.equal(pair.similarity, jaccard(sets[pair.a], sets[pair.b]));
			assert.ok(pair.similarity >= DEFAULT_NEAR_DUPLICATE_OPTIONS.threshold);
		}
	});
	void it('keeps a huge bucket of templated records linear', () => {
		const texts = Array.from({ length: 20_000 }, (_, i) => normalizeText(`Please answer this question carefully and in full detail, number ${i}`));
		const result = findNearDuplicates(texts);
		assert.ok(result.candidatesChecked < texts.length * DEFAULT_NEAR_DUPLICATE_OPTIONS.bucketWindow * 2, `${result.candidatesChecked} candidates`);
		assert.ok(result.clusters.length >= 1);
	});
	void it('skips empty texts', () => {
		assert.deepEqual(findNearDuplicates(['', '', 'abc def ghi']).clusters, []);
	});
});

void describe('NumberMap', () => {
	void it('maps 53-bit hashes to integers through growth and probe collisions, like a Map', () => {
		const map = new NumberMap(4);
		const reference = new Map<number, number>();
		for (let i = 0; i < 20_000; i++) {
			// Keys sharing their low 32 bits collide on the table position and must still stay apart.
			const key = i % 3 === 0 ? (i % 1000) * 0x100000000 + 12345 : hashString53(`key ${i}`);
			map.set(key, i);
			reference.set(key, i);
		}
		assert.equal(map.size, reference.size);
		for (const [key, value] of reference) {
			assert.equal(map.get(key), value);
		}
		assert.equal(map.get(hashString53('absent')), -1);
	});

	void it('getOrSet stores only absent keys and returns the stored value of present ones; reserve keeps every key', () => {
		const map = new NumberMap(4);
		map.set(7, 1);
		map.reserve(10_000);
		assert.equal(map.get(7), 1, 'reserve keeps what was stored');
		assert.equal(map.getOrSet(7, 99), 1);
		assert.equal(map.get(7), 1, 'a present key keeps its value');
		for (let i = 0; i < 10_000; i++) {
			assert.equal(map.getOrSet(hashString53(`k${i}`), i), -1);
		}
		assert.equal(map.size, 10_001);
		assert.equal(map.getOrSet(hashString53('k5000'), 1), 5000);
	});
});

void describe('groupExactDuplicates', () => {
	void it('groups equal texts, first copy first, and skips missing content', () => {
		assert.deepEqual(groupExactDuplicates(['a', 'b', 'a', undefined, undefined, 'b', 'a', 'c']), [[0, 2, 6], [1, 5]]);
	});
});

void describe('bounded memory of the near-duplicate confirmation', () => {
	void it('remembers rejected pairs in a fixed table: 2^25 pairs (past a Set\'s 2^24 limit) neither throw nor grow it, and a remembered pair is exact', () => {
		const rejected = new RejectedPairs();
		for (let pair = 0; pair < 1 << 25; pair++) {
			rejected.add(pair >>> 6, pair);
		}
		const last = (1 << 25) - 1;
		assert.equal(rejected.has(last >>> 6, last), true, 'the latest pair is remembered');
		assert.equal(rejected.has(last, last >>> 6), false, 'the reversed pair is another pair');
		assert.equal(rejected.has(7, 8), false, 'a pair never added is never reported as rejected');
	});

	void it('keeps at most its budget of shingles cached and still gives exact similarities', () => {
		const sets = [new Uint32Array([1, 2, 3, 4]), new Uint32Array([1, 2, 3, 5]), new Uint32Array([9, 10, 11, 12])];
		const built: number[] = [];
		const similarity = cachedSimilarity((index) => {
			built.push(index);
			return sets[index];
		}, 8);
		assert.equal(similarity(0, 1), jaccard(sets[0], sets[1]));
		assert.equal(similarity(0, 1), jaccard(sets[0], sets[1]));
		assert.deepEqual(built, [0, 1], 'two sets of four fit a budget of eight');
		assert.equal(similarity(1, 2), 0);
		assert.equal(similarity(0, 1), jaccard(sets[0], sets[1]));
		assert.deepEqual(built, [0, 1, 2, 0, 1], 'a third set empties the cache first');
	});
});
