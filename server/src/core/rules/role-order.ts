import { canonicalRole, type Turn } from '../content';
import { spanOf } from '../jsonLocate';
import { valueFedLines, type FileFindingDraft, type FileRule, type LineInput } from '../rule';
import type { DatasetFormat, JsonObject, JsonValue } from '../types';

/** A role problem at message `index` of the conversation list. */
interface RoleProblem {
	index: number;
	message: string;
	severity?: 'error' | 'warning' | 'info';
}

/** Where each conversational format keeps its turns (a path of keys) and how it names the role. */
const CONVERSATION_FIELDS: Partial<Record<DatasetFormat, { list: string[]; role: string }>> = {
	'openai-chat': { list: ['messages'], role: 'role' },
	'unpaired-preference': { list: ['messages'], role: 'role' },
	'openai-preference': { list: ['input', 'messages'], role: 'role' },
	sharegpt: { list: ['conversations'], role: 'from' },
	'sharegpt-preference': { list: ['conversations'], role: 'from' },
	'vertex-gemini': { list: ['contents'], role: 'role' },
};

/** Preference formats keep the answers beside the conversation, which therefore ends with the user's turn. */
const ANSWERS_BESIDE: Partial<Record<DatasetFormat, string>> = {
	'openai-preference': 'preferred_output and non_preferred_output',
	'sharegpt-preference': 'chosen and rejected',
};

/**
 * TRL's conversational variants keep message lists in the fields of its flat formats: the prompt holds the
 * conversation so far (it ends with the user) and each answer field holds the assistant's turns. Without a prompt,
 * a preference pair's chosen and rejected are whole conversations (TRL's implicit-prompt preference).
 */
const TRL_PROMPT_FORMATS: ReadonlySet<DatasetFormat> = new Set(['prompt-completion', 'trl-preference', 'unpaired-preference', 'prompt-only']);
const TRL_ANSWER_FIELDS = ['completion', 'chosen', 'rejected'] as const;

/**
 * Per-format role rules: one system message and only first, a user turn before the first answer, alternation,
 * the last turn an assistant's for supervised fine-tuning (or a user's for RFT with `lastRole: "user"`), tool
 * results that answer a prior tool call, and ShareGPT's odd/even positions. TRL's conversational prompt and answer
 * lists are checked too. A record without a system message in a file where most records have one is reported too,
 * as information.
 */
export const roleOrder: FileRule = {
	kind: 'file',
	id: 'role-order',
	category: 'format',
	description: 'Conversation turns in an order trainers reject or learn badly: misplaced system message, no user turn, not alternating, not ending with the assistant.',
	defaultSeverity: 'error',
	start(options) {
		const lastRole = options.string('lastRole', 'assistant');
		const systemShare = options.number('missingSystemShare', 0.5);
		const memoKey = `role-order:${lastRole}`;
		const findings: FileFindingDraft[] = [];
		const withoutSystem: Array<{ line: number; length: number }> = [];
		let conversations = 0;
		let withSystem = 0;
		const take = (value: RoleLine | undefined, line: number): void => {
			if (value === undefined) {
				return;
			}
			for (const problem of value.problems) {
				findings.push({
					message: problem.message,
					range: { line, column: problem.column, endLine: line, endColumn: problem.endColumn },
					...(problem.severity === undefined ? {} : { severity: problem.severity }),
					data: { index: problem.index },
				});
			}
			if (!value.conversation) {
				return;
			}
			conversations++;
			if (value.hasSystem) {
				withSystem++;
			} else if (withoutSystem.length < 5000) {
				withoutSystem.push({ line, length: value.length });
			}
		};
		const lineValue = (entry: LineInput): RoleLine | undefined => entry.memo(memoKey, () => roleLineOf(entry, lastRole));
		return {
			...valueFedLines(lineValue, take),
			finish() {
				if (conversations > 0 && withSystem / conversations >= systemShare) {
					for (const { line, length } of withoutSystem) {
						findings.push({
							message: `No system message, while ${withSystem} of ${conversations} conversations have one: the model sees two different setups.`,
							range: { line, column: 0, endLine: line, endColumn: length },
							severity: 'info',
							data: { withSystem, conversations },
						});
					}
				}
				return findings;
			},
		};
	},
};

/** Role problems of TRL's conversational prompt-completion, preference and prompt-only records. */
function trlProblems(entry: LineInput): Array<{ path: string[]; problem: RoleProblem }> {
	const format = entry.match?.format;
	const record = entry.record;
	if (format === undefined || record === undefined || !TRL_PROMPT_FORMATS.has(format)) {
		return [];
	}
	const found: Array<{ path: string[]; problem: RoleProblem }> = [];
	const prompt = record.prompt;
	if (isMessageList(prompt)) {
		const roles = prompt.map((message) => roleOf(message, 'role'));
		for (const problem of checkConversation(format, prompt, roles, 'user')) {
			found.push({ path: ['prompt'], problem: problem.index === prompt.length - 1 && problem.message.startsWith('The conversation ends with') ? continuedPrompt(problem.index, roles[problem.index]) : problem });
		}
	}
	for (const field of TRL_ANSWER_FIELDS) {
		const answer = record[field];
		if (!isMessageList(answer)) {
			continue;
		}
		const roles = answer.map((message) => roleOf(message, 'role'));
		if (prompt === undefined && format === 'trl-preference') {
			// Implicit prompt: each answer is the whole conversation, ending with the assistant's turn.
			found.push(...checkConversation(format, answer, roles, 'assistant').map((problem) => ({ path: [field], problem })));
			continue;
		}
		const misplaced = roles.findIndex((role) => role !== undefined && canonicalRole(role) !== 'assistant' && canonicalRole(role) !== 'tool');
		if (misplaced >= 0) {
			found.push({ path: [field], problem: { index: misplaced, message: `A ${roles[misplaced]} turn in ${field}: it holds the assistant's answer, so the question belongs in prompt.` } });
		}
	}
	return found;
}

/**
 * TRL continues a prompt that ends with a non-user turn (continue_final_message) instead of answering it: legal,
 * but rarely what a fine-tune wants, so a warning.
 */
function continuedPrompt(index: number, role: string | undefined): RoleProblem {
	return { index, message: `The prompt ends with ${role ?? 'a turn without a role'}, not the user: TRL will continue that turn rather than answer it.`, severity: 'warning' };
}

/** TRL's conversational test: a list whose first element is an object with a role. */
function isMessageList(value: JsonValue | undefined): value is JsonValue[] {
	return Array.isArray(value) && value.length > 0 && roleOf(value[0], 'role') !== undefined;
}

/** What the rule needs of one line, computed once per line text: its role problems, located, and its system message. */
interface RoleLine {
	problems: LocatedProblem[];
	/** Whether the record is a conversation of its format (only those count towards the system-message share). */
	conversation: boolean;
	hasSystem: boolean;
	/** The line's length, for the range of a missing-system finding. */
	length: number;
}

interface LocatedProblem extends RoleProblem {
	column: number;
	endColumn: number;
}

/** The role problems and system message of a line; undefined for a line with neither problems nor a conversation. */
function roleLineOf(entry: LineInput, lastRole: string): RoleLine | undefined {
	const problems = trlProblems(entry).map(({ path, problem }) => locate(entry, path, problem));
	const fields = entry.match?.format === undefined ? undefined : CONVERSATION_FIELDS[entry.match.format];
	const list = fields === undefined || entry.record === undefined ? undefined : valueAt(entry.record, fields.list);
	if (fields === undefined || !Array.isArray(list)) {
		return problems.length === 0 ? undefined : { problems, conversation: false, hasSystem: false, length: entry.parsed.text.length };
	}
	const roles = list.map((message) => roleOf(message, fields.role));
	const hasSystem = roles.some((role) => role !== undefined && canonicalRole(role) === 'system') || typeof entry.record?.system === 'string' || entry.record?.systemInstruction !== undefined;
	for (const problem of checkConversation(entry.match?.format, list, roles, lastRole)) {
		problems.push(locate(entry, fields.list, problem));
	}
	return { problems, conversation: true, hasSystem, length: entry.parsed.text.length };
}

function locate(entry: LineInput, listPath: readonly string[], problem: RoleProblem): LocatedProblem {
	const span = spanOf(entry.parsed.text, [...listPath, problem.index]);
	return { ...problem, column: span.start, endColumn: span.end };
}

function roleOf(message: JsonValue, roleKey: string): string | undefined {
	if (typeof message !== 'object' || message === null || Array.isArray(message)) {
		return undefined;
	}
	const role = message[roleKey];
	return typeof role === 'string' ? role : undefined;
}

function checkConversation(format: DatasetFormat | undefined, list: JsonValue[], roles: Array<string | undefined>, lastRole: string): RoleProblem[] {
	const problems: RoleProblem[] = [];
	const canonical: Array<Turn['role'] | undefined> = roles.map((role) => (role === undefined ? undefined : canonicalRole(role)));
	if (list.length === 0) {
		return [];
	}
	canonical.forEach((role, index) => {
		if (role === 'system' && index > 0) {
			problems.push({ index, message: 'A system message after the first turn: put one system message first (several trainers reject this).' });
		}
	});
	const firstTurn = canonical.findIndex((role) => role !== 'system');
	if (!canonical.includes('user')) {
		problems.push({ index: Math.max(firstTurn, 0), message: 'No user message: the model would learn answers without questions.' });
	} else if (firstTurn >= 0 && canonical[firstTurn] !== 'user') {
		problems.push({ index: firstTurn, message: `The conversation starts with ${roles[firstTurn]} instead of a user turn.`, severity: 'warning' });
	}
	// In preference records the answers live beside the conversation, and in reinforcement fine-tuning the model
	// writes the answer, so both conversations end with the user and need no assistant turn.
	const answersBeside = format === undefined ? undefined : ANSWERS_BESIDE[format];
	const answered = answersBeside === undefined && lastRole !== 'user';
	if (answered && !canonical.includes('assistant')) {
		problems.push({ index: list.length - 1, message: 'No assistant message: this example has nothing to train on.' });
	}
	const last = canonical[list.length - 1];
	const wantedLast = answered ? 'assistant' : 'user';
	if (last !== undefined && last !== wantedLast && (canonical.includes('assistant') || !answered)) {
		const reason = answered ? 'the assistant\'s answer (it is what is trained)' : answersBeside !== undefined ? `a user turn (the answers are in ${answersBeside})` : 'a user turn for reinforcement fine-tuning';
		problems.push({ index: list.length - 1, message: `The conversation ends with ${roles[list.length - 1]}; the last turn must be ${reason}.` });
	}
	for (let index = 1; index < canonical.length; index++) {
		const role = canonical[index];
		if ((role === 'user' || role === 'assistant') && role === canonical[index - 1] && !hasToolCalls(list[index - 1])) {
			problems.push({ index, message: `Two ${role} turns in a row: turns should alternate between user and assistant.`, severity: 'warning' });
		}
	}
	problems.push(...toolProblems(list, canonical));
	if (format === 'sharegpt' || format === 'sharegpt-preference') {
		// A turn already reported (say, two human turns in a row) is not reported again for its position.
		problems.push(...shareGptPositions(roles).filter((problem) => !problems.some((known) => known.index === problem.index)));
	}
	return problems;
}

function hasToolCalls(message: JsonValue | undefined): boolean {
	return typeof message === 'object' && message !== null && !Array.isArray(message) && (message.tool_calls !== undefined || message.function_call !== undefined);
}

/** A `tool` message must answer a tool call made by an earlier assistant message, by `tool_call_id`. */
function toolProblems(list: JsonValue[], canonical: Array<Turn['role'] | undefined>): RoleProblem[] {
	const problems: RoleProblem[] = [];
	const callIds = new Set<string>();
	let anyCall = false;
	list.forEach((message, index) => {
		if (typeof message !== 'object' || message === null || Array.isArray(message)) {
			return;
		}
		if (Array.isArray(message.tool_calls)) {
			anyCall = true;
			for (const call of message.tool_calls) {
				const id = (call as JsonObject | null)?.id;
				if (typeof id === 'string') {
					callIds.add(id);
				}
			}
		}
		if (message.function_call !== undefined || message.from === 'function_call') {
			anyCall = true;
		}
		if (canonical[index] !== 'tool') {
			return;
		}
		const id = message.tool_call_id;
		if (!anyCall) {
			problems.push({ index, message: 'A tool result with no earlier tool call to answer.' });
		} else if (typeof id === 'string' && !callIds.has(id)) {
			problems.push({ index, message: `tool_call_id "${id}" matches no earlier tool call in this conversation.` });
		}
	});
	return problems;
}

/** LLaMA-Factory's ShareGPT rule: human/observation at odd positions, gpt/function_call at even positions (after an optional system turn). */
function shareGptPositions(roles: Array<string | undefined>): RoleProblem[] {
	const problems: RoleProblem[] = [];
	const offset = roles[0] === 'system' ? 1 : 0;
	for (let index = offset; index < roles.length; index++) {
		const role = roles[index];
		const odd = (index - offset) % 2 === 0;
		const expected = odd ? ['human', 'observation'] : ['gpt', 'function_call'];
		if (role !== undefined && role !== 'system' && !expected.includes(role)) {
			problems.push({ index, message: `"${role}" at position ${index - offset + 1}: ShareGPT expects ${expected.join(' or ')} there.`, severity: 'warning' });
			break;
		}
	}
	return problems;
}

function valueAt(record: JsonObject, path: readonly string[]): JsonValue | undefined {
	let value: JsonValue | undefined = record;
	for (const key of path) {
		value = typeof value === 'object' && value !== null && !Array.isArray(value) ? value[key] : undefined;
	}
	return value;
}
