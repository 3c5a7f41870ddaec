import { CharTrigramModel, dominantScript, NGRAM_SAMPLE, SCRIPT_NAMES, specialCharacterShare, upperFence } from '../poisoning/outliers';
import { detachedString, NumberColumn } from '../poisoning/columns';
import type { FileFindingDraft, FileRule } from '../rule';

interface TextStats {
	sample: string;
	special: number;
	script: string | undefined;
}

/** Records kept in full (their text sample) before the rule switches to scoring each record as it arrives. */
const DEFAULT_FULL_FIT_RECORDS = 20_000;

/**
 * Records whose text is unlike the rest of the file: more than 20% special characters (Deepchecks'
 * SpecialCharacters), a script other than the file's main one, or a high surprise under a character trigram model
 * fitted on the file (a model-free ONION-like score: inserted rare tokens and gibberish raise it).
 *
 * Memory is bounded: the model is a fixed-size table, the first `fullFitRecords` records keep their text sample and
 * are scored against the model of the whole file; past them, each record is scored on arrival against the model of
 * every record before it and keeps only its numbers (17 bytes).
 */
export const outlierText: FileRule = {
	kind: 'file',
	id: 'outlier-text',
	category: 'poisoning',
	description: 'A record whose text is unlike the rest of the file: many special characters, another script, or high character-level surprise.',
	defaultSeverity: 'info',
	expensive: true,
	start(options, settings) {
		const maxSpecial = options.number('maxSpecialShare', 0.2);
		const k = options.number('iqrMultiplier', 2);
		const minRecords = options.number('minRecords', 20);
		const mainScriptShare = options.number('mainScriptShare', 0.9);
		const fullFitRecords = Math.max(minRecords, options.number('fullFitRecords', DEFAULT_FULL_FIT_RECORDS));
		const model = new CharTrigramModel();
		const buffered: Array<{ line: number; lineLength: number; stats: TextStats }> = [];
		const scored = new ScoredRecords();
		return {
			add(entry) {
				const stats = entry.memo('outlier-text:stats', (): TextStats | undefined => {
					const text = entry.content()?.text;
					if (text === undefined || text.trim() === '') {
						return undefined;
					}
					// Kept for the first records: a slice of a long text would keep the whole text alive.
					const sample = text.length > NGRAM_SAMPLE ? detachedString(text.slice(0, NGRAM_SAMPLE)) : text;
					return { sample, special: specialCharacterShare(sample), script: dominantScript(text) };
				});
				if (stats === undefined) {
					return;
				}
				model.add(stats.sample);
				if (buffered.length < fullFitRecords) {
					buffered.push({ line: entry.line, lineLength: entry.parsed.text.length, stats });
				} else {
					scored.add(entry.line, entry.parsed.text.length, stats, surpriseOf(model, stats.sample));
				}
			},
			finish() {
				if (buffered.length < minRecords) {
					return [];
				}
				const streamed = scored.length;
				const all = new ScoredRecords();
				for (const record of buffered) {
					all.add(record.line, record.lineLength, record.stats, surpriseOf(model, record.stats.sample));
				}
				buffered.length = 0;
				all.append(scored);
				const known = all.knownSurprises();
				const surpriseFence = known.length >= minRecords ? upperFence(known, k) : Infinity;
				const mainScript = all.majorityScript(mainScriptShare);
				const drafts: FileFindingDraft[] = [];
				const streaming = streamed === 0 ? '' : ` (past the first ${fullFitRecords.toLocaleString('en-US')} records, a record is scored against the records before it)`;
				for (let index = 0; index < all.length && drafts.length < settings.maxProblems; index++) {
					const reasons: string[] = [];
					const special = all.special.get(index);
					const script = all.scriptName(index);
					if (special > maxSpecial) {
						reasons.push(`${Math.round(special * 100)}% special characters (above ${Math.round(maxSpecial * 100)}%)`);
					}
					if (mainScript !== undefined && script !== undefined && script !== mainScript) {
						reasons.push(`written in ${script} script while the file is ${mainScript}`);
					}
					const surprise = all.surprise(index);
					if (surprise !== undefined && surprise > surpriseFence) {
						reasons.push(`character-level surprise ${surprise.toFixed(2)} bits per character, beyond the file's fence of ${surpriseFence.toFixed(2)}${index >= fullFitRecords ? streaming : ''}`);
					}
					if (reasons.length > 0) {
						const line = all.line.get(index);
						drafts.push({
							message: `This record's text is unlike the rest of the file: ${reasons.join('; ')}.`,
							range: { line, column: 0, endLine: line, endColumn: all.lineLength.get(index) },
							data: { specialShare: special, script, mainScript, surprise, surpriseFence, ...(index >= fullFitRecords ? { scoredAgainst: 'records before it', fullFitRecords } : {}) },
						});
					}
				}
				return drafts;
			},
		};
	},
};

/** Surprise is only measured on texts of 20 characters or more. */
function surpriseOf(model: CharTrigramModel, sample: string): number | undefined {
	return sample.length >= 20 ? model.surprise(sample) : undefined;
}

/** A script as a small number for the columns: 0 for "no letters", otherwise 1 + its place in SCRIPT_NAMES. */
function scriptIndex(script: string | undefined): number {
	return script === undefined ? 0 : SCRIPT_NAMES.indexOf(script) + 1;
}

/** Scored records as columns: line, line length, special share, script and surprise (NaN when not measured). */
class ScoredRecords {
	readonly line = new NumberColumn(Int32Array);
	readonly lineLength = new NumberColumn(Int32Array);
	readonly special = new NumberColumn(Float64Array);
	readonly script = new NumberColumn(Uint8Array);
	readonly surprises = new NumberColumn(Float64Array);

	get length(): number {
		return this.line.length;
	}

	add(line: number, lineLength: number, stats: TextStats, surprise: number | undefined): void {
		this.line.push(line);
		this.lineLength.push(lineLength);
		this.special.push(stats.special);
		this.script.push(scriptIndex(stats.script));
		this.surprises.push(surprise ?? Number.NaN);
	}

	append(other: ScoredRecords): void {
		for (let index = 0; index < other.length; index++) {
			this.line.push(other.line.get(index));
			this.lineLength.push(other.lineLength.get(index));
			this.special.push(other.special.get(index));
			this.script.push(other.script.get(index));
			this.surprises.push(other.surprises.get(index));
		}
	}

	surprise(index: number): number | undefined {
		const value = this.surprises.get(index);
		return Number.isNaN(value) ? undefined : value;
	}

	scriptName(index: number): string | undefined {
		const script = this.script.get(index);
		return script === 0 ? undefined : SCRIPT_NAMES[script - 1];
	}

	knownSurprises(): Float64Array {
		return this.surprises.view().filter((value) => !Number.isNaN(value));
	}

	/** The script of at least `share` of the records with letters, or undefined for a multilingual file. */
	majorityScript(share: number): string | undefined {
		const counts = new Map<number, number>();
		let total = 0;
		for (let index = 0; index < this.length; index++) {
			const script = this.script.get(index);
			if (script !== 0) {
				counts.set(script, (counts.get(script) ?? 0) + 1);
				total++;
			}
		}
		for (const [script, count] of counts) {
			if (count >= total * share) {
				return SCRIPT_NAMES[script - 1];
			}
		}
		return undefined;
	}
}
