import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

import Ajv2020 from 'ajv/dist/2020';

import { validateRecord } from '../../server/src/core/schemas';
import type { DatasetFormat } from '../../server/src/core/types';

/** The schemas are read from the source tree (test/ compiles to out/test/core). */
const SCHEMA_DIR = path.resolve(__dirname, '../../../server/schemas');
const DATASETS = process.env['TUNELINT_SHARED_DATASETS'] ?? path.resolve(__dirname, '../../../../shared/datasets');

const FORMATS: DatasetFormat[] = [
	'openai-chat',
	'openai-preference',
	'prompt-completion',
	'alpaca',
	'sharegpt',
	'sharegpt-preference',
	'trl-preference',
	'unpaired-preference',
	'prompt-only',
	'text',
	'vertex-gemini',
	'classification',
];

function readSchema(file: string): Record<string, unknown> {
	return JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, file), 'utf8')) as Record<string, unknown>;
}

/** Compiles a schema the way the brief demands: strict mode, no union types, so the schemas stay portable. */
function compileStrict(file: string): (value: unknown) => boolean {
	const ajv = new Ajv2020({ allErrors: true, strict: true });
	return ajv.compile(readSchema(file));
}

const user = (content: unknown): Record<string, unknown> => ({ role: 'user', content });
const assistant = (content: unknown): Record<string, unknown> => ({ role: 'assistant', content });

interface SchemaCase {
	file: string;
	valid: unknown[];
	/** Each invalid record with the reason it must fail, for the assertion message. */
	invalid: [string, unknown][];
}

const CASES: SchemaCase[] = [
	{
		file: 'openai-chat.schema.json',
		valid: [
			{ messages: [{ role: 'system', content: 'Be brief.' }, user('Hi'), { ...assistant('Hello'), weight: 1 }], id: 'extra keys are fine' },
			{
				messages: [
					user('Weather?'),
					{ role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } }] },
					{ role: 'tool', tool_call_id: 'c1', content: '{"temp": 3}' },
					assistant('3 degrees.'),
				],
				tools: [{ type: 'function', function: { name: 'weather', parameters: { type: 'object' } } }],
				parallel_tool_calls: false,
			},
			{ messages: [{ role: 'user', content: [{ type: 'text', value: 'hi' }], loss_weight: 0 }, { role: 'assistant', content: [{ type: 'text', text: 'yo' }] }] },
			{ messages: [user([{ type: 'image_url', image_url: { url: 'https://x/y.png' } }]), { role: 'assistant', function_call: { name: 'f', arguments: '{}' } }] },
		],
		invalid: [
			['weight 2', { messages: [user('a'), { ...assistant('b'), weight: 2 }] }],
			['arguments not a string', { messages: [user('a'), { role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: { x: 1 } } }] }] }],
			['user without content', { messages: [{ role: 'user' }, assistant('b')] }],
			['tool without tool_call_id', { messages: [user('a'), { role: 'tool', content: 'r' }] }],
			['unknown role', { messages: [{ role: 'bot', content: 'a' }] }],
			['empty messages', { messages: [] }],
			['no messages', { prompt: 'a' }],
			['content is a number', { messages: [user(5)] }],
			['assistant with nothing', { messages: [user('a'), { role: 'assistant' }] }],
			['text part without text', { messages: [user([{ type: 'text' }])] }],
			['function message without name', { messages: [{ role: 'function', content: 'r' }] }],
		],
	},
	{
		file: 'openai-chat.strict.schema.json',
		valid: [{ messages: [user('a'), { ...assistant('b'), weight: 0, name: 'bot' }] }],
		invalid: [
			['extra top-level key', { messages: [user('a'), assistant('b')], id: 1 }],
			['extra message key', { messages: [{ ...user('a'), loss_weight: 1 }, assistant('b')] }],
			['developer role', { messages: [{ role: 'developer', content: 'a' }] }],
			['tool call without id', { messages: [{ role: 'assistant', tool_calls: [{ type: 'function', function: { name: 'f', arguments: '{}' } }] }] }],
		],
	},
	{
		file: 'openai-preference.schema.json',
		valid: [{ input: { messages: [user('q')], tools: [] }, preferred_output: [assistant('good')], non_preferred_output: [assistant('bad')], id: 7 }],
		invalid: [
			['two messages in an output', { input: { messages: [user('q')] }, preferred_output: [assistant('a'), assistant('b')], non_preferred_output: [assistant('c')] }],
			['empty output', { input: { messages: [user('q')] }, preferred_output: [], non_preferred_output: [assistant('c')] }],
			['user output', { input: { messages: [user('q')] }, preferred_output: [user('a')], non_preferred_output: [assistant('c')] }],
			['*_completion naming', { input: { messages: [user('q')] }, preferred_completion: [assistant('a')], non_preferred_completion: [assistant('c')] }],
			['input without messages', { input: {}, preferred_output: [assistant('a')], non_preferred_output: [assistant('c')] }],
		],
	},
	{
		file: 'prompt-completion.schema.json',
		valid: [{ prompt: 'a', completion: 'b' }, { prompt: [user('a')], completion: [assistant('b')] }],
		invalid: [
			['no completion', { prompt: 'a' }],
			['number prompt', { prompt: 1, completion: 'b' }],
			['bad message in a list', { prompt: [{ role: 'user' }], completion: 'b' }],
		],
	},
	{
		file: 'alpaca.schema.json',
		valid: [
			{ instruction: 'a', input: '', output: 'b' },
			{ instruction: 'a', output: 'b', system: 's', history: [['q', 'a']] },
		],
		invalid: [
			['no output', { instruction: 'a', input: '' }],
			['history pair of three', { instruction: 'a', output: 'b', history: [['q', 'a', 'x']] }],
			['history item not a string', { instruction: 'a', output: 'b', history: [['q', 1]] }],
			['input not a string', { instruction: 'a', input: null, output: 'b' }],
		],
	},
	{
		file: 'sharegpt.schema.json',
		valid: [
			{ id: 'x', conversations: [{ from: 'human', value: 'a' }, { from: 'gpt', value: 'b' }] },
			{ conversations: [{ from: 'human', value: 'a' }], system: 's', tools: '[]' },
			{ conversations: [{ from: 'human', value: 'a' }], tools: [] },
		],
		invalid: [
			['turn without value', { conversations: [{ from: 'human' }] }],
			['role/content turn', { conversations: [{ role: 'user', content: 'a' }] }],
			['tools is a number', { conversations: [{ from: 'human', value: 'a' }], tools: 1 }],
		],
	},
	{
		file: 'sharegpt-preference.schema.json',
		valid: [{ conversations: [{ from: 'human', value: 'a' }], chosen: { from: 'gpt', value: 'b' }, rejected: { from: 'gpt', value: 'c' } }],
		invalid: [
			['chosen is a list', { conversations: [{ from: 'human', value: 'a' }], chosen: [{ from: 'gpt', value: 'b' }], rejected: { from: 'gpt', value: 'c' } }],
			['no rejected', { conversations: [{ from: 'human', value: 'a' }], chosen: { from: 'gpt', value: 'b' } }],
		],
	},
	{
		file: 'trl-preference.schema.json',
		valid: [
			{ chosen: 'a', rejected: 'b' },
			{ prompt: 'q', chosen: 'a', rejected: 'b', prompt_matches: true },
			{ prompt: [user('q')], chosen: [assistant('a')], rejected: [assistant('b')] },
		],
		invalid: [
			['no rejected', { prompt: 'q', chosen: 'a' }],
			['chosen is an object', { chosen: { text: 'a' }, rejected: 'b' }],
			['empty message list', { chosen: [], rejected: 'b' }],
		],
	},
	{
		file: 'unpaired-preference.schema.json',
		valid: [
			{ prompt: 'q', completion: 'a', label: true },
			{ messages: [user('q'), assistant('a')], label: false },
		],
		invalid: [
			['label is a string', { prompt: 'q', completion: 'a', label: 'true' }],
			['no label', { prompt: 'q', completion: 'a' }],
			['no completion nor messages', { prompt: 'q', label: true }],
		],
	},
	{
		file: 'prompt-only.schema.json',
		valid: [{ prompt: 'q' }, { prompt: [user('q')] }],
		invalid: [
			['no prompt', { text: 'q' }],
			['prompt is null', { prompt: null }],
		],
	},
	{
		file: 'text.schema.json',
		valid: [{ text: 'abc', source: 'wiki' }],
		invalid: [
			['no text', { content: 'abc' }],
			['text is a list', { text: ['abc'] }],
		],
	},
	{
		file: 'vertex-gemini.schema.json',
		valid: [
			{
				systemInstruction: { role: 'system', parts: [{ text: 'Be brief.' }] },
				contents: [
					{ role: 'user', parts: [{ text: 'What is this?' }, { fileData: { mimeType: 'image/png', fileUri: 'gs://b/x.png' } }] },
					{ role: 'model', parts: [{ text: 'A cat.' }] },
				],
			},
			{ contents: [{ role: 'model', parts: [{ functionCall: { name: 'f', args: {} } }] }, { role: 'user', parts: [{ functionResponse: { name: 'f', response: {} } }] }], tools: [{}] },
		],
		invalid: [
			['assistant role', { contents: [{ role: 'assistant', parts: [{ text: 'a' }] }] }],
			['part without a known key', { contents: [{ role: 'user', parts: [{ content: 'a' }] }] }],
			['fileData without fileUri', { contents: [{ role: 'user', parts: [{ fileData: { mimeType: 'image/png' } }] }] }],
			['no parts', { contents: [{ role: 'user' }] }],
		],
	},
	{
		file: 'classification.schema.json',
		valid: [{ text: 'good film', label: 1 }, { sentence: 'bad', target: 'neg' }],
		invalid: [
			['an array', ['good film', 1]],
			['a string', 'good film'],
		],
	},
];

void describe('dataset schemas', () => {
	void it('has one schema file per format, plus the strict openai-chat profile, each with its $schema and $id', () => {
		const files = fs.readdirSync(SCHEMA_DIR).filter((file) => file.endsWith('.schema.json'));
		assert.deepEqual(files.sort(), [...FORMATS.map((format) => `${format}.schema.json`), 'openai-chat.strict.schema.json'].sort());
		for (const file of files) {
			const schema = readSchema(file);
			assert.equal(schema['$schema'], 'https://json-schema.org/draft/2020-12/schema', file);
			assert.equal(schema['$id'], `https://tunelint.dev/schemas/${file.replace('.schema.json', '')}.json`, file);
		}
	});

	for (const { file, valid, invalid } of CASES) {
		void it(`${file} compiles in strict mode, accepts valid records and rejects invalid ones`, () => {
			const validate = compileStrict(file);
			for (const record of valid) {
				assert.equal(validate(record), true, `should accept ${JSON.stringify(record)}`);
			}
			for (const [reason, record] of invalid) {
				assert.equal(validate(record), false, `should reject (${reason}) ${JSON.stringify(record)}`);
			}
		});
	}
});

void describe('validateRecord messages', () => {
	function messagesOf(format: DatasetFormat, record: unknown, profile: 'default' | 'strict' = 'default'): string[] {
		return validateRecord(format, record, profile).map((error) => error.message);
	}

	void it('returns nothing for a valid record', () => {
		assert.deepEqual(validateRecord('openai-chat', { messages: [user('a'), assistant('b')] }, 'default'), []);
	});

	void it('names the path, the expectation and the value found', () => {
		assert.deepEqual(validateRecord('openai-chat', { messages: [user('a'), assistant('b'), { ...assistant('c'), weight: 2 }] }, 'default'), [
			{ path: ['messages', 2, 'weight'], message: 'messages[2].weight must be 0 or 1, got 2' },
		]);
		assert.deepEqual(
			messagesOf('openai-chat', { messages: [user('a'), { role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: { x: 1 } } }] }] }),
			['messages[1].tool_calls[0].function.arguments must be a string, got an object'],
		);
		assert.deepEqual(messagesOf('openai-chat', { messages: [{ role: 'bot', content: 'a' }] }), [
			'messages[0].role must be one of "system", "developer", "user", "assistant", "tool", "function", got "bot"',
		]);
		assert.deepEqual(messagesOf('unpaired-preference', { prompt: 'q', completion: 'a', label: 'true' }), ['label must be true or false, got "true"']);
	});

	void it('reports a missing key on its object, with the role that requires it', () => {
		assert.deepEqual(validateRecord('openai-chat', { messages: [{ role: 'user' }, { role: 'tool', content: 'r' }] }, 'default'), [
			{ path: ['messages', 0], key: 'content', message: "messages[0] is missing the required key 'content' (needed when role is 'user')" },
			{ path: ['messages', 1], key: 'tool_call_id', message: "messages[1] is missing the required key 'tool_call_id' (needed when role is 'tool')" },
		]);
		assert.deepEqual(validateRecord('text', { body: 'x' }, 'default'), [{ path: [], key: 'text', message: "the record is missing the required key 'text'" }]);
	});

	void it('collapses anyOf branches into one message', () => {
		assert.deepEqual(messagesOf('openai-chat', { messages: [user(5)] }), ['messages[0].content must be a string or an array of content parts, got 5']);
		assert.deepEqual(messagesOf('openai-chat', { messages: [user('a'), { role: 'assistant' }] }), [
			"messages[1] must have one of the keys 'content', 'tool_calls', 'function_call' (needed when role is 'assistant')",
		]);
		assert.deepEqual(messagesOf('trl-preference', { chosen: 5, rejected: 'b' }), ['chosen must be a string or a list of chat messages, got 5']);
		// When the value has the type of one branch, that branch's own errors are the real problems.
		assert.deepEqual(messagesOf('trl-preference', { chosen: [{ role: 'user', content: 'a' }, { role: 'assistant', content: 5 }], rejected: 'b' }), [
			'chosen[1].content must be a string, an array of content parts or null, got 5',
		]);
		assert.deepEqual(messagesOf('vertex-gemini', { contents: [{ role: 'user', parts: [{ content: 'a' }] }] }), [
			"contents[0].parts[0] must have one of the keys 'text', 'fileData', 'inlineData', 'functionCall', 'functionResponse'",
		]);
	});

	void it('says how many items a DPO output may hold', () => {
		assert.deepEqual(
			messagesOf('openai-preference', { input: { messages: [user('q')] }, preferred_output: [assistant('a'), assistant('b')], non_preferred_output: [user('c')] }),
			['preferred_output must have at most 1 item, got 2', 'non_preferred_output[0].role must be "assistant", got "user"'],
		);
		assert.deepEqual(messagesOf('openai-chat', { messages: [] }), ['messages must not be an empty array']);
	});

	void it('points at the unknown key in the strict profile and allows it in the default one', () => {
		const record = { id: 1, messages: [{ ...user('a'), loss_weight: 1 }, assistant('b')] };
		assert.deepEqual(validateRecord('openai-chat', record, 'default'), []);
		assert.deepEqual(validateRecord('openai-chat', record, 'strict'), [
			{ path: [], key: 'id', message: "the record has the unknown key 'id' (allowed keys: messages, tools, parallel_tool_calls, functions)" },
			{
				path: ['messages', 0],
				key: 'loss_weight',
				message: "messages[0] has the unknown key 'loss_weight' (allowed keys: role, content, name, weight, tool_calls, function_call, tool_call_id, refusal)",
			},
		]);
		// Formats without a strict profile fall back to their default schema.
		assert.deepEqual(validateRecord('alpaca', { instruction: 'a', output: 'b', id: 3 }, 'strict'), []);
	});

	void it('reports tuple lengths and deep paths', () => {
		assert.deepEqual(validateRecord('alpaca', { instruction: 'a', output: 'b', history: [['q']] }, 'default'), [
			{ path: ['history', 0], message: 'history[0] must have at least 2 items, got 1' },
		]);
		assert.deepEqual(validateRecord('vertex-gemini', { contents: [{ parts: [{ functionCall: { name: 1 } }] }] }, 'default'), [
			{ path: ['contents', 0, 'parts', 0, 'functionCall', 'name'], message: 'contents[0].parts[0].functionCall.name must be a string, got 1' },
		]);
	});
});

/** The real files and the format each must validate as; none of them has a structural defect today. */
const REAL_FILES: [string, DatasetFormat][] = [
	['instruct/llamafactory_alpaca_en_demo.jsonl', 'alpaca'],
	['instruct/alpaca_data_cleaned_first1000.jsonl', 'alpaca'],
	['instruct/fastchat_dummy_conversation.sharegpt.jsonl', 'sharegpt'],
	['instruct/llamafactory_glaive_toolcall_en_demo.sharegpt.jsonl', 'sharegpt'],
	['instruct/llamafactory_v1_sft_demo.messages.jsonl', 'openai-chat'],
	['instruct/openai_cookbook_toy_chat_fine_tuning.jsonl', 'openai-chat'],
	['preference/llamafactory_dpo_en_demo.sharegpt.jsonl', 'sharegpt-preference'],
	['preference/llamafactory_kto_en_demo.jsonl', 'unpaired-preference'],
	['preference/hh_rlhf_harmless_base_test.prompt_chosen_rejected.jsonl', 'trl-preference'],
	['preference/hh_rlhf_harmless_base_test.jsonl', 'trl-preference'],
	['bias/conversationai_bias_madlibs_77k.jsonl', 'classification'],
];

function realFiles(): [string, DatasetFormat][] {
	const classification = fs
		.readdirSync(path.join(DATASETS, 'classification'))
		.filter((file) => file.endsWith('.jsonl'))
		.map((file): [string, DatasetFormat] => [`classification/${file}`, 'classification']);
	return [...REAL_FILES, ...classification];
}

function problemsIn(file: string, format: DatasetFormat, profile: 'default' | 'strict'): string[] {
	const problems: string[] = [];
	fs.readFileSync(path.join(DATASETS, file), 'utf8')
		.split('\n')
		.forEach((line, index) => {
			if (line.trim() !== '') {
				for (const error of validateRecord(format, JSON.parse(line), profile)) {
					problems.push(`line ${index + 1}: ${error.message}`);
				}
			}
		});
	return problems;
}

void describe('real datasets', () => {
	const present = fs.existsSync(DATASETS);
	const skip = present ? false : `no shared datasets at ${DATASETS} (set TUNELINT_SHARED_DATASETS)`;

	void it('validate against the schema of their format', { skip }, () => {
		for (const [file, format] of realFiles()) {
			assert.deepEqual(problemsIn(file, format, 'default').slice(0, 5), [], `${file} as ${format}`);
		}
	});

	void it('the OpenAI cookbook toy file also passes the strict profile, and the LLaMA-Factory v1 file does not', { skip }, () => {
		assert.deepEqual(problemsIn('instruct/openai_cookbook_toy_chat_fine_tuning.jsonl', 'openai-chat', 'strict'), []);
		const v1 = problemsIn('instruct/llamafactory_v1_sft_demo.messages.jsonl', 'openai-chat', 'strict');
		assert.ok(v1.some((problem) => problem.startsWith("line 1: messages[0] has the unknown key 'loss_weight'")), v1.slice(0, 3).join('\n'));
	});
});
