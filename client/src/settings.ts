/**
 * Turns what the user wrote under `tunelint.*` into the settings object sent to the server. Pure: it takes a
 * reader function instead of the VS Code configuration object, so it never imports `vscode`.
 */
import type { ClientSettings } from '../../server/src/protocol/messages';

/** The configuration section every Tunelint setting lives under. */
export const SETTINGS_SECTION = 'tunelint';

/** The severities a rule can be set to; anything else in `tunelint.rules` (except `warn`) is ignored. */
export const RULE_SEVERITIES = ['off', 'info', 'warning', 'error'] as const;

/** The values used when the user set nothing (package.json declares the same defaults). */
export const DEFAULT_ENABLE = true;
export const DEFAULT_CONFIG_FILE = '.tunelintrc.json';

/**
 * ClientSettings as sent to the server. The field mappings and `maxProblems` are present only when the user set
 * them: the server lets editor settings win over the config file, so sending the defaults would silently
 * override the `.tunelintrc.json` values the CLI honours.
 */
export type ClientSettingsPayload = Omit<ClientSettings, 'fields' | 'maxProblems'> & {
	fields: Partial<ClientSettings['fields']>;
	maxProblems?: number;
};

/** Reads the value the user set for one key below `tunelint.` (e.g. `fields.text`); undefined when unset. */
export type SettingReader = (key: string) => unknown;

/**
 * Builds the settings payload from the values the user set. A value of the wrong shape counts as unset, so a
 * hand-edited settings.json never sends the server something it cannot use.
 */
export function normalizeClientSettings(read: SettingReader): ClientSettingsPayload {
	const enable = read('enable');
	const configFile = read('configFile');
	const text = fieldNames(read('fields.text'));
	const label = fieldNames(read('fields.label'));
	const maxProblems = positiveInteger(read('maxProblems'));
	return {
		enable: typeof enable === 'boolean' ? enable : DEFAULT_ENABLE,
		rules: ruleSeverities(read('rules')),
		ruleOptions: ruleOptions(read('ruleOptions')),
		fields: { ...(text === undefined ? {} : { text }), ...(label === undefined ? {} : { label }) },
		...(maxProblems === undefined ? {} : { maxProblems }),
		configFile: typeof configFile === 'string' && configFile.trim() !== '' ? configFile.trim() : DEFAULT_CONFIG_FILE,
	};
}

function ruleSeverities(value: unknown): Record<string, string> {
	const result: Record<string, string> = {};
	if (!isPlainObject(value)) {
		return result;
	}
	for (const [ruleId, severity] of Object.entries(value)) {
		// ESLint's `warn` is accepted as in the config file, which the CLI reads the same way.
		const normalized = severity === 'warn' ? 'warning' : severity;
		if (typeof normalized === 'string' && (RULE_SEVERITIES as readonly string[]).includes(normalized)) {
			result[ruleId] = normalized;
		}
	}
	return result;
}

function ruleOptions(value: unknown): Record<string, Record<string, unknown>> {
	const result: Record<string, Record<string, unknown>> = {};
	if (!isPlainObject(value)) {
		return result;
	}
	for (const [ruleId, options] of Object.entries(value)) {
		if (isPlainObject(options)) {
			result[ruleId] = { ...options };
		}
	}
	return result;
}

/** Trimmed, de-duplicated names; undefined (unset) for anything else, including an empty list, which would silently turn detection off. */
function fieldNames(value: unknown): string[] | undefined {
	if (!Array.isArray(value)) {
		return undefined;
	}
	const names = value.filter((name): name is string => typeof name === 'string' && name.trim() !== '').map((name) => name.trim());
	return names.length > 0 ? [...new Set(names)] : undefined;
}

function positiveInteger(value: unknown): number | undefined {
	return typeof value === 'number' && Number.isFinite(value) && value >= 1 ? Math.floor(value) : undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
