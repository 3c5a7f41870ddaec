import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ALL_RULES, defaultSettings, mergeSettings, type Settings, type SettingsProblem } from '../core';
import { DEFAULT_DRIFT_THRESHOLDS, type DriftThresholds } from '../core/drift/compare';
import { configuredSpace, type Parameter } from '../training/tune/space';
import { lexiconFileOption, resolveInsideWorkspace, withWorkspaceLexicon } from '../node/lexiconFile';
import { writeNewFile } from '../node/safeWrite';

/** The config file shared by the CLI and the extension. */
export const CONFIG_FILE_NAME = '.tunelintrc.json';

/**
 * Loads settings: defaults, then the config file (the one named, or the nearest `.tunelintrc.json` from
 * `startDirectory` upwards: the current directory for most commands, the dataset's folder for train and tune).
 * Problems in the file are returned for the caller to print, never thrown.
 */
export async function loadSettings(configPath: string | undefined, startDirectory: string): Promise<{ settings: Settings; problems: string[]; configFile?: string; sections: ConfigSections }> {
	const file = configPath ?? (await findConfig(startDirectory));
	if (file === undefined) {
		return { settings: defaultSettings(), problems: [], sections: {} };
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
	const { rest, sections, problems: sectionProblems } = splitSections(config);
	const { settings, problems } = mergeSettings(defaultSettings(), rest, knownRules);
	return { settings: withConfigLexicon(settings, file), problems: [...problems.map((problem: SettingsProblem) => problem.message), ...sectionProblems].map((message) => `${file}: ${message}`), configFile: file, sections };
}

/**
 * Sections of the config file that are not lint settings: `training`, the defaults of `tunelint train` (written by
 * `tunelint tune --save`), `drift`, the thresholds of `tunelint drift` (command-line flags win over both), and
 * `tune`, the search space of `tunelint tune` (`{"space": {"learningRate": {"min": …, "max": …}, …}}`).
 */
export interface ConfigSections {
	training?: TrainingDefaults;
	drift?: Partial<DriftThresholds>;
	tune?: { space: Parameter[] };
}

/** Training hyper-parameters a config file may set (the ones `tunelint tune` searches, plus epochs and patience). */
export interface TrainingDefaults {
	learningRate?: number;
	l2?: number;
	dropout?: number;
	embeddingSize?: number;
	batchSize?: number;
	epochs?: number;
	patience?: number;
}

const TRAINING_KEYS: Record<keyof TrainingDefaults, (value: number) => boolean> = {
	learningRate: (value) => value > 0,
	l2: (value) => value >= 0,
	dropout: (value) => value >= 0 && value < 1,
	embeddingSize: (value) => Number.isInteger(value) && value >= 0,
	batchSize: (value) => Number.isInteger(value) && value >= 1,
	epochs: (value) => Number.isInteger(value) && value >= 1,
	patience: (value) => Number.isInteger(value) && value >= 1,
};

/** Takes the `training`, `drift` and `tune` sections out of a parsed config; invalid entries become problems and are ignored. */
function splitSections(config: unknown): { rest: unknown; sections: ConfigSections; problems: string[] } {
	if (!isObject(config)) {
		return { rest: config, sections: {}, problems: [] };
	}
	const { training, drift, tune, ...rest } = config;
	const problems: string[] = [];
	const sections: ConfigSections = {};
	if (training !== undefined) {
		sections.training = numberSection('training', training, TRAINING_KEYS, problems);
	}
	if (drift !== undefined) {
		const checks = Object.fromEntries(Object.keys(DEFAULT_DRIFT_THRESHOLDS).map((key) => [key, (value: number) => value >= 0])) as Record<keyof DriftThresholds, (value: number) => boolean>;
		sections.drift = numberSection('drift', drift, checks, problems);
	}
	if (tune !== undefined) {
		const { space, ...others } = isObject(tune) ? tune : {};
		if (!isObject(tune)) {
			problems.push('tune must be an object');
		}
		problems.push(...Object.keys(others).map((key) => `tune.${key} is not a known setting (known: space)`));
		if (space !== undefined) {
			sections.tune = { space: configuredSpace(space, problems) };
		}
	}
	return { rest, sections, problems };
}

function numberSection<K extends string>(name: string, section: unknown, checks: Record<K, (value: number) => boolean>, problems: string[]): Partial<Record<K, number>> {
	if (!isObject(section)) {
		problems.push(`${name} must be an object`);
		return {};
	}
	const result: Partial<Record<K, number>> = {};
	for (const [key, value] of Object.entries(section)) {
		if (!(key in checks)) {
			problems.push(`${name}.${key} is not a known setting (known: ${Object.keys(checks).join(', ')})`);
		} else if (typeof value !== 'number' || !checks[key as K](value)) {
			problems.push(`${name}.${key}: ${JSON.stringify(value)} is out of range; using the default`);
		} else {
			result[key as K] = value;
		}
	}
	return result;
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Writes `values` into one section of a config file (creating the file when it does not exist), keeping every
 * other key, their order (JavaScript objects list integer-like keys first, which a config never has at the top
 * level) and the file's indentation and line ends. The file is replaced atomically (a temporary file renamed
 * over it), so an interrupted write leaves the old config intact. Returns the path written.
 */
export async function saveConfigSection(file: string, section: string, values: Record<string, number>): Promise<string> {
	const target = await fs.realpath(file).catch(() => path.resolve(file));
	const text = await fs.readFile(target, 'utf8').catch((error: NodeJS.ErrnoException) => {
		if (error.code === 'ENOENT') {
			return undefined;
		}
		throw new ConfigError(`${file}: cannot read the config file (${error.code ?? String(error)})`);
	});
	let config: Record<string, unknown> = {};
	if (text !== undefined && text.trim() !== '') {
		let parsed: unknown;
		try {
			parsed = JSON.parse(text);
		} catch (error) {
			throw new ConfigError(`${file}: the config file is not valid JSON (${(error as Error).message}); not changed`);
		}
		if (!isObject(parsed)) {
			throw new ConfigError(`${file}: the config file is not a JSON object; not changed`);
		}
		config = parsed;
	}
	const previous = config[section];
	// Assigning an existing key keeps its place in the object; a new section goes last.
	config[section] = { ...(isObject(previous) ? previous : {}), ...values };
	const indent = text === undefined ? '\t' : (/^[ \t]+(?=")/m.exec(text)?.[0] ?? '\t');
	const eol = text?.includes('\r\n') === true ? '\r\n' : '\n';
	const content = JSON.stringify(config, null, indent).replace(/\n/g, eol) + eol;
	await writeNewFile(target, content, { overwrite: text !== undefined });
	return target;
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

/** The nearest `.tunelintrc.json` from `directory` upwards, if any. */
export async function findConfig(directory: string): Promise<string | undefined> {
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
