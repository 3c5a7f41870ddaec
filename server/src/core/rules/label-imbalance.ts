import { balanceMeasures, CLEANLAB_THRESHOLD, describeDistribution, displayLabel } from '../balance/measures';
import { isClassificationLike, LabelCounter, labelOf } from '../balance/labels';
import { valueFedLines, type FileRule, type LineEntry } from '../rule';

/** Beyond this many distinct answers the data is generative: counting stops. */
const DISTINCT_CAP = 1000;

/**
 * A skewed label distribution: a fine-tune learns the skew. A warning when the largest class is at least `ratio`
 * (default 3) times the smallest, an error when cleanlab's rule holds (the rarest class below `cleanlab` × 1/K of
 * the records, default 0.1). For generative data (many distinct answers) the answers' length and first word are measured instead
 * (shown by the status item): a dataset whose answers mostly open the same way teaches that opening.
 */
export const labelImbalance: FileRule = {
	kind: 'file',
	id: 'label-imbalance',
	category: 'balance',
	description: 'A skewed label distribution (largest/smallest class ratio, cleanlab\'s rarest-class rule), or most answers opening with the same word.',
	defaultSeverity: 'warning',
	start(options) {
		const ratioThreshold = options.number('ratio', 3);
		const cleanlabThreshold = options.number('cleanlab', CLEANLAB_THRESHOLD);
		const openingShare = options.number('openingShare', 0.5);
		const labels = new LabelCounter(DISTINCT_CAP);
		const openings = new LabelCounter(DISTINCT_CAP * 10);
		// Answers per length in characters: as many entries as distinct lengths, however long the file.
		const lengths = new Map<number, number>();
		const take = (value: LabelValue | undefined): void => {
			if (value === undefined) {
				return;
			}
			labels.add(value.label);
			lengths.set(value.label.length, (lengths.get(value.label.length) ?? 0) + 1);
			if (value.opening !== undefined) {
				openings.add(value.opening);
			}
		};
		const lineValue = (entry: LineEntry): LabelValue | undefined => entry.memo('label-imbalance:value', () => labelValueOf(entry));
		return {
			...valueFedLines(lineValue, take),
			finish(summary) {
				const records = labels.total;
				if (records === 0) {
					return [];
				}
				if (!labels.overflowed && isClassificationLike(summary.format, labels.counts.size, records)) {
					if (labels.counts.size < 2) {
						return [];
					}
					const measures = balanceMeasures(labels.counts, cleanlabThreshold);
					const distribution = Object.fromEntries(labels.counts);
					const data = { ...measures, distribution, ratioThreshold, cleanlabThreshold };
					if (measures.cleanlabImbalanced) {
						return [{
							message: `Severe label imbalance: ${displayLabel(measures.minority)} is ${(100 * measures.rarestShare).toFixed(1)}% of ${records.toLocaleString('en-US')} records, below cleanlab's ${((100 * cleanlabThreshold) / measures.classes).toFixed(1)}% (${cleanlabThreshold} × 1/${measures.classes}). Distribution: ${describeDistribution(labels.counts)}.`,
							severity: 'error',
							data,
						}];
					}
					if (measures.imbalanceRatio >= ratioThreshold) {
						return [{
							message: `Label imbalance ${measures.imbalanceRatio.toFixed(1)}:1 (${displayLabel(measures.majority)} vs ${displayLabel(measures.minority)}; normalised entropy ${measures.normalizedEntropy.toFixed(2)}). Distribution: ${describeDistribution(labels.counts)}.`,
							data,
						}];
					}
					return [];
				}
				const total = openings.total;
				const [word, count] = [...openings.counts.entries()].sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
				if (total >= 20 && count / total >= openingShare) {
					const length = lengthQuantiles(lengths);
					return [{
						message: `${((100 * count) / total).toFixed(0)}% of the answers open with "${word}": the model will learn that opening. First words: ${describeDistribution(openings.counts, 5)}. Answer length: median ${length.median} characters (10–90%: ${length.p10}–${length.p90}).`,
						severity: 'info',
						data: { generative: true, firstWord: word, share: count / total, answers: total, answerLength: length },
					}];
				}
				return [];
			},
			facts(summary) {
				if (labels.total === 0) {
					return undefined;
				}
				if (!labels.overflowed && isClassificationLike(summary.format, labels.counts.size, labels.total)) {
					return { distribution: Object.fromEntries(labels.counts) };
				}
				// Generative data: the answers' length and most frequent first words take the place of the labels.
				const firstWords = [...openings.counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, SHOWN_FIRST_WORDS);
				return { answers: { count: [...lengths.values()].reduce((sum, n) => sum + n, 0), length: lengthQuantiles(lengths), firstWords: Object.fromEntries(firstWords) } };
			},
		};
	},
};

/** How many of the most frequent first words of generative answers are kept as a fact. */
const SHOWN_FIRST_WORDS = 5;

/** The 10th percentile, median and 90th percentile of answer lengths counted per length (nearest rank). */
function lengthQuantiles(lengths: ReadonlyMap<number, number>): { p10: number; median: number; p90: number } {
	const sorted = [...lengths.entries()].sort((a, b) => a[0] - b[0]);
	const total = sorted.reduce((sum, [, count]) => sum + count, 0);
	const rank = (share: number): number => {
		const wanted = Math.max(1, Math.ceil(share * total));
		let seen = 0;
		for (const [length, count] of sorted) {
			seen += count;
			if (seen >= wanted) {
				return length;
			}
		}
		return sorted[sorted.length - 1]?.[0] ?? 0;
	};
	return { p10: rank(0.1), median: rank(0.5), p90: rank(0.9) };
}

/** What the rule counts of one line: its label (or answer) and the answer's first word. */
interface LabelValue {
	label: string;
	opening: string | undefined;
}

function labelValueOf(entry: LineEntry): LabelValue | undefined {
	const occurrence = entry.memo('balance:label', () => labelOf(entry));
	if (occurrence === undefined) {
		return undefined;
	}
	return { label: occurrence.label.trim(), opening: /^\s*([\p{L}\p{N}']+)/u.exec(occurrence.label)?.[1]?.toLowerCase() };
}
