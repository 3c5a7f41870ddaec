import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import { ALL_RULES, defaultSettings, mergeSettings, type Settings } from '../core';
import type { ClientSettings } from '../protocol/messages';
import { FAIRNESS_RULE_IDS, withLexiconFile } from '../core/fairness/settings';
import { lexiconFileOption, withWorkspaceLexicon } from '../node/lexiconFile';

/** Settings of one document, and whether linting is enabled for it. */
export interface DocumentSettings {
	enabled: boolean;
	settings: Settings;
	/** Problems in the config file or editor settings, shown once in the output channel. */
	problems: string[];
}

const KNOWN_RULES = new Set(ALL_RULES.map((rule) => rule.id));

/**
 * Resolves a document's settings: defaults, then the config file of its workspace folder (the same
 * `.tunelintrc.json` the CLI reads), then the editor's `tunelint.*` settings, which win.
 */
export async function resolveSettings(client: Partial<ClientSettings> | null | undefined, workspaceFolder: string | undefined): Promise<DocumentSettings> {
	const problems: string[] = [];
	let settings = defaultSettings();
	const configFile = workspaceFolder === undefined ? undefined : path.join(workspaceFolder, client?.configFile || '.tunelintrc.json');
	if (configFile !== undefined) {
		const text = await fs.readFile(configFile, 'utf8').catch(() => undefined);
		if (text !== undefined) {
			try {
				const merged = mergeSettings(settings, JSON.parse(text), KNOWN_RULES);
				settings = merged.settings;
				problems.push(...merged.problems.map((problem) => `${configFile}: ${problem.message}`));
			} catch (error) {
				problems.push(`${configFile}: not valid JSON (${(error as Error).message}); using defaults`);
			}
		}
	}
	const editor = mergeSettings(settings, {
		rules: client?.rules ?? {},
		ruleOptions: client?.ruleOptions ?? {},
		...(client?.fields === undefined ? {} : { fields: client.fields }),
		...(client?.maxProblems === undefined ? {} : { maxProblems: client.maxProblems }),
	}, KNOWN_RULES);
	problems.push(...editor.problems.map((problem) => `tunelint settings: ${problem.message}`));
	return { enabled: client?.enable !== false, settings: withFolderLexicon(editor.settings, client, workspaceFolder, configFile), problems };
}

/**
 * Reads the fairness rules' user lexicon (`lexiconFile`): relative to the workspace folder when the editor settings name
 * it, else to the config file. A file outside the workspace folder, or no folder at all, is refused; the rules then
 * report the reason and keep the built-in lexicon. The client watches the file, so an edit rebuilds the settings.
 */
function withFolderLexicon(settings: Settings, client: Partial<ClientSettings> | null | undefined, workspaceFolder: string | undefined, configFile: string | undefined): Settings {
	if (lexiconFileOption(settings) === undefined) {
		return settings;
	}
	if (workspaceFolder === undefined || configFile === undefined) {
		return withLexiconFile(settings, () => {
			throw new Error('the document is not in a workspace folder, which the path is resolved against');
		});
	}
	const fromEditor = FAIRNESS_RULE_IDS.some((id) => typeof client?.ruleOptions?.[id]?.lexiconFile === 'string');
	return withWorkspaceLexicon(settings, fromEditor ? workspaceFolder : path.dirname(configFile), workspaceFolder);
}

/** The workspace folder containing a document URI, if any (the longest matching folder wins). */
export function workspaceFolderOf(uri: string, folders: readonly string[]): string | undefined {
	if (!uri.startsWith('file:')) {
		return undefined;
	}
	const file = URI.parse(uri).fsPath;
	return folders
		.map((folder) => URI.parse(folder).fsPath)
		.filter((folder) => file === folder || file.startsWith(folder + path.sep))
		.sort((a, b) => b.length - a.length)[0];
}
