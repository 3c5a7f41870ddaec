/**
 * Where the fairness rules find their lexicon in the settings. A user lexicon is named in the options of either fairness rule
 * (`lexiconFile`), the adapter reads the file and passes its text as `lexicon`, and both rules use it.
 */
import type { Settings } from '../types';
import { BUILT_IN_LEXICON, type LexiconResolution, resolveLexicon } from './lexicon';

/** The rules that share the lexicon; the first whose options carry one wins. */
export const FAIRNESS_RULE_IDS = ['demographic-representation', 'group-label-association'] as const;

/**
 * The lexicon in force for these settings, with the error of a malformed user lexicon. Resolutions are cached by the
 * lexicon's text so that every lint of an edited document reuses the same lexicon object (and its compiled index).
 */
export function fairnessLexicon(settings: Settings): LexiconResolution {
	for (const id of FAIRNESS_RULE_IDS) {
		const options = settings.ruleOptions[id];
		if (options === undefined || options.lexicon === undefined) {
			continue;
		}
		const source = typeof options.lexiconFile === 'string' ? options.lexiconFile : `ruleOptions.${id}.lexicon`;
		return cachedResolution(options.lexicon, source);
	}
	return { lexicon: BUILT_IN_LEXICON };
}

const MAX_CACHED_LEXICONS = 4;
const resolutions = new Map<string, LexiconResolution>();

function cachedResolution(content: unknown, source: string): LexiconResolution {
	const key = `${source}\u0000${typeof content === 'string' ? content : JSON.stringify(content)}`;
	const cached = resolutions.get(key);
	if (cached !== undefined) {
		return cached;
	}
	const resolution = resolveLexicon(content, source);
	if (resolutions.size >= MAX_CACHED_LEXICONS) {
		resolutions.delete(resolutions.keys().next().value as string);
	}
	resolutions.set(key, resolution);
	return resolution;
}
