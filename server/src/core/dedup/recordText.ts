/**
 * What the duplicate rules compare in a record, computed once per line and memoised by the engine (so the editor
 * re-hashes only lines that changed).
 */

import type { RecordContent } from '../content';
import type { LineInput } from '../rule';
import { hashText53 } from './hash';
import { BandKeyHasher, DEFAULT_NEAR_DUPLICATE_OPTIONS, type NearDuplicateOptions } from './nearDuplicates';
import { FIELD_SEPARATOR, normalizeText } from './normalize';
import { jaccard, shingleSet, type ShingleOptions } from './shingles';

/** Which part of a record is compared: everything, the prompt only, or the answer only. */
export type CompareMode = 'whole' | 'prompt' | 'answer';

export const COMPARE_MODES: readonly CompareMode[] = ['whole', 'prompt', 'answer'];

/**
 * The normalised comparable text of a record and its 53-bit hash, memoised per line. The near-duplicate features of
 * the same line live on the same object (one memo lookup per line and rule on a re-lint): its bucket keys, tagged with
 * the shingle and banding choice they were computed for, and its shingle set once it has met a candidate.
 */
export interface ComparableText {
	text: string;
	hash: number;
	/** A plain array rather than a typed array: a typed array per line costs the garbage collector far more. */
	keys?: number[];
	keysFor?: string;
	/** A separate small object, so a rule can keep it without keeping the keys alive on huge files. */
	holder?: ShingleSetHolder;
}

/**
 * A record's content normalised once, field by field; every compare mode is built from these pieces, so a line is
 * normalised once however many rules and modes look at it.
 */
export interface NormalizedRecord {
	/** The role of each turn (a user turn is not an assistant turn); the whole record is compared as `role: text`. */
	roles: string[];
	/** The normalised text of each turn. */
	texts: string[];
	/** Turns before this index are the prompt; the turn at it, if any, is the final answer. */
	promptEnd: number;
	rejected?: string;
	label?: string;
	/** Comparable texts built so far, per mode (null: nothing to compare in that mode). */
	modes: Partial<Record<CompareMode, ComparableText | null>>;
}

/** Normalises a record's content (pure; the rules memoise it per line through `comparableText`). */
export function normalizeRecord(content: RecordContent): NormalizedRecord {
	const texts = content.turns.map((turn) => normalizeText(turn.content));
	const last = content.turns[content.turns.length - 1];
	return {
		roles: content.turns.map((turn) => turn.role),
		texts,
		promptEnd: last !== undefined && last.role === 'assistant' ? content.turns.length - 1 : content.turns.length,
		rejected: content.rejected === undefined ? undefined : normalizeText(content.rejected),
		label: content.label === undefined ? undefined : normalizeText(content.label),
		modes: {},
	};
}

/**
 * The text compared in `mode`: the whole record (turns with roles, the rejected side of a preference pair, the label),
 * the prompt (every turn before the final answer) or the answer (the final answer, and the rejected side); undefined
 * when that part is empty.
 */
export function textOf(record: NormalizedRecord, mode: CompareMode): ComparableText | undefined {
	let comparable = record.modes[mode];
	if (comparable === undefined) {
		const text = buildText(record, mode);
		comparable = text === '' ? null : { text, hash: hashText53(text) };
		record.modes[mode] = comparable;
	}
	return comparable ?? undefined;
}

function buildText(record: NormalizedRecord, mode: CompareMode): string {
	const answer = record.promptEnd < record.texts.length ? record.texts[record.promptEnd] : '';
	switch (mode) {
		case 'prompt':
			return record.texts.slice(0, record.promptEnd).filter((text) => text !== '').join(' ');
		case 'answer':
			return answer === '' && (record.rejected ?? '') === '' ? '' : record.rejected === undefined ? answer : `${answer}${FIELD_SEPARATOR}${record.rejected}`;
		case 'whole': {
			const empty = record.texts.every((text) => text === '') && (record.rejected ?? '') === '' && (record.label ?? '') === '';
			const fields = record.texts.map((text, index) => `${record.roles[index]}: ${text}`);
			if (record.rejected !== undefined) {
				fields.push(`rejected: ${record.rejected}`);
			}
			if (record.label !== undefined) {
				fields.push(`label: ${record.label}`);
			}
			return empty ? '' : fields.join(FIELD_SEPARATOR);
		}
	}
}

/** The normalised record of a line, memoised per line; undefined without content. */
export function normalizedRecord(input: LineInput): NormalizedRecord | undefined {
	return input.memo('dedup:record', () => {
		const content = input.content();
		return content === undefined ? undefined : normalizeRecord(content);
	});
}

/** The comparable text of a line in `mode` (memoised per line); undefined for lines without content in `mode`. */
export function comparableText(input: LineInput, mode: CompareMode): ComparableText | undefined {
	const record = normalizedRecord(input);
	return record === undefined ? undefined : textOf(record, mode);
}

/** Parses the near-duplicate options of a rule from its settings, falling back to the defaults. */
export function nearDuplicateOptions(read: { number(name: string, fallback: number): number; string(name: string, fallback: string): string }): NearDuplicateOptions {
	const unit = read.string('shingleUnit', DEFAULT_NEAR_DUPLICATE_OPTIONS.shingles.unit) === 'word' ? 'word' : 'char';
	const defaultSize = unit === 'word' ? 5 : DEFAULT_NEAR_DUPLICATE_OPTIONS.shingles.size;
	const shingles: ShingleOptions = { unit, size: clampInteger(read.number('shingleSize', defaultSize), 1, 64) };
	return {
		threshold: Math.min(0.99, Math.max(0.05, read.number('threshold', DEFAULT_NEAR_DUPLICATE_OPTIONS.threshold))),
		shingles,
		minProbability: Math.min(0.9999, Math.max(0.5, read.number('minProbability', DEFAULT_NEAR_DUPLICATE_OPTIONS.minProbability))),
		maxBins: clampInteger(read.number('maxBins', DEFAULT_NEAR_DUPLICATE_OPTIONS.maxBins), 8, 1024),
		bucketWindow: clampInteger(read.number('bucketWindow', DEFAULT_NEAR_DUPLICATE_OPTIONS.bucketWindow), 1, 1000),
	};
}

function clampInteger(value: number, min: number, max: number): number {
	return Math.min(max, Math.max(min, Math.round(value)));
}

/**
 * Per-line near-duplicate features for one lint run: the LSH bucket keys and, for records that meet a candidate, the
 * shingle set, both kept on the line's memoised `ComparableText`, so after an edit only changed lines are hashed again.
 * Rules keep that small object, never the line's input (which would keep the parsed record alive on huge files). The
 * hasher is shared by the run so its scratch buffers are reused.
 */
export class LineFeatures {
	readonly hasher: BandKeyHasher;
	private readonly keysTag: string;
	private readonly scratch: Uint32Array;

	constructor(
		readonly mode: CompareMode,
		readonly options: NearDuplicateOptions,
	) {
		this.hasher = new BandKeyHasher(options);
		this.scratch = new Uint32Array(this.hasher.banding.bands);
		const shingles = `${options.shingles.unit}${options.shingles.size}`;
		this.keysTag = `${shingles}:${this.hasher.banding.bands}x${this.hasher.banding.rows}`;
	}

	/** The line's features; undefined without content. Its bucket keys are computed on first use. */
	features(input: LineInput): (ComparableText & { keys: number[]; holder: ShingleSetHolder }) | undefined {
		const comparable = comparableText(input, this.mode);
		if (comparable === undefined) {
			return undefined;
		}
		if (comparable.keys === undefined || comparable.keysFor !== this.keysTag) {
			if (!this.hasher.write(comparable.text, this.scratch, 0, 1)) {
				this.scratch.fill(0);
			}
			comparable.keys = Array.from(this.scratch);
			comparable.keysFor = this.keysTag;
			comparable.holder = { set: undefined };
		}
		return comparable as ComparableText & { keys: number[]; holder: ShingleSetHolder };
	}
}

/** Where a record's shingle set is kept once computed. */
export interface ShingleSetHolder {
	set: Uint32Array | undefined;
}

/**
 * Exact Jaccard similarity of slots, with shingle sets stored in their holders until `maxStoredValues` hash values are
 * held (about 4 bytes each); past that, sets are computed and dropped, so memory stays bounded on huge templated files.
 */
export function holderSimilarity(slots: readonly { text: string; holder: ShingleSetHolder }[], shingles: ShingleOptions, maxStoredValues = 25_000_000): (a: number, b: number) => number {
	let stored = 0;
	const setOf = (slot: number): Uint32Array => {
		const holder = slots[slot].holder;
		if (holder.set !== undefined) {
			return holder.set;
		}
		const set = shingleSet(slots[slot].text, shingles);
		if (stored + set.length <= maxStoredValues) {
			holder.set = set;
			stored += set.length;
		}
		return set;
	};
	return (a, b) => jaccard(setOf(a), setOf(b));
}
