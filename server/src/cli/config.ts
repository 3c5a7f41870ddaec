import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ALL_RULES, defaultSettings, mergeSettings, type Settings, type SettingsProblem } from '../core';
import { lexiconFileOption, resolveInsideWorkspace, withWorkspaceLexicon } from '../node/lexiconFile';

/** The config file shared by the CLI and the extension. */
export const CONFIG_FILE_NAME = '.tunelintrc.json';

/**
 * Loads settings: defaults, then the config file (the one named, or the nearest `.tunelintrc.json` from the
 * current directory upwards). Problems in the file are returned for the caller to print, never thrown.
 */
export async function loadSettings(configPath: string | undefined, startDirectory: string): Promise<{ settings: Settings; problems: string[]; configFile?: string }> {
	const file = configPath ?? (await findConfig(startDirectory));
	if (file === undefined) {
		return { settings: defaultSettings(), problems: [] };
	}
	let text: string;
	try {
		text = await fs.readFile(file, 'utf8');
	} catch (error) {
		throw new ConfigError(`${file}: cannot read the config file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
	}
	let config: unknown;
	try {
		config = JSON.parse(text);
	} catch (error) {
		throw new ConfigError(`${file}: the config file is not valid JSON: ${(error as Error).message}`);
	}
	const knownRules = new Set(ALL_RULES.map((rule) => rule.id));
	const { settings, problems } = mergeSettings(defaultSettings(), config, knownRules);
	return { settings: withConfigLexicon(settings, file), problems: problems.map((problem: SettingsProblem) => `${file}: ${problem.message}`), configFile: file };
}

/** A config problem that stops the run (exit code 2). */
export class ConfigError extends Error {}

/**
 * Reads the user lexicon of the fairness rules (`lexiconFile`), relative to the config file. A path outside the config
 * file's directory is refused (exit 2); an unreadable or malformed file is reported by the rules as a finding.
 */
function withConfigLexicon(settings: Settings, configFile: string): Settings {
	const lexiconFile = lexiconFileOption(settings);
	if (lexiconFile === undefined) {
		return settings;
	}
	const directory = path.dirname(path.resolve(configFile));
	try {
		resolveInsideWorkspace(lexiconFile, directory, directory);
	} catch (error) {
		throw new ConfigError(`${configFile}: ${(error as Error).message}`);
	}
	return withWorkspaceLexicon(settings, directory);
}

async function findConfig(directory: string): Promise<string | undefined> {
	let current = path.resolve(directory);
	for (;;) {
		const candidate = path.join(current, CONFIG_FILE_NAME);
		if (await fs.stat(candidate).then((stat) => stat.isFile(), () => false)) {
			return candidate;
		}
		const parent = path.dirname(current);
		if (parent === current) {
			return undefined;
		}
		current = parent;
	}
}
