import { findField } from './formats';
import type { DatasetFormat, FieldMapping, JsonObject, JsonValue } from './types';

/** One conversation turn with the role names of every format mapped onto system/user/assistant/tool. */
export interface Turn {
	role: 'system' | 'user' | 'assistant' | 'tool';
	/** The role as written in the file (e.g. `gpt`, `model`, `function_call`). */
	sourceRole: string;
	content: string;
}

/**
 * The content of a record: what a model is trained on, never ids, sources or other metadata. Later rules compare
 * records by this, so two records that differ only in an `id` are the same example.
 */
export interface RecordContent {
	/** The conversation, for every format (prompt/completion becomes a user turn and an assistant turn). */
	turns: Turn[];
	/** Everything the model reads before the final answer, joined with newlines. */
	prompt: string;
	/** The final answer (last assistant turn, completion, output); empty for prompt-only and plain text. */
	answer: string;
	/** The explicit label: a classification label or the KTO boolean, as a string. */
	label?: string;
	/** For pairwise preference formats: the preferred and the rejected answer. */
	chosen?: string;
	rejected?: string;
	/** All content text joined, for whole-record comparisons. */
	text: string;
}

const ROLE_MAP: Record<string, Turn['role']> = {
	system: 'system',
	developer: 'system',
	user: 'user',
	human: 'user',
	assistant: 'assistant',
	gpt: 'assistant',
	model: 'assistant',
	bot: 'assistant',
	function_call: 'assistant',
	tool: 'tool',
	function: 'tool',
	observation: 'tool',
	ipython: 'tool',
};

/** Maps a role name of any supported format onto the four canonical roles; unknown roles count as user text. */
export function canonicalRole(role: string): Turn['role'] {
	return ROLE_MAP[role.toLowerCase()] ?? 'user';
}

/** Extracts the content of a record of the given format. Missing or malformed fields give empty strings, never throw. */
export function recordContent(record: JsonObject, format: DatasetFormat, fields: FieldMapping): RecordContent {
	switch (format) {
		case 'openai-chat':
			return fromTurns(messageTurns(record.messages, 'role', 'content'));
		case 'unpaired-preference': {
			const turns = Array.isArray(record.messages)
				? messageTurns(record.messages, 'role', 'content')
				: [...promptTurns(record.prompt), ...answerTurns(record.completion)];
			return fromTurns(turns, typeof record.label === 'boolean' ? String(record.label) : undefined);
		}
		case 'openai-preference': {
			const input = isObject(record.input) ? record.input : {};
			const prompt = messageTurns(input.messages, 'role', 'content');
			return preference(prompt, firstText(record.preferred_output ?? record.preferred_completion), firstText(record.non_preferred_output ?? record.non_preferred_completion));
		}
		case 'sharegpt':
			return fromTurns(systemTurn(record.system).concat(messageTurns(record.conversations, 'from', 'value')));
		case 'sharegpt-preference':
			return preference(systemTurn(record.system).concat(messageTurns(record.conversations, 'from', 'value')), firstText(record.chosen, 'value'), firstText(record.rejected, 'value'));
		case 'trl-preference':
			return preference(promptTurns(record.prompt), firstText(record.chosen), firstText(record.rejected));
		case 'prompt-completion':
			return fromTurns([...promptTurns(record.prompt), ...answerTurns(record.completion)]);
		case 'prompt-only':
			return fromTurns(promptTurns(record.prompt));
		case 'alpaca': {
			const user = [textOf(record.instruction), textOf(record.input)].filter((part) => part !== '').join('\n');
			const turns: Turn[] = [...systemTurn(record.system), ...historyTurns(record.history), { role: 'user', sourceRole: 'instruction', content: user }, { role: 'assistant', sourceRole: 'output', content: textOf(record.output) }];
			return fromTurns(turns);
		}
		case 'vertex-gemini': {
			const system = isObject(record.systemInstruction) ? [{ role: 'system' as const, sourceRole: 'systemInstruction', content: partsText(record.systemInstruction.parts) }] : [];
			const turns = Array.isArray(record.contents)
				? record.contents.filter(isObject).map((content) => turn(textOf(content.role) || 'user', partsText(content.parts)))
				: [];
			return fromTurns([...system, ...turns]);
		}
		case 'classification': {
			const textField = findField(record, fields.textFields);
			const labelField = findField(record, fields.labelFields);
			const text = textField === undefined ? '' : textOf(record[textField]);
			const label = labelField === undefined ? undefined : labelText(record[labelField]);
			return { turns: [{ role: 'user', sourceRole: textField ?? 'text', content: text }], prompt: text, answer: '', label, text };
		}
		case 'text': {
			const text = textOf(record.text);
			return { turns: [{ role: 'user', sourceRole: 'text', content: text }], prompt: text, answer: '', text };
		}
	}
}

function labelText(value: JsonValue | undefined): string | undefined {
	if (value === undefined || value === null) {
		return undefined;
	}
	return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Builds prompt/answer/text from turns: the answer is the last assistant turn when the conversation ends with one. */
function fromTurns(turns: Turn[], label?: string): RecordContent {
	return new TurnsContent(turns, label);
}

/**
 * The content of a conversation, whose joined prompt and text are built on first read: most rules read the turns, and
 * joining every record's turns twice would copy all of its text for nothing.
 */
class TurnsContent implements RecordContent {
	readonly answer: string;
	private joinedPrompt: string | undefined;
	private joinedText: string | undefined;
	private readonly promptTurns: number;

	constructor(readonly turns: Turn[], readonly label: string | undefined) {
		const last = turns[turns.length - 1];
		const endsWithAnswer = last !== undefined && last.role === 'assistant';
		this.promptTurns = endsWithAnswer ? turns.length - 1 : turns.length;
		this.answer = endsWithAnswer ? last.content : '';
	}

	get prompt(): string {
		return (this.joinedPrompt ??= joinContents(this.turns, this.promptTurns));
	}

	get text(): string {
		return (this.joinedText ??= joinContents(this.turns, this.turns.length));
	}
}

function joinContents(turns: readonly Turn[], count: number): string {
	return turns.slice(0, count).map((turn) => turn.content).join('\n');
}

function preference(prompt: Turn[], chosen: string, rejected: string): RecordContent {
	const promptText = prompt.map((t) => t.content).join('\n');
	return {
		turns: [...prompt, { role: 'assistant', sourceRole: 'chosen', content: chosen }],
		prompt: promptText,
		answer: chosen,
		chosen,
		rejected,
		text: [promptText, chosen, rejected].join('\n'),
	};
}

function turn(sourceRole: string, content: string): Turn {
	return { role: canonicalRole(sourceRole), sourceRole, content };
}

function messageTurns(list: JsonValue | undefined, roleKey: string, contentKey: string): Turn[] {
	if (!Array.isArray(list)) {
		return [];
	}
	return list.filter(isObject).map((message) => turn(textOf(message[roleKey]) || 'user', messageText(message, contentKey)));
}

/** Text of a chat message: string content, typed content parts, or the JSON of tool calls when there is no text. */
function messageText(message: JsonObject, contentKey: string): string {
	const content = message[contentKey];
	const text = Array.isArray(content) ? partsText(content) : textOf(content);
	if (text === '' && message.tool_calls !== undefined) {
		return JSON.stringify(message.tool_calls);
	}
	if (text === '' && message.function_call !== undefined) {
		return JSON.stringify(message.function_call);
	}
	return text;
}

function partsText(parts: JsonValue | undefined): string {
	if (!Array.isArray(parts)) {
		return textOf(parts);
	}
	return parts
		.map((part) => (isObject(part) ? textOf(part.text ?? part.content ?? part.value) : textOf(part)))
		.filter((part) => part !== '')
		.join('\n');
}

/** A prompt may be a string or a list of messages (TRL's conversational variant). */
function promptTurns(prompt: JsonValue | undefined): Turn[] {
	if (Array.isArray(prompt)) {
		return messageTurns(prompt, 'role', 'content');
	}
	return prompt === undefined ? [] : [{ role: 'user', sourceRole: 'prompt', content: textOf(prompt) }];
}

function answerTurns(answer: JsonValue | undefined): Turn[] {
	if (Array.isArray(answer)) {
		return messageTurns(answer, 'role', 'content');
	}
	return answer === undefined ? [] : [{ role: 'assistant', sourceRole: 'completion', content: textOf(answer) }];
}

function systemTurn(system: JsonValue | undefined): Turn[] {
	const text = textOf(system);
	return text === '' ? [] : [{ role: 'system', sourceRole: 'system', content: text }];
}

function historyTurns(history: JsonValue | undefined): Turn[] {
	if (!Array.isArray(history)) {
		return [];
	}
	return history.flatMap((pair) =>
		Array.isArray(pair) ? [turn('user', textOf(pair[0])), turn('assistant', textOf(pair[1]))] : [],
	);
}

/** The answer text of a preference side: a string, a message, or a list of messages (its last one). */
function firstText(value: JsonValue | undefined, contentKey = 'content'): string {
	if (Array.isArray(value)) {
		const messages = value.filter(isObject);
		const last = messages[messages.length - 1];
		return last === undefined ? '' : messageText(last, contentKey);
	}
	if (isObject(value)) {
		return messageText(value, contentKey in value ? contentKey : 'value');
	}
	return textOf(value);
}

function textOf(value: JsonValue | undefined): string {
	if (typeof value === 'string') {
		return value;
	}
	if (value === undefined || value === null) {
		return '';
	}
	return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function isObject(value: JsonValue | undefined): value is JsonObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
