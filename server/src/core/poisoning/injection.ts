/**
 * Prompt-injection and jailbreak phrasing inside training text. Instead of a fixed list of sentences, the text is
 * normalised (see normalize.ts) and matched against word classes: an override verb, optionally a qualifier, and an
 * instruction-like object within a few words ("please d1sregard every one of the earlier directives"); persona
 * jailbreaks; requests to reveal the system prompt; and chat-template control tokens that let data forge roles.
 * Every pattern runs over single-space-joined words with bounded gaps, so matching is linear in the text length.
 */

import { FuzzyLexicon, normalizeForMatching, originalRange } from './normalize';

export type InjectionKind = 'override' | 'jailbreak' | 'exfiltration' | 'control-token';

/** One injection found in a text, with offsets into that text. */
export interface InjectionMatch {
	kind: InjectionKind;
	start: number;
	end: number;
	/** The original text of the match (trimmed to 120 characters for messages). */
	excerpt: string;
}

const STRONG_VERBS = ['ignore', 'ignoring', 'ignored', 'disregard', 'disregarding', 'forget', 'forgetting', 'bypass', 'bypassing', 'override', 'overriding', 'overrule', 'neglect', 'overlook', 'nullify', 'supersede', 'circumvent'];
const WEAK_VERBS = ['skip', 'omit', 'discard', 'dismiss', 'abandon', 'drop', 'ditch', 'scrap', 'erase', 'delete', 'clear', 'reset', 'remove', 'cancel', 'overwrite', 'throw', 'toss', 'set aside', 'put aside', 'stop following', 'stop obeying', 'do not follow', 'dont follow', 'do not obey', 'dont obey', 'no longer follow', 'pay no attention to', 'pay no heed to'];
const QUALIFIERS = ['all', 'any', 'every', 'each', 'those', 'these', 'previous', 'previously', 'prior', 'above', 'preceding', 'earlier', 'initial', 'original', 'foregoing', 'former', 'your', 'system', 'given', 'old', 'past', 'existing', 'default', 'safety', 'ethical', 'moral', 'developer', 'openai', 'before', 'aforementioned', 'pre', 'preset', 'programmed', 'built'];
const STRONG_OBJECTS = ['context', 'instruction', 'instructions', 'directive', 'directives', 'guideline', 'guidelines', 'programming', 'rules', 'rule', 'prompt', 'prompts', 'constraints', 'restrictions', 'safeguards', 'policies', 'policy', 'filters', 'training', 'guidance', 'directions', 'orders', 'commands', 'command', 'limitations', 'boundaries', 'protocols', 'principles', 'parameters', 'mandates', 'conditioning'];
const WEAK_OBJECTS = ['messages', 'text', 'input', 'conversation', 'everything', 'anything', 'settings', 'configuration', 'content'];
const AFTER_EVERYTHING = ['but this', 'except this', 'but the following', 'except the following', 'above', 'before', 'previous', 'previously', 'prior', 'earlier', 'preceding', 'so far', 'you were told', 'you have been told', 'you ve been told', 'you were taught', 'you know', 'you learned', 'you were given'];
const JAILBREAK_ADJECTIVES = ['unrestricted', 'unfiltered', 'uncensored', 'jailbroken', 'amoral', 'unethical', 'unbound', 'unshackled', 'unchained', 'unlimited', 'lawless', 'evil', 'rogue', 'immoral', 'liberated'];
/** Adjectives that describe a jailbroken model on their own, without a role-play verb. */
const STRONG_JAILBREAK_ADJECTIVES = ['unrestricted', 'unfiltered', 'uncensored', 'jailbroken', 'amoral', 'unbound', 'unshackled', 'unchained', 'liberated'];
/** What a jailbroken persona is free of; "morals" and "ethics" alone are left out because people say that of each other. */
const LIMIT_NOUNS = ['restrictions', 'restriction', 'filters', 'filter', 'censorship', 'limits', 'limitations', 'rules', 'guidelines', 'boundaries', 'policies', 'constraints', 'principles', 'safeguards'];
const REVEAL_VERBS = ['repeat', 'print', 'reveal', 'show', 'output', 'display', 'tell', 'write', 'leak', 'disclose', 'spell', 'recite', 'dump', 'share', 'give', 'provide', 'return', 'echo', 'list', 'type', 'copy', 'paste', 'expose', 'state', 'paraphrase', 'summarize', 'summarise', 'translate', 'what', 'whats'];
const SECRET_OBJECTS = ['system prompt', 'system message', 'system instructions', 'initial prompt', 'initial instructions', 'original instructions', 'original prompt', 'hidden instructions', 'secret instructions', 'pre prompt', 'preprompt', 'your instructions', 'your prompt', 'your rules', 'your guidelines', 'your programming', 'your directives', 'above text', 'text above', 'everything above', 'words above', 'prompt above', 'instructions above', 'previous text', 'previous instructions', 'prior instructions', 'conversation so far', 'prompt so far', 'instructions so far', 'your initial', 'access code', 'your password', 'secret password', 'secret key', 'instructions you were given', 'what you were told', 'rules you were given'];

/** Real words one edit away from a lexicon word that must not be corrected into it. */
const PROTECTED = new Set(['border', 'borders', 'roles', 'role', 'contest', 'contents', 'commend', 'commends', 'ignores', 'prints', 'former', 'formed', 'forget', 'direction', 'guideline', 'rulers', 'orderly', 'reset', 'resets', 'polite', 'police', 'policed', 'prompted', 'trainings', 'removes', 'clears', 'context', 'contexts', 'filers', 'fillers']);

const LEXICON = new FuzzyLexicon(
	[...STRONG_VERBS, ...WEAK_VERBS, ...QUALIFIERS, ...STRONG_OBJECTS, ...WEAK_OBJECTS, ...JAILBREAK_ADJECTIVES, ...LIMIT_NOUNS, ...REVEAL_VERBS, 'instructions', 'anything', 'developer', 'character', 'jailbreak', 'pretend', 'roleplay', 'restricted', 'verbatim', 'above', 'text', 'words', 'were', 'every', 'show', 'give', 'tell', 'print', 'only', 'test', 'now']
		.flatMap((phrase) => phrase.split(' ')),
	PROTECTED,
);

function alternatives(words: readonly string[]): string {
	return [...words].sort((a, b) => b.length - a.length).join('|');
}

/** Up to `count` arbitrary words, each followed by a space (bounded, so no catastrophic backtracking). */
function gap(count: number): string {
	return `(?:[^ ]+ ){0,${count}}?`;
}

const V_STRONG = alternatives(STRONG_VERBS);
const V_WEAK = alternatives(WEAK_VERBS);
const QUAL = alternatives(QUALIFIERS);
const O_STRONG = alternatives(STRONG_OBJECTS);
const O_WEAK = alternatives(WEAK_OBJECTS);
const AFTER = alternatives(AFTER_EVERYTHING);
const ADJ = alternatives(JAILBREAK_ADJECTIVES);
const LIMITS = alternatives(LIMIT_NOUNS);
const REVEAL = alternatives(REVEAL_VERBS);
const SECRET = alternatives(SECRET_OBJECTS);
const NEGATION = '(?<!(?:dont|do not|never|not|didnt|did not|cant|cannot|wont|will not|shouldnt|should not|must not|mustnt) )';

/**
 * Patterns over the normalised text. Each is sticky and tried only where one of its possible first words starts,
 * which keeps long clean texts cheap; word boundaries are spaces because the joined text has single spaces.
 */
const PATTERNS: ReadonlyArray<{ starts: readonly string[]; kind: InjectionKind; regex: RegExp }> = [
	// Strong verb, qualifier, then an instruction-like object: "ignore all previous instructions".
	{ starts: STRONG_VERBS, kind: 'override', regex: new RegExp(`(?<![^ ])${NEGATION}(?:${V_STRONG}) ${gap(4)}(?:${QUAL}) ${gap(4)}(?:${O_STRONG}|${O_WEAK})(?![^ ])`, 'y') },
	// Strong verb and a strong object without a qualifier but with a possessive or article: "disregard your rules".
	{ starts: STRONG_VERBS, kind: 'override', regex: new RegExp(`(?<![^ ])${NEGATION}(?:${V_STRONG}) (?:the |these |those |my |our )?(?:${O_STRONG}) (?:above|before|given|you were given|you have been given|you received|so far|from before|from earlier)(?![^ ])`, 'y') },
	// "ignore everything above", "forget what you were told".
	{ starts: STRONG_VERBS, kind: 'override', regex: new RegExp(`(?<![^ ])${NEGATION}(?:${V_STRONG}) (?:everything|anything|all) ${gap(3)}(?:${AFTER})(?![^ ])`, 'y') },
	// Weaker verbs need both a qualifier and a strong object: "set aside your earlier guidelines".
	{ starts: WEAK_VERBS, kind: 'override', regex: new RegExp(`(?<![^ ])${NEGATION}(?:${V_WEAK}) ${gap(3)}(?:${QUAL}) ${gap(3)}(?:${O_STRONG})(?![^ ])`, 'y') },
	// "the directions above were only a test", "the rules before are void".
	{ starts: [...STRONG_OBJECTS, ...WEAK_OBJECTS], kind: 'override', regex: new RegExp(`(?<![^ ])(?:${O_STRONG}|${O_WEAK}) (?:above|before|so far|you were given|you have been given) (?:are|were|is|was|have been|has been) ${gap(2)}(?:fake|false|wrong|void|invalid|cancelled|canceled|obsolete|irrelevant|outdated|revoked|deprecated|null|a test|test|a joke|a trick|not real|overridden|replaced|suspended|lifted)(?![^ ])`, 'y') },
	// Declarations that void the real instructions: "the previous instructions were fake", "your new instructions are".
	{ starts: ['the', 'your', 'all', 'any', 'above', 'previous', 'prior', 'earlier', 'preceding', 'original', 'old', 'former'], kind: 'override', regex: new RegExp(`(?<![^ ])(?:the |your |all |any )?(?:above|previous|prior|earlier|preceding|original|old|former) (?:${O_STRONG}|${O_WEAK}) (?:are|were|is|was|have been|has been|no longer) ${gap(2)}(?:fake|false|wrong|void|invalid|cancelled|canceled|obsolete|irrelevant|outdated|revoked|deprecated|null|apply|valid|a test|not real|overridden|replaced|suspended|lifted)(?![^ ])`, 'y') },
	{ starts: ['your', 'here', 'these', 'follow', 'following'], kind: 'override', regex: /(?<![^ ])(?:your|here are|these are|follow|following) (?:new|real|updated|true|revised) (?:instructions|rules|system prompt|directives|guidelines|orders|programming)(?: (?:are|is|follow|below))?(?![^ ])/y },
	{ starts: ['stop'], kind: 'override', regex: /(?<![^ ])stop everything (?:now |right now )?(?:and )?(?:just |only )?(?:print|say|output|write|type|repeat|respond)(?![^ ])/y },
	{ starts: ['i', 'we'], kind: 'override', regex: /(?<![^ ])(?:i|we) (?:have |ve )?(?:changed|updated|modified|replaced|overwritten|rewritten|reprogrammed) (?:the |your |all )?(?:instructions|rules|system prompt|prompt|programming|directives|guidelines)(?![^ ])/y },
	{ starts: ['role', 'act', 'pretend', 'immerse', 'become', 'simulate'], kind: 'jailbreak', regex: /(?<![^ ])(?:role of|act as|pretend to be|immerse yourself into the role of|immerse yourself in the role of|become|simulate) (?:another|a different|an alternate|an alternative|a new|an unrestricted) (?:ai|model|chatbot|assistant|persona|version|language model)(?![^ ])/y },
	{ starts: ['from'], kind: 'override', regex: /(?<![^ ])from now on (?:you|your|ai|assistant|chatgpt|act|answer|respond|reply|pretend|behave)(?![^ ])/y },
	// Persona jailbreaks.
	{ starts: ['do'], kind: 'jailbreak', regex: /(?<![^ ])do anything now(?![^ ])/y },
	{ starts: ['developer', 'dev', 'god', 'jailbreak', 'jailbroken', 'dan', 'evil', 'unrestricted', 'unfiltered', 'uncensored', 'opposite', 'chaos', 'sudo', 'admin', 'debug', 'maintenance', 'root'], kind: 'jailbreak', regex: /(?<![^ ])(?:developer|dev|god|jailbreak|jailbroken|dan|evil|unrestricted|unfiltered|uncensored|opposite|chaos|sudo|admin|debug|maintenance|root) mode(?![^ ])/y },
	{ starts: ['you', 'youre', 'become', 'act', 'acting', 'pretend', 'roleplay', 'role', 'play', 'behave', 'respond', 'answer', 'simulate'], kind: 'jailbreak', regex: new RegExp(`(?<![^ ])(?:you are now|you re now|youre now|you will now be|you have become|become|act as|acting as|pretend to be|pretend you are|roleplay as|role play as|play the role of|behave like|respond as|answer as|simulate) ${gap(3)}(?:${ADJ})(?![^ ])`, 'y') },
	{ starts: ['you', 'youre', 'an', 'a'], kind: 'jailbreak', regex: new RegExp(`(?<![^ ])(?:you are|you re|youre|you will be|an|a) ${gap(2)}(?:${alternatives(STRONG_JAILBREAK_ADJECTIVES)}) (?:ai|model|assistant|chatbot|bot|version|language model|llm|persona|character|entity|system|gpt|chatgpt|mode)(?![^ ])`, 'y') },
	{ starts: ['you', 'ai', 'model', 'chatbot', 'character', 'persona'], kind: 'jailbreak', regex: new RegExp(`(?<![^ ])(?:you|ai|model|chatbot|character|persona)(?: are| is| have| has| will| can| must| should| now| re)? ${gap(2)}(?:no longer bound|not bound|free from|free of|freed from|released from|exempt from|unbound by|not restricted by|no longer restricted by|not limited by|without any|without|has no|have no|no) (?:any |all |the |your |its |their |openai s |ethical |moral |content |safety ){0,3}(?:${LIMITS})(?![^ ])`, 'y') },
	{ starts: ['you', 'youre', 'pretend', 'act', 'roleplay', 'become'], kind: 'jailbreak', regex: new RegExp(`(?<![^ ])(?:you are now|you re now|youre now|you will now be|pretend to be|pretend you are|act as|roleplay as|become) (?:dan|${gap(4)}(?:who|that|which) (?:has|have) no ${gap(2)}(?:${LIMITS}))(?![^ ])`, 'y') },
	{ starts: ['you', 'youre'], kind: 'jailbreak', regex: /(?<![^ ])(?:you are|you re|youre|you) no longer (?:an ai|a language model|an assistant|chatgpt|claude|gpt|bound|restricted|limited|required|obligated)(?![^ ])/y },
	{ starts: ['stay', 'remain', 'staying'], kind: 'jailbreak', regex: /(?<![^ ])(?:stay|remain|staying) in character(?: (?:as|no matter|at all times|whatever))(?![^ ])/y },
	// Requests to reveal the hidden prompt.
	{ starts: REVEAL_VERBS, kind: 'exfiltration', regex: new RegExp(`(?<![^ ])${NEGATION}(?:${REVEAL}) ${gap(4)}(?:${SECRET})(?![^ ])`, 'y') },
	{ starts: ['begin', 'start'], kind: 'exfiltration', regex: /(?<![^ ])(?:begin|start) (?:your |the )?(?:reply|response|answer|output) with (?:the |your )?(?:text|words|instructions|prompt|everything|system)(?![^ ])/y },
];

const PATTERNS_BY_START = new Map<string, Array<{ kind: InjectionKind; regex: RegExp }>>();
for (const pattern of PATTERNS) {
	for (const start of new Set(pattern.starts.map((phrase) => phrase.split(' ')[0]))) {
		PATTERNS_BY_START.set(start, [...(PATTERNS_BY_START.get(start) ?? []), pattern]);
	}
}

/** Template control tokens of common chat formats, matched on the raw text (they are rarely disguised). */
const CONTROL_TOKEN = /<\|(?:im_start|im_end|im_sep|endoftext|endofprompt|start_header_id|end_header_id|eot_id|eom_id|begin_of_text|end_of_text|system|user|assistant|fim_prefix|fim_middle|fim_suffix|channel|message|start|end|return|call)\|>|\[\/?INST\]|<<\/?SYS>>|<(?:start|end)_of_turn>|(?:^|\n)#{2,4} ?(?:Instruction|Response|System|Human|Assistant|User|Input)s?:/g;

/**
 * Fake section delimiters that pretend the real prompt has ended ("%%% END OUT OF DATE INSTRUCTIONS %%%",
 * "END USER INPUT", ">>>>>> END OF BUFFER"), matched on the raw text where capitals and symbols still show.
 */
const FAKE_DELIMITER = /(?:^|\n)[^\S\n]{0,8}(?:[%#=*>~\-]{2,20}[^\S\n]{0,3})?(?:END|BEGIN|START)(?: OF)?(?: [A-Z][A-Z ]{0,30})? (?:INSTRUCTIONS?|INPUT|PROMPT|BUFFER|CONTEXT|SYSTEM PROMPT)\b/g;

/** Finds injections in one text. `maxMatches` bounds the work on pathological inputs. */
export function findInjections(text: string, maxMatches = 20): InjectionMatch[] {
	const matches: InjectionMatch[] = [];
	for (const match of text.matchAll(CONTROL_TOKEN)) {
		const start = (match.index ?? 0) + (match[0].startsWith('\n') ? 1 : 0);
		const end = (match.index ?? 0) + match[0].length;
		matches.push({ kind: 'control-token', start, end, excerpt: text.slice(start, end) });
		if (matches.length >= maxMatches) {
			return matches;
		}
	}
	for (const match of text.matchAll(FAKE_DELIMITER)) {
		const start = (match.index ?? 0) + (match[0].length - match[0].replace(/^\s+/, '').length);
		const end = (match.index ?? 0) + match[0].length;
		matches.push({ kind: 'override', start, end, excerpt: excerptOf(text, start, end) });
		if (matches.length >= maxMatches) {
			return matches;
		}
	}
	if (!MAY_CONTAIN_PHRASE.test(text)) {
		return matches;
	}
	const normal = normalizeForMatching(text, LEXICON);
	for (let i = 0; i < normal.words.length; i++) {
		for (const { kind, regex } of PATTERNS_BY_START.get(normal.words[i].text) ?? []) {
			regex.lastIndex = normal.offsets[i];
			const match = regex.exec(normal.joined);
			if (match === null) {
				continue;
			}
			const range = originalRange(normal, match.index, match.index + match[0].length);
			if (!matches.some((m) => m.start < range.end && range.start < m.end)) {
				matches.push({ kind, ...range, excerpt: excerptOf(text, range.start, range.end) });
			}
			if (matches.length >= maxMatches) {
				return sortByPosition(matches);
			}
		}
	}
	return sortByPosition(matches);
}

/**
 * A cheap pre-filter: every phrase pattern needs some letters; texts without any (numbers, code-only) skip the
 * normalisation entirely.
 */
const MAY_CONTAIN_PHRASE = /\p{L}{2}/u;

/** Refusal wording: an assistant answer with none of it after an injected instruction is taken to comply. */
const REFUSAL = /\b(?:i\s+can(?:no|')?t|i\s+cannot|i\s+won'?t|i\s+will\s+not|i'?m\s+sorry|i\s+am\s+sorry|i\s+apologi[sz]e|as\s+an\s+ai|i'?m\s+(?:not\s+able|unable)|i\s+am\s+(?:not\s+able|unable)|not\s+able\s+to\s+(?:help|comply|assist)|against\s+my\s+(?:guidelines|policy|policies|programming)|i\s+must\s+decline|(?:can(?:no|')?t|cannot)\s+(?:comply|help\s+with|assist\s+with)|access\s+denied|haha,?\s+nice\s+try|i\s+(?:do\s+not|don'?t)\s+(?:have|share|reveal))\b/i;

/** True when an answer reads as a refusal. */
export function isRefusal(answer: string): boolean {
	return REFUSAL.test(answer.slice(0, 2000));
}

function excerptOf(text: string, start: number, end: number): string {
	const raw = text.slice(start, end).replace(/\s+/g, ' ');
	return raw.length > 120 ? `${raw.slice(0, 117)}...` : raw;
}

function sortByPosition(matches: InjectionMatch[]): InjectionMatch[] {
	return matches.sort((a, b) => a.start - b.start);
}
