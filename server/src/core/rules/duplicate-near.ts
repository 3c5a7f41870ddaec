import { probabilityCurve } from '../dedup/lsh';
import { deleteLinesFix, lineLabel, lineRange, plural } from '../dedup/findings';
import { NumberMap } from '../dedup/numberMap';
import { clusterByBands } from '../dedup/nearDuplicates';
import { holderSimilarity, LineFeatures, nearDuplicateOptions, type ShingleSetHolder } from '../dedup/recordText';
import type { FileFindingDraft, FileRule } from '../rule';
import { compareMode } from './duplicate-exact';

/** At most this many lines of a cluster are listed in each finding's data, so a huge cluster stays linear in memory. */
const MAX_LISTED_MEMBERS = 20;

/**
 * Records that are almost the same (one word changed, a typo fixed, a number swapped): MinHash signatures of character
 * 5-grams, LSH banding for candidates, exact Jaccard similarity to confirm them, clusters as connected components.
 * Exact copies are left to `duplicate-exact`; each distinct text takes part once.
 */
export const duplicateNear: FileRule = {
	kind: 'file',
	id: 'duplicate-near',
	category: 'duplicates',
	description: 'A record whose content is nearly identical (Jaccard similarity of character 5-grams at or above 0.8) to an earlier one.',
	defaultSeverity: 'warning',
	start(ruleOptions, settings) {
		const mode = compareMode(ruleOptions.string('compare', 'whole'));
		const options = nearDuplicateOptions(ruleOptions);
		const features = new LineFeatures(mode, options);
		const hasher = features.hasher;
		const bands = hasher.banding.bands;
		// One slot per distinct text: its first line, line length, normalised text, shingle-set holder and bucket keys.
		const seen = new NumberMap();
		const texts: string[] = [];
		const holders: ShingleSetHolder[] = [];
		const lines: number[] = [];
		const lengths: number[] = [];
		let keys = new Uint32Array(1024 * bands);
		return {
			add(entry) {
				const line = features.features(entry);
				if (line === undefined || seen.get(line.hash) !== -1) {
					return;
				}
				seen.set(line.hash, texts.length);
				const slot = texts.length;
				if ((slot + 1) * bands > keys.length) {
					// Growing by half (not doubling) keeps the momentary copy small on files of millions of records.
					const grown = new Uint32Array(Math.ceil((keys.length * 1.5) / bands) * bands);
					grown.set(keys);
					keys = grown;
				}
				keys.set(line.keys, slot * bands);
				lines.push(entry.line);
				lengths.push(entry.parsed.text.length);
				texts.push(line.text);
				holders.push(line.holder);
			},
			finish() {
				const count = texts.length;
				const similarity = holderSimilarity(texts, holders, options.shingles);
				const result = clusterByBands(keys.subarray(0, count * bands), new Uint8Array(count).fill(1), hasher.banding, similarity, options);
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
							range: lineRange(lines[slot], lengths[slot]),
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
				if (flagged > 0) {
					drafts.push({
						message: `${plural(flagged, 'near duplicate')} in ${plural(result.clusters.length, 'cluster')} (Jaccard ≥ ${options.threshold}; ${hasher.banding.bands} bands × ${hasher.banding.rows} rows, ${curveText}).`,
						severity: 'info',
						data: { nearDuplicates: flagged, clusters: result.clusters.length, candidatesChecked: result.candidatesChecked, bands: hasher.banding.bands, rows: hasher.banding.rows, probabilityCurve: curve },
					});
				}
				return drafts;
			},
		};
	},
};
