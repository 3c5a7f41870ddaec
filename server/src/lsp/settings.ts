import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import { ALL_RULES, defaultSettings, mergeSettings, type Settings } from '../core';
import type { ClientSettings } from '../protocol/messages';

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
	return { enabled: client?.enable !== false, settings: editor.settings, problems };
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
