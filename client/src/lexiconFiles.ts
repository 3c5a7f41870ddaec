/**
 * Where the fairness rules' user lexicon (`lexiconFile`) of a workspace folder lies, so that the config file watcher
 * can watch it too: an edit to the lexicon then rebuilds the server's settings like an edit to the config file.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/** The rules whose options may name the lexicon, in the order the server reads them. */
const FAIRNESS_RULES = ['demographic-representation', 'group-label-association'];

/**
 * The lexicon file named by the editor settings (relative to the folder) or, failing that, by the config file
 * (relative to the config file). An unreadable or malformed config names none; the server reports it.
 */
export function lexiconFileOf(folder: string, configFile: string, editorRuleOptions: Record<string, Record<string, unknown>> | undefined): string | undefined {
	const fromEditor = namedLexicon(editorRuleOptions);
	if (fromEditor !== undefined) {
		return path.resolve(folder, fromEditor);
	}
	const configPath = path.resolve(folder, configFile);
	try {
		const config = JSON.parse(readFileSync(configPath, 'utf8')) as { ruleOptions?: Record<string, Record<string, unknown>> };
		const fromConfig = namedLexicon(config.ruleOptions);
		return fromConfig === undefined ? undefined : path.resolve(path.dirname(configPath), fromConfig);
	} catch {
		return undefined;
	}
}

function namedLexicon(ruleOptions: Record<string, Record<string, unknown>> | undefined): string | undefined {
	for (const id of FAIRNESS_RULES) {
		const file = ruleOptions?.[id]?.lexiconFile;
		if (typeof file === 'string') {
			return file;
		}
	}
	return undefined;
}
