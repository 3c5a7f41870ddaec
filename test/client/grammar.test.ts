import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';

// The compiled test lives in out/test/client/, three folders below the repository root.
const repositoryRoot = path.resolve(__dirname, '..', '..', '..');
const grammarPath = path.join(repositoryRoot, 'syntaxes', 'jsonl.tmLanguage.json');
const SCOPE_NAME = 'source.json.lines.tunelint';

interface Token {
	text: string;
	scopes: string[];
}

let grammar: textmate.IGrammar;

/** Loads the real grammar file through the same engine VS Code uses (vscode-textmate on the Oniguruma WASM build). */
async function loadGrammar(): Promise<textmate.IGrammar> {
	const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
	await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
	const registry = new textmate.Registry({
		onigLib: Promise.resolve({
			createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
			createOnigString: (text) => new oniguruma.OnigString(text),
		}),
		loadGrammar: async (scopeName) => scopeName === SCOPE_NAME
			? textmate.parseRawGrammar(readFileSync(grammarPath, 'utf8'), grammarPath)
			: null,
	});
	const loaded = await registry.loadGrammar(SCOPE_NAME);
	assert.ok(loaded, `the grammar ${SCOPE_NAME} did not load from ${grammarPath}`);
	return loaded;
}

/** Tokenizes the lines of one document in order, carrying the rule stack from line to line as the editor does. */
function tokenize(...lines: string[]): Token[][] {
	let state = textmate.INITIAL;
	return lines.map((line) => {
		const result = grammar.tokenizeLine(line, state);
		state = result.ruleStack;
		return result.tokens.map((token) => ({ text: line.slice(token.startIndex, token.endIndex), scopes: token.scopes }));
	});
}

/** The scopes of the first token of `line` whose text is exactly `text`. */
function scopesOf(line: string, text: string): string[] {
	const token = tokenize(line)[0]?.find((candidate) => candidate.text === text);
	assert.ok(token, `no token ${JSON.stringify(text)} in ${JSON.stringify(line)}`);
	return token.scopes;
}

function assertHasScope(scopes: string[], expected: string): void {
	assert.ok(scopes.includes(expected), `expected ${expected} in [${scopes.join(', ')}]`);
}

void describe('JSON Lines grammar', () => {
	before(async () => {
		grammar = await loadGrammar();
	});

	void describe('chat roles', () => {
		const cases: Array<[line: string, role: string, scope: string]> = [
			['{"messages": [{"role": "system", "content": "Be brief."}]}', 'system', 'keyword.control.role.system.json.lines'],
			['{"messages": [{"role": "developer", "content": "x"}]}', 'developer', 'keyword.control.role.system.json.lines'],
			['{"messages": [{"role": "user", "content": "Hi"}]}', 'user', 'entity.name.function.role.user.json.lines'],
			['{"messages": [{"role": "assistant", "content": "Hello"}]}', 'assistant', 'entity.name.type.role.assistant.json.lines'],
			['{"messages": [{"role": "tool", "tool_call_id": "c1", "content": "42"}]}', 'tool', 'variable.other.constant.role.tool.json.lines'],
			['{"conversations": [{"from": "human", "value": "Hi"}]}', 'human', 'entity.name.function.role.user.json.lines'],
			['{"conversations": [{"from":"gpt","value":"Hello"}]}', 'gpt', 'entity.name.type.role.assistant.json.lines'],
			['{"contents": [{"role": "model", "parts": [{"text": "Hello"}]}]}', 'model', 'entity.name.type.role.assistant.json.lines'],
		];
		for (const [line, role, scope] of cases) {
			void it(`marks "${role}" with ${scope}`, () => {
				const scopes = scopesOf(line, role);
				assertHasScope(scopes, scope);
				// The value stays a string so that bracket matching and auto-closing treat it as one.
				assertHasScope(scopes, 'string.quoted.double.json.lines');
			});
		}

		void it('gives each role family a distinct scope', () => {
			const line = '{"messages": [{"role": "system"}, {"role": "user"}, {"role": "assistant"}, {"role": "tool"}]}';
			const roleScopes = ['system', 'user', 'assistant', 'tool'].map((role) => scopesOf(line, role).at(-1));
			assert.equal(new Set(roleScopes).size, 4, `scopes: ${roleScopes.join(', ')}`);
		});

		void it('marks the role key as a property name', () => {
			assertHasScope(scopesOf('{"role": "user"}', 'role'), 'support.type.property-name.json.lines');
		});

		void it('leaves unknown roles and role words outside a role key as plain strings', () => {
			const unknown = scopesOf('{"role": "narrator"}', 'narrator');
			assert.deepEqual(unknown.slice(-1), ['string.quoted.double.json.lines']);
			const asValue = scopesOf('{"text": "user"}', 'user');
			assert.deepEqual(asValue.slice(-1), ['string.quoted.double.json.lines']);
		});
	});

	void describe('invisible and bidirectional characters', () => {
		const cases: Array<[name: string, character: string, scope: string]> = [
			['zero-width space U+200B', '\u200b', 'invalid.illegal.invisible.zero-width.json.lines'],
			['zero-width joiner U+200D', '\u200d', 'invalid.illegal.invisible.zero-width.json.lines'],
			['soft hyphen U+00AD', '\u00ad', 'invalid.illegal.invisible.zero-width.json.lines'],
			['byte order mark U+FEFF', '\ufeff', 'invalid.illegal.invisible.zero-width.json.lines'],
			['right-to-left mark U+200F', '\u200f', 'invalid.illegal.invisible.bidi-control.json.lines'],
			['right-to-left override U+202E', '\u202e', 'invalid.illegal.invisible.bidi-control.json.lines'],
			['left-to-right isolate U+2066', '\u2066', 'invalid.illegal.invisible.bidi-control.json.lines'],
			['pop directional isolate U+2069', '\u2069', 'invalid.illegal.invisible.bidi-control.json.lines'],
			['tag character U+E0041', '\u{E0041}', 'invalid.illegal.invisible.tag-character.json.lines'],
			['cancel tag U+E007F', '\u{E007F}', 'invalid.illegal.invisible.tag-character.json.lines'],
		];
		for (const [name, character, scope] of cases) {
			void it(`marks a ${name} inside a string value as ${scope}`, () => {
				const scopes = scopesOf(`{"text": "a${character}b"}`, character);
				assertHasScope(scopes, scope);
				assertHasScope(scopes, 'string.quoted.double.json.lines');
			});
		}

		void it('marks invisible characters inside keys and outside strings', () => {
			assertHasScope(scopesOf('{"te\u200bxt": 1}', '\u200b'), 'invalid.illegal.invisible.zero-width.json.lines');
			assertHasScope(scopesOf('\ufeff{"text": "a"}', '\ufeff'), 'invalid.illegal.invisible.zero-width.json.lines');
		});

		void it('marks escapes that decode to invisible characters', () => {
			assertHasScope(scopesOf('{"text": "a\\u200Bb"}', '\\u200B'), 'invalid.illegal.invisible.zero-width.escaped.json.lines');
			assertHasScope(scopesOf('{"text": "a\\u202eb"}', '\\u202e'), 'invalid.illegal.invisible.bidi-control.escaped.json.lines');
			assertHasScope(scopesOf('{"text": "a\\udb40\\udc41b"}', '\\udb40\\udc41'), 'invalid.illegal.invisible.tag-character.escaped.json.lines');
			const ordinary = scopesOf('{"text": "a\\u00e9b"}', '\\u00e9');
			assert.deepEqual(ordinary.slice(-1), ['constant.character.escape.json.lines']);
		});

		void it('leaves visible non-ASCII text alone', () => {
			const tokens = tokenize('{"text": "café 日本語 😀"}')[0] ?? [];
			assert.ok(tokens.every((token) => !token.scopes.some((scope) => scope.startsWith('invalid'))));
		});
	});

	void describe('JSON values', () => {
		void it('scopes keys, strings, numbers, constants and punctuation like the built-in JSON grammar', () => {
			const line = '{"id": 7, "score": -1.5e3, "ok": true, "none": null, "tags": ["a"]}';
			assertHasScope(scopesOf(line, 'id'), 'support.type.property-name.json.lines');
			assertHasScope(scopesOf(line, '7'), 'constant.numeric.json.lines');
			assertHasScope(scopesOf(line, '-1.5e3'), 'constant.numeric.json.lines');
			assertHasScope(scopesOf(line, 'true'), 'constant.language.json.lines');
			assertHasScope(scopesOf(line, 'null'), 'constant.language.json.lines');
			assertHasScope(scopesOf(line, 'a'), 'string.quoted.double.json.lines');
			assertHasScope(scopesOf(line, '['), 'punctuation.definition.array.begin.json.lines');
			assertHasScope(scopesOf(line, '{'), 'punctuation.definition.dictionary.begin.json.lines');
			assertHasScope(scopesOf(line, ':'), 'punctuation.separator.dictionary.key-value.json.lines');
			assertHasScope(scopesOf('{"a": "x\\n\\"y"}', '\\n'), 'constant.character.escape.json.lines');
		});

		void it('scopes top-level values other than objects', () => {
			const [array, text, number] = tokenize('[1, "two"]', '"three"', '4');
			assertHasScope(array?.find((token) => token.text === 'two')?.scopes ?? [], 'string.quoted.double.json.lines');
			assertHasScope(text?.find((token) => token.text === 'three')?.scopes ?? [], 'string.quoted.double.json.lines');
			assertHasScope(number?.[0]?.scopes ?? [], 'constant.numeric.json.lines');
		});

		void it('does not let a broken line spill its state onto the next line', () => {
			const [, next] = tokenize('{"text": "unterminated, "messages": [{"role": ', '{"role": "user"}');
			assert.deepEqual(next?.[0]?.scopes, [SCOPE_NAME, 'meta.structure.dictionary.json.lines', 'punctuation.definition.dictionary.begin.json.lines']);
			assertHasScope(next?.find((token) => token.text === 'user')?.scopes ?? [], 'entity.name.function.role.user.json.lines');
		});

		void it('marks an invalid escape', () => {
			assertHasScope(scopesOf('{"a": "x\\qy"}', '\\q'), 'invalid.illegal.unrecognized-string-escape.json.lines');
		});
	});
});
