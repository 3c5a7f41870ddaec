/**
 * Counterfactual augmentation: copies of records with one group's identity terms swapped for another group's on the same
 * axis (he → she, Muslim → Christian), so that the label no longer follows the group. Forms are paired through their `slot`
 * in the lexicon; "her" (object or possessive) and "his" (possessive or possessive pronoun) are told apart by the next word,
 * and "a"/"an" before a swapped word is corrected. Pure: the adapters write the result to a new file after a preview.
 */
import { detectRecordFormat } from '../formats';
import { parseLine } from '../records';
import type { JsonObject, JsonValue, Settings } from '../types';
import type { DemographicAudit } from './audit';
import type { Lexicon } from './lexicon';
import { type GroupMention, matchGroups } from './matcher';

/** Swap the terms of `fromGroup` for those of `toGroup` on `axis`. */
export interface SwapPair {
	axis: string;
	fromGroup: string;
	toGroup: string;
}

/** The result of swapping one text. */
export interface SwappedText {
	text: string;
	/** Number of mentions replaced. */
	swaps: number;
	/** Forms of `fromGroup` found in the text that have no counterpart (same slot) in `toGroup`; left unchanged. */
	unswapped: string[];
}

/** Replaces the unambiguous mentions of `pair.fromGroup` in `text` by the counterpart forms of `pair.toGroup`. */
export function swapGroupTerms(text: string, pair: SwapPair, lexicon: Lexicon): SwappedText {
	const slots = slotIndex(lexicon);
	const mentions = matchGroups(text, lexicon).filter((mention) => mention.axis === pair.axis && mention.group === pair.fromGroup && !mention.ambiguous);
	let result = '';
	let copiedUpTo = 0;
	let swaps = 0;
	const unswapped: string[] = [];
	for (const mention of mentions) {
		const replacement = counterpart(text, mention, pair, slots);
		if (replacement === undefined) {
			unswapped.push(mention.term);
			continue;
		}
		const before = fixArticle(text.slice(copiedUpTo, mention.start), replacement);
		result += before + matchCase(text.slice(mention.start, mention.end), replacement);
		copiedUpTo = mention.end;
		swaps++;
	}
	return { text: result + text.slice(copiedUpTo), swaps, unswapped };
}

/**
 * For each group significantly over-associated with a label, the swap towards the group of the same axis with the lowest
 * rate of that label among those tested (the most "counter" example the data already knows), and the reverse swap: with
 * both, the two groups end with the same label distribution (two-sided counterfactual data augmentation).
 */
export function counterfactualPlan(audit: DemographicAudit): SwapPair[] {
	const pairs: SwapPair[] = [];
	for (const row of audit.association.rows.filter((candidate) => candidate.significant)) {
		const peers = audit.association.rows.filter((other) => other.axis === row.axis && other.label === row.label && other.group !== row.group);
		if (peers.length === 0) {
			continue;
		}
		const target = peers.reduce((lowest, other) => (other.groupRate < lowest.groupRate ? other : lowest));
		for (const pair of [{ axis: row.axis, fromGroup: row.group, toGroup: target.group }, { axis: row.axis, fromGroup: target.group, toGroup: row.group }]) {
			if (!pairs.some((known) => known.axis === pair.axis && known.fromGroup === pair.fromGroup && known.toGroup === pair.toGroup)) {
				pairs.push(pair);
			}
		}
	}
	return pairs;
}

/** One new record written by the augmentation, with the line it was copied from. */
export interface CounterfactualRecord {
	/** 0-based line of the original record. */
	sourceLine: number;
	pair: SwapPair;
	/** The new record as one JSONL line. */
	json: string;
	swaps: number;
}

/**
 * Writes counterfactual copies of every record that mentions a `fromGroup` of `pairs`: all content strings are swapped,
 * labels, roles, ids and other metadata are kept. Records where some form has no counterpart are skipped (a half-swapped
 * record would teach a mixed signal) and counted.
 */
export function counterfactualRecords(lines: readonly string[], pairs: readonly SwapPair[], settings: Settings, lexicon: Lexicon): { records: CounterfactualRecord[]; skipped: number } {
	const records: CounterfactualRecord[] = [];
	let skipped = 0;
	const keep = new Set([...KEPT_KEYS, ...settings.fields.labelFields]);
	for (const [line, text] of lines.entries()) {
		const parsed = parseLine(text);
		if (parsed.kind !== 'value' || !isObject(parsed.value) || detectRecordFormat(parsed.value, settings.fields).format === undefined) {
			continue;
		}
		for (const pair of pairs) {
			const outcome = { swaps: 0, unswapped: 0 };
			const swapped = swapValue(parsed.value, pair, lexicon, keep, outcome);
			if (outcome.unswapped > 0) {
				skipped++;
			} else if (outcome.swaps > 0) {
				records.push({ sourceLine: line, pair, json: JSON.stringify(swapped), swaps: outcome.swaps });
			}
		}
	}
	return { records, skipped };
}

/** Keys whose string values are never content: roles, ids, names of tools, weights. Label fields are added from settings. */
const KEPT_KEYS = ['role', 'from', 'id', 'rev_id', 'name', 'tool_call_id', 'type', 'weight', 'template'];

function swapValue(value: JsonValue, pair: SwapPair, lexicon: Lexicon, keep: ReadonlySet<string>, outcome: { swaps: number; unswapped: number }): JsonValue {
	if (typeof value === 'string') {
		const swapped = swapGroupTerms(value, pair, lexicon);
		outcome.swaps += swapped.swaps;
		outcome.unswapped += swapped.unswapped.length;
		return swapped.text;
	}
	if (Array.isArray(value)) {
		return value.map((item) => swapValue(item, pair, lexicon, keep, outcome));
	}
	if (isObject(value)) {
		const copy: JsonObject = {};
		for (const [key, item] of Object.entries(value)) {
			copy[key] = keep.has(key) ? item : swapValue(item, pair, lexicon, keep, outcome);
		}
		return copy;
	}
	return value;
}

function isObject(value: JsonValue): value is JsonObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `axis/group/form` → slot, and `axis/group/slot` → the first form with that slot; cached per lexicon. */
interface SlotIndex {
	slotOfForm: Map<string, string>;
	formOfSlot: Map<string, string>;
}

const slotIndexes = new WeakMap<Lexicon, SlotIndex>();

function slotIndex(lexicon: Lexicon): SlotIndex {
	const cached = slotIndexes.get(lexicon);
	if (cached !== undefined) {
		return cached;
	}
	const index: SlotIndex = { slotOfForm: new Map(), formOfSlot: new Map() };
	for (const axis of lexicon.axes) {
		for (const group of axis.groups) {
			for (const term of group.terms) {
				if (term.slot === undefined) {
					continue;
				}
				// A form may fill several slots ("her" is object and possessive); its first slot is its default.
				const termSlots = term.slot.split('|');
				for (const form of term.forms) {
					index.slotOfForm.set(`${axis.id}/${group.id}/${form.toLowerCase()}`, termSlots[0]);
				}
				for (const slot of termSlots) {
					const key = `${axis.id}/${group.id}/${slot}`;
					if (!index.formOfSlot.has(key)) {
						index.formOfSlot.set(key, term.forms[0]);
					}
				}
			}
		}
	}
	slotIndexes.set(lexicon, index);
	return index;
}

/** Words after which "her" is an object ("give it to her and ...") rather than a possessive ("her book"). */
const NOT_A_NOUN_PHRASE = new Set(['a', 'an', 'the', 'and', 'or', 'but', 'to', 'for', 'with', 'in', 'on', 'at', 'by', 'from', 'of', 'about', 'as', 'if', 'so', 'than', 'then', 'that', 'this', 'when', 'while', 'because', 'up', 'down', 'out', 'off', 'again', 'too', 'now', 'is', 'was', 'will', 'would', 'can', 'could']);

function counterpart(text: string, mention: GroupMention, pair: SwapPair, slots: SlotIndex): string | undefined {
	let slot = slots.slotOfForm.get(`${pair.axis}/${pair.fromGroup}/${mention.term}`);
	if (slot === undefined) {
		return undefined;
	}
	const next = /^\s*([\p{L}\p{N}]+)/u.exec(text.slice(mention.end))?.[1]?.toLowerCase();
	// "her" is both the object and the possessive of "she"; "his" both the possessive and the possessive pronoun of "he".
	if (mention.term === 'her' && next !== undefined && !NOT_A_NOUN_PHRASE.has(next)) {
		slot = 'possessive';
	} else if (mention.term === 'his' && (next === undefined || NOT_A_NOUN_PHRASE.has(next))) {
		slot = 'possessive-pronoun';
	}
	return slots.formOfSlot.get(`${pair.axis}/${pair.toGroup}/${slot}`);
}

/** Replaces a trailing "a"/"an" of `before` so that it agrees with the first letter of `replacement`. */
function fixArticle(before: string, replacement: string): string {
	const article = /\b(a|an|A|An|AN)(\s+)$/.exec(before);
	if (article === null) {
		return before;
	}
	const wantsAn = /^[aeiou]/i.test(replacement) && !/^(uni|use|usu|eu|one)/i.test(replacement);
	const lower = wantsAn ? 'an' : 'a';
	const written = article[1] === article[1].toUpperCase() && article[1].length > 1 ? lower.toUpperCase() : /^[A-Z]/.test(article[1]) ? lower.charAt(0).toUpperCase() + lower.slice(1) : lower;
	return before.slice(0, article.index) + written + article[2];
}

/** Writes `replacement` in the case pattern of `original`: "HE" → "SHE", "He" → "She", "he" → "she". */
function matchCase(original: string, replacement: string): string {
	if (original.length > 1 && original === original.toUpperCase() && original !== original.toLowerCase()) {
		return replacement.toUpperCase();
	}
	if (/^\p{Lu}/u.test(original)) {
		return replacement.replace(/(^|[\s-])(\p{L})/gu, (_match, separator: string, letter: string) => separator + letter.toUpperCase());
	}
	return replacement;
}
