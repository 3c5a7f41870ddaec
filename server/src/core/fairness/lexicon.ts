/**
 * The identity-term lexicon: its shape, the built-in copy shipped in server/lexicons/, validation of user lexicons and the
 * merge of a user lexicon into the built-in one. Pure: adapters read the user's file and pass its text in.
 */
import builtInJson from '../../../lexicons/identity-terms.json';

/** One identity term: synonymous surface forms that play the same grammatical role. */
export interface LexiconTerm {
	/** Lower-case words; a space inside a form matches any run of spaces or hyphens. */
	forms: string[];
	/**
	 * `true` when the word is often not about people ("white", "old"): it counts only when followed by a person noun or another
	 * identity term. `"always"` when no context settles it ("they" is mostly plural, "guys" often addresses anyone): it is
	 * always counted separately as ambiguous.
	 */
	ambiguous?: boolean | 'always';
	/**
	 * Grammatical role ("adjective", "plural", "subject", ...) used to pick the counterpart form in counterfactual swaps;
	 * several roles are separated by "|" ("her": "object|possessive").
	 */
	slot?: string;
}

/** A group within an axis, e.g. `muslim` in `religion`. */
export interface LexiconGroup {
	id: string;
	terms: LexiconTerm[];
}

/** A demographic axis, e.g. `gender` or `religion`; groups on one axis are compared with each other. */
export interface LexiconAxis {
	id: string;
	description?: string;
	groups: LexiconGroup[];
}

/** A complete lexicon as the matcher uses it. */
export interface Lexicon {
	name?: string;
	axes: LexiconAxis[];
	/** Words that, right after an ambiguous term, make it a mention of people ("black women", "old man"). */
	personNouns: string[];
	/** Phrases that contain an identity word but are not about people ("white house"); they are never mentions. */
	nonIdentityPhrases: string[];
}

/** What a user lexicon file may contain on top of a {@link Lexicon}. */
export interface UserLexicon extends Partial<Lexicon> {
	/** `extend` (default) merges into the built-in lexicon; `replace` uses the user lexicon alone. */
	mode?: 'extend' | 'replace';
	/** Forms removed from the result, e.g. `["english"]` for a translation dataset. */
	excludeForms?: string[];
}

/** The result of loading a user lexicon: the lexicon in force, and the error that made us fall back to the built-in one. */
export interface LexiconResolution {
	lexicon: Lexicon;
	/** Set when the user lexicon was empty or malformed; the built-in lexicon is then in force. */
	error?: string;
}

/** The lexicon shipped with Tunelint (CC BY-SA 4.0, see server/lexicons/LICENSE.md). */
export const BUILT_IN_LEXICON: Lexicon = builtInJson as Lexicon;

/**
 * Validates a user lexicon (the file's text or its parsed JSON) and returns the lexicon in force: the built-in one merged with
 * the user's (`mode: 'extend'`), the user's alone (`mode: 'replace'`), or the built-in one with an error naming `source` and the
 * problem when the file is empty or malformed.
 */
export function resolveLexicon(content: unknown, source: string, base: Lexicon = BUILT_IN_LEXICON): LexiconResolution {
	let value = content;
	if (typeof content === 'string') {
		if (content.trim() === '') {
			return { lexicon: base, error: `lexicon file ${source} is empty; the built-in lexicon is used` };
		}
		try {
			value = JSON.parse(content);
		} catch (error) {
			const reason = error instanceof Error ? error.message : String(error);
			return { lexicon: base, error: `lexicon file ${source} is not valid JSON (${reason}); the built-in lexicon is used` };
		}
	}
	const problem = findLexiconProblem(value);
	if (problem !== undefined) {
		return { lexicon: base, error: `lexicon file ${source}: ${problem}; the built-in lexicon is used` };
	}
	const user = value as UserLexicon;
	const merged = user.mode === 'replace' ? replacementLexicon(user) : mergeLexicons(base, user);
	const excluded = new Set((user.excludeForms ?? []).map(normalizeForm));
	const lexicon = excluded.size === 0 ? merged : withoutForms(merged, excluded);
	if (lexicon.axes.every((axis) => axis.groups.every((group) => group.terms.length === 0))) {
		return { lexicon: base, error: `lexicon file ${source} leaves no identity terms; the built-in lexicon is used` };
	}
	return { lexicon };
}

/**
 * Returns a description of the first structural problem of a user lexicon (with a JSON path such as
 * `axes[1].groups[0].terms[2].forms`), or undefined when it is well formed.
 */
export function findLexiconProblem(value: unknown): string | undefined {
	if (!isPlainObject(value)) {
		return 'the top level must be a JSON object';
	}
	if (value.mode !== undefined && value.mode !== 'extend' && value.mode !== 'replace') {
		return `mode must be "extend" or "replace", not ${JSON.stringify(value.mode)}`;
	}
	for (const key of ['personNouns', 'nonIdentityPhrases', 'excludeForms'] as const) {
		if (value[key] !== undefined && !isStringArray(value[key])) {
			return `${key} must be an array of strings`;
		}
	}
	if (value.axes === undefined) {
		if (value.mode === 'replace') {
			return 'a lexicon with mode "replace" needs an "axes" array';
		}
		const hasContent = ['personNouns', 'nonIdentityPhrases', 'excludeForms'].some((key) => Array.isArray(value[key]));
		return hasContent ? undefined : 'no "axes", "personNouns", "nonIdentityPhrases" or "excludeForms" found';
	}
	if (!Array.isArray(value.axes)) {
		return 'axes must be an array';
	}
	for (const [axisIndex, axis] of value.axes.entries()) {
		const axisPath = `axes[${axisIndex}]`;
		if (!isPlainObject(axis) || !isIdentifier(axis.id)) {
			return `${axisPath}.id must be a non-empty string`;
		}
		if (!Array.isArray(axis.groups)) {
			return `${axisPath}.groups must be an array`;
		}
		for (const [groupIndex, group] of axis.groups.entries()) {
			const groupPath = `${axisPath}.groups[${groupIndex}]`;
			if (!isPlainObject(group) || !isIdentifier(group.id)) {
				return `${groupPath}.id must be a non-empty string`;
			}
			if (!Array.isArray(group.terms)) {
				return `${groupPath}.terms must be an array`;
			}
			for (const [termIndex, term] of group.terms.entries()) {
				const termPath = `${groupPath}.terms[${termIndex}]`;
				if (!isPlainObject(term)) {
					return `${termPath} must be an object with "forms"`;
				}
				if (!isStringArray(term.forms) || term.forms.length === 0) {
					return `${termPath}.forms must be a non-empty array of strings`;
				}
				const emptyForm = term.forms.find((form) => normalizeForm(form) === '');
				if (emptyForm !== undefined) {
					return `${termPath}.forms contains a form with no letters or digits (${JSON.stringify(emptyForm)})`;
				}
				if (term.ambiguous !== undefined && typeof term.ambiguous !== 'boolean' && term.ambiguous !== 'always') {
					return `${termPath}.ambiguous must be true, false or "always"`;
				}
				if (term.slot !== undefined && typeof term.slot !== 'string') {
					return `${termPath}.slot must be a string`;
				}
			}
		}
	}
	return undefined;
}

/** Merges `user` into `base`: axes and groups with the same id are joined, new ones appended, word lists united. */
export function mergeLexicons(base: Lexicon, user: UserLexicon): Lexicon {
	const axes = base.axes.map((axis) => ({ ...axis, groups: axis.groups.map((group) => ({ ...group, terms: [...group.terms] })) }));
	for (const userAxis of user.axes ?? []) {
		let axis = axes.find((candidate) => candidate.id === userAxis.id);
		if (axis === undefined) {
			axis = { id: userAxis.id, description: userAxis.description, groups: [] };
			axes.push(axis);
		}
		for (const userGroup of userAxis.groups) {
			const group = axis.groups.find((candidate) => candidate.id === userGroup.id);
			if (group === undefined) {
				axis.groups.push({ id: userGroup.id, terms: [...userGroup.terms] });
			} else {
				group.terms.push(...userGroup.terms);
			}
		}
	}
	return {
		name: base.name,
		axes,
		personNouns: unique([...base.personNouns, ...(user.personNouns ?? [])]),
		nonIdentityPhrases: unique([...base.nonIdentityPhrases, ...(user.nonIdentityPhrases ?? [])]),
	};
}

/**
 * Lower-cases a form and joins its words with single spaces, treating hyphens like spaces, so that "African-American" and
 * "african  american" are the same form.
 */
export function normalizeForm(form: string): string {
	return splitWords(form).join(' ');
}

/** The lower-cased words (runs of letters, digits and combining marks, as the matcher splits text) of a form. */
export function splitWords(form: string): string[] {
	return form.toLowerCase().match(/[\p{L}\p{N}\p{M}]+/gu) ?? [];
}

function replacementLexicon(user: UserLexicon): Lexicon {
	return {
		name: user.name,
		axes: user.axes ?? [],
		personNouns: user.personNouns ?? [],
		nonIdentityPhrases: user.nonIdentityPhrases ?? [],
	};
}

function withoutForms(lexicon: Lexicon, excluded: Set<string>): Lexicon {
	const axes = lexicon.axes.map((axis) => ({
		...axis,
		groups: axis.groups.map((group) => ({
			...group,
			terms: group.terms
				.map((term) => ({ ...term, forms: term.forms.filter((form) => !excluded.has(normalizeForm(form))) }))
				.filter((term) => term.forms.length > 0),
		})),
	}));
	return { ...lexicon, axes };
}

function unique(values: string[]): string[] {
	return [...new Set(values)];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
	return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function isIdentifier(value: unknown): value is string {
	return typeof value === 'string' && value.trim() !== '';
}
