import type { Rule } from './rule';
import type { Category, ReportedSeverity, Settings, Severity } from './types';
import { ALL_CATEGORIES } from './types';

/** The defaults every adapter starts from; the config file and editor settings are merged over them. */
export function defaultSettings(): Settings {
	return {
		rules: {},
		fields: { textFields: ['text', 'sentence', 'input'], labelFields: ['label', 'target', 'class'] },
		ruleOptions: {},
		maxProblems: 1000,
	};
}

const SEVERITIES: readonly Severity[] = ['off', 'info', 'warning', 'error'];

/** True for the four severity words a user may write (ESLint's `warn` is accepted as `warning`). */
export function parseSeverity(value: unknown): Severity | undefined {
	if (value === 'warn') {
		return 'warning';
	}
	return SEVERITIES.includes(value as Severity) ? (value as Severity) : undefined;
}

export function parseCategory(value: string): Category | undefined {
	return ALL_CATEGORIES.includes(value as Category) ? (value as Category) : undefined;
}

/**
 * The severity a rule runs at, or undefined when it does not run: turned off, outside the selected categories, or
 * off by default and not turned on.
 */
export function effectiveSeverity(rule: Rule, settings: Settings): ReportedSeverity | undefined {
	if (settings.categories !== undefined && !settings.categories.includes(rule.category)) {
		return undefined;
	}
	const override = settings.rules[rule.id];
	if (override === 'off') {
		return undefined;
	}
	if (override !== undefined) {
		return override;
	}
	return rule.offByDefault ? undefined : rule.defaultSeverity;
}

/**
 * A problem found in user-supplied settings or a config file: adapters show these instead of failing, so a typo in
 * a rule name never stops linting.
 */
export interface SettingsProblem {
	message: string;
}

/**
 * Merges a user configuration object (the parsed `.tunelintrc.json`, or editor settings in the same shape) over
 * base settings. Unknown keys and bad values are reported, not thrown.
 */
export function mergeSettings(base: Settings, config: unknown, knownRuleIds: ReadonlySet<string>): { settings: Settings; problems: SettingsProblem[] } {
	const problems: SettingsProblem[] = [];
	const settings: Settings = {
		...base,
		rules: { ...base.rules },
		ruleOptions: { ...base.ruleOptions },
		fields: { ...base.fields },
	};
	if (config === undefined || config === null) {
		return { settings, problems };
	}
	if (typeof config !== 'object' || Array.isArray(config)) {
		problems.push({ message: 'the configuration must be a JSON object' });
		return { settings, problems };
	}
	const object = config as Record<string, unknown>;
	for (const key of Object.keys(object)) {
		// `training`, `drift` and `tune` belong to the training, drift and tune commands, which read them themselves.
		if (!['rules', 'ruleOptions', 'fields', 'maxProblems', 'categories', '$schema', 'training', 'drift', 'tune'].includes(key)) {
			problems.push({ message: `unknown configuration key "${key}"` });
		}
	}
	mergeRules(settings, object.rules, knownRuleIds, problems);
	if (isPlainObject(object.ruleOptions)) {
		for (const [id, options] of Object.entries(object.ruleOptions)) {
			if (!knownRuleIds.has(id)) {
				problems.push({ message: `ruleOptions names an unknown rule "${id}"` });
			} else if (isPlainObject(options)) {
				settings.ruleOptions[id] = { ...settings.ruleOptions[id], ...options };
			} else {
				problems.push({ message: `ruleOptions.${id} must be an object` });
			}
		}
	}
	if (isPlainObject(object.fields)) {
		const fields = object.fields;
		settings.fields.textFields = stringList(fields.text, settings.fields.textFields, 'fields.text', problems);
		settings.fields.labelFields = stringList(fields.label, settings.fields.labelFields, 'fields.label', problems);
	}
	if (object.maxProblems !== undefined) {
		if (typeof object.maxProblems === 'number' && object.maxProblems > 0) {
			settings.maxProblems = Math.floor(object.maxProblems);
		} else {
			problems.push({ message: 'maxProblems must be a positive number' });
		}
	}
	if (object.categories !== undefined) {
		const list = stringList(object.categories, [], 'categories', problems);
		const categories = list.map((name) => ({ name, category: parseCategory(name) }));
		for (const { name, category } of categories) {
			if (category === undefined) {
				problems.push({ message: `unknown category "${name}" (known: ${ALL_CATEGORIES.join(', ')})` });
			}
		}
		settings.categories = categories.flatMap(({ category }) => (category === undefined ? [] : [category]));
	}
	return { settings, problems };
}

function mergeRules(settings: Settings, rules: unknown, knownRuleIds: ReadonlySet<string>, problems: SettingsProblem[]): void {
	if (rules === undefined) {
		return;
	}
	if (!isPlainObject(rules)) {
		problems.push({ message: 'rules must be an object of rule id → severity' });
		return;
	}
	for (const [id, value] of Object.entries(rules)) {
		const severity = parseSeverity(value);
		if (!knownRuleIds.has(id)) {
			problems.push({ message: `unknown rule "${id}"` });
		} else if (severity === undefined) {
			problems.push({ message: `rule "${id}": severity must be off, info, warning or error, got ${JSON.stringify(value)}` });
		} else {
			settings.rules[id] = severity;
		}
	}
}

function stringList(value: unknown, fallback: string[], name: string, problems: SettingsProblem[]): string[] {
	if (value === undefined) {
		return fallback;
	}
	if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
		return value as string[];
	}
	if (typeof value === 'string') {
		return [value];
	}
	problems.push({ message: `${name} must be a list of field names` });
	return fallback;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
