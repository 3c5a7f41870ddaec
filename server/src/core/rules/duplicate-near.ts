import { probabilityCurve } from '../dedup/lsh';
import { deleteLinesFix, lineLabel, lineRange, plural } from '../dedup/findings';
import { changedLines } from '../dedup/keptValues';
import { NumberMap } from '../dedup/numberMap';
import { clusterSteps, type NearDuplicateResult } from '../dedup/nearDuplicates';
import { DEFAULT_RETAINED_TEXT_CHARS, StreamedSlots } from '../dedup/streamedSlots';
import { comparableText, holderSimilarity, LineFeatures, nearDuplicateOptions, type ComparableText, type ShingleSetHolder } from '../dedup/recordText';
import type { FileFindingDraft, FileRule } from '../rule';
import { compareMode } from './duplicate-exact';

/** At most this many lines of a cluster are listed in each finding's data, so a huge cluster stays linear in memory. */
const MAX_LISTED_MEMBERS = 20;

/**
 * Records that are almost the same (one word changed, a typo fixed, a number swapped): MinHash signatures of character
 * 5-grams, LSH banding for candidates, exact Jaccard similarity to confirm them, clusters as connected components.
 * Exact copies are left to `duplicate-exact`; each distinct text takes part once. On huge files (past
 * `retainedTextChars` characters of normalised text in one run) the later records are confirmed by similarity
 * estimated from b-bit MinHash sketches, which bounds memory; the summary finding says how many.
 */
export const duplicateNear: FileRule = {
	kind: 'file',
	id: 'duplicate-near',
	category: 'duplicates',
	description: 'A record whose content is nearly identical (Jaccard similarity of character 5-grams at or above 0.8) to an earlier one.',
	defaultSeverity: 'warning',
	streamingCost: 8,
	streamingSharedWork: { 'dedup:normalized-record': 1.3, 'dedup:compared-text': 1.2 },
	start(ruleOptions, settings, memory) {
		const mode = compareMode(ruleOptions.string('compare', 'whole'));
		const options = nearDuplicateOptions(ruleOptions);
		const features = new LineFeatures(mode, options);
		const hasher = features.hasher;
		const bands = hasher.banding.bands;
		const tag = `${mode}:${JSON.stringify(options)}`;
		// One slot per distinct text, with its first line and line length. The editor (a rule memory) keeps each slot's
		// features object (normalised text, shingle-set holder, bucket keys: all memoised on the line), so that the
		// next lint can reuse this one's clustering; a one-off lint keeps them compactly (see StreamedSlots).
		const seen = new NumberMap();
		let slots: NearFeatures[] = [];
		const streamed = memory === undefined ? new StreamedSlots(hasher, ruleOptions.number('retainedTextChars', DEFAULT_RETAINED_TEXT_CHARS)) : undefined;
		let lines: number[] = [];
		const lengths: number[] = [];
		/** Per slot, 1 when a later line has the same text (the editor's replay notes it to judge edits). */
		const copied: number[] = [];
		/** In the editor: the slots this lint took in, as a replay of every line or a patch of the kept replay. */
		let replay: NearReplay | undefined;
		/** The length of a slot's line, for ranges: kept per slot by `add`, read from the line when fed values. */
		let lengthOf = (slot: number): number => lengths[slot];
		/** Takes in one line's text; returns true when it is a new slot (the first line with that text). */
		const take = (line: ComparableText | undefined, lineNumber: number): boolean => {
			if (line === undefined) {
				return false;
			}
			const slot = seen.getOrSet(line.hash, lines.length);
			if (slot !== -1) {
				copied[slot] = 1;
				return false;
			}
			copied.push(0);
			lines.push(lineNumber);
			if (streamed === undefined) {
				slots.push(line as NearFeatures);
			} else {
				streamed.add(line.text);
			}
			return true;
		};
		return {
			add(entry) {
				// A one-off run hashes the line straight into its compact storage; the editor memoises keys on the line.
				if (take(streamed === undefined ? features.features(entry) : comparableText(entry, mode), entry.line)) {
					lengths.push(entry.parsed.text.length);
				}
			},
			lineValue(entry) {
				return streamed === undefined ? features.features(entry) : comparableText(entry, mode);
			},
			addValues(column) {
				const values = column.values as ReadonlyArray<ComparableText | undefined>;
				lengthOf = (slot) => column.entry(lines[slot]).parsed.text.length;
				const kept = memory?.kept as KeptClusters | undefined;
				const base = kept?.tag === tag && streamed === undefined ? kept.replay : undefined;
				const patched = base === undefined ? undefined : patchReplay(base, values);
				if (base !== undefined && patched !== undefined) {
					replay = base;
					slots = patched;
					lines = base.lines;
					return;
				}
				seen.reserve(values.length);
				for (let line = 0; line < values.length; line++) {
					take(values[line], line);
				}
				replay = { values, seen, lines, copied, slots };
			},
			async finish(_summary, control) {
				const previous = memory?.kept as KeptClusters | undefined;
				let kept = previous !== undefined && previous.tag === tag ? reuseClusters(previous, slots, bands) : undefined;
				if (kept?.drafts !== undefined && kept.lines === lines) {
					// The same clusters of the same lines give the same findings (a changed slot is in no cluster).
					if (memory !== undefined) {
						memory.kept = { ...kept, replay: replay ?? kept.replay };
					}
					return kept.drafts;
				}
				if (kept === undefined) {
					const count = lines.length;
					const keys = streamed?.bucketKeys() ?? keysOf(slots, bands);
					const shared = new Uint8Array(count);
					const similarity = streamed?.similarity(options.shingles) ?? holderSimilarity(slots, options.shingles);
					const steps = clusterSteps(keys, new Uint8Array(count).fill(1), hasher.banding, similarity, options, shared);
					let step = steps.next();
					while (step.done !== true) {
						await control.pause();
						step = steps.next();
					}
					kept = { tag, slots, keys, shared, result: step.value };
				}
				const result = kept.result;
				const nearest = new Map<number, { other: number; similarity: number }>();
				for (const pair of result.pairs) {
					for (const [self, other] of [[pair.a, pair.b], [pair.b, pair.a]]) {
						const best = nearest.get(self);
						if (best === undefined || pair.similarity > best.similarity) {
							nearest.set(self, { other, similarity: pair.similarity });
						}
					}
				}
				const curve = probabilityCurve(hasher.banding, [0.5, 0.6, 0.7, options.threshold, 0.9, 0.95].filter((value, index, all) => all.indexOf(value) === index).sort((a, b) => a - b))
					.map((point) => ({ similarity: point.similarity, probability: Number(point.probability.toFixed(4)) }));
				const curveText = curve.map((point) => `P(${point.similarity.toFixed(2)})=${point.probability.toFixed(3)}`).join(', ');
				const drafts: FileFindingDraft[] = [];
				let budget = settings.maxProblems;
				let flagged = 0;
				result.clusters.forEach((members, index) => {
					const clusterId = index + 1;
					const first = lines[members[0]];
					const later = members.slice(1).map((slot) => lines[slot]);
					flagged += later.length;
					for (const slot of members.slice(1)) {
						if (budget-- <= 0) {
							break;
						}
						const best = nearest.get(slot) ?? { other: members[0], similarity: options.threshold };
						const nearestLine = lines[best.other];
						drafts.push({
							message: `Near duplicate: ${Math.round(best.similarity * 100)}% similar to ${lineLabel(nearestLine)}; cluster ${clusterId} of ${plural(members.length, 'record')}, first at ${lineLabel(first)}.`,
							range: lineRange(lines[slot], lengthOf(slot)),
							fix: deleteLinesFix('Delete this near duplicate', [lines[slot]], false),
							alternativeFixes: later.length > 1 ? [deleteLinesFix(`Keep only the first record of cluster ${clusterId} (delete ${later.length})`, later, false)] : undefined,
							related: [
								{ line: first, message: `first record of cluster ${clusterId}` },
								...(nearestLine === first ? [] : [{ line: nearestLine, message: `nearest member (${Math.round(best.similarity * 100)}% similar)` }]),
							],
							data: {
								cluster: clusterId,
								clusterSize: members.length,
								clusterLines: members.slice(0, MAX_LISTED_MEMBERS).map((member) => lines[member]),
								similarity: Number(best.similarity.toFixed(4)),
								nearestLine,
								threshold: options.threshold,
								shingles: `${options.shingles.unit} ${options.shingles.size}-grams`,
								bands: hasher.banding.bands,
								rows: hasher.banding.rows,
								probabilityCurve: curve,
								explanation: `Jaccard similarity of ${options.shingles.unit} ${options.shingles.size}-grams ≥ ${options.threshold}; LSH ${hasher.banding.bands} bands × ${hasher.banding.rows} rows: ${curveText}.`,
							},
						});
					}
				});
				// Past the text budget of a one-off run, candidates are confirmed by estimated similarity: say so.
				const estimated = streamed?.estimated ?? 0;
				const estimatedNote = estimated === 0 ? '' : ` ${plural(estimated, 'record')} past the memory budget for exact comparison were confirmed by estimated similarity (${hasher.sketchBytes}-bin sketches).`;
				if (flagged > 0) {
					drafts.push({
						message: `${plural(flagged, 'near duplicate')} in ${plural(result.clusters.length, 'cluster')} (Jaccard ≥ ${options.threshold}; ${hasher.banding.bands} bands × ${hasher.banding.rows} rows, ${curveText}).${estimatedNote}`,
						severity: 'info',
						data: { nearDuplicates: flagged, clusters: result.clusters.length, candidatesChecked: result.candidatesChecked, bands: hasher.banding.bands, rows: hasher.banding.rows, probabilityCurve: curve, ...(estimated === 0 ? {} : { estimatedRecords: estimated }) },
					});
				}
				if (memory !== undefined) {
					memory.kept = { ...kept, replay: replay ?? kept.replay, lines, drafts };
				}
				return drafts;
			},
		};
	},
};

/** A slot's features: its normalised text, shingle-set holder, and bucket keys until they are copied out. */
type NearFeatures = ComparableText & { holder: ShingleSetHolder };

/** What the rule keeps for the next lint of the same document: the clustering and everything it was computed from. */
interface KeptClusters {
	tag: string;
	slots: readonly NearFeatures[];
	keys: Uint32Array;
	/** 1 for slots sharing a bucket with another slot in some band: only those can be part of a cluster. */
	shared: Uint8Array;
	result: NearDuplicateResult;
	/** The last replay of every line, which later lints patch when only lines with texts of their own changed. */
	replay?: NearReplay;
	/** The slots' lines and the findings built from them, reused while both the clusters and the lines hold. */
	lines?: readonly number[];
	drafts?: FileFindingDraft[];
}

/** The slots of one replay of every line's value, and what judging an edit against them needs. */
interface NearReplay {
	values: ReadonlyArray<ComparableText | undefined>;
	/** Slot of each distinct text, by hash. */
	seen: NumberMap;
	/** Each slot's line. */
	lines: number[];
	/** Per slot, 1 when a later line repeats its text. */
	copied: readonly number[];
	slots: readonly NearFeatures[];
}

/**
 * The slots of `values` as a patch of the kept replay, or undefined when they must be replayed: that holds when the
 * line count is the same and each changed line had a text of its own (a slot no other line repeats) and now has another
 * text no kept line has, all different. Every slot then keeps its position and line; only the changed slots' features
 * are new (and `reuseClusters` judges whether the clustering still holds).
 */
function patchReplay(base: NearReplay, values: ReadonlyArray<ComparableText | undefined>): NearFeatures[] | undefined {
	const changed = changedLines(base.values, values);
	if (changed === undefined) {
		return undefined;
	}
	const slots = base.slots.slice();
	const newHashes = new Set<number>();
	for (const line of changed) {
		const before = base.values[line];
		const after = values[line];
		if (before === undefined || after === undefined) {
			return undefined;
		}
		const slot = base.seen.get(before.hash);
		if (slot === -1 || base.lines[slot] !== line || base.copied[slot] === 1) {
			return undefined;
		}
		if ((after.hash !== before.hash && base.seen.get(after.hash) !== -1) || newHashes.has(after.hash)) {
			return undefined;
		}
		newHashes.add(after.hash);
		slots[slot] = after as NearFeatures;
	}
	return slots;
}

/** Past this many changed records, the clustering runs again rather than checking each of them. */
const MAX_CHANGED_SLOTS = 8;

/**
 * The last clustering, still exact for `slots`, or undefined. It holds when the slots are the same records in the same
 * order except a few, each of which shared no bucket with any other record before the edit and shares none after:
 * such a record has no earlier bucket mate and is no one's, so every comparison a fresh run makes, and so its result,
 * is the same. (Typing in a line that is not a near duplicate is the common case; anything else clusters afresh.)
 */
function reuseClusters(kept: KeptClusters, slots: readonly NearFeatures[], bands: number): KeptClusters | undefined {
	if (kept.slots.length !== slots.length) {
		return undefined;
	}
	const changed: number[] = [];
	for (let slot = 0; slot < slots.length; slot++) {
		if (kept.slots[slot] !== slots[slot]) {
			if (kept.shared[slot] === 1 || changed.length === MAX_CHANGED_SLOTS) {
				return undefined;
			}
			changed.push(slot);
		}
	}
	if (changed.length === 0) {
		return { ...kept, slots };
	}
	const keys = kept.keys.slice();
	for (const slot of changed) {
		const own = slots[slot].keys;
		if (own === undefined) {
			return undefined;
		}
		for (let band = 0; band < bands; band++) {
			keys[slot * bands + band] = own[band];
		}
	}
	for (const slot of changed) {
		if (sharesAnyBucket(keys, slot, bands)) {
			return undefined;
		}
	}
	return { ...kept, slots, keys };
}

/** Whether record `slot` has the same key as another record in some band (one sequential scan of the keys). */
function sharesAnyBucket(keys: Uint32Array, slot: number, bands: number): boolean {
	for (let band = 0; band < bands; band++) {
		const key = keys[slot * bands + band];
		for (let other = band; other < keys.length; other += bands) {
			if (keys[other] === key && other !== slot * bands + band) {
				return true;
			}
		}
	}
	return false;
}

/** The slots' bucket keys laid out slot by slot. */
function keysOf(slots: readonly NearFeatures[], bands: number): Uint32Array {
	const keys = new Uint32Array(slots.length * bands);
	slots.forEach((slot, index) => {
		for (let band = 0; band < bands; band++) {
			keys[index * bands + band] = slot.keys?.[band] ?? 0;
		}
	});
	return keys;
}
