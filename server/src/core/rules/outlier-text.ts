import { CharTrigramModel, dominantScript, NGRAM_SAMPLE, SCRIPT_NAMES, specialCharacterShare, upperFenceSteps } from '../poisoning/outliers';
import { detachedString, NumberColumn } from '../poisoning/columns';
import { runStepsPausing } from '../poisoning/steps';
import type { FileFindingDraft, FileRule, FinishControl } from '../rule';

interface TextStats {
	sample: string;
	special: number;
	script: string | undefined;
}

/** Records kept in full (their text sample) before the rule switches to scoring each record as it arrives. */
const DEFAULT_FULL_FIT_RECORDS = 20_000;
/** Characters of text samples kept in full at most (16 to 32 MB), whatever the number of records. */
const DEFAULT_FULL_FIT_CHARS = 16_000_000;
/** Records handled between two pauses of the finish step: scoring a record reads up to NGRAM_SAMPLE characters. */
const SCORE_CHUNK = 64;
const REPORT_CHUNK = 4096;

/**
 * Records whose text is unlike the rest of the file: more than 20% special characters (Deepchecks'
 * SpecialCharacters), a script other than the file's main one, or a high surprise under a character trigram model
 * fitted on the file (a model-free ONION-like score: inserted rare tokens and gibberish raise it).
 *
 * Memory is bounded: the model is a fixed-size table, the first `fullFitRecords` records (at most `fullFitChars`
 * characters of their text samples) keep their text sample and are scored against the model of the whole file; past
 * them, each record is scored on arrival against the model of every record before it and keeps only its numbers
 * (25 bytes). The finish step pauses between chunks of records, so that a newer lint cancels it promptly.
 */
export const outlierText: FileRule = {
	kind: 'file',
	id: 'outlier-text',
	category: 'poisoning',
	description: 'A record whose text is unlike the rest of the file: many special characters, another script, or high character-level surprise.',
	defaultSeverity: 'info',
	streamingCost: 43,
	expensive: true,
	start(options, settings) {
		const maxSpecial = options.number('maxSpecialShare', 0.2);
		const k = options.number('iqrMultiplier', 2);
		const minRecords = options.number('minRecords', 20);
		const mainScriptShare = options.number('mainScriptShare', 0.9);
		const fullFitRecords = Math.max(minRecords, options.number('fullFitRecords', DEFAULT_FULL_FIT_RECORDS));
		const fullFitChars = options.number('fullFitChars', DEFAULT_FULL_FIT_CHARS);
		const model = new CharTrigramModel();
		const buffered: Array<{ line: number; lineLength: number; stats: TextStats }> = [];
		let bufferedChars = 0;
		// Once a budget is reached every later record is scored on arrival, so the kept records are the file's first ones.
		let streaming = false;
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
				streaming ||= buffered.length >= fullFitRecords || (buffered.length >= minRecords && bufferedChars + stats.sample.length > fullFitChars);
				if (streaming) {
					scored.add(entry.line, entry.parsed.text.length, stats, surpriseOf(model, stats.sample));
				} else {
					buffered.push({ line: entry.line, lineLength: entry.parsed.text.length, stats });
					bufferedChars += stats.sample.length;
				}
			},
			async finish(_summary, control) {
				if (buffered.length < minRecords) {
					return [];
				}
				const head = new ScoredRecords();
				for (let index = 0; index < buffered.length; index++) {
					if (index % SCORE_CHUNK === 0) {
						await control.pause();
					}
					const record = buffered[index];
					head.add(record.line, record.lineLength, record.stats, surpriseOf(model, record.stats.sample));
				}
				// The text samples are no longer needed: let them go before the findings are built.
				buffered.length = 0;
				const parts = [head, scored];
				const known = await knownSurprises(parts, control);
				const surpriseFence = known.length >= minRecords ? await runStepsPausing(upperFenceSteps(known, k), () => control.pause()) : Infinity;
				const mainScript = majorityScript(parts, mainScriptShare);
				const drafts: FileFindingDraft[] = [];
				const streamingNote = ` (past the first ${head.length.toLocaleString('en-US')} records, a record is scored against the records before it)`;
				for (const part of parts) {
					const streamed = part === scored;
					for (let index = 0; index < part.length && drafts.length < settings.maxProblems; index++) {
						if (index % REPORT_CHUNK === 0) {
							await control.pause();
						}
						const reasons: string[] = [];
						const special = part.special.get(index);
						const script = part.scriptName(index);
						if (special > maxSpecial) {
							reasons.push(`${Math.round(special * 100)}% special characters (above ${Math.round(maxSpecial * 100)}%)`);
						}
						if (mainScript !== undefined && script !== undefined && script !== mainScript) {
							reasons.push(`written in ${script} script while the file is ${mainScript}`);
						}
						const surprise = part.surprise(index);
						if (surprise !== undefined && surprise > surpriseFence) {
							reasons.push(`character-level surprise ${surprise.toFixed(2)} bits per character, beyond the file's fence of ${surpriseFence.toFixed(2)}${streamed ? streamingNote : ''}`);
						}
						if (reasons.length > 0) {
							const line = part.line.get(index);
							drafts.push({
								message: `This record's text is unlike the rest of the file: ${reasons.join('; ')}.`,
								range: { line, column: 0, endLine: line, endColumn: part.lineLength.get(index) },
								data: { specialShare: special, script, mainScript, surprise, surpriseFence, ...(streamed ? { scoredAgainst: 'records before it', fullFitRecords: head.length } : {}) },
							});
						}
					}
				}
				return drafts;
			},
		};
	},
};

/** The measured surprises of every part, in one array for the fence. */
async function knownSurprises(parts: readonly ScoredRecords[], control: FinishControl): Promise<Float64Array> {
	let count = 0;
	for (const part of parts) {
		count += part.knownCount;
	}
	const known = new Float64Array(count);
	let filled = 0;
	for (const part of parts) {
		const surprises = part.surprises.view();
		for (let index = 0; index < surprises.length; index++) {
			if (index % REPORT_CHUNK === 0) {
				await control.pause();
			}
			if (!Number.isNaN(surprises[index])) {
				known[filled++] = surprises[index];
			}
		}
	}
	return known;
}

/** The script of at least `share` of the records with letters, or undefined for a multilingual file. */
function majorityScript(parts: readonly ScoredRecords[], share: number): string | undefined {
	const counts = new Float64Array(SCRIPT_NAMES.length + 1);
	let total = 0;
	for (const part of parts) {
		const scripts = part.script.view();
		for (let index = 0; index < scripts.length; index++) {
			if (scripts[index] !== 0) {
				counts[scripts[index]]++;
				total++;
			}
		}
	}
	let best = 0;
	for (let script = 1; script < counts.length; script++) {
		if (counts[script] > counts[best]) {
			best = script;
		}
	}
	return best !== 0 && counts[best] >= total * share ? SCRIPT_NAMES[best - 1] : undefined;
}

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
	/** Records whose surprise was measured. */
	knownCount = 0;

	get length(): number {
		return this.line.length;
	}

	add(line: number, lineLength: number, stats: TextStats, surprise: number | undefined): void {
		this.line.push(line);
		this.lineLength.push(lineLength);
		this.special.push(stats.special);
		this.script.push(scriptIndex(stats.script));
		this.surprises.push(surprise ?? Number.NaN);
		if (surprise !== undefined) {
			this.knownCount++;
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
}
