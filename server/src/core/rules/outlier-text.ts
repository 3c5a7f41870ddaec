import { CharTrigramModel, dominantScript, NGRAM_SAMPLE, specialCharacterShare, upperFence } from '../poisoning/outliers';
import type { FileFindingDraft, FileRule } from '../rule';

interface TextStats {
	sample: string;
	special: number;
	script: string | undefined;
}

/**
 * Records whose text is unlike the rest of the file: more than 20% special characters (Deepchecks'
 * SpecialCharacters), a script other than the file's main one, or a high surprise under a character trigram model
 * fitted on the file (a model-free ONION-like score: inserted rare tokens and gibberish raise it).
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
		const records: Array<{ line: number; lineLength: number; stats: TextStats }> = [];
		return {
			add(entry) {
				const stats = entry.memo('outlier-text:stats', (): TextStats | undefined => {
					const text = entry.content()?.text;
					return text === undefined || text.trim() === '' ? undefined : { sample: text.slice(0, NGRAM_SAMPLE), special: specialCharacterShare(text.slice(0, NGRAM_SAMPLE)), script: dominantScript(text) };
				});
				if (stats !== undefined) {
					records.push({ line: entry.line, lineLength: entry.parsed.text.length, stats });
				}
			},
			finish() {
				if (records.length < minRecords) {
					return [];
				}
				const model = new CharTrigramModel();
				records.forEach((r) => model.add(r.stats.sample));
				const surprises = records.map((r) => (r.stats.sample.length >= 20 ? model.surprise(r.stats.sample) : undefined));
				const known = surprises.filter((s): s is number => s !== undefined);
				const surpriseFence = known.length >= minRecords ? upperFence(known, k) : Infinity;
				const mainScript = majorityScript(records.map((r) => r.stats.script), mainScriptShare);
				const drafts: FileFindingDraft[] = [];
				records.forEach((record, index) => {
					const reasons: string[] = [];
					const { special, script } = record.stats;
					if (special > maxSpecial) {
						reasons.push(`${Math.round(special * 100)}% special characters (above ${Math.round(maxSpecial * 100)}%)`);
					}
					if (mainScript !== undefined && script !== undefined && script !== mainScript) {
						reasons.push(`written in ${script} script while the file is ${mainScript}`);
					}
					const surprise = surprises[index];
					if (surprise !== undefined && surprise > surpriseFence) {
						reasons.push(`character-level surprise ${surprise.toFixed(2)} bits per character, beyond the file's fence of ${surpriseFence.toFixed(2)}`);
					}
					if (reasons.length > 0 && drafts.length < settings.maxProblems) {
						drafts.push({
							message: `This record's text is unlike the rest of the file: ${reasons.join('; ')}.`,
							range: { line: record.line, column: 0, endLine: record.line, endColumn: record.lineLength },
							data: { specialShare: special, script, mainScript, surprise, surpriseFence },
						});
					}
				});
				return drafts;
			},
		};
	},
};

/** The script of at least `share` of the records with letters, or undefined for a multilingual file. */
function majorityScript(scripts: ReadonlyArray<string | undefined>, share: number): string | undefined {
	const counts = new Map<string, number>();
	let total = 0;
	for (const script of scripts) {
		if (script !== undefined) {
			counts.set(script, (counts.get(script) ?? 0) + 1);
			total++;
		}
	}
	for (const [script, count] of counts) {
		if (count >= total * share) {
			return script;
		}
	}
	return undefined;
}
