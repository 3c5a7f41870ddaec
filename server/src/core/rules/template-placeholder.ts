import type { LineFindingDraft, RecordRule } from '../rule';

/**
 * Unfilled template slots: `{{name}}` (Jinja/Mustache), `{name}` (Python str.format), `<PLACEHOLDER>` and
 * `[INSERT NAME]`. The patterns are linear (no nested quantifiers), so adversarial lines cannot make them backtrack.
 * JSON syntax never matches: an object key always starts with a quote. A `$` before the braces marks an
 * interpolation in code (`${name}` in a shell or JavaScript, `${{ secrets.TOKEN }}` in GitHub Actions), not a slot.
 */
const PATTERNS: ReadonlyArray<{ kind: string; regex: RegExp }> = [
	{ kind: 'double-brace', regex: /(?<!\$)\{\{\s?[A-Za-z_][\w.]{0,40}\s?\}\}/g },
	{ kind: 'single-brace', regex: /(?<![{\\\w$])\{[A-Za-z_]\w{0,40}\}(?!\})/g },
	{ kind: 'angle', regex: /<[A-Z][A-Z0-9_]{2,40}>/g },
	{ kind: 'bracket', regex: /\[(?:INSERT|YOUR|ADD|FILL)[ _][A-Z0-9 _]{1,40}\]/g },
];

/**
 * Single braces are also Python f-strings, str.format calls and LaTeX groups; in a record that shows code, the
 * single-brace pattern is skipped rather than flooding code examples with false findings.
 */
const CODE_HINTS = /```|\bf\\?["']|\.format\(|print\(|\\\\(?:begin|frac|text)|\$\$?\\/;

/**
 * A cheap first pass that every placeholder passes: a `{` followed (after at most one space or brace) by a letter or
 * underscore, a `<` followed by a capital, or a `[` followed by a capital. Most lines pass none and skip the patterns
 * above; JSON's own braces are followed by quotes.
 */
function hasCandidate(line: string): boolean {
	for (let index = line.indexOf('{'); index !== -1; index = line.indexOf('{', index + 1)) {
		let next = line.charCodeAt(index + 1);
		if (next === 0x20 || next === 0x7b) {
			next = line.charCodeAt(index + 2);
		}
		if (isWordStart(next)) {
			return true;
		}
	}
	return hasCapitalAfter(line, '<') || hasCapitalAfter(line, '[');
}

function isWordStart(code: number): boolean {
	return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x5f;
}

function hasCapitalAfter(line: string, opener: string): boolean {
	for (let index = line.indexOf(opener); index !== -1; index = line.indexOf(opener, index + 1)) {
		const next = line.charCodeAt(index + 1);
		if (next >= 0x41 && next <= 0x5a) {
			return true;
		}
	}
	return false;
}

/** Words in angle brackets that are markup or special tokens, not placeholders. */
const NOT_PLACEHOLDERS = new Set(['<EOS>', '<BOS>', '<PAD>', '<UNK>', '<SEP>', '<CLS>', '<MASK>', '<HTML>', '<BODY>', '<HEAD>', '<DIV>']);

export const templatePlaceholder: RecordRule = {
	kind: 'record',
	id: 'template-placeholder',
	category: 'format',
	description: 'An unfilled template placeholder such as {{name}}, {name} or <PLACEHOLDER>: the model would learn to say it literally.',
	defaultSeverity: 'warning',
	check({ parsed, record }) {
		if (record === undefined) {
			return [];
		}
		const findings: LineFindingDraft[] = [];
		const line = parsed.text;
		if (!hasCandidate(line)) {
			return [];
		}
		const looksLikeCode = CODE_HINTS.test(line);
		for (const { kind, regex } of PATTERNS) {
			if (kind === 'single-brace' && looksLikeCode) {
				continue;
			}
			for (const match of line.matchAll(regex)) {
				const text = match[0];
				if (NOT_PLACEHOLDERS.has(text) || (kind === 'single-brace' && /^\{(true|false|null)\}$/.test(text))) {
					continue;
				}
				const column = match.index ?? 0;
				findings.push({
					message: `Unfilled template placeholder ${text}: fill it in before training, or the model learns to say it literally.`,
					column,
					endColumn: column + text.length,
					data: { placeholder: text, kind },
				});
				if (findings.length >= 20) {
					return findings;
				}
			}
		}
		return findings;
	},
};
