import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ALL_RULES, defaultSettings } from '../../server/src/core';

// The compiled test lives in out/test/client/, three folders below the repository root.
const repositoryRoot = path.resolve(__dirname, '..', '..', '..');

interface Manifest {
	main: string;
	activationEvents: string[];
	capabilities: {
		untrustedWorkspaces: { supported: boolean | 'limited'; restrictedConfigurations?: string[] };
		virtualWorkspaces: boolean | { supported: boolean | 'limited' };
	};
	contributes: {
		languages: Array<{ id: string; extensions?: string[]; aliases?: string[] }>;
		grammars: Array<{ language?: string; scopeName: string; path: string }>;
		commands: Array<{ command: string; title: string; category?: string }>;
		menus: Record<string, Array<{ command: string; when?: string }>>;
		configuration: { properties: Record<string, ConfigurationProperty> };
	};
}

interface ConfigurationProperty {
	type: string;
	default: unknown;
	scope?: string;
	enum?: string[];
	properties?: Record<string, { enum?: string[] }>;
	additionalProperties?: { enum?: string[] } | boolean;
}

const manifest = JSON.parse(readFileSync(path.join(repositoryRoot, 'package.json'), 'utf8')) as Manifest;
const contributes = manifest.contributes;
const properties = contributes.configuration.properties;

/** The command ids the client registers, read from the COMMANDS table of client/src/commands.ts. */
function registeredCommandIds(): string[] {
	const source = readFileSync(path.join(repositoryRoot, 'client', 'src', 'commands.ts'), 'utf8');
	const table = source.slice(source.indexOf('export const COMMANDS'));
	return [...table.slice(0, table.indexOf('};')).matchAll(/'(tunelint\.[A-Za-z]+)':/g)].map((match) => match[1] ?? '');
}

/** The regular expression inside a `resourceExtname =~ /…/flags` when clause. */
function resourceExtnamePattern(when: string): RegExp {
	const match = /resourceExtname =~ \/(.+)\/([a-z]*)/.exec(when);
	assert.ok(match?.[1] !== undefined, `no resourceExtname regex in ${when}`);
	return new RegExp(match[1], match[2]);
}

void describe('extension manifest', () => {
	void it('points main at the esbuild client bundle', () => {
		assert.equal(manifest.main, './client/out/extension.js');
	});

	void it('registers .jsonl and .ndjson under the built-in jsonl language id', () => {
		const jsonl = contributes.languages.find((language) => language.id === 'jsonl');
		assert.deepEqual(jsonl?.extensions, ['.jsonl', '.ndjson']);
		assert.ok(manifest.activationEvents.includes('onLanguage:jsonl'));
	});

	void it('contributes the grammar under a scope that extends the built-in source.json.lines', () => {
		const [grammar] = contributes.grammars;
		assert.ok(grammar);
		assert.equal(grammar.language, 'jsonl');
		assert.ok(grammar.scopeName.startsWith('source.json.lines.'), grammar.scopeName);
		const file = path.join(repositoryRoot, grammar.path);
		assert.ok(existsSync(file), `${grammar.path} is missing`);
		const scopeName = (JSON.parse(readFileSync(file, 'utf8')) as { scopeName: string }).scopeName;
		assert.equal(scopeName, grammar.scopeName);
	});

	void it('declares exactly the commands the client registers, each in the Tunelint category', () => {
		const declared = contributes.commands.map((command) => command.command).sort();
		assert.deepEqual(registeredCommandIds().sort(), declared);
		for (const command of contributes.commands) {
			assert.equal(command.category, 'Tunelint', command.command);
		}
		// VS Code >= 1.74 activates on contributed commands by itself; the commands are listed anyway.
		for (const command of ['tunelint.restartServer', 'tunelint.showOutput', 'tunelint.lintFileOnDisk']) {
			assert.ok(manifest.activationEvents.includes(`onCommand:${command}`), command);
		}
	});

	void it('refers only to declared commands from its menus', () => {
		const declared = new Set(contributes.commands.map((command) => command.command));
		for (const [menu, entries] of Object.entries(contributes.menus)) {
			for (const entry of entries) {
				assert.ok(declared.has(entry.command), `${menu} refers to ${entry.command}`);
			}
		}
	});

	void it('offers Lint File on Disk in the explorer for .jsonl and .ndjson files only', () => {
		const entry = contributes.menus['explorer/context']?.find((item) => item.command === 'tunelint.lintFileOnDisk');
		assert.ok(entry?.when);
		assert.match(entry.when, /!explorerResourceIsFolder/);
		const pattern = resourceExtnamePattern(entry.when);
		for (const extension of ['.jsonl', '.ndjson', '.JSONL']) {
			assert.ok(pattern.test(extension), extension);
		}
		for (const extension of ['.json', '.jsonld', '.txt', '']) {
			assert.ok(!pattern.test(extension), extension);
		}
	});

	void it('gives every setting an explicit scope', () => {
		for (const [key, property] of Object.entries(properties)) {
			assert.ok(key.startsWith('tunelint.'), key);
			assert.ok(property.scope !== undefined, `${key} has no scope`);
		}
		assert.equal(properties['tunelint.trace.server']?.scope, 'window');
		assert.equal(properties['tunelint.enable']?.scope, 'resource');
	});

	void it('declares the same defaults as the engine', () => {
		const defaults = defaultSettings();
		assert.deepEqual(properties['tunelint.fields.text']?.default, defaults.fields.textFields);
		assert.deepEqual(properties['tunelint.fields.label']?.default, defaults.fields.labelFields);
		assert.equal(properties['tunelint.maxProblems']?.default, defaults.maxProblems);
		assert.equal(properties['tunelint.configFile']?.default, '.tunelintrc.json');
		assert.equal(properties['tunelint.enable']?.default, true);
	});

	void it('offers the four severities for every rule and names only registered rules', () => {
		const rules = properties['tunelint.rules'];
		assert.ok(rules);
		const severities = ['off', 'info', 'warning', 'error'];
		assert.ok(typeof rules.additionalProperties === 'object');
		assert.deepEqual(rules.additionalProperties.enum, severities);
		const registered = new Set(ALL_RULES.map((rule) => rule.id));
		for (const [ruleId, schema] of Object.entries(rules.properties ?? {})) {
			assert.ok(registered.has(ruleId), `tunelint.rules lists ${ruleId}, which no rule has as its id`);
			assert.deepEqual(schema.enum, severities, ruleId);
		}
	});

	void it('declares limited support in untrusted workspaces and none in virtual ones', () => {
		assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
		const virtual = manifest.capabilities.virtualWorkspaces;
		assert.equal(typeof virtual === 'boolean' ? virtual : virtual.supported, false);
	});
});
