/**
 * Where the fairness rules find their lexicon in the settings. A user lexicon is named in the options of either fairness rule
 * (`lexiconFile`), the adapter reads the file (with {@link withLexiconFile}) and passes its text as `lexicon`, and both
 * rules use it.
 */
import type { Settings } from '../types';
import { BUILT_IN_LEXICON, type LexiconResolution, resolveLexicon } from './lexicon';

/** The rules that share the lexicon; the first whose options carry one wins. */
export const FAIRNESS_RULE_IDS = ['demographic-representation', 'group-label-association'] as const;

/**
 * The lexicon in force for these settings, with the error of a malformed or unreadable user lexicon. Resolutions are cached
 * by the lexicon's text so that every lint of an edited document reuses the same lexicon object (and its compiled index).
 */
export function fairnessLexicon(settings: Settings): LexiconResolution {
	for (const id of FAIRNESS_RULE_IDS) {
		const options = settings.ruleOptions[id];
		if (options === undefined) {
			continue;
		}
		const source = typeof options.lexiconFile === 'string' ? options.lexiconFile : `ruleOptions.${id}.lexicon`;
		if (typeof options.lexiconReadError === 'string') {
			return { lexicon: BUILT_IN_LEXICON, error: `lexicon file ${source} cannot be read (${options.lexiconReadError}); the built-in lexicon is used` };
		}
		if (options.lexicon !== undefined) {
			return cachedResolution(options.lexicon, source);
		}
	}
	return { lexicon: BUILT_IN_LEXICON };
}

/**
 * For adapters: returns settings where the user lexicon named by `lexiconFile` (in the options of a fairness rule) is read
 * with `readFile` and passed as `lexicon`. A read failure is kept as `lexiconReadError` and reported by the rules, so a
 * missing file never stops linting. Settings without `lexiconFile`, or with `lexicon` already set, are returned as they are.
 */
export function withLexiconFile(settings: Settings, readFile: (file: string) => string): Settings {
	const id = FAIRNESS_RULE_IDS.find((candidate) => typeof settings.ruleOptions[candidate]?.lexiconFile === 'string');
	if (id === undefined || settings.ruleOptions[id].lexicon !== undefined) {
		return settings;
	}
	const options = settings.ruleOptions[id];
	let loaded: Record<string, unknown>;
	try {
		loaded = { ...options, lexicon: readFile(options.lexiconFile as string) };
	} catch (error) {
		loaded = { ...options, lexiconReadError: error instanceof Error ? error.message : String(error) };
	}
	return { ...settings, ruleOptions: { ...settings.ruleOptions, [id]: loaded } };
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
