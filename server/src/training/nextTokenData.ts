import type { AnswerExample } from './examples';
import { tokenize } from './features';
import type { Random } from './random';

/**
 * The data side of the next-token proxy: word-level tokens (the classifier's tokenizer: lower-cased words and
 * punctuation), a capped vocabulary of the most frequent answer words, and for every answer position the context the
 * model sees: the prompt's words as a bag, the previous answer word and the previous two. Pure TypeScript, no tensors.
 */

/** Target id of every word outside the vocabulary. */
export const UNKNOWN_ID = 0;
/** Target id of the end of an answer (so the model also learns answer lengths). */
export const END_ID = 1;
const BEGIN = '<s>';

/** Sizes of the next-token proxy's data, with their defaults. */
export interface NextTokenDataOptions {
	/** Most answer words with their own output (the rest share `<unk>`). */
	maxVocabulary: number;
	/** Words seen fewer times in the training answers share `<unk>`, so the model learns how often unseen words come. */
	minWordCount: number;
	/** Answer positions scored per record (evenly spread over the answer, the end included). */
	scoredPositions: number;
	/** Answer positions trained on per record and epoch (drawn afresh every epoch). */
	trainedPositions: number;
	/** Context features (prompt words, previous words and pairs) seen fewer times in training get no row. */
	minFeatureCount: number;
}

export const DEFAULT_NEXT_TOKEN_DATA_OPTIONS: NextTokenDataOptions = { maxVocabulary: 2000, minWordCount: 2, scoredPositions: 16, trainedPositions: 16, minFeatureCount: 2 };

/** The output vocabulary: `words[id]`, with `<unk>` and `</s>` first. */
export interface Vocabulary {
	words: string[];
	ids: ReadonlyMap<string, number>;
	/**
	 * Distinct training-answer words outside the vocabulary, plus one for words never seen. An `<unk>` target's loss
	 * adds log(unknownTypes): the model's `<unk>` probability spread evenly over those words, so that an answer made of
	 * unseen words costs more than one made of known words, not less.
	 */
	unknownTypes: number;
}

/** One record ready for the model: its prompt's feature rows and, per answer position, target and context rows (-1: unseen). */
export interface EncodedAnswer {
	promptRows: Int32Array;
	targets: Int32Array;
	previousRows: Int32Array;
	previousPairRows: Int32Array;
}

/** Tokens of an answer and of a prompt, computed once per record. */
export interface TokenizedExample {
	prompt: string[];
	answer: string[];
}

/** Tokenizes examples for the vocabulary and the feature index. */
export function tokenizeExamples(examples: readonly AnswerExample[]): TokenizedExample[] {
	return examples.map((example) => ({ prompt: tokenize(example.prompt), answer: tokenize(example.answer) }));
}

/** The vocabulary of the training answers: the most frequent words (ties alphabetically) seen at least `minWordCount` times. */
export function buildVocabulary(answers: readonly string[][], options: NextTokenDataOptions = DEFAULT_NEXT_TOKEN_DATA_OPTIONS): Vocabulary {
	const counts = new Map<string, number>();
	for (const answer of answers) {
		for (const word of answer) {
			counts.set(word, (counts.get(word) ?? 0) + 1);
		}
	}
	const ranked = [...counts].filter(([, count]) => count >= options.minWordCount).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
	const kept = ranked.slice(0, options.maxVocabulary).map(([word]) => word);
	const words = ['<unk>', '</s>', ...kept];
	return { words, ids: new Map(words.map((word, id) => [word, id])), unknownTypes: counts.size - kept.length + 1 };
}

/** The context features seen in training, each with a row of the embedding table. */
export class ContextFeatures {
	private constructor(private readonly rows: ReadonlyMap<string, number>) {}

	/**
	 * Rows for the prompt words (in `minCount` training records) and previous words and pairs (at `minCount` training
	 * positions) of the training records; validation never adds rows. A context seen once can only memorise its
	 * record, and dropping those keeps the table (and every dense optimiser step) several times smaller.
	 */
	static fit(examples: readonly TokenizedExample[], minCount = DEFAULT_NEXT_TOKEN_DATA_OPTIONS.minFeatureCount): ContextFeatures {
		const counts = new Map<string, number>();
		const add = (key: string): void => {
			counts.set(key, (counts.get(key) ?? 0) + 1);
		};
		for (const example of examples) {
			new Set(example.prompt).forEach((word) => add(promptKey(word)));
			for (let position = 0; position <= example.answer.length; position++) {
				add(previousKey(example.answer, position));
				add(previousPairKey(example.answer, position));
			}
		}
		const rows = new Map<string, number>();
		for (const [key, count] of counts) {
			if (count >= minCount) {
				rows.set(key, rows.size);
			}
		}
		return new ContextFeatures(rows);
	}

	/** Rows of the embedding table. */
	get size(): number {
		return this.rows.size;
	}

	/** A record's targets and context rows; prompt words and contexts never seen in training are left out. */
	encode(example: TokenizedExample, vocabulary: Vocabulary): EncodedAnswer {
		const positions = example.answer.length + 1;
		const targets = new Int32Array(positions);
		const previousRows = new Int32Array(positions);
		const previousPairRows = new Int32Array(positions);
		for (let position = 0; position < positions; position++) {
			targets[position] = position === example.answer.length ? END_ID : (vocabulary.ids.get(example.answer[position]) ?? UNKNOWN_ID);
			previousRows[position] = this.rows.get(previousKey(example.answer, position)) ?? -1;
			previousPairRows[position] = this.rows.get(previousPairKey(example.answer, position)) ?? -1;
		}
		const promptRows = [...new Set(example.prompt)].map((word) => this.rows.get(promptKey(word)) ?? -1).filter((row) => row >= 0);
		return { promptRows: Int32Array.from(promptRows), targets, previousRows, previousPairRows };
	}
}

const promptKey = (word: string): string => `p ${word}`;
const previousKey = (answer: readonly string[], position: number): string => `1 ${answer[position - 1] ?? BEGIN}`;
const previousPairKey = (answer: readonly string[], position: number): string => `2 ${answer[position - 2] ?? BEGIN} ${answer[position - 1] ?? BEGIN}`;

/** Positions `(record, position)` as parallel arrays. */
export interface PositionSet {
	records: Int32Array;
	positions: Int32Array;
}

/** The scored positions of each listed record: all of a short answer, `count` evenly spread ones of a long one. */
export function scoredPositions(answers: readonly EncodedAnswer[], recordIds: readonly number[], count: number): PositionSet {
	const records: number[] = [];
	const positions: number[] = [];
	for (const id of recordIds) {
		const length = answers[id].targets.length;
		const taken = Math.min(length, count);
		for (let j = 0; j < taken; j++) {
			records.push(id);
			positions.push(Math.floor((j * length) / taken));
		}
	}
	return { records: Int32Array.from(records), positions: Int32Array.from(positions) };
}

/** Up to `count` distinct positions of each listed record, drawn with `random` (a training batch). */
export function sampledPositions(answers: readonly EncodedAnswer[], recordIds: readonly number[], count: number, random: Random): PositionSet {
	const records: number[] = [];
	const positions: number[] = [];
	for (const id of recordIds) {
		const length = answers[id].targets.length;
		if (length <= count) {
			for (let position = 0; position < length; position++) {
				records.push(id);
				positions.push(position);
			}
			continue;
		}
		// Floyd's algorithm: `count` distinct positions without shuffling the whole answer.
		const chosen = new Set<number>();
		for (let j = length - count; j < length; j++) {
			const pick = Math.floor(random() * (j + 1));
			chosen.add(chosen.has(pick) ? j : pick);
		}
		for (const position of [...chosen].sort((a, b) => a - b)) {
			records.push(id);
			positions.push(position);
		}
	}
	return { records: Int32Array.from(records), positions: Int32Array.from(positions) };
}
